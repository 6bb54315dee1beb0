package tokentrain

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"unicode/utf8"
)

// The first ids of a Llama vocabulary: <unk>, <s>, </s>, then the 256
// byte-fallback tokens <0x00> ... <0xFF>.
const (
	LlamaUnk       = 0
	LlamaBOS       = 1
	LlamaEOS       = 2
	LlamaFirstByte = 3
	// LlamaFirstPiece is the id of the first learned piece.
	LlamaFirstPiece = LlamaFirstByte + 256
)

// LlamaConfig configures TrainLlama. The zero value trains an 8,192-piece
// vocabulary.
type LlamaConfig struct {
	// VocabSize is the number of pieces, the 3 special and 256 byte
	// tokens included. If 0, it is 8192.
	VocabSize int
	// MinFrequency is the least number of occurrences of a merge. If 0,
	// it is 2.
	MinFrequency int64
	// CharCoverage is the share of character occurrences in the words that
	// the alphabet must cover (most frequent characters first); the other
	// characters are encoded as their UTF-8 bytes (byte fallback). If 0,
	// it is 0.9999.
	CharCoverage float64
	// Alphabet lists characters that are always pieces. If "", it is the
	// space and the printable ASCII characters. The space is a piece in
	// any case: run.c's dummy prefix needs it.
	Alphabet string
	// MaxWordChars is the longest word, in characters, that is learned
	// from. If 0, it is 100.
	MaxWordChars int
}

func (c *LlamaConfig) defaults() {
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
		c.Alphabet = printableASCII(true, true)
	}
	c.Alphabet += " "
	if c.MaxWordChars <= 0 {
		c.MaxWordChars = 100
	}
}

// LlamaVocab is a vocabulary for a Llama-style decoder in the layout of
// llama2.c's tokenizer.bin.
type LlamaVocab struct {
	// Pieces are the tokens by id: <unk>, <s>, </s>, the byte tokens
	// <0x00> ... <0xFF>, the learned pieces in the order they were learned,
	// then the single characters of the alphabet (most frequent first).
	// A space is a plain " ", as llama2.c's export writes SentencePiece's
	// "▁".
	Pieces []string
	// Scores are the merge scores by id: 0 for the special and byte tokens,
	// and -(id - LlamaFirstPiece) from the first learned piece on, so the
	// piece learned first scores 0 and run.c merges in the learned order.
	Scores []float32
	// Merges is the number of learned pieces.
	Merges int
}

// TrainLlama learns a byte-pair-encoding vocabulary with byte fallback for
// a Llama-style decoder from a word-frequency table made with SplitLlama
// (a Counter's Words).
//
// Each step adds, as a new piece, the most frequent string formed by two
// adjacent pieces of a word (the byte-smallest on ties); the words are kept
// segmented exactly as run.c's encode segments them with the pieces so far
// (see SplitLlama for why words can be treated one at a time). With the
// scores of LlamaVocab, run.c's encode (and core/llama2c's Tokenizer)
// therefore tokenizes text exactly as the trainer does.
//
// Training is deterministic: the same table and config give the same
// vocabulary. It checks ctx and reports progress about every 1% of the
// merges.
func TrainLlama(ctx context.Context, words map[string]int64, cfg LlamaConfig, progress Progress) (*LlamaVocab, error) {
	v, _, err := trainLlama(ctx, words, cfg, progress)
	return v, err
}

// trainLlama is TrainLlama, also returning the merger with the training
// words' final segmentations.
func trainLlama(ctx context.Context, words map[string]int64, cfg LlamaConfig, progress Progress) (*LlamaVocab, *merger, error) {
	cfg.defaults()
	keys, freqs := sortedWords(words)
	progress.report(0, "choosing the alphabet of %d distinct words", len(keys))
	long := func(w string) bool {
		n := 0
		for i := 0; i < len(w); i = unitEnd(w, i) {
			n++
		}
		return n > cfg.MaxWordChars
	}
	chars := map[string]int64{}
	for i, w := range keys {
		if long(w) {
			continue
		}
		for j := 0; j < len(w); {
			end := unitEnd(w, j)
			if validChar(w[j:end]) {
				chars[w[j:end]] += freqs[i]
			}
			j = end
		}
	}
	alphabet := chooseAlphabet(chars, cfg.CharCoverage, cfg.Alphabet)
	if fixed := LlamaFirstPiece + len(alphabet); fixed > cfg.VocabSize {
		return nil, nil, fmt.Errorf("tokentrain: the %d special and byte tokens and %d characters do not fit in a vocabulary of %d", LlamaFirstPiece, len(alphabet), cfg.VocabSize)
	}
	// The merger's pieces: the 256 byte tokens (which never join), then the
	// alphabet, then what it learns.
	pieces := make([]string, 0, cfg.VocabSize)
	fixed := make([]bool, 0, cfg.VocabSize)
	for b := range 256 {
		pieces = append(pieces, byteToken(byte(b)))
		fixed = append(fixed, true)
	}
	ids := map[string]int32{}
	for _, c := range alphabet {
		ids[c.unit] = int32(len(pieces))
		pieces = append(pieces, c.unit)
		fixed = append(fixed, false)
	}
	var segs [][]int32
	var counts []int64
	for i, w := range keys {
		if long(w) {
			continue
		}
		var seg []int32
		for j := 0; j < len(w); {
			end := unitEnd(w, j)
			if id, ok := ids[w[j:end]]; ok {
				seg = append(seg, id)
			} else {
				for k := j; k < end; k++ {
					seg = append(seg, int32(w[k]))
				}
			}
			j = end
		}
		if len(seg) >= 2 {
			segs = append(segs, seg)
			counts = append(counts, freqs[i])
		}
	}
	join := func(dst []byte, a, b string) []byte {
		dst = append(dst, a...)
		return append(dst, b...)
	}
	m := newMerger(pieces, fixed, join, segs, counts)
	// The merger holds all but the 3 special tokens.
	if err := m.train(ctx, cfg.VocabSize-3, cfg.MinFrequency, progress); err != nil {
		return nil, nil, err
	}
	v := &LlamaVocab{Merges: len(m.pieces) - 256 - len(alphabet)}
	v.Pieces = append(v.Pieces, "<unk>", "<s>", "</s>")
	v.Pieces = append(v.Pieces, m.pieces[:256]...)
	v.Pieces = append(v.Pieces, m.pieces[256+len(alphabet):]...)
	for _, c := range alphabet {
		v.Pieces = append(v.Pieces, c.unit)
	}
	v.Scores = make([]float32, len(v.Pieces))
	for id := LlamaFirstPiece; id < len(v.Scores); id++ {
		v.Scores[id] = -float32(id - LlamaFirstPiece)
	}
	return v, m, nil
}

// validChar reports whether u is one valid UTF-8 encoded character.
func validChar(u string) bool {
	r, size := utf8.DecodeRuneInString(u)
	return size == len(u) && !(r == utf8.RuneError && size == 1)
}

// byteToken returns the name of the byte-fallback token of b, as
// SentencePiece names it: <0x0A> for a newline.
func byteToken(b byte) string { return fmt.Sprintf("<0x%02X>", b) }

// MaxTokenLength returns the length in bytes of the longest piece, as
// tokenizer.bin's header records it.
func (v *LlamaVocab) MaxTokenLength() int {
	n := 0
	for _, p := range v.Pieces {
		n = max(n, len(p))
	}
	return n
}

// WriteTo writes the vocabulary as llama2.c's tokenizer.bin: the int32
// max_token_length, then for each piece its float32 score, its int32
// length in bytes and its bytes, all little-endian.
func (v *LlamaVocab) WriteTo(w io.Writer) (int64, error) {
	if len(v.Scores) != len(v.Pieces) {
		return 0, fmt.Errorf("tokentrain: %d pieces but %d scores", len(v.Pieces), len(v.Scores))
	}
	cw := &countWriter{w: w}
	bw := bufio.NewWriter(cw)
	var rec [8]byte
	binary.LittleEndian.PutUint32(rec[:4], uint32(v.MaxTokenLength()))
	bw.Write(rec[:4])
	for i, p := range v.Pieces {
		binary.LittleEndian.PutUint32(rec[:4], math.Float32bits(v.Scores[i]))
		binary.LittleEndian.PutUint32(rec[4:], uint32(len(p)))
		bw.Write(rec[:])
		bw.WriteString(p)
	}
	if err := bw.Flush(); err != nil {
		return cw.n, fmt.Errorf("tokentrain: writing tokenizer.bin: %w", err)
	}
	return cw.n, nil
}

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
