// Package bpe is GPT-2's byte-level byte-pair encoding: text is split into
// words by GPT-2's pre-tokenization pattern, each word's UTF-8 bytes are
// written as printable characters (the byte-to-unicode table), and
// neighbouring symbols are merged in the order of the merge list until no
// listed pair is left.
//
// It loads GPT-2's encoder.json (vocab.json) with vocab.bpe (merges.txt), or
// a Hugging Face tokenizer.json with a BPE model and ByteLevel
// pre-tokenizer. Every token carries the byte span of the input it covers;
// a token holding part of a multi-byte character covers just those bytes.
// Its ids match those of @huggingface/tokenizers (the parity test checks
// hundreds of strings).
package bpe

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"
	"unicode/utf8"

	"textlab/core/tokenize"
)

// Options configure a tokenizer. The zero value is GPT-2's setting.
type Options struct {
	// AddPrefixSpace puts a space before text that does not start with
	// one, so the first word is tokenized like any other (RoBERTa).
	// Default: off, as in GPT-2.
	AddPrefixSpace bool
	// Unknown names the token used for a symbol missing from the
	// vocabulary. If "", such a symbol is an error (GPT-2's vocabulary
	// holds all 256 bytes, so it never happens there).
	Unknown string
	// CacheSize bounds the number of words whose tokens are remembered.
	// If 0, it is 10000; if negative, nothing is cached.
	CacheSize int
}

// Pair is one merge rule: the two symbols that are joined.
type Pair struct{ A, B string }

// merge is what a pair of symbol ids becomes.
type merge struct{ rank, id int }

// piece is one token of a word: its id and how many bytes it covers.
type piece struct{ id, n int32 }

// Tokenizer is a byte-level BPE tokenizer. It is safe for concurrent use.
type Tokenizer struct {
	opts   Options
	vocab  []string
	ids    map[string]int
	merges map[[2]int32]merge
	byteID [256]int32 // id of the single-byte symbol, -1 if missing
	unk    int32      // -1 if none

	mu    sync.Mutex
	cache map[string][]piece
}

var _ tokenize.Tokenizer = (*Tokenizer)(nil)

// New returns a tokenizer for vocab (token -> id; ids must be 0 ...
// len(vocab)-1) and merges in priority order (the first merge is applied
// first). Each merge's two parts and their concatenation must be in vocab.
func New(vocab map[string]int, merges []Pair, opts Options) (*Tokenizer, error) {
	if len(vocab) == 0 {
		return nil, errors.New("bpe: empty vocabulary")
	}
	if opts.CacheSize == 0 {
		opts.CacheSize = 10000
	}
	t := &Tokenizer{
		opts:   opts,
		vocab:  make([]string, len(vocab)),
		ids:    maps.Clone(vocab),
		merges: make(map[[2]int32]merge, len(merges)),
		unk:    -1,
		cache:  map[string][]piece{},
	}
	for tok, id := range vocab {
		if id < 0 || id >= len(vocab) {
			return nil, fmt.Errorf("bpe: token %q: id %d is outside 0...%d", tok, id, len(vocab)-1)
		}
		if t.vocab[id] != "" || tok == "" {
			return nil, fmt.Errorf("bpe: id %d: token %q is empty or shares its id with %q", id, tok, t.vocab[id])
		}
		t.vocab[id] = tok
	}
	for b := range 256 {
		t.byteID[b] = -1
		if id, ok := vocab[string(byteRune[b])]; ok {
			t.byteID[b] = int32(id)
		}
	}
	if opts.Unknown != "" {
		id, ok := vocab[opts.Unknown]
		if !ok {
			return nil, fmt.Errorf("bpe: unknown token %q is not in the vocabulary", opts.Unknown)
		}
		t.unk = int32(id)
	}
	for rank, m := range merges {
		a, okA := vocab[m.A]
		b, okB := vocab[m.B]
		ab, okAB := vocab[m.A+m.B]
		if !okA || !okB || !okAB {
			return nil, fmt.Errorf("bpe: merge %d (%q %q): a part or the result is not in the vocabulary", rank+1, m.A, m.B)
		}
		key := [2]int32{int32(a), int32(b)}
		if _, dup := t.merges[key]; !dup {
			t.merges[key] = merge{rank, ab}
		}
	}
	return t, nil
}

// VocabSize returns the number of tokens in the vocabulary.
func (t *Tokenizer) VocabSize() int { return len(t.vocab) }

// Token returns the vocabulary string of id (in the byte-level alphabet),
// or "" when id is out of range.
func (t *Tokenizer) Token(id int) string {
	if id < 0 || id >= len(t.vocab) {
		return ""
	}
	return t.vocab[id]
}

// ID returns the id of a vocabulary token.
func (t *Tokenizer) ID(token string) (int, bool) {
	id, ok := t.ids[token]
	return id, ok
}

// Encode tokenizes text. GPT-2 adds no special tokens, so addSpecial has no
// effect. TypeIDs and Mask are nil.
func (t *Tokenizer) Encode(text string, addSpecial bool) (tokenize.Encoding, error) {
	var enc tokenize.Encoding
	shift := 0
	if t.opts.AddPrefixSpace && (text == "" || text[0] != ' ') {
		text, shift = " "+text, 1
	}
	for start := 0; start < len(text); {
		end := nextWord(text, start)
		pieces, err := t.word(text[start:end])
		if err != nil {
			return tokenize.Encoding{}, fmt.Errorf("bpe: byte %d: %w", start-shift, err)
		}
		off := start
		for _, p := range pieces {
			sp := tokenize.Span{Start: max(off-shift, 0), End: off + int(p.n) - shift}
			off += int(p.n)
			enc.IDs = append(enc.IDs, int(p.id))
			enc.Tokens = append(enc.Tokens, t.vocab[p.id])
			enc.Spans = append(enc.Spans, sp)
		}
		start = end
	}
	return enc, nil
}

// word returns the tokens of one pre-tokenized word, from the cache when
// it is there.
func (t *Tokenizer) word(w string) ([]piece, error) {
	if t.opts.CacheSize > 0 {
		t.mu.Lock()
		p, ok := t.cache[w]
		t.mu.Unlock()
		if ok {
			return p, nil
		}
	}
	p, err := t.bpe(w)
	if err != nil {
		return nil, err
	}
	if t.opts.CacheSize > 0 && len(w) <= 256 {
		t.mu.Lock()
		if len(t.cache) >= t.opts.CacheSize {
			clear(t.cache)
		}
		t.cache[w] = p
		t.mu.Unlock()
	}
	return p, nil
}

// sym is one symbol of a word being merged, in a doubly linked list.
type sym struct {
	id         int32
	n          int32 // bytes covered
	prev, next int32 // -1 at the ends
	dead       bool
}

// cand is a candidate merge of the symbol at left with the one after it.
type cand struct {
	rank, left int
	a, b       int32 // the ids it was computed for
}

type cands []cand

func (c cands) Len() int { return len(c) }
func (c cands) Less(i, j int) bool {
	return c[i].rank < c[j].rank || c[i].rank == c[j].rank && c[i].left < c[j].left
}
func (c cands) Swap(i, j int) { c[i], c[j] = c[j], c[i] }
func (c *cands) Push(x any)   { *c = append(*c, x.(cand)) }
func (c *cands) Pop() any {
	old := *c
	x := old[len(old)-1]
	*c = old[:len(old)-1]
	return x
}

// bpe merges the bytes of w: always the listed pair of lowest rank first,
// the leftmost among equal pairs.
func (t *Tokenizer) bpe(w string) ([]piece, error) {
	syms := make([]sym, len(w))
	for i := range len(w) {
		syms[i] = sym{id: t.byteID[w[i]], n: 1, prev: int32(i - 1), next: int32(i + 1)}
	}
	syms[len(w)-1].next = -1
	// candidate returns the merge of the symbol at left with its successor.
	candidate := func(left int32) (cand, bool) {
		if left < 0 || syms[left].next < 0 {
			return cand{}, false
		}
		a, b := syms[left].id, syms[syms[left].next].id
		m, ok := t.merges[[2]int32{a, b}]
		return cand{m.rank, int(left), a, b}, ok && a >= 0 && b >= 0
	}
	q := make(cands, 0, len(w))
	for i := range int32(len(w) - 1) {
		if c, ok := candidate(i); ok {
			q = append(q, c)
		}
	}
	heap.Init(&q)
	for q.Len() > 0 {
		c := heap.Pop(&q).(cand)
		l := &syms[c.left]
		if l.dead || l.id != c.a || l.next < 0 || syms[l.next].id != c.b {
			continue // stale: one side has changed since
		}
		r := &syms[l.next]
		l.id = int32(t.merges[[2]int32{c.a, c.b}].id)
		l.n += r.n
		r.dead = true
		l.next = r.next
		if r.next >= 0 {
			syms[r.next].prev = int32(c.left)
		}
		for _, left := range [2]int32{l.prev, int32(c.left)} {
			if nc, ok := candidate(left); ok {
				heap.Push(&q, nc)
			}
		}
	}
	var out []piece
	for i := int32(0); i >= 0; i = syms[i].next {
		s := syms[i]
		if s.id < 0 {
			if t.unk < 0 {
				return nil, fmt.Errorf("byte %#02x has no token and there is no unknown token", w[i])
			}
			s.id = t.unk
		}
		out = append(out, piece{s.id, s.n})
	}
	return out, nil
}

// Decode turns ids back into text: the byte-level characters of the tokens
// are mapped back to bytes. Ids out of range are skipped. Bytes that do not
// form valid UTF-8 (an id sequence that splits a character) are kept as
// they are.
func (t *Tokenizer) Decode(ids []int) string {
	var b []byte
	for _, id := range ids {
		if id < 0 || id >= len(t.vocab) {
			continue
		}
		for _, r := range t.vocab[id] {
			if by, ok := runeByte(r); ok {
				b = append(b, by)
			} else {
				b = utf8.AppendRune(b, r)
			}
		}
	}
	return string(b)
}

// EncodeAll encodes many texts, checking ctx between texts and reporting
// progress (nil allowed) about every 1% of the way.
func (t *Tokenizer) EncodeAll(ctx context.Context, texts []string, progress func(fraction float64, message string)) ([]tokenize.Encoding, error) {
	return tokenize.EncodeAll(ctx, texts, func(text string) (tokenize.Encoding, error) { return t.Encode(text, false) }, progress)
}
