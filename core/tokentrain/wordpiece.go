package tokentrain

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"textlab/core/tokenize/wordpiece"
	"unicode/utf8"
)

// WordPiece's special tokens.
const (
	Pad  = "[PAD]"
	Unk  = "[UNK]"
	CLS  = "[CLS]"
	SEP  = "[SEP]"
	Mask = "[MASK]"
)

// continuation marks a WordPiece piece that continues a word.
const continuation = "##"

// WordPieceConfig configures TrainWordPiece. The zero value trains an
// 8,192-token uncased vocabulary in the compact layout.
type WordPieceConfig struct {
	// VocabSize is the number of tokens, special tokens included. If 0,
	// it is 8192.
	VocabSize int
	// MinFrequency is the least number of occurrences of a merge. If 0,
	// it is 2.
	MinFrequency int64
	// CharCoverage is the share of character occurrences in the words that
	// the alphabet must cover (most frequent characters first); words with
	// a character outside the alphabet are left out of training (they
	// become [UNK] when tokenized). If 0, it is 0.9999.
	CharCoverage float64
	// Alphabet lists characters that are always tokens (with their "##"
	// forms). If "", it is the printable ASCII characters other than
	// upper-case letters (the words are lowercased).
	Alphabet string
	// MaxWordChars is the longest word, in characters, that is learned
	// from, as core/tokenize/wordpiece's MaxInputCharsPerWord: longer words
	// become [UNK] anyway. If 0, it is 100.
	MaxWordChars int
	// BERTBaseLayout puts the special tokens where bert-base-uncased has
	// them: [PAD] 0, [unused0] to [unused98] 1-99, [UNK] 100, [CLS] 101,
	// [SEP] 102, [MASK] 103. By default the layout is compact: [PAD] 0,
	// [UNK] 1, [CLS] 2, [SEP] 3, [MASK] 4.
	BERTBaseLayout bool
}

func (c *WordPieceConfig) defaults() {
	if c.VocabSize <= 0 {
		c.VocabSize = 8192
	}
	if c.MinFrequency <= 0 {
		c.MinFrequency = 2
	}
	if c.CharCoverage <= 0 {
		c.CharCoverage = 0.9999
	}
	if c.Alphabet == "" {
		c.Alphabet = printableASCII(false, false)
	}
	if c.MaxWordChars <= 0 {
		c.MaxWordChars = 100
	}
}

// specials returns the special tokens of the layout, by id.
func (c *WordPieceConfig) specials() []string {
	if !c.BERTBaseLayout {
		return []string{Pad, Unk, CLS, SEP, Mask}
	}
	s := []string{Pad}
	for i := range 99 {
		s = append(s, fmt.Sprintf("[unused%d]", i))
	}
	return append(s, Unk, CLS, SEP, Mask)
}

// TrainWordPiece learns a WordPiece vocabulary for a BERT encoder from a
// word-frequency table made with SplitBERT (a Counter's Words), as Hugging
// Face's WordPiece trainer does: byte-pair-encoding merges over the words'
// characters, where every character after the first of a word carries the
// "##" continuation prefix and a merge keeps the prefix of its left part.
//
// The vocabulary (token i has id i) holds the special tokens, then the
// alphabet (each character, then each "##" form, in code-point order; the
// "##" form only for characters that can occur inside a word, not for
// punctuation and CJK ideographs, which BERT makes words of their own),
// then the learned pieces in the order they were learned. Since every
// alphabet character is a token, core/tokenize/wordpiece turns a word into
// [UNK] only when it has a character outside the alphabet or is longer
// than MaxWordChars.
//
// Training is deterministic: the same table and config give the same
// vocabulary. It checks ctx and reports progress about every 1% of the
// merges.
func TrainWordPiece(ctx context.Context, words map[string]int64, cfg WordPieceConfig, progress Progress) ([]string, error) {
	cfg.defaults()
	keys, freqs := sortedWords(words)
	progress.report(0, "choosing the alphabet of %d distinct words", len(keys))
	chars := map[string]int64{}
	for i, w := range keys {
		if utf8.RuneCountInString(w) > cfg.MaxWordChars {
			continue
		}
		for _, r := range w {
			chars[string(r)] += freqs[i]
		}
	}
	// Whitespace and control characters never reach a word.
	extra := strings.Map(func(r rune) rune {
		if wordpiece.IsSpace(r) || wordpiece.IsControl(r) || r == 0 {
			return -1
		}
		return r
	}, cfg.Alphabet)
	alphabet := chooseAlphabet(chars, cfg.CharCoverage, extra)
	var first, inner []string
	for _, c := range alphabet {
		first = append(first, c.unit)
		r, _ := utf8.DecodeRuneInString(c.unit)
		if !wordpiece.IsPunct(r) && !wordpiece.IsChinese(r) {
			inner = append(inner, continuation+c.unit)
		}
	}
	slices.Sort(first)
	slices.Sort(inner)
	vocab := append(cfg.specials(), first...)
	vocab = append(vocab, inner...)
	if len(vocab) > cfg.VocabSize {
		return nil, fmt.Errorf("tokentrain: the %d special tokens and %d alphabet tokens do not fit in a vocabulary of %d", len(cfg.specials()), len(first)+len(inner), cfg.VocabSize)
	}
	// The merger sees only the alphabet; the special tokens are added back.
	base := len(cfg.specials())
	pieces := slices.Clone(vocab[base:])
	ids := make(map[string]int32, len(pieces))
	for i, p := range pieces {
		ids[p] = int32(i)
	}
	var segs [][]int32
	var counts []int64
	for i, w := range keys {
		if utf8.RuneCountInString(w) > cfg.MaxWordChars || utf8.RuneCountInString(w) < 2 {
			continue
		}
		seg := make([]int32, 0, len(w))
		for j, r := range w {
			p := string(r)
			if j > 0 {
				p = continuation + p
			}
			id, ok := ids[p]
			if !ok {
				seg = nil
				break
			}
			seg = append(seg, id)
		}
		if seg != nil {
			segs = append(segs, seg)
			counts = append(counts, freqs[i])
		}
	}
	join := func(dst []byte, a, b string) []byte {
		dst = append(dst, a...)
		return append(dst, strings.TrimPrefix(b, continuation)...)
	}
	m := newMerger(pieces, make([]bool, len(pieces)), join, segs, counts)
	if err := m.train(ctx, cfg.VocabSize-base, cfg.MinFrequency, progress); err != nil {
		return nil, err
	}
	return append(vocab[:base:base], m.pieces...), nil
}

// WriteVocab writes vocab as a vocab.txt: one token a line, in id order,
// as core/tokenize/wordpiece.LoadVocab and BERT's tools read it.
func WriteVocab(w io.Writer, vocab []string) error {
	bw := bufio.NewWriter(w)
	for i, tok := range vocab {
		if tok == "" || strings.ContainsAny(tok, "\r\n") {
			return fmt.Errorf("tokentrain: token %d (%q) cannot be written on a line of its own", i, tok)
		}
		bw.WriteString(tok)
		bw.WriteByte('\n')
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("tokentrain: writing vocab.txt: %w", err)
	}
	return nil
}
