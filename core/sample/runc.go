// Package sample chooses the next token from a decoder's logits.
//
// RunC reproduces the sampler of llama2.c's run.c bit for bit (same seed,
// same settings, same tokens). Sampler is the teaching sampler: greedy,
// temperature, top-k and top-p in a documented order, with a Step result
// that shows the distribution before and after each filter.
//
// Both draw from RNG, run.c's xorshift64* generator, so the same seed gives
// the same tokens on every platform.
package sample

import (
	"sort"
	"textlab/core/tensor"
)

// RNG is run.c's xorshift64* pseudo-random generator. Its zero value is
// stuck at zero; use NewRNG.
type RNG struct {
	state uint64
}

// NewRNG returns a generator whose state is seed, as run.c seeds it.
func NewRNG(seed uint64) *RNG { return &RNG{state: seed} }

// Uint32 returns the next 32 random bits (run.c's random_u32).
func (r *RNG) Uint32() uint32 {
	r.state ^= r.state >> 12
	r.state ^= r.state << 25
	r.state ^= r.state >> 27
	return uint32((r.state * 0x2545F4914F6CDD1D) >> 32)
}

// Float32 returns a number in [0, 1) (run.c's random_f32).
func (r *RNG) Float32() float32 {
	return float32(r.Uint32()>>8) / 16777216.0
}

// RunC is llama2.c's run.c sampler: greedy when Temperature is 0, otherwise
// softmax(logits / Temperature) sampled with nucleus (top-p) sampling when
// 0 < TopP < 1 and from the whole distribution otherwise.
type RunC struct {
	Temperature float32 // 0 means greedy (argmax, first maximum)
	TopP        float32 // nucleus threshold; ≤ 0 or ≥ 1 switches top-p off
	rng         RNG
	probs       []float32
	index       []probIndex
}

type probIndex struct {
	prob  float32
	index int
}

// NewRunC returns run.c's sampler with the given settings, its generator
// seeded with seed.
func NewRunC(temperature, topp float32, seed uint64) *RunC {
	return &RunC{Temperature: temperature, TopP: topp, rng: RNG{state: seed}}
}

// Sample returns the next token id for logits (which it leaves unchanged).
// A random number is drawn only when Temperature is not 0, as in run.c.
// Empty logits give -1.
func (s *RunC) Sample(logits []float32) int {
	if len(logits) == 0 {
		return -1
	}
	if s.Temperature == 0 {
		return argmax(logits)
	}
	s.probs = append(s.probs[:0], logits...)
	for i := range s.probs {
		s.probs[i] /= s.Temperature
	}
	tensor.Softmax(s.probs)
	coin := s.rng.Float32()
	if s.TopP <= 0 || s.TopP >= 1 {
		return sampleMult(s.probs, coin)
	}
	return s.sampleTopP(s.probs, coin)
}

// argmax returns the index of the first largest value.
func argmax(x []float32) int {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return best
}

// sampleMult returns the first index whose cumulative probability exceeds
// coin (run.c's sample_mult).
func sampleMult(probs []float32, coin float32) int {
	var cdf float32
	for i, p := range probs {
		cdf += p
		if coin < cdf {
			return i
		}
	}
	return len(probs) - 1
}

// sampleTopP is run.c's sample_topp: drop tokens below (1-topp)/(n-1),
// sort the rest by descending probability, keep the shortest prefix whose
// mass exceeds topp, and draw from it with r = coin · (its mass).
//
// run.c sorts with qsort, which does not define the order of equal
// probabilities; here ties keep ascending token ids (a stable sort), the
// order glibc's merge-sort qsort gives.
func (s *RunC) sampleTopP(probs []float32, coin float32) int {
	n := len(probs)
	cutoff := (1 - s.TopP) / float32(n-1)
	s.index = s.index[:0]
	for i, p := range probs {
		if p >= cutoff {
			s.index = append(s.index, probIndex{p, i})
		}
	}
	if len(s.index) == 0 { // only when n == 1: the cutoff is +Inf
		return argmax(probs)
	}
	sort.SliceStable(s.index, func(a, b int) bool { return s.index[a].prob > s.index[b].prob })
	var cum float32
	last := len(s.index) - 1
	for i, pi := range s.index {
		cum += pi.prob
		if cum > s.TopP {
			last = i
			break
		}
	}
	r := coin * cum
	var cdf float32
	for i := 0; i <= last; i++ {
		cdf += s.index[i].prob
		if r < cdf {
			return s.index[i].index
		}
	}
	return s.index[last].index
}
