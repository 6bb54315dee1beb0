package tokentrain

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"textlab/core/llama2c"
	"textlab/core/tokenize/wordpiece"
)

// corpus returns n seeded pseudo-English lines for training and held-out
// tests, with some accented, Greek, CJK and emoji text mixed in.
func corpus(seed uint64, n int) []string {
	words := strings.Fields(`the a of and to in is was he she it that for on with as his her
		they at by this had from not but be are have one all were we when there an
		which their said if do will each about how up out them then many some so
		these would other into has more two like him time see no could people my
		than first been who its now long down day did get come made may part over
		new sound take only little work know place year live me back give most
		very after thing our just name good sentence man think say great where help
		through much before line right too mean old any same tell boy follow came
		want show also around form three small set put end does another well large
		must big even such because turn here why ask went men read need land
		different home us move try kind hand picture again change off play spell
		air away animal house point page letter mother answer found study still
		learn should America world running walked happily unbelievable nations
		government river mountain children Shakespeare café naïve résumé Zürich
		Ångström façade coöperate über`)
	extra := []string{"Ελληνικά γράμματα", "東京 北京", "emoji 🙂 and ☃", "«quotes» — dashes…", "tab\there", "numbers 12,345.67 and 1999"}
	r := rand.New(rand.NewPCG(seed, 7))
	lines := make([]string, n)
	for i := range lines {
		var b strings.Builder
		for s := range 1 + r.IntN(3) {
			if s > 0 {
				b.WriteByte(' ')
			}
			k := 4 + r.IntN(10)
			for j := range k {
				w := words[r.IntN(len(words))]
				if j == 0 {
					w = strings.ToUpper(w[:1]) + w[1:]
				} else {
					b.WriteByte(' ')
				}
				b.WriteString(w)
				if j < k-1 && r.IntN(8) == 0 {
					b.WriteByte(',')
				}
			}
			b.WriteString([]string{".", ".", ".", "!", "?", `."`}[r.IntN(6)])
		}
		if r.IntN(10) == 0 {
			b.WriteString(" " + extra[r.IntN(len(extra))])
		}
		lines[i] = b.String()
	}
	return lines
}

func count(split Splitter, lines []string) map[string]int64 {
	c := Counter{Split: split}
	for _, l := range lines {
		c.Add(l)
	}
	return c.Words()
}

func splitAll(split Splitter, text string) []string {
	var out []string
	split(text, func(w []byte) { out = append(out, string(w)) })
	return out
}

// TestSplitBERTMatchesWordPiece checks SplitBERT against the words that
// core/tokenize/wordpiece makes: with a vocabulary of exactly the words
// SplitBERT gives, the tokenizer must return those words, one token each.
func TestSplitBERTMatchesWordPiece(t *testing.T) {
	tests := []struct {
		text string
		want []string // nil: only compared with the tokenizer
	}{
		{"Hello, World!", []string{"hello", ",", "world", "!"}},
		{"NAÏVE café Ångström", []string{"naive", "cafe", "angstrom"}},
		{"北京 is 東京?", []string{"北", "京", "is", "東", "京", "?"}},
		{"don't stop-believing", []string{"don", "'", "t", "stop", "-", "believing"}},
		{"ΟΔΟΣ Σ ΣΑ", []string{"οδος", "σ", "σα"}},
		{"İstanbul", []string{"istanbul"}},
		{"한국어", nil},
		{"tab\there\nnew\u00a0line\u2028x", []string{"tab", "here", "new", "line", "x"}},
		{"ctrl\x01\x7fchars\u200b", []string{"ctrlchars"}},
		{"emoji 🙂🙂 ok", []string{"emoji", "🙂🙂", "ok"}},
		{"ﬁ ﬂ Ω Å", nil},
		{"a\u0301b \u0301 x", nil},
		{"", []string{}},
	}
	for _, tc := range tests {
		got := splitAll(SplitBERT, tc.text)
		if tc.want != nil && !slices.Equal(got, tc.want) && !(len(got) == 0 && len(tc.want) == 0) {
			t.Errorf("SplitBERT(%q) = %q, want %q", tc.text, got, tc.want)
		}
		checkBERTWords(t, tc.text, got)
	}
	for _, line := range corpus(1, 200) {
		checkBERTWords(t, line, splitAll(SplitBERT, line))
	}
}

func checkBERTWords(t *testing.T, text string, words []string) {
	t.Helper()
	vocab := []string{"[UNK]"}
	seen := map[string]bool{"[UNK]": true}
	for _, w := range words {
		if !seen[w] {
			seen[w] = true
			vocab = append(vocab, w)
		}
	}
	tok, err := wordpiece.New(vocab, nil, wordpiece.Options{})
	if err != nil {
		t.Fatal(err)
	}
	enc, err := tok.Encode(text, false)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(enc.Tokens, words) && !(len(words) == 0 && enc.Len() == 0) {
		t.Errorf("%q: wordpiece gives %q, SplitBERT %q", text, enc.Tokens, words)
	}
}

func TestSplitLlama(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"", nil},
		{"Hello, world 42", []string{" Hello", ",", " world", " 4", "2"}},
		{"  two spaces", []string{" ", " ", " two", " spaces"}},
		{"don't...", []string{" don", "'", "t", "..."}},
		{"café naïve", []string{" café", " naïve"}},
		{"a\nb\tc", []string{" a", "\n", "b", "\t", "c"}},
		{"(x) -y", []string{" (", "x", ")", " -", "y"}},
		{"日本語 ok", []string{" 日本語", " ok"}},
		{"e\u0301!", []string{" e\u0301", "!"}},
		{"\xff\xfe bad", []string{" \xff\xfe", " bad"}},
	}
	for _, tc := range tests {
		got := splitAll(SplitLlama, tc.text)
		if !slices.Equal(got, tc.want) {
			t.Errorf("SplitLlama(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestTrainWordPiece(t *testing.T) {
	train, held := corpus(1, 2000), corpus(2, 300)
	words := count(SplitBERT, train)
	tests := []struct {
		name    string
		cfg     WordPieceConfig
		size    int
		special map[string]int
	}{
		{"compact", WordPieceConfig{VocabSize: 400}, 400, map[string]int{Pad: 0, Unk: 1, CLS: 2, SEP: 3, Mask: 4}},
		{"bert-base layout", WordPieceConfig{VocabSize: 500, BERTBaseLayout: true}, 500, map[string]int{Pad: 0, "[unused0]": 1, "[unused98]": 99, Unk: 100, CLS: 101, SEP: 102, Mask: 103}},
		{"few merges (min frequency)", WordPieceConfig{VocabSize: 5000, MinFrequency: 1000}, -1, map[string]int{Unk: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			vocab, err := TrainWordPiece(context.Background(), words, tc.cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tc.size >= 0 && len(vocab) != tc.size {
				t.Errorf("%d tokens, want %d", len(vocab), tc.size)
			}
			for tok, id := range tc.special {
				if vocab[id] != tok {
					t.Errorf("token %d is %q, want %q", id, vocab[id], tok)
				}
			}
			again, err := TrainWordPiece(context.Background(), words, tc.cfg, nil)
			if err != nil || !slices.Equal(vocab, again) {
				t.Errorf("training again gave a different vocabulary (err %v)", err)
			}
			var buf bytes.Buffer
			if err := WriteVocab(&buf, vocab); err != nil {
				t.Fatal(err)
			}
			tok, err := wordpiece.LoadVocab(&buf, wordpiece.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if tok.VocabSize() != len(vocab) {
				t.Fatalf("loaded %d tokens, wrote %d", tok.VocabSize(), len(vocab))
			}
			for _, s := range []string{Pad, Unk, CLS, SEP, Mask} {
				if id, ok := tok.ID(s); !ok || vocab[id] != s {
					t.Errorf("loaded vocabulary has %s at %d (%v)", s, id, ok)
				}
			}
			enc, err := tok.Encode("Hello [MASK] world", true)
			if err != nil {
				t.Fatal(err)
			}
			cls, _ := tok.ID(CLS)
			mask, _ := tok.ID(Mask)
			if enc.IDs[0] != cls || !slices.Contains(enc.IDs, mask) {
				t.Errorf("special tokens not used: %q", enc.Tokens)
			}
			unk, n, pieces := unkRate(t, tok, held)
			if unk != 0 {
				t.Errorf("%d of %d held-out words are [UNK]", unk, n)
			}
			t.Logf("%d tokens; held-out: %d words, %.3f pieces a word, %d [UNK]", len(vocab), n, float64(pieces)/float64(n), unk)
		})
	}
}

// unkRate tokenizes texts and counts the [UNK] tokens, the words
// (SplitBERT's) and the pieces.
func unkRate(t *testing.T, tok *wordpiece.Tokenizer, texts []string) (unk, words, pieces int) {
	t.Helper()
	unkID, _ := tok.ID(Unk)
	for _, text := range texts {
		enc, err := tok.Encode(text, false)
		if err != nil {
			t.Fatal(err)
		}
		words += len(splitAll(SplitBERT, text))
		pieces += enc.Len()
		for _, id := range enc.IDs {
			if id == unkID {
				unk++
			}
		}
	}
	return unk, words, pieces
}

func TestTrainWordPieceErrors(t *testing.T) {
	words := map[string]int64{"hello": 3, "world": 2}
	if _, err := TrainWordPiece(context.Background(), words, WordPieceConfig{VocabSize: 10}, nil); err == nil {
		t.Error("a vocabulary smaller than the alphabet: no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := TrainWordPiece(ctx, words, WordPieceConfig{}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: err %v, want context.Canceled", err)
	}
	if _, err := TrainLlama(ctx, words, LlamaConfig{}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: err %v, want context.Canceled", err)
	}
	var buf bytes.Buffer
	if err := WriteVocab(&buf, []string{"[PAD]", "a\nb"}); err == nil {
		t.Error("a token with a newline: no error")
	}
}

func TestTrainLlama(t *testing.T) {
	train, held := corpus(1, 2000), corpus(2, 300)
	words := count(SplitLlama, train)
	var fractions []float64
	progress := func(f float64, msg string) { fractions = append(fractions, f) }
	v, m, err := trainLlama(context.Background(), words, LlamaConfig{VocabSize: 700}, progress)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Pieces) != 700 || len(v.Scores) != 700 {
		t.Fatalf("%d pieces, %d scores; want 700", len(v.Pieces), len(v.Scores))
	}
	if len(fractions) < 10 || !slices.IsSorted(fractions) || fractions[len(fractions)-1] != 1 {
		t.Errorf("progress fractions %v", fractions)
	}
	for id, want := range map[int]string{0: "<unk>", 1: "<s>", 2: "</s>", 3: "<0x00>", 13: "<0x0A>", 258: "<0xFF>"} {
		if v.Pieces[id] != want {
			t.Errorf("piece %d is %q, want %q", id, v.Pieces[id], want)
		}
	}
	again, err := TrainLlama(context.Background(), words, LlamaConfig{VocabSize: 700}, nil)
	if err != nil || !slices.Equal(v.Pieces, again.Pieces) || !slices.Equal(v.Scores, again.Scores) {
		t.Errorf("training again gave a different vocabulary (err %v)", err)
	}
	var buf bytes.Buffer
	n, err := v.WriteTo(&buf)
	if err != nil || n != int64(buf.Len()) {
		t.Fatalf("WriteTo: %d bytes, %v (buffer %d)", n, err, buf.Len())
	}
	tok, err := llama2c.ReadTokenizer(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tok.Pieces, v.Pieces) || !slices.Equal(tok.Scores, v.Scores) || tok.MaxTokenLength != v.MaxTokenLength() {
		t.Fatal("tokenizer.bin read back differs")
	}

	// run.c's encode reproduces the trainer's segmentation of every text.
	id := map[string]int{}
	for i, p := range v.Pieces {
		id[p] = i
	}
	seg := map[string][]int{}
	for _, w := range m.words {
		var s []int
		for _, p := range w {
			s = append(s, id[m.pieces[p]])
		}
		seg[m.pieceString(w)] = s
	}
	for _, text := range append(slices.Clone(train[:300]), held...) {
		var want []int
		for _, w := range splitAll(SplitLlama, text) {
			s, ok := seg[w]
			if !ok {
				s = m.segment(w, id)
			}
			want = append(want, s...)
		}
		enc, err := tok.Encode(text, false)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(enc.IDs, want) {
			t.Fatalf("%q: run.c's encode gives %q, the trainer %v", text, enc.Tokens, want)
		}
	}

	// Round trip, with characters outside the alphabet and raw bytes.
	texts := append(slices.Clone(held), "", " leading space", "trailing  ", "zero\x00byte", "\xff\xfe invalid \xc3", "😀 emoji ☃ ǅ", "tabs\tand\nnewlines\r\n", "ᚠᛇᚻ runes", "ℌ𝔢𝔩𝔩𝔬")
	var tokens, nwords int
	for _, text := range texts {
		enc, err := tok.Encode(text, true)
		if err != nil {
			t.Fatal(err)
		}
		if got := tok.Decode(enc.IDs); got != text {
			t.Errorf("decode(encode(%q)) = %q", text, got)
		}
		tokens += enc.Len() - 1
		nwords += len(strings.Fields(text))
	}
	t.Logf("%d pieces (%d merges); %.3f tokens a word on held-out text", len(v.Pieces), v.Merges, float64(tokens)/float64(nwords))
}

// pieceString returns the text of segmentation w.
func (m *merger) pieceString(w []int32) string {
	var b strings.Builder
	for _, p := range w {
		if m.fixed[p] {
			b.WriteByte(byte(p)) // byte tokens are the merger's ids 0-255
			continue
		}
		b.WriteString(m.pieces[p])
	}
	return b.String()
}

// segment encodes a word the trainer did not learn from (too short or too
// long) as the trainer would, in vocabulary ids.
func (m *merger) segment(w string, id map[string]int) []int {
	var seg []int32
	for j := 0; j < len(w); {
		end := unitEnd(w, j)
		if p, ok := m.ids[w[j:end]]; ok && !m.fixed[p] {
			seg = append(seg, p)
		} else {
			for k := j; k < end; k++ {
				seg = append(seg, int32(w[k]))
			}
		}
		j = end
	}
	var out []int
	for _, p := range m.encode(seg) {
		out = append(out, id[m.pieces[p]])
	}
	return out
}

func TestLlamaScoresFollowMergeOrder(t *testing.T) {
	// Worked by hand: "bc" occurs 5 times; then " a" 4; then " abc" 3
	// (" a"+"bc"); " bc" and "bcd" 2 each, " bc" first in byte order; then
	// " bcd" (" bc"+"d"); " ab" occurs once, below MinFrequency.
	words := map[string]int64{" abc": 3, " ab": 1, " bcd": 2}
	v, err := TrainLlama(context.Background(), words, LlamaConfig{VocabSize: LlamaFirstPiece + 20, Alphabet: " abcd"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	learned := v.Pieces[LlamaFirstPiece : LlamaFirstPiece+v.Merges]
	want := []string{"bc", " a", " abc", " bc", " bcd"}
	if !slices.Equal(learned, want) {
		t.Errorf("learned %q, want %q", learned, want)
	}
	for i := 1; i < len(v.Scores)-LlamaFirstPiece; i++ {
		if v.Scores[LlamaFirstPiece+i] >= v.Scores[LlamaFirstPiece+i-1] {
			t.Fatalf("scores not decreasing at %d: %v", LlamaFirstPiece+i, v.Scores[LlamaFirstPiece:])
		}
	}
}

// TestCancelDuringWork cancels from the progress callback, after the first
// report, and expects each long task to stop with the context's error.
func TestCancelDuringWork(t *testing.T) {
	lines := corpus(3, 500)
	words := count(SplitBERT, lines)
	tests := []struct {
		name string
		run  func(ctx context.Context, p Progress) error
	}{
		{"AddLines", func(ctx context.Context, p Progress) error {
			text := strings.Repeat(strings.Join(lines, "\n")+"\n", 40)
			var c Counter
			return c.AddLines(ctx, strings.NewReader(text), int64(len(text)), p)
		}},
		{"TrainWordPiece", func(ctx context.Context, p Progress) error {
			_, err := TrainWordPiece(ctx, words, WordPieceConfig{VocabSize: 600, MinFrequency: 1}, p)
			return err
		}},
		{"TrainLlama", func(ctx context.Context, p Progress) error {
			_, err := TrainLlama(ctx, count(SplitLlama, lines), LlamaConfig{VocabSize: 800, MinFrequency: 1}, p)
			return err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			reports := 0
			err := tc.run(ctx, func(f float64, msg string) {
				reports++
				if reports == 2 {
					cancel()
				}
			})
			if !errors.Is(err, context.Canceled) {
				t.Errorf("err %v after %d reports, want context.Canceled", err, reports)
			}
		})
	}
}

func TestCounter(t *testing.T) {
	tests := []struct {
		name  string
		split Splitter
		lines string
		total int64
		words map[string]int64
	}{
		{"BERT (zero Counter)", nil, "The cat.\nthe CAT!\n", 6, map[string]int64{"the": 2, "cat": 2, ".": 1, "!": 1}},
		{"Llama", SplitLlama, "The cat.\nthe cat\n", 5, map[string]int64{" The": 1, " the": 1, " cat": 2, ".": 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := Counter{Split: tc.split}
			var last float64
			if err := c.AddLines(context.Background(), strings.NewReader(tc.lines), int64(len(tc.lines)), func(f float64, _ string) { last = f }); err != nil {
				t.Fatal(err)
			}
			got := c.Words()
			if c.Total() != tc.total || len(got) != len(tc.words) || last != 1 {
				t.Errorf("total %d, words %v, last progress %v; want %d, %v, 1", c.Total(), got, last, tc.total, tc.words)
			}
			for w, n := range tc.words {
				if got[w] != n {
					t.Errorf("%q: %d, want %d", w, got[w], n)
				}
			}
		})
	}
}
