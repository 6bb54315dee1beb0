// Package tokenize holds what every Textlab tokenizer returns: token ids
// together with the span of input text each token came from, so pages can
// draw tokens over the text. The tokenizers themselves live in subpackages
// (wordpiece, bpe) and in core/llama2c.
package tokenize

import (
	"context"
	"fmt"
)

// Span is the half-open byte range [Start, End) of the input string that a
// token covers. Special tokens added by the tokenizer ([CLS], [SEP], BOS)
// have Start == End == -1. Byte offsets index the Go string; the browser glue
// converts them to UTF-16 offsets for the DOM.
type Span struct {
	Start, End int
}

// NoSpan is the span of a token that does not come from the input text.
var NoSpan = Span{-1, -1}

// Encoding is the result of tokenizing one text (or one pair of texts).
// All slices have the same length, one entry per token.
type Encoding struct {
	IDs    []int    // vocabulary ids
	Tokens []string // the vocabulary strings of IDs
	Spans  []Span   // where each token came from in the input
	// TypeIDs are BERT's segment ids (0 for the first text, 1 for the
	// second of a pair); nil for tokenizers without segments.
	TypeIDs []int
	// Mask is the attention mask: 1 for real tokens, 0 for padding; nil
	// when no padding was requested.
	Mask []int
}

// Len returns the number of tokens.
func (e Encoding) Len() int { return len(e.IDs) }

// Tokenizer turns text into an Encoding and ids back into text.
type Tokenizer interface {
	// Encode tokenizes text. addSpecial adds the model's special tokens
	// ([CLS] ... [SEP] for BERT, BOS for llama2.c).
	Encode(text string, addSpecial bool) (Encoding, error)
	// Decode turns ids back into text.
	Decode(ids []int) string
	// VocabSize returns the number of entries in the vocabulary.
	VocabSize() int
}

// EncodeAll encodes each of texts with encode, checking ctx between texts
// and reporting progress (nil allowed) about every 1% of the way; an
// error names the text (counted from 1). Tokenizers' EncodeAll methods
// call it with their own encoding options.
func EncodeAll(ctx context.Context, texts []string, encode func(text string) (Encoding, error), progress func(fraction float64, message string)) ([]Encoding, error) {
	out := make([]Encoding, len(texts))
	step := max(len(texts)/100, 1)
	for i, text := range texts {
		if i%step == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if progress != nil {
				progress(float64(i)/float64(len(texts)), fmt.Sprintf("tokenizing text %d of %d", i+1, len(texts)))
			}
		}
		e, err := encode(text)
		if err != nil {
			return nil, fmt.Errorf("text %d: %w", i+1, err)
		}
		out[i] = e
	}
	if progress != nil {
		progress(1, fmt.Sprintf("tokenized %d texts", len(texts)))
	}
	return out, nil
}
