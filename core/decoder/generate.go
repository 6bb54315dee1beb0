package decoder

import (
	"context"
	"fmt"
)

// BOS is the beginning-of-sequence id of llama2.c's vocabularies. Generate
// starts from it when the prompt is empty and stops when it is sampled.
const BOS = 1

// Model is a decoder that Generate can run: one token at a time, with the
// earlier positions kept in a cache.
type Model interface {
	// Forward runs token at position pos and returns the next-token logits.
	Forward(token, pos int) []float32
	// Reset starts a new sequence.
	Reset()
	// SeqLen returns the longest sequence the model handles.
	SeqLen() int
	// VocabSize returns the number of logits Forward returns.
	VocabSize() int
}

var _ Model = (*Llama)(nil)

// BOSer is implemented by models whose sequences start (and end) with
// another id than BOS, such as GPT-2's <|endoftext|>. Generate uses that id
// where it would use BOS.
type BOSer interface {
	BOS() int
}

// bosOf returns m's start-of-sequence id: m.BOS() for a BOSer, else BOS.
func bosOf(m Model) int {
	if b, ok := m.(BOSer); ok {
		return b.BOS()
	}
	return BOS
}

// Generate continues prompt (token ids, usually starting with BOS; an empty
// prompt means [BOS]; a BOSer's own id replaces BOS throughout) as run.c's generate loop does: steps counts
// positions, the prompt included (steps ≤ 0 or beyond the model's SeqLen
// means SeqLen); while the prompt lasts, the next token is the prompt's next
// id, after that next picks it from the logits; generation stops early when
// next returns BOS. It returns the tokens that follow the first prompt
// token (the ids run.c prints), calling onToken (if not nil) with each as it
// is produced and its position (pos+1 of the Forward that led to it), for
// example to read the model's attention. Generate checks ctx between positions and returns ctx's error with the
// tokens produced so far.
func Generate(ctx context.Context, m Model, prompt []int, steps int, next func(logits []float32) int, onToken func(pos, id int)) ([]int, error) {
	bos := bosOf(m)
	if len(prompt) == 0 {
		prompt = []int{bos}
	}
	if steps <= 0 || steps > m.SeqLen() {
		steps = m.SeqLen()
	}
	for i, id := range prompt {
		if id < 0 || id >= m.VocabSize() {
			return nil, fmt.Errorf("prompt token %d: id %d outside the vocabulary (size %d)", i, id, m.VocabSize())
		}
	}
	if len(prompt) > steps {
		return nil, fmt.Errorf("prompt has %d tokens, more than the %d steps", len(prompt), steps)
	}
	m.Reset()
	var out []int
	token := prompt[0]
	for pos := 0; pos < steps; pos++ {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		logits := m.Forward(token, pos)
		var id int
		if pos < len(prompt)-1 {
			// Still inside the prompt: force its next token.
			id = prompt[pos+1]
		} else {
			id = next(logits)
		}
		if id == bos {
			break
		}
		if id < 0 || id >= m.VocabSize() {
			return out, fmt.Errorf("position %d: sampler returned id %d outside the vocabulary (size %d)", pos, id, m.VocabSize())
		}
		out = append(out, id)
		if onToken != nil {
			onToken(pos+1, id)
		}
		token = id
	}
	return out, nil
}
