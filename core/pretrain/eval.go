package pretrain

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"textlab/core/bert"
	"textlab/core/decoder"
	"textlab/core/llama2c"
	"textlab/core/sample"
	"textlab/core/tokenize/wordpiece"
)

// EvalOptions set what EvaluateEncoder and EvaluateDecoder read and show.
// The zero value evaluates every held-out window, seed 1, with the default
// sentences, prompts and temperatures.
type EvalOptions struct {
	// Windows is the number of held-out windows read, from the first; 0
	// (or more than there are) means all.
	Windows int
	// Seed decides which tokens are masked (encoder) and the samples
	// (decoder); 0 means 1.
	Seed uint64
	// Sentences are the encoder's fill-mask examples, each with at least
	// one [MASK]; nil means DefaultSentences.
	Sentences []string
	// Prompts are the decoder's sample prompts; nil means DefaultPrompts.
	Prompts []string
	// Temperatures of the decoder's samples (0 is greedy); nil means 0,
	// 0.7 and 1.2.
	Temperatures []float64
	// SampleSteps is the positions of each sample, the prompt and its BOS
	// included, as run.c's -n; 0 means 48.
	SampleSteps int
	// Progress, if set, is told after each held-out window.
	Progress func(done, total int)
}

// DefaultSentences are the encoder card's fill-mask examples.
var DefaultSentences = []string{
	"the cat sat on the [MASK].",
	"she opened the [MASK] and walked in.",
	"a dog is a kind of [MASK].",
	"the president sent a [MASK] to congress.",
	"i would like a cup of [MASK], please.",
	"the [MASK] of the king was read in the church.",
}

// DefaultPrompts are the decoder card's sample prompts.
var DefaultPrompts = []string{
	"Once upon a time",
	"The meaning of the word",
	"The President said that",
	"In the beginning",
}

// defaultTemperatures are the decoder card's sampling temperatures.
var defaultTemperatures = []float64{0, 0.7, 1.2}

func (o *EvalOptions) defaults() {
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Sentences == nil {
		o.Sentences = DefaultSentences
	}
	if o.Prompts == nil {
		o.Prompts = DefaultPrompts
	}
	if o.Temperatures == nil {
		o.Temperatures = defaultTemperatures
	}
	if o.SampleSteps <= 0 {
		o.SampleSteps = 48
	}
}

// EncoderEval is an encoder's held-out evaluation for its model card.
type EncoderEval struct {
	Windows int // held-out windows read
	Masked  int // tokens masked and predicted
	// Top1 and Top5 are the shares of masked tokens that are the model's
	// most likely token, or among its five most likely.
	Top1, Top5 float64
	// Loss is the mean cross-entropy of the masked tokens, in nats.
	Loss float64
	// Frequent are the five most frequent tokens of the training stream
	// (special tokens left out), most frequent first; the baseline always
	// guesses them.
	Frequent []string
	// BaselineTop1 and BaselineTop5 are the baseline's accuracy: the
	// shares of masked tokens that are Frequent[0], or in Frequent.
	BaselineTop1, BaselineTop5 float64
	// MaskProb is the share of each window's non-special tokens masked,
	// and Seed the masking's seed.
	MaskProb float64
	Seed     uint64
	// Fill are the fill-mask examples.
	Fill []FillExample
}

// FillExample is one fill-mask example: a sentence and, for each of its
// [MASK] tokens, the model's five most likely tokens.
type FillExample struct {
	Text  string
	Masks [][]Guess
}

// Guess is one candidate token with its probability.
type Guess struct {
	Token string
	Prob  float64
}

// EvaluateEncoder measures m, the encoder of a run with cfg, on the first
// opt.Windows held-out windows of validData (as the run cuts them:
// [CLS], SeqLen-2 stream tokens, [SEP]). In each window cfg.MaskProb (0:
// 15%) of the non-special tokens, chosen by a generator seeded with
// opt.Seed and the window's index, are replaced by [MASK] (all of them:
// no 10% random or kept tokens, so every prediction is made blind), and m
// predicts them with its MLM head. The baseline always guesses the most
// frequent tokens of trainData. tok, the run's vocabulary, gives the
// tokens of the fill-mask examples (cut to the model's length; an example
// whose [MASK] is cut off is an error).
func EvaluateEncoder(ctx context.Context, m *bert.Model, tok *wordpiece.Tokenizer, trainData, validData Stream, cfg Config, opt EvalOptions) (*EncoderEval, error) {
	opt.defaults()
	if m.Head == nil {
		return nil, bert.ErrNoHead
	}
	if tok.VocabSize() != m.Config.VocabSize || cfg.Vocab != m.Config.VocabSize {
		return nil, fmt.Errorf("pretrain: vocabulary sizes differ: tokenizer %d, model %d, run %d", tok.VocabSize(), m.Config.VocabSize, cfg.Vocab)
	}
	sp := cfg.Special
	special := []int{sp.Pad, sp.Unk, sp.CLS, sp.SEP, sp.Mask}
	ev := &EncoderEval{MaskProb: cfg.MaskProb, Seed: opt.Seed}
	if ev.MaskProb == 0 {
		ev.MaskProb = 0.15
	}
	frequent := mostFrequent(trainData, cfg.Vocab, special, 5)
	for _, id := range frequent {
		ev.Frequent = append(ev.Frequent, tok.Token(id))
	}
	vw := Windows{Stream: validData, Config: cfg}
	n := vw.Len()
	if opt.Windows > 0 && opt.Windows < n {
		n = opt.Windows
	}
	if n == 0 {
		return nil, fmt.Errorf("pretrain: the held-out stream makes no window")
	}
	ev.Windows = n
	const batch = 16
	var loss float64
	var top1, top5, base1, base5 int
	for lo := 0; lo < n; lo += batch {
		hi := min(lo+batch, n)
		inputs := make([]bert.Input, hi-lo)
		targets := make([]map[int]int, hi-lo) // position → original token
		for i := range inputs {
			ids := vw.Window(lo + i)
			targets[i] = maskWindow(ids, special, sp.Mask, ev.MaskProb, rand.New(rand.NewPCG(opt.Seed, uint64(lo+i))))
			inputs[i] = bert.Input{IDs: ids}
		}
		rs, err := m.Encode(ctx, inputs, bert.Options{BatchSize: batch}, nil)
		if err != nil {
			return nil, err
		}
		for i, r := range rs {
			for _, pos := range sortedKeys(targets[i]) {
				want := targets[i][pos]
				logits, err := m.MLMLogits(r.Hidden[pos])
				if err != nil {
					return nil, err
				}
				lp := logSoftmax(logits)
				loss -= lp[want]
				above := 0
				for _, v := range logits {
					if v > logits[want] {
						above++
					}
				}
				top1 += b2i(above == 0)
				top5 += b2i(above < 5)
				base1 += b2i(len(frequent) > 0 && want == frequent[0])
				base5 += b2i(slices.Contains(frequent, want))
				ev.Masked++
			}
		}
		if opt.Progress != nil {
			opt.Progress(hi, n)
		}
	}
	if ev.Masked == 0 {
		return nil, fmt.Errorf("pretrain: no held-out token could be masked")
	}
	k := float64(ev.Masked)
	ev.Top1, ev.Top5, ev.Loss = float64(top1)/k, float64(top5)/k, loss/k
	ev.BaselineTop1, ev.BaselineTop5 = float64(base1)/k, float64(base5)/k
	maskID, ok := tok.ID("[MASK]")
	if !ok {
		return nil, fmt.Errorf("pretrain: the vocabulary has no [MASK]")
	}
	for _, s := range opt.Sentences {
		enc, err := tok.EncodeWith(s, wordpiece.EncodeOptions{MaxLength: m.Config.MaxPositionEmbeddings})
		if err != nil {
			return nil, fmt.Errorf("fill-mask example %q: %w", s, err)
		}
		preds, err := m.FillMask(ctx, bert.Input{IDs: enc.IDs}, maskID, 5)
		if err != nil {
			return nil, fmt.Errorf("fill-mask example %q: %w", s, err)
		}
		ex := FillExample{Text: s}
		for _, p := range preds {
			var gs []Guess
			for _, c := range p.Top {
				gs = append(gs, Guess{Token: tok.Token(c.ID), Prob: float64(c.Prob)})
			}
			ex.Masks = append(ex.Masks, gs)
		}
		ev.Fill = append(ev.Fill, ex)
	}
	return ev, nil
}

// maskWindow replaces round(prob·n) (at least one) of the n non-special
// tokens of ids by mask, chosen with r, and returns their positions with
// the tokens they held.
func maskWindow(ids, special []int, mask int, prob float64, r *rand.Rand) map[int]int {
	var choosable []int
	for pos, id := range ids {
		if !slices.Contains(special, id) {
			choosable = append(choosable, pos)
		}
	}
	if len(choosable) == 0 {
		return nil
	}
	k := max(1, int(math.Round(prob*float64(len(choosable)))))
	out := map[int]int{}
	for _, i := range r.Perm(len(choosable))[:k] {
		pos := choosable[i]
		out[pos] = ids[pos]
		ids[pos] = mask
	}
	return out
}

func sortedKeys(m map[int]int) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// mostFrequent returns the k most frequent ids of s that are not special
// (ties: the lower id first).
func mostFrequent(s Stream, vocab int, special []int, k int) []int {
	counts := make([]int, max(vocab, 1<<16))
	for _, id := range s {
		counts[id]++
	}
	ids := make([]int, 0, len(counts))
	for id, c := range counts {
		if c > 0 && !slices.Contains(special, id) {
			ids = append(ids, id)
		}
	}
	slices.SortStableFunc(ids, func(a, b int) int { return counts[b] - counts[a] })
	return ids[:min(k, len(ids))]
}

// logSoftmax returns log softmax(x) in float64.
func logSoftmax(x []float32) []float64 {
	mx := math.Inf(-1)
	for _, v := range x {
		mx = max(mx, float64(v))
	}
	var sum float64
	for _, v := range x {
		sum += math.Exp(float64(v) - mx)
	}
	lse := mx + math.Log(sum)
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v) - lse
	}
	return out
}

// DecoderEval is a decoder's held-out evaluation for its model card.
type DecoderEval struct {
	Windows int // held-out windows read
	Tokens  int // tokens predicted (SeqLen-1 per window)
	// Loss is the model's mean cross-entropy per predicted token, in
	// nats, and Perplexity its exponential.
	Loss, Perplexity float64
	// Unigram and Bigram are the n-gram baselines, trained on the
	// training stream and scored on the same predictions.
	Unigram, Bigram NGramScore
	// Samples are continuations of the prompts at each temperature, of
	// SampleSteps positions each (the prompt's included).
	Samples     []Sample
	SampleSteps int
}

// NGramScore is a baseline's held-out mean cross-entropy (nats) and
// perplexity, with a sentence on how it was estimated.
type NGramScore struct {
	Loss, Perplexity float64
	Method           string
}

// Sample is one generated continuation.
type Sample struct {
	Prompt      string
	Temperature float64 // 0 is greedy
	Seed        uint64
	Text        string // the prompt and its continuation, decoded (invalid UTF-8 as U+FFFD)
}

// EvaluateDecoder measures m, the decoder of a run with cfg, on the first
// opt.Windows held-out windows of validData (SeqLen consecutive tokens
// each, as the run cuts them): the cross-entropy of every token after the
// first given the ones before it in its window. Two baselines predict the
// same tokens: a unigram model with add-one smoothing, and a bigram model
// interpolated with that unigram by Witten-Bell smoothing (no parameter
// to tune), both counted on trainData. Then it samples each prompt at
// each temperature with core/sample's teaching sampler (temperature only,
// seeded with opt.Seed), tokenized by tok with BOS first.
func EvaluateDecoder(ctx context.Context, m decoder.Model, tok *llama2c.Tokenizer, trainData, validData Stream, cfg Config, opt EvalOptions) (*DecoderEval, error) {
	opt.defaults()
	V := cfg.Vocab
	if tok.VocabSize() != V || m.VocabSize() != V {
		return nil, fmt.Errorf("pretrain: vocabulary sizes differ: tokenizer %d, model %d, run %d", tok.VocabSize(), m.VocabSize(), V)
	}
	if len(trainData) < 2 {
		return nil, fmt.Errorf("pretrain: the training stream has %d tokens", len(trainData))
	}
	ng := countNGrams(trainData, V)
	vw := Windows{Stream: validData, Config: cfg}
	n := vw.Len()
	if opt.Windows > 0 && opt.Windows < n {
		n = opt.Windows
	}
	if n == 0 {
		return nil, fmt.Errorf("pretrain: the held-out stream makes no window")
	}
	if m.SeqLen() < cfg.SeqLen {
		return nil, fmt.Errorf("pretrain: the model runs %d positions, the windows have %d", m.SeqLen(), cfg.SeqLen)
	}
	ev := &DecoderEval{Windows: n, SampleSteps: opt.SampleSteps}
	var loss, uni, bi float64
	for w := range n {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ids := vw.Window(w)
		m.Reset()
		for pos := 0; pos+1 < len(ids); pos++ {
			for _, id := range ids[pos : pos+2] {
				if id < 0 || id >= V {
					return nil, fmt.Errorf("pretrain: held-out window %d: token %d outside the vocabulary", w, id)
				}
			}
			logits := m.Forward(ids[pos], pos)
			next := ids[pos+1]
			loss -= logSoftmax(logits)[next]
			uni -= math.Log(ng.unigram(next))
			bi -= math.Log(ng.bigram(ids[pos], next))
			ev.Tokens++
		}
		if opt.Progress != nil {
			opt.Progress(w+1, n)
		}
	}
	k := float64(ev.Tokens)
	ev.Loss, ev.Perplexity = loss/k, math.Exp(loss/k)
	ev.Unigram = NGramScore{uni / k, math.Exp(uni / k), "unigram, add-one (Laplace) smoothing over the vocabulary"}
	ev.Bigram = NGramScore{bi / k, math.Exp(bi / k), "bigram interpolated with the add-one unigram by Witten-Bell smoothing"}
	for _, p := range opt.Prompts {
		enc, err := tok.Encode(p, true)
		if err != nil {
			return nil, fmt.Errorf("prompt %q: %w", p, err)
		}
		for _, temp := range opt.Temperatures {
			s := sample.New(sample.Config{Temperature: temp, Seed: opt.Seed})
			out, err := decoder.Generate(ctx, m, enc.IDs, opt.SampleSteps, s.Sample, nil)
			if err != nil {
				return nil, fmt.Errorf("prompt %q: %w", p, err)
			}
			ev.Samples = append(ev.Samples, Sample{Prompt: p, Temperature: temp, Seed: opt.Seed, Text: strings.ToValidUTF8(tok.Decode(out), "\uFFFD")})
		}
	}
	return ev, nil
}

// ngrams holds the unigram and bigram counts of a training stream.
type ngrams struct {
	vocab   int
	total   int         // tokens
	uni     []int       // count of each token
	hist    []int       // times each token is followed by another (its bigrams)
	types   []int       // distinct tokens following each token
	bigrams map[int]int // count of each pair, keyed u·vocab + w
}

func countNGrams(s Stream, vocab int) *ngrams {
	g := &ngrams{vocab: vocab, total: len(s), uni: make([]int, vocab), hist: make([]int, vocab), types: make([]int, vocab), bigrams: map[int]int{}}
	for i, id := range s {
		if int(id) < vocab {
			g.uni[id]++
		}
		if i+1 < len(s) && int(id) < vocab && int(s[i+1]) < vocab {
			key := int(id)*vocab + int(s[i+1])
			if g.bigrams[key] == 0 {
				g.types[id]++
			}
			g.bigrams[key]++
			g.hist[id]++
		}
	}
	return g
}

// unigram is the add-one estimate (c(w)+1)/(N+V).
func (g *ngrams) unigram(w int) float64 {
	return float64(g.uni[w]+1) / float64(g.total+g.vocab)
}

// bigram is the Witten-Bell estimate
// (c(u,w) + T(u)·P₁(w)) / (c(u) + T(u)), where c(u) counts the bigrams
// starting with u and T(u) their distinct successors; P₁ when u was never
// followed by anything.
func (g *ngrams) bigram(u, w int) float64 {
	if g.hist[u] == 0 {
		return g.unigram(w)
	}
	t := float64(g.types[u])
	return (float64(g.bigrams[u*g.vocab+w]) + t*g.unigram(w)) / (float64(g.hist[u]) + t)
}
