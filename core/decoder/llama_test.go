package decoder_test

import (
	"context"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"textlab/core/decoder"
	"textlab/core/sample"
	"textlab/internal/reftest/runc"
)

func loadModel(t testing.TB) *decoder.Llama {
	t.Helper()
	return runc.Model(t)
}

func readNumbers(t testing.TB, name string) []float64 {
	t.Helper()
	data, err := os.ReadFile(runc.Path(t, name))
	if err != nil {
		t.Fatal(err)
	}
	var out []float64
	for _, f := range strings.Fields(string(data)) {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out = append(out, v)
	}
	return out
}

// TestForwardLogitsBOS compares the logits of BOS at position 0 with run.c's
// (logits_bos_pos0.txt, printed by run.c with %.6f on stories260K.bin).
func TestForwardLogitsBOS(t *testing.T) {
	m := loadModel(t)
	want := readNumbers(t, "logits_bos_pos0.txt")
	got := m.Forward(decoder.BOS, 0)
	if len(got) != len(want) {
		t.Fatalf("%d logits, reference has %d", len(got), len(want))
	}
	var maxDiff float64
	for i := range got {
		maxDiff = math.Max(maxDiff, math.Abs(float64(got[i])-want[i]))
	}
	t.Logf("max |logit - run.c| = %.3g", maxDiff)
	if maxDiff > 1e-5 {
		t.Errorf("max difference %.3g > 1e-5", maxDiff)
	}
}

// TestGenerateMatchesRunC reproduces run.c's generations on stories260K.bin
// (empty prompt, -n 256) token for token; the .ids files hold the ids
// run.c printed (see shared/reference/README.md). The top-p runs are the
// sensitive ones: when the distribution is almost flat, a one-ulp change in
// a logit reorders run.c's nucleus sort, so they agree only because expf,
// sinf and cosf come from libmf with glibc's exact bits (with Go's correctly
// rounded functions they agreed for 31 and 35 tokens).
func TestGenerateMatchesRunC(t *testing.T) {
	m := loadModel(t)
	for _, run := range runc.Runs {
		t.Run(run.File, func(t *testing.T) {
			want := runc.IDs(t, run.File)
			s := sample.NewRunC(run.Temperature, run.TopP, run.Seed)
			got, err := decoder.Generate(context.Background(), m, nil, runc.Steps, s.Sample, nil)
			if err != nil {
				t.Fatal(err)
			}
			same := 0
			for same < min(len(got), len(want)) && got[same] == want[same] {
				same++
			}
			t.Logf("%d of %d tokens agree with run.c", same, len(want))
			if same != len(want) || len(got) != len(want) {
				t.Errorf("generated %d tokens, run.c %d; first difference at token %d", len(got), len(want), same)
			}
		})
	}
}
