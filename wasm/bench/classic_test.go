package bench

import (
	"fmt"
	"strings"
	"testing"
)

func TestBenchClassic(t *testing.T) {
	var csv strings.Builder
	csv.WriteString("text,label\n")
	for i := 0; i < 50; i++ {
		fmt.Fprintf(&csv, "cheap pills offer %d,spam\nmeeting notes agenda %d,ham\n", i, i)
	}
	for _, model := range []string{"logreg", "nb", "svm"} {
		m := benchCall(t, "bench.classic", map[string]any{"model": model, "features": "tfidf", "repeats": 3}, []byte(csv.String()))
		if m.Type != "result" {
			t.Fatalf("%s: got %+v", model, m)
		}
		r := m.Result.(BenchClassicResult)
		if r.Train != 80 || r.Test != 20 || len(r.FitSeconds) != 3 || !(r.Median > 0) || r.Accuracy != 1 {
			t.Errorf("%s: %+v", model, r)
		}
	}
	for _, tc := range []struct {
		payload map[string]any
		data    string
		want    string
	}{
		{map[string]any{}, "", "no data"},
		{map[string]any{"repeats": 100}, csv.String(), "repeats"},
		{map[string]any{}, "text,label\na b,x\n", "one class"},
		{map[string]any{"model": "gpt"}, csv.String(), "gpt"},
	} {
		m := benchCall(t, "bench.classic", tc.payload, []byte(tc.data))
		if m.Type != "error" || !strings.Contains(m.Error.Message, tc.want) {
			t.Errorf("%v: got %+v, want an error about %q", tc.payload, m, tc.want)
		}
	}
}
