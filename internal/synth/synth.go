// Package synth generates labelled pseudo-documents from a seeded word
// model with class-dependent word frequencies, for tests, benchmarks and
// demonstrations of the classifiers when no real data set is at hand.
package synth

import (
	"math"
	"math/rand/v2"
	"strings"
)

// Config describes a synthetic corpus. The zero Config gives 2000
// documents in 3 classes over 3000 words.
type Config struct {
	Seed    uint64 // random seed; equal seeds give equal corpora
	Docs    int    // number of documents (default 2000)
	Classes int    // number of classes (default 3)
	Words   int    // vocabulary size (default 3000, at most 100000)
	// MinLen and MaxLen bound the words per document (defaults 10, 120).
	MinLen, MaxLen int
	// Signal is the share of a document's words drawn from its class's
	// own word distribution rather than the shared one (default 0.15).
	Signal float64
}

var syllables = []string{"ka", "lo", "mi", "ne", "ru", "ta", "vo", "shi", "pe", "da",
	"qua", "ber", "on", "il", "ux", "zen", "tor", "ami", "el", "gra"}

// Corpus returns the texts and their labels in [0, Classes).
func Corpus(cfg Config) (texts []string, labels []int) {
	if cfg.Docs == 0 {
		cfg.Docs = 2000
	}
	if cfg.Classes == 0 {
		cfg.Classes = 3
	}
	if cfg.Words == 0 {
		cfg.Words = 3000
	}
	// Words are 1 to 4 of the 20 syllables: 168,420 possible strings.
	cfg.Words = min(cfg.Words, 100000)
	if cfg.MinLen == 0 {
		cfg.MinLen = 10
	}
	if cfg.MaxLen < cfg.MinLen {
		cfg.MaxLen = max(120, cfg.MinLen)
	}
	if cfg.Signal == 0 {
		cfg.Signal = 0.15
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 2718))
	words := make([]string, cfg.Words)
	seen := map[string]bool{}
	for i := range words {
		for {
			n := 1 + rng.IntN(4)
			var b strings.Builder
			for k := 0; k < n; k++ {
				b.WriteString(syllables[rng.IntN(len(syllables))])
			}
			if w := b.String(); !seen[w] {
				seen[w] = true
				words[i] = w
				break
			}
		}
	}
	// Shared Zipf distribution and one per class over a shuffled ranking.
	shared := zipf(cfg.Words)
	class := make([][]float64, cfg.Classes)
	for c := range class {
		perm := rng.Perm(cfg.Words)
		z := zipf(cfg.Words)
		class[c] = make([]float64, cfg.Words)
		for r, w := range perm {
			class[c][w] = z[r]
		}
		cumulate(class[c])
	}
	cumulate(shared)
	texts = make([]string, cfg.Docs)
	labels = make([]int, cfg.Docs)
	for d := range texts {
		c := rng.IntN(cfg.Classes)
		labels[d] = c
		n := cfg.MinLen + rng.IntN(cfg.MaxLen-cfg.MinLen+1)
		var b strings.Builder
		for k := 0; k < n; k++ {
			dist := shared
			if rng.Float64() < cfg.Signal {
				dist = class[c]
			}
			w := words[draw(dist, rng.Float64())]
			if k == 0 {
				w = strings.ToUpper(w[:1]) + w[1:]
			} else {
				b.WriteByte(' ')
			}
			b.WriteString(w)
			if rng.IntN(12) == 0 {
				p := rng.IntN(4)
				b.WriteString(",.!?"[p : p+1])
			}
		}
		texts[d] = b.String()
	}
	return texts, labels
}

func zipf(n int) []float64 {
	p := make([]float64, n)
	for r := range p {
		p[r] = 1 / math.Pow(float64(r+1), 1.05)
	}
	return p
}

// cumulate turns weights into a normalised cumulative distribution.
func cumulate(p []float64) {
	s := 0.0
	for i, v := range p {
		s += v
		p[i] = s
	}
	for i := range p {
		p[i] /= s
	}
}

func draw(cum []float64, u float64) int {
	lo, hi := 0, len(cum)-1
	for lo < hi {
		m := (lo + hi) / 2
		if cum[m] < u {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}
