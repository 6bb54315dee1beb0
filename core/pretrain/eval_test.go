package pretrain

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"textlab/core/decoder"
	"textlab/core/sample"
	"textlab/core/train"
)

// The decoder's held-out loss is the loss the run measured on the same
// windows (Evaluate, batched through core/train), the model beats the
// unigram baseline, and the samples are reproducible.
func TestEvaluateDecoder(t *testing.T) {
	f := getFixture(t, Decoder)
	ck := f.open(t)
	m, err := ck.Decoder()
	if err != nil {
		t.Fatal(err)
	}
	opt := EvalOptions{Windows: f.cfg.EvalWindows, Prompts: []string{"the old cat", "rain fell"}, SampleSteps: 20}
	ev, err := EvaluateDecoder(context.Background(), m, f.llama, f.train, f.valid, f.cfg, opt)
	if err != nil {
		t.Fatal(err)
	}
	last := ck.State.Evals[len(ck.State.Evals)-1]
	t.Logf("loss %.4f (run: %.4f), perplexity %.2f; unigram %.2f, bigram %.2f", ev.Loss, last.Loss, ev.Perplexity, ev.Unigram.Perplexity, ev.Bigram.Perplexity)
	if ev.Windows != 16 || ev.Tokens != 16*(f.cfg.SeqLen-1) {
		t.Errorf("%d windows, %d tokens", ev.Windows, ev.Tokens)
	}
	if math.Abs(ev.Loss-last.Loss) > 1e-4 {
		t.Errorf("held-out loss %.6f, the run measured %.6f", ev.Loss, last.Loss)
	}
	if !(ev.Perplexity < ev.Unigram.Perplexity && ev.Bigram.Perplexity < ev.Unigram.Perplexity) {
		t.Errorf("perplexity %.2f, unigram %.2f, bigram %.2f: want the unigram worst", ev.Perplexity, ev.Unigram.Perplexity, ev.Bigram.Perplexity)
	}
	if len(ev.Samples) != 2*3 {
		t.Fatalf("%d samples, want 2 prompts × 3 temperatures", len(ev.Samples))
	}
	// Greedy is the argmax continuation.
	enc, _ := f.llama.Encode("the old cat", true)
	greedy, err := decoder.Generate(context.Background(), m, enc.IDs, 20, sample.New(sample.Config{}).Sample, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s := ev.Samples[0]; s.Temperature != 0 || s.Text != f.llama.Decode(greedy) || !strings.HasPrefix(s.Text, "the old cat") {
		t.Errorf("greedy sample %+v, want %q", s, f.llama.Decode(greedy))
	}
	again, err := EvaluateDecoder(context.Background(), m, f.llama, f.train, f.valid, f.cfg, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ev.Samples, again.Samples) {
		t.Errorf("samples differ between two runs with the same seed")
	}
	for _, s := range ev.Samples {
		t.Logf("T=%.1f: %q", s.Temperature, s.Text)
	}
}

// The encoder's evaluation masks 15% of the stream tokens of each window
// and scores them as core/train's loss does (the same masked batch through
// the training model); its baseline guesses the training stream's most
// frequent tokens. (The tiny fixture is still at the unigram stage, so its
// accuracy is about the baseline's.)
func TestEvaluateEncoder(t *testing.T) {
	f := getFixture(t, Encoder)
	ck := f.open(t)
	m, err := ck.Encoder()
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	opt := EvalOptions{Seed: 3, Sentences: []string{"the old [MASK] sat on the mat .", "[MASK] fell over the [MASK] all night ."},
		Progress: func(done, total int) { calls++ }}
	ev, err := EvaluateEncoder(context.Background(), m, f.wp, f.train, f.valid, f.cfg, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d windows, %d masked: top-1 %.3f top-5 %.3f (baseline %.3f %.3f, %v), loss %.3f", ev.Windows, ev.Masked,
		ev.Top1, ev.Top5, ev.BaselineTop1, ev.BaselineTop5, ev.Frequent, ev.Loss)
	vw := Windows{Stream: f.valid, Config: f.cfg}
	if ev.Windows != vw.Len() || calls != (vw.Len()+15)/16 {
		t.Errorf("%d windows of %d, %d progress calls", ev.Windows, vw.Len(), calls)
	}
	// The same masking as a training batch: the training model's loss.
	var seqs [][]int
	var targets []int
	base1, masked := 0, 0
	for i := range vw.Len() {
		ids := vw.Window(i)
		orig := maskWindow(ids, []int{0, 1, 2, 3, 4}, 4, 0.15, rand.New(rand.NewPCG(3, uint64(i))))
		seqs = append(seqs, ids)
		for pos := range ids {
			tg, ok := orig[pos]
			if !ok {
				tg = -1
			} else if f.wp.Token(tg) == ev.Frequent[0] {
				base1++
			}
			targets = append(targets, tg)
		}
		masked += len(orig)
	}
	b, err := train.NewBatch(seqs, 0)
	if err != nil {
		t.Fatal(err)
	}
	b.Targets = targets
	loss, err := ck.Model.Forward(b)
	if err != nil {
		t.Fatal(err)
	}
	if masked != ev.Masked || math.Abs(float64(loss)-ev.Loss) > 1e-4 || float64(base1)/float64(masked) != ev.BaselineTop1 {
		t.Errorf("masked %d, loss %.6f, baseline top-1 %.4f; the training model: masked %d, loss %.6f, baseline %.4f",
			ev.Masked, ev.Loss, ev.BaselineTop1, masked, loss, float64(base1)/float64(masked))
	}
	// 15% of the 30 stream tokens of each window.
	if ev.Masked < 4*ev.Windows || ev.Masked > 5*ev.Windows {
		t.Errorf("%d tokens masked in %d windows", ev.Masked, ev.Windows)
	}
	if ev.Frequent[0] != "the" || !(ev.Top5 >= ev.Top1 && ev.BaselineTop5 >= ev.BaselineTop1) || ev.Loss > math.Log(float64(f.cfg.Vocab)) {
		t.Errorf("%+v", ev)
	}
	if len(ev.Fill) != 2 || len(ev.Fill[0].Masks) != 1 || len(ev.Fill[1].Masks) != 2 || len(ev.Fill[1].Masks[1]) != 5 {
		t.Fatalf("fill-mask examples %+v", ev.Fill)
	}
	for _, ex := range ev.Fill {
		t.Logf("%s → %v", ex.Text, ex.Masks)
	}
	if _, err := EvaluateEncoder(context.Background(), m, f.wp, f.train, f.valid, f.cfg, EvalOptions{Sentences: []string{"no mask here"}}); err == nil {
		t.Errorf("a sentence without [MASK] was accepted")
	}
}

// The n-gram baselines are probability distributions, with the counts'
// values where they can be worked out by hand.
func TestNGrams(t *testing.T) {
	// Stream 1 5 6 5 6 5 7 over a vocabulary of 8.
	g := countNGrams(Stream{1, 5, 6, 5, 6, 5, 7}, 8)
	for _, tc := range []struct {
		name string
		got  float64
		want float64
	}{
		// (c(w)+1)/(N+V) = (3+1)/(7+8).
		{"unigram 5", g.unigram(5), 4.0 / 15},
		{"unigram 0 (never seen)", g.unigram(0), 1.0 / 15},
		// u=5: followed by 6, 6, 7: c(5)=3, T(5)=2; (c(5,6) + 2·P1(6))/(3+2).
		{"bigram 5→6", g.bigram(5, 6), (2 + 2*3.0/15) / 5},
		{"bigram 5→0", g.bigram(5, 0), (2 * 1.0 / 15) / 5},
		// 7 is never followed: the unigram.
		{"bigram 7→5", g.bigram(7, 5), 4.0 / 15},
	} {
		if math.Abs(tc.got-tc.want) > 1e-12 {
			t.Errorf("%s: %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	r := rand.New(rand.NewPCG(1, 1))
	s := make(Stream, 500)
	for i := range s {
		s[i] = uint16(r.IntN(30))
	}
	g = countNGrams(s, 40)
	var su float64
	for w := range 40 {
		su += g.unigram(w)
	}
	if math.Abs(su-1) > 1e-12 {
		t.Errorf("unigram sums to %v", su)
	}
	for u := range 40 {
		var sb float64
		for w := range 40 {
			sb += g.bigram(u, w)
		}
		if math.Abs(sb-1) > 1e-12 {
			t.Errorf("bigram after %d sums to %v", u, sb)
		}
	}
}

// maskWindow masks 15% of the non-special tokens, never a special one.
func TestMaskWindow(t *testing.T) {
	special := []int{0, 1, 2, 3, 4}
	for _, tc := range []struct {
		ids  []int
		want int
	}{
		{[]int{2, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 3}, 3}, // 20 tokens
		{[]int{2, 10, 3}, 1},
		{[]int{2, 1, 3, 0}, 0},
	} {
		ids := slices.Clone(tc.ids)
		got := maskWindow(ids, special, 4, 0.15, rand.New(rand.NewPCG(1, 2)))
		if len(got) != tc.want {
			t.Errorf("%v: %d masked, want %d", tc.ids, len(got), tc.want)
		}
		for pos, orig := range got {
			if ids[pos] != 4 || orig != tc.ids[pos] || slices.Contains(special, orig) {
				t.Errorf("%v: position %d holds %d (was %d)", tc.ids, pos, ids[pos], orig)
			}
		}
	}
}
