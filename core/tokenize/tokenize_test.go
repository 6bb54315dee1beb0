package tokenize

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestEncodeAll(t *testing.T) {
	// encode gives each text one token, its length; "bad" fails.
	encode := func(text string) (Encoding, error) {
		if text == "bad" {
			return Encoding{}, errors.New("cannot encode")
		}
		return Encoding{IDs: []int{len(text)}, Tokens: []string{text}, Spans: []Span{{0, len(text)}}}, nil
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name    string
		ctx     context.Context
		texts   []string
		wantIDs []int
		wantErr string
	}{
		{"in order", context.Background(), []string{"a", "abc", "ab"}, []int{1, 3, 2}, ""},
		{"none", context.Background(), nil, nil, ""},
		{"error names the text", context.Background(), []string{"a", "bad"}, nil, "text 2: cannot encode"},
		{"cancelled", cancelled, []string{"a"}, nil, context.Canceled.Error()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var fractions []float64
			encs, err := EncodeAll(tc.ctx, tc.texts, encode, func(f float64, _ string) { fractions = append(fractions, f) })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(encs) != len(tc.wantIDs) {
				t.Fatalf("%d encodings, want %d", len(encs), len(tc.wantIDs))
			}
			for i, e := range encs {
				if e.IDs[0] != tc.wantIDs[i] {
					t.Errorf("encoding %d: id %d, want %d", i, e.IDs[0], tc.wantIDs[i])
				}
			}
			if n := len(fractions); n != len(tc.texts)+1 || fractions[n-1] != 1 {
				t.Errorf("progress %v, want one call per text then 1", fractions)
			}
		})
	}
}
