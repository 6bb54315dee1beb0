package llama2c

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"textlab/core/tokenize"
)

// Special ids of llama2.c's vocabularies.
const (
	BOS = 1 // beginning of sequence
	EOS = 2 // end of sequence
)

// maxPieceLength bounds tokenizer.bin's max_token_length (Llama 2's is 27).
const maxPieceLength = 1 << 16

// Tokenizer is a llama2.c tokenizer.bin vocabulary: pieces with merge
// scores, encoded and decoded exactly as run.c's encode and decode do.
type Tokenizer struct {
	// MaxTokenLength is the longest piece, in bytes, as the file declares it.
	MaxTokenLength int
	Pieces         []string  // the vocabulary, by id
	Scores         []float32 // merge scores, by id; a higher score merges first
	lookup         map[string]int
}

var _ tokenize.Tokenizer = (*Tokenizer)(nil)

// ReadTokenizer reads a tokenizer.bin: an int32 max_token_length, then for
// each piece until the end of the input a float32 score, an int32 length
// and that many bytes (little-endian).
func ReadTokenizer(r io.Reader) (*Tokenizer, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, fmt.Errorf("tokenizer.bin: reading max_token_length: %w", err)
	}
	maxLen := int(int32(binary.LittleEndian.Uint32(hdr[:])))
	if maxLen <= 0 || maxLen > maxPieceLength {
		return nil, fmt.Errorf("tokenizer.bin: max_token_length %d outside 1..%d", maxLen, maxPieceLength)
	}
	t := &Tokenizer{MaxTokenLength: maxLen, lookup: map[string]int{}}
	buf := make([]byte, maxLen)
	for id := 0; ; id++ {
		var rec [8]byte
		n, err := io.ReadFull(r, rec[:])
		if err == io.EOF && n == 0 {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("tokenizer.bin: token %d: truncated score/length: %w", id, err)
		}
		score := math.Float32frombits(binary.LittleEndian.Uint32(rec[:4]))
		length := int(int32(binary.LittleEndian.Uint32(rec[4:])))
		if length < 0 || length > maxLen {
			return nil, fmt.Errorf("tokenizer.bin: token %d: length %d outside 0..max_token_length %d", id, length, maxLen)
		}
		if _, err := io.ReadFull(r, buf[:length]); err != nil {
			return nil, fmt.Errorf("tokenizer.bin: token %d: truncated piece of %d bytes: %w", id, length, err)
		}
		piece := string(buf[:length])
		t.Pieces = append(t.Pieces, piece)
		t.Scores = append(t.Scores, score)
		if _, dup := t.lookup[piece]; !dup {
			t.lookup[piece] = id
		}
	}
	if len(t.Pieces) <= EOS {
		return nil, fmt.Errorf("tokenizer.bin: %d pieces; a llama2.c vocabulary has at least <unk>, <s>, </s>", len(t.Pieces))
	}
	return t, nil
}

// VocabSize returns the number of pieces.
func (t *Tokenizer) VocabSize() int { return len(t.Pieces) }

// Encode tokenizes text as run.c's encode(text, bos=addSpecial, eos=0):
// a dummy-prefix space before non-empty text, one token per UTF-8 code
// point found in the vocabulary and one byte-fallback token (<0xNN>, id
// NN+3) per byte of any other, then repeatedly the merge of the adjacent
// pair whose concatenation is the best-scoring piece (the leftmost on
// ties), until no pair is a piece.
//
// Spans are byte ranges of text. The dummy-prefix space has no bytes of
// its own: it gets the empty span {0, 0} just before the first byte, and a
// token merged from it starts at 0. BOS gets tokenize.NoSpan. (Unlike C
// strings, Go strings may hold NUL bytes; they are encoded like any other
// byte, as <0x00>.)
func (t *Tokenizer) Encode(text string, addSpecial bool) (tokenize.Encoding, error) {
	if t.lookup == nil {
		return tokenize.Encoding{}, errors.New("llama2c: Encode on a tokenizer not made by ReadTokenizer")
	}
	var ids []int
	var spans []tokenize.Span
	if addSpecial {
		ids, spans = append(ids, BOS), append(spans, tokenize.NoSpan)
	}
	if text != "" {
		space, ok := t.lookup[" "]
		if !ok {
			return tokenize.Encoding{}, errors.New("llama2c: the vocabulary has no \" \" piece for the dummy prefix")
		}
		ids, spans = append(ids, space), append(spans, tokenize.Span{Start: 0, End: 0})
	}
	// One code point (at most 4 bytes: a lead byte and its continuation
	// bytes, exactly as run.c groups them) at a time.
	for start := 0; start < len(text); {
		end := start + 1
		for end < len(text) && text[end]&0xC0 == 0x80 && end-start < 4 {
			end++
		}
		if id, ok := t.lookup[text[start:end]]; ok {
			ids, spans = append(ids, id), append(spans, tokenize.Span{Start: start, End: end})
		} else {
			for i := start; i < end; i++ {
				ids, spans = append(ids, int(text[i])+3), append(spans, tokenize.Span{Start: i, End: i + 1})
			}
		}
		start = end
	}
	for _, id := range ids {
		if id >= len(t.Pieces) {
			return tokenize.Encoding{}, fmt.Errorf("llama2c: byte-fallback id %d outside the vocabulary (size %d)", id, len(t.Pieces))
		}
	}
	// Merge the best-scoring adjacent pair until none is in the vocabulary.
	for {
		bestScore, bestID, bestIdx := float32(-1e10), -1, -1
		for i := 0; i+1 < len(ids); i++ {
			id, ok := t.lookup[t.Pieces[ids[i]]+t.Pieces[ids[i+1]]]
			if ok && t.Scores[id] > bestScore {
				bestScore, bestID, bestIdx = t.Scores[id], id, i
			}
		}
		if bestIdx < 0 {
			break
		}
		ids[bestIdx] = bestID
		spans[bestIdx] = joinSpans(spans[bestIdx], spans[bestIdx+1])
		ids = append(ids[:bestIdx+1], ids[bestIdx+2:]...)
		spans = append(spans[:bestIdx+1], spans[bestIdx+2:]...)
	}
	tokens := make([]string, len(ids))
	for i, id := range ids {
		tokens[i] = t.Pieces[id]
	}
	return tokenize.Encoding{IDs: ids, Tokens: tokens, Spans: spans}, nil
}

func joinSpans(a, b tokenize.Span) tokenize.Span {
	if a == tokenize.NoSpan {
		return b
	}
	if b == tokenize.NoSpan {
		return a
	}
	return tokenize.Span{Start: min(a.Start, b.Start), End: max(a.End, b.End)}
}

// Piece returns the text of token as run.c's decode prints it after prev:
// without its leading space right after BOS, and as the raw byte for
// byte-fallback pieces <0xNN>. Ids outside the vocabulary give "".
func (t *Tokenizer) Piece(prev, token int) string {
	if token < 0 || token >= len(t.Pieces) {
		return ""
	}
	p := t.Pieces[token]
	if prev == BOS && strings.HasPrefix(p, " ") {
		p = p[1:]
	}
	if b, ok := byteFallback(p); ok {
		return string([]byte{b})
	}
	return p
}

// byteFallback parses a piece of the form <0xNN>.
func byteFallback(p string) (byte, bool) {
	if len(p) != 6 || p[:3] != "<0x" || p[5] != '>' {
		return 0, false
	}
	var v byte
	for _, c := range []byte(p[3:5]) {
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | (c - '0')
		case c >= 'A' && c <= 'F':
			v = v<<4 | (c - 'A' + 10)
		case c >= 'a' && c <= 'f':
			v = v<<4 | (c - 'a' + 10)
		default:
			return 0, false
		}
	}
	return v, true
}

// Decode turns ids into text as run.c prints a generation: each piece via
// Piece, with the start of ids treated as following BOS (so the dummy
// prefix space of an encoding is dropped and decode(encode(x)) == x).
// BOS and EOS themselves print nothing; ids outside the vocabulary are
// skipped.
func (t *Tokenizer) Decode(ids []int) string {
	var b strings.Builder
	prev := BOS
	for _, id := range ids {
		if id != BOS && id != EOS {
			b.WriteString(t.Piece(prev, id))
		}
		prev = id
	}
	return b.String()
}
