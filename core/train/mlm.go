package train

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// MaskConfig says how MaskTokens chooses and corrupts tokens. The zero
// value of each field with a default is BERT's setting.
type MaskConfig struct {
	MaskID  int   // the [MASK] token's id
	Vocab   int   // vocabulary size: random replacements are drawn from 0..Vocab-1
	Special []int // ids never chosen ([CLS], [SEP], [PAD], ...)
	// Prob is the fraction of each sequence's tokens to choose; 0 means
	// 0.15.
	Prob float64
	// MaxPredictions caps the choices per sequence; 0 means no cap
	// (Google's scripts use 20 for sequences of 128).
	MaxPredictions int
}

// MaskAction is what MaskTokens did to a chosen token.
type MaskAction int

const (
	// Masked: the token was replaced by [MASK] (80% of choices).
	Masked MaskAction = iota
	// Random: the token was replaced by a random vocabulary id (10%).
	Random
	// Kept: the token was left as it was (10%); the model must still predict it.
	Kept
)

// String returns the action's name as a page shows it.
func (a MaskAction) String() string {
	switch a {
	case Masked:
		return "masked"
	case Random:
		return "random"
	case Kept:
		return "kept"
	}
	return fmt.Sprintf("MaskAction(%d)", int(a))
}

// Choice is one token MaskTokens chose: where, what it was, what the model
// sees instead, and which of the three actions produced it.
type Choice struct {
	Seq, Pos int        // sequence and position in the batch
	Original int        // the token id, now the target
	Input    int        // the id the model sees: MaskID, a random id, or Original
	Action   MaskAction // which of the three it was
}

// MaskTokens prepares a batch for the masked-language-model objective as
// BERT's create_pretraining_data.py does. In each sequence with n real,
// non-special tokens it chooses min(MaxPredictions, max(1, round(Prob·n)))
// of them (none when n is 0) uniformly at random, and replaces each chosen
// token by [MASK] with probability 0.8, by a random vocabulary id with
// probability 0.1, or keeps it with probability 0.1; the model must
// predict the original at every chosen position. (The original script
// takes the 15% of the length including [CLS] and [SEP]; here it is of
// the tokens that can be chosen.) MaskTokens sets b.Targets to the
// original id at chosen positions and -1 elsewhere, rewrites b.IDs, and
// returns the choices in batch order. Everything random comes from r.
func MaskTokens(b *Batch, c MaskConfig, r *rand.Rand) ([]Choice, error) {
	if c.Prob == 0 {
		c.Prob = 0.15
	}
	if c.Vocab < 1 || c.MaskID < 0 || c.MaskID >= c.Vocab {
		return nil, fmt.Errorf("train: mask id %d outside the vocabulary of %d", c.MaskID, c.Vocab)
	}
	if !(c.Prob > 0 && c.Prob <= 1) || c.MaxPredictions < 0 {
		return nil, fmt.Errorf("train: masking probability %g and cap %d, want 0 < p ≤ 1 and a cap ≥ 0", c.Prob, c.MaxPredictions)
	}
	if err := b.check(c.Vocab, math.MaxInt, math.MaxInt32, math.MaxInt32); err != nil {
		return nil, err
	}
	b.Targets = resize(b.Targets, b.Size*b.Len)
	for i := range b.Targets {
		b.Targets[i] = -1
	}
	var choices []Choice
	for s := 0; s < b.Size; s++ {
		n := b.Lengths[s]
		ids := b.IDs[s*b.Len : s*b.Len+n]
		var candidates []int
		for t, id := range ids {
			if !slices.Contains(c.Special, id) {
				candidates = append(candidates, t)
			}
		}
		count := max(1, int(math.Round(float64(len(candidates))*c.Prob)))
		if c.MaxPredictions > 0 {
			count = min(count, c.MaxPredictions)
		}
		count = min(count, len(candidates))
		r.Shuffle(len(candidates), func(i, j int) { candidates[i], candidates[j] = candidates[j], candidates[i] })
		chosen := candidates[:count]
		slices.Sort(chosen)
		for _, t := range chosen {
			ch := Choice{Seq: s, Pos: t, Original: ids[t]}
			switch {
			case r.Float64() < 0.8:
				ch.Input, ch.Action = c.MaskID, Masked
			case r.Float64() < 0.5:
				ch.Input, ch.Action = ids[t], Kept
			default:
				ch.Input, ch.Action = r.IntN(c.Vocab), Random
			}
			b.Targets[s*b.Len+t] = ch.Original
			ids[t] = ch.Input
			choices = append(choices, ch)
		}
	}
	return choices, nil
}
