package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"textlab/core/bert"
)

func TestFillCommand(t *testing.T) {
	dir, m := writeBERTDir(t, false)
	// "the [MASK] sat on the [MASK]" → [CLS] the [MASK] sat on the [MASK] [SEP]
	ids := []int{2, 5, 4, 7, 8, 5, 4, 3}
	want, err := m.FillMask(context.Background(), bert.Input{IDs: ids}, 4, 5)
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := run([]string{"fill", "--model", dir, "--text", "the [MASK] sat on the [MASK]", "--json"}, nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var got []fillMask
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Position != 2 || got[1].Position != 6 {
		t.Fatalf("masks %+v", got)
	}
	for i := range got {
		if len(got[i].Top) != 5 {
			t.Fatalf("mask %d: %d candidates", i, len(got[i].Top))
		}
		for j, c := range got[i].Top {
			w := want[i].Top[j]
			if c.ID != w.ID || c.Token != bertTestVocab[w.ID] || math.Abs(float64(c.Prob-w.Prob)) > 1e-6 {
				t.Errorf("mask %d candidate %d: %+v, want %+v", i, j, c, w)
			}
		}
	}

	// Text output lists the same top token first.
	out.Reset()
	if code := run([]string{"fill", "--model", dir, "--text", "the [MASK] sat on the [MASK]"}, nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	first := fmt.Sprintf("[MASK] at token 2:\n  %-16s %.4f\n", bertTestVocab[want[0].Top[0].ID], want[0].Top[0].Prob)
	if !strings.HasPrefix(out.String(), first) {
		t.Errorf("text output %q, want it to start with %q", out.String(), first)
	}

	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--model", dir, "--text", "no mask here"}, 1, "no [MASK] token"},
		{[]string{"--model", dir}, 2, "--model and --text are required"},
		{[]string{"--model", dir, "--text", "[MASK]", "--top", "0"}, 2, "--top 0"},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		if code := run(append([]string{"fill"}, tt.args...), nil, &out, &errb); code != tt.code || !strings.Contains(errb.String(), tt.want) {
			t.Errorf("fill %v: exit %d, stderr %q; want %d, %q", tt.args, code, errb.String(), tt.code, tt.want)
		}
	}
}
