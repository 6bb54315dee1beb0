package sample

import (
	"math"
	"sort"

	"textlab/core/tensor"
)

// Config sets the teaching sampler's filters. The zero value is greedy
// decoding.
type Config struct {
	// Temperature divides the logits before the softmax: below 1 sharpens
	// the distribution, above 1 flattens it. 0 (the default) means greedy:
	// always the most likely token (the first one on ties), no randomness.
	Temperature float64
	// TopK keeps only the K most likely tokens. 0 (the default) keeps all.
	TopK int
	// TopP keeps the smallest set of most likely tokens whose probability
	// adds up to at least TopP. 0 (the default) or ≥ 1 keeps all.
	TopP float64
	// Seed seeds the random generator (run.c's xorshift64*). 0 is
	// replaced by 1, since xorshift never leaves the state 0.
	Seed uint64
}

// Sampler is the teaching sampler. Filters apply in this order:
// temperature (softmax of logits/T), top-k, top-p, renormalise, draw. The
// draw takes one number u from the generator and returns the first token,
// in id order, whose cumulative renormalised probability exceeds u.
type Sampler struct {
	cfg Config
	rng RNG
}

// New returns a sampler with cfg.
func New(cfg Config) *Sampler {
	seed := cfg.Seed
	if seed == 0 {
		seed = 1
	}
	return &Sampler{cfg: cfg, rng: RNG{state: seed}}
}

// Stage is the distribution after one step of sampling.
type Stage struct {
	Name  string    // "softmax", "top-k", "top-p", "renormalised" or "greedy"
	Probs []float32 // the probability of every token id (0 for filtered-out ids)
	Kept  []int     // ids with non-zero probability, most likely first (ties: lower id first)
}

// Step is one sampling decision, with everything needed to draw it.
type Step struct {
	Stages []Stage // in the order applied; the first is the softmax at the sampler's temperature (1 when greedy)
	Coin   float32 // the random number drawn (0 when greedy)
	Chosen int     // the token id picked
}

// Sample returns the next token id for logits.
func (s *Sampler) Sample(logits []float32) int { return s.Step(logits).Chosen }

// Step runs the filters on logits (left unchanged) and draws a token,
// recording each stage. Empty logits give Chosen == -1.
func (s *Sampler) Step(logits []float32) Step {
	if len(logits) == 0 {
		return Step{Chosen: -1}
	}
	t := s.cfg.Temperature
	if t <= 0 {
		t = 1
	}
	probs := make([]float32, len(logits))
	for i, v := range logits {
		probs[i] = float32(float64(v) / t)
	}
	tensor.Softmax(probs)
	st := Step{Stages: []Stage{stage("softmax", probs)}}
	if s.cfg.Temperature <= 0 {
		best := argmax(probs)
		onehot := make([]float32, len(probs))
		onehot[best] = 1
		st.Stages = append(st.Stages, stage("greedy", onehot))
		st.Chosen = best
		return st
	}
	cur := st.Stages[0]
	if k := s.cfg.TopK; k > 0 && k < len(cur.Kept) {
		p := append([]float32(nil), cur.Probs...)
		for _, id := range cur.Kept[k:] {
			p[id] = 0
		}
		cur = stage("top-k", p)
		st.Stages = append(st.Stages, cur)
	}
	if tp := s.cfg.TopP; tp > 0 && tp < 1 {
		var total, cum float64
		for _, id := range cur.Kept {
			total += float64(cur.Probs[id])
		}
		p := make([]float32, len(cur.Probs))
		for _, id := range cur.Kept {
			p[id] = cur.Probs[id]
			cum += float64(cur.Probs[id])
			if cum >= tp*total {
				break
			}
		}
		cur = stage("top-p", p)
		st.Stages = append(st.Stages, cur)
	}
	if len(st.Stages) > 1 {
		var total float64
		for _, v := range cur.Probs {
			total += float64(v)
		}
		p := make([]float32, len(cur.Probs))
		for i, v := range cur.Probs {
			p[i] = float32(float64(v) / total)
		}
		cur = stage("renormalised", p)
		st.Stages = append(st.Stages, cur)
	}
	st.Coin = s.rng.Float32()
	// In id order, as run.c's sample_mult; the last kept id catches
	// rounding, and the argmax of the logits a distribution of NaNs.
	var cdf float32
	last := -1
	for i, v := range cur.Probs {
		if !(v > 0) { // filtered out, or NaN
			continue
		}
		last = i
		cdf += v
		if st.Coin < cdf {
			st.Chosen = i
			return st
		}
	}
	st.Chosen = last
	if last < 0 {
		st.Chosen = argmax(logits)
	}
	return st
}

// stage builds a Stage, listing the ids with non-zero probability.
func stage(name string, probs []float32) Stage {
	var kept []int
	for i, v := range probs {
		if v > 0 && !math.IsNaN(float64(v)) {
			kept = append(kept, i)
		}
	}
	sort.SliceStable(kept, func(a, b int) bool { return probs[kept[a]] > probs[kept[b]] })
	return Stage{Name: name, Probs: probs, Kept: kept}
}
