package train

import (
	"fmt"
	"math/rand/v2"

	"textlab/core/nn"
)

// Batch is a set of token sequences padded to one length, with what the
// model must predict. Row b·Len+t of every [Size][Len] slice is position t
// of sequence b.
type Batch struct {
	Size, Len int   // sequences, and the padded length
	IDs       []int // [Size][Len] token ids; padding holds PadID (any valid id)
	Types     []int // [Size][Len] token types (BERT segments); nil means all 0
	Lengths   []int // real tokens of each sequence, 1 to Len; the rest is padding
	// Targets holds, for each position, the token the model must predict
	// there, or -1 for none: the original token at masked positions (BERT
	// MLM, see MaskTokens) or the next token (decoder, see
	// SetNextTokenTargets). nil for classification.
	Targets []int
	Labels  []int // [Size] the class of each sequence (classification); nil otherwise
}

// NewBatch pads seqs to the longest with padID and returns them as a batch
// with no targets. Every sequence needs at least one token.
func NewBatch(seqs [][]int, padID int) (*Batch, error) {
	if len(seqs) == 0 {
		return nil, fmt.Errorf("train: a batch needs at least one sequence")
	}
	T := 0
	for i, s := range seqs {
		if len(s) == 0 {
			return nil, fmt.Errorf("train: sequence %d is empty", i)
		}
		T = max(T, len(s))
	}
	b := &Batch{Size: len(seqs), Len: T, IDs: make([]int, len(seqs)*T), Lengths: make([]int, len(seqs))}
	for i, s := range seqs {
		row := b.IDs[i*T : (i+1)*T]
		copy(row, s)
		for t := len(s); t < T; t++ {
			row[t] = padID
		}
		b.Lengths[i] = len(s)
	}
	return b, nil
}

// SetNextTokenTargets sets Targets for language modelling: position t of a
// sequence predicts the token at t+1; the last real position and the
// padding predict nothing (-1).
func (b *Batch) SetNextTokenTargets() {
	b.Targets = resize(b.Targets, b.Size*b.Len)
	for s := 0; s < b.Size; s++ {
		for t := 0; t < b.Len; t++ {
			i := s*b.Len + t
			b.Targets[i] = -1
			if t+1 < b.Lengths[s] {
				b.Targets[i] = b.IDs[i+1]
			}
		}
	}
}

// seqs returns the batch's shape for the layers.
func (b *Batch) seqs() nn.Seqs {
	return nn.Seqs{Batch: b.Size, Len: b.Len, Lengths: b.Lengths}
}

// check reports the first value of the batch a model cannot use: sizes,
// ids outside the vocabulary, lengths, types, targets and labels. maxLen,
// types and classes are the model's limits (types 0 means no Types
// allowed; classes 0 means no Labels allowed).
func (b *Batch) check(vocab, maxLen, types, classes int) error {
	if b == nil {
		return fmt.Errorf("train: nil batch")
	}
	if b.Size < 1 || b.Len < 1 || b.Len > maxLen {
		return fmt.Errorf("train: batch of %d sequences of %d positions, want at least 1 sequence of 1 to %d", b.Size, b.Len, maxLen)
	}
	n := b.Size * b.Len
	if len(b.IDs) != n || len(b.Lengths) != b.Size {
		return fmt.Errorf("train: batch has %d ids and %d lengths, want %d and %d", len(b.IDs), len(b.Lengths), n, b.Size)
	}
	if err := b.seqs().Validate(); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	for i, id := range b.IDs {
		if id < 0 || id >= vocab {
			return fmt.Errorf("train: sequence %d position %d: token id %d outside the vocabulary of %d", i/b.Len, i%b.Len, id, vocab)
		}
	}
	if b.Types != nil {
		if len(b.Types) != n {
			return fmt.Errorf("train: batch has %d token types, want %d", len(b.Types), n)
		}
		for i, ty := range b.Types {
			if ty < 0 || ty >= types {
				return fmt.Errorf("train: sequence %d position %d: token type %d outside 0..%d", i/b.Len, i%b.Len, ty, types-1)
			}
		}
	}
	if b.Targets != nil {
		if len(b.Targets) != n {
			return fmt.Errorf("train: batch has %d targets, want %d", len(b.Targets), n)
		}
		for i, t := range b.Targets {
			if t >= vocab {
				return fmt.Errorf("train: sequence %d position %d: target %d outside the vocabulary of %d", i/b.Len, i%b.Len, t, vocab)
			}
		}
	}
	if b.Labels != nil {
		if len(b.Labels) != b.Size {
			return fmt.Errorf("train: batch has %d labels for %d sequences", len(b.Labels), b.Size)
		}
		for i, l := range b.Labels {
			if l < 0 || l >= classes {
				return fmt.Errorf("train: sequence %d: label %d outside 0..%d", i, l, classes-1)
			}
		}
	}
	return nil
}

// Order returns the order in which to visit n examples in the given epoch:
// a permutation of 0..n-1 drawn from a generator seeded by (seed, epoch),
// so a run can be repeated exactly and each epoch is shuffled differently.
func Order(n int, seed uint64, epoch int) []int {
	return rand.New(rand.NewPCG(seed, uint64(epoch))).Perm(n)
}
