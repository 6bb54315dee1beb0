package bpe

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"textlab/core/tokenize"
)

// checkSpans checks that the spans of a byte-level encoding tile the text:
// each starts where the one before ended, and the last ends at len(text).
func checkSpans(t *testing.T, text string, spans []tokenize.Span) {
	t.Helper()
	at := 0
	for i, s := range spans {
		if s.Start != at || s.End <= s.Start {
			t.Errorf("%q: span %d = %v, want it to start at %d", text, i, s, at)
			return
		}
		at = s.End
	}
	if at != len(text) {
		t.Errorf("%q: spans end at %d, want %d", text, at, len(text))
	}
}

// tiny builds a byte-level vocabulary with all 256 byte symbols plus the
// parts and results of the given merges.
func tiny(t testing.TB, merges []Pair, opts Options) *Tokenizer {
	t.Helper()
	vocab := map[string]int{}
	for b := range 256 {
		vocab[string(byteRune[b])] = b
	}
	for _, m := range merges {
		for _, s := range []string{m.A, m.B, m.A + m.B} {
			if _, ok := vocab[s]; !ok {
				vocab[s] = len(vocab)
			}
		}
	}
	tok, err := New(vocab, merges, opts)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestNextWord(t *testing.T) {
	tests := []struct {
		text  string
		words []string
	}{
		{"Hello world", []string{"Hello", " world"}},
		{"it's", []string{"it", "'s"}},
		{"they'll've", []string{"they", "'ll", "'ve"}},
		{"IT'S", []string{"IT", "'", "S"}},
		{"a   b", []string{"a", "  ", " b"}},
		{"a\t\tb", []string{"a", "\t", "\t", "b"}},
		{"a \tb", []string{"a", " ", "\t", "b"}},
		{"end  ", []string{"end", "  "}},
		{"x 123 !!", []string{"x", " 123", " !!"}},
		{"a1b", []string{"a", "1", "b"}},
		{"北京 x", []string{"北京", " x"}},
		{"😀😀 ok", []string{"😀😀", " ok"}},
		{"\xff\xfeab", []string{"\xff\xfe", "ab"}},
		{"nbsp\u00a0x", []string{"nbsp", "\u00a0", "x"}},
		{" ", []string{" "}},
	}
	for _, tt := range tests {
		var got []string
		for i := 0; i < len(tt.text); {
			j := nextWord(tt.text, i)
			got = append(got, tt.text[i:j])
			i = j
		}
		if !slices.Equal(got, tt.words) {
			t.Errorf("words of %q: %q, want %q", tt.text, got, tt.words)
		}
	}
}

func TestByteTable(t *testing.T) {
	seen := map[rune]bool{}
	for b, r := range byteRune {
		if seen[r] {
			t.Fatalf("byte %d maps to %q twice", b, r)
		}
		seen[r] = true
		if back, ok := runeByte(r); !ok || int(back) != b {
			t.Errorf("runeByte(%q) = %d, %v, want %d", r, back, ok, b)
		}
	}
	if byteRune[' '] != 'Ġ' || byteRune['\n'] != 'Ċ' || byteRune['a'] != 'a' {
		t.Errorf("space, newline, a map to %q %q %q", byteRune[' '], byteRune['\n'], byteRune['a'])
	}
}

func TestEncode(t *testing.T) {
	merges := []Pair{{"l", "o"}, {"lo", "w"}, {"Ġ", "low"}, {"e", "r"}, {"a", "a"}, {"Ã", "©"}}
	tok := tiny(t, merges, Options{})
	sp := func(s, e int) tokenize.Span { return tokenize.Span{Start: s, End: e} }
	tests := []struct {
		text   string
		tokens []string
		spans  []tokenize.Span
	}{
		{"lower low", []string{"low", "er", "Ġlow"}, []tokenize.Span{sp(0, 3), sp(3, 5), sp(5, 9)}},
		{"aaa", []string{"aa", "a"}, []tokenize.Span{sp(0, 2), sp(2, 3)}},
		{"aaaa", []string{"aa", "aa"}, []tokenize.Span{sp(0, 2), sp(2, 4)}},
		// é is C3 A9, written Ã©: merged to one token over both bytes.
		{"é", []string{"Ã©"}, []tokenize.Span{sp(0, 2)}},
		// ü is C3 BC, not merged: each token covers one byte of it.
		{"ü", []string{"Ã", "¼"}, []tokenize.Span{sp(0, 1), sp(1, 2)}},
		{"", nil, nil},
	}
	for _, tt := range tests {
		e, err := tok.Encode(tt.text, true)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(e.Tokens, tt.tokens) || !slices.Equal(e.Spans, tt.spans) {
			t.Errorf("%q: tokens %q spans %v, want %q %v", tt.text, e.Tokens, e.Spans, tt.tokens, tt.spans)
		}
		checkSpans(t, tt.text, e.Spans)
		if got := tok.Decode(e.IDs); got != tt.text {
			t.Errorf("Decode(Encode(%q)) = %q", tt.text, got)
		}
	}
	// The cache must not change results.
	for range 2 {
		e, _ := tok.Encode("lower", false)
		if !slices.Equal(e.Tokens, []string{"low", "er"}) {
			t.Errorf("cached: %q", e.Tokens)
		}
	}
}

func TestEncodeAll(t *testing.T) {
	tok := tiny(t, []Pair{{"l", "o"}, {"lo", "w"}}, Options{})
	texts := slices.Repeat([]string{"low", "lol"}, 150)
	var fractions []float64
	encs, err := tok.EncodeAll(context.Background(), texts, func(f float64, _ string) {
		fractions = append(fractions, f)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(encs) != len(texts) || !slices.Equal(encs[1].Tokens, []string{"lo", "l"}) {
		t.Errorf("EncodeAll: %d encodings, second %q", len(encs), encs[1].Tokens)
	}
	if len(fractions) < 2 || fractions[len(fractions)-1] != 1 || !slices.IsSorted(fractions) {
		t.Errorf("progress fractions %v", fractions)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := tok.EncodeAll(ctx, texts, nil); err != context.Canceled {
		t.Errorf("cancelled: error %v", err)
	}
}

func TestPrefixSpace(t *testing.T) {
	tok := tiny(t, []Pair{{"l", "o"}, {"lo", "w"}, {"Ġ", "low"}}, Options{AddPrefixSpace: true})
	e, err := tok.Encode("low low", false)
	if err != nil {
		t.Fatal(err)
	}
	want := []tokenize.Span{{Start: 0, End: 3}, {Start: 3, End: 7}}
	if !slices.Equal(e.Tokens, []string{"Ġlow", "Ġlow"}) || !slices.Equal(e.Spans, want) {
		t.Errorf("tokens %q spans %v", e.Tokens, e.Spans)
	}
}

func TestUnknown(t *testing.T) {
	vocab := map[string]int{"a": 0, "<unk>": 1}
	tok, err := New(vocab, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tok.Encode("ab", false); err == nil {
		t.Error("missing byte without unknown token: no error")
	}
	tok, err = New(vocab, nil, Options{Unknown: "<unk>"})
	if err != nil {
		t.Fatal(err)
	}
	e, err := tok.Encode("ab", false)
	if err != nil || !slices.Equal(e.IDs, []int{0, 1}) {
		t.Errorf("ids %v, err %v, want [0 1]", e.IDs, err)
	}
}

func TestLoadMerges(t *testing.T) {
	tests := []struct {
		in      string
		n       int
		wantErr string
	}{
		{"#version: 0.2\nĠ t\nĠ a\n", 2, ""},
		{"a b\r\n\nc d", 2, ""},
		{"a b\nabc\n", 0, "line 2"},
		{"a  b\n", 0, "line 1"},
		{"a b c\n", 0, "line 1"},
	}
	for _, tt := range tests {
		m, err := LoadMerges(strings.NewReader(tt.in))
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("LoadMerges(%q): error %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || len(m) != tt.n {
			t.Errorf("LoadMerges(%q) = %d merges, %v; want %d", tt.in, len(m), err, tt.n)
		}
	}
}

func TestLoadTokenizerJSON(t *testing.T) {
	good := `{"normalizer":null,"pre_tokenizer":{"type":"ByteLevel","add_prefix_space":false},
"model":{"type":"BPE","vocab":{"h":0,"i":1,"hi":2,"Ġ":3,"Ġhi":4},"merges":["h i",["Ġ","hi"]]}}`
	tok, err := LoadTokenizerJSON(strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	e, _ := tok.Encode("hi hi", false)
	if !slices.Equal(e.IDs, []int{2, 4}) {
		t.Errorf("ids %v, want [2 4]", e.IDs)
	}
	bad := []struct{ json, wantErr string }{
		{`{"model":{"type":"WordPiece"}}`, "not BPE"},
		{`{"pre_tokenizer":{"type":"Metaspace"},"model":{"type":"BPE","vocab":{"a":0}}}`, "ByteLevel"},
		{`{"pre_tokenizer":{"type":"ByteLevel"},"model":{"type":"BPE","vocab":{"a":0},"merges":["a"]}}`, "merge 1"},
		{`{"pre_tokenizer":{"type":"ByteLevel"},"model":{"type":"BPE","vocab":{"a":0},"merges":["a a"]}}`, "not in the vocabulary"},
		{`{"pre_tokenizer":{"type":"ByteLevel"},"model":{"type":"BPE","vocab":{"a":3}}}`, "outside"},
		{`[`, "unexpected EOF"},
	}
	for _, b := range bad {
		if _, err := LoadTokenizerJSON(strings.NewReader(b.json)); err == nil || !strings.Contains(err.Error(), b.wantErr) {
			t.Errorf("LoadTokenizerJSON(%s): error %v, want %q", b.json, err, b.wantErr)
		}
	}
}

// TestGPT2 checks a few encodings with GPT-2's real vocabulary. Expected
// ids are from @huggingface/tokenizers 0.2.0 (see the ref test), and the
// well-known "Hello world" = [15496, 995].
func TestGPT2(t *testing.T) {
	v, err := os.Open("../../../../shared/reference/tokenizers/gpt2-encoder.json")
	if err != nil {
		t.Skipf("reference data missing: %v", err)
	}
	defer v.Close()
	m, err := os.Open("../../../../shared/reference/tokenizers/gpt2-vocab.bpe")
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	tok, err := Load(v, m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if tok.VocabSize() != 50257 {
		t.Errorf("vocab size %d, want 50257", tok.VocabSize())
	}
	e, _ := tok.Encode("Hello world", false)
	if !slices.Equal(e.IDs, []int{15496, 995}) {
		t.Errorf("Hello world: %v", e.IDs)
	}
	e, _ = tok.Encode(benchText, false)
	checkSpans(t, benchText, e.Spans)
	if got := tok.Decode(e.IDs); got != benchText {
		t.Errorf("round trip: %q", got)
	}
}

const benchText = `The State of the Union is strong. Over the past year, we've created ` +
	`millions of new jobs, and unemployment has fallen to its lowest level in decades. ` +
	`But we can't rest: naïve optimism won't rebuild roads, bridges, or schools. ` +
	`Let's work together — Democrats and Republicans alike — to finish the job!`

func BenchmarkBPE(b *testing.B) {
	v, err := os.Open("../../../../shared/reference/tokenizers/gpt2-encoder.json")
	if err != nil {
		b.Skipf("reference data missing: %v", err)
	}
	defer v.Close()
	m, err := os.Open("../../../../shared/reference/tokenizers/gpt2-vocab.bpe")
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	for _, cache := range []int{0, -1} {
		tok, err := Load(v, m, Options{CacheSize: cache})
		if err != nil {
			b.Fatal(err)
		}
		name := "cache"
		if cache < 0 {
			name = "nocache"
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(benchText)))
			for b.Loop() {
				if _, err := tok.Encode(benchText, false); err != nil {
					b.Fatal(err)
				}
			}
		})
		v.Seek(0, 0)
		m.Seek(0, 0)
	}
}

func ExampleTokenizer_Encode() {
	vocab := map[string]int{}
	for b := range 256 {
		vocab[string(byteRune[b])] = b
	}
	vocab["lo"], vocab["low"], vocab["Ġlow"] = 256, 257, 258
	merges := []Pair{{"l", "o"}, {"lo", "w"}, {"Ġ", "low"}}
	tok, err := New(vocab, merges, Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	e, _ := tok.Encode("lowest low", false)
	for i := range e.IDs {
		fmt.Println(e.IDs[i], e.Tokens[i], e.Spans[i])
	}
	fmt.Println(tok.Decode(e.IDs))
	// Output:
	// 257 low {0 3}
	// 101 e {3 4}
	// 115 s {4 5}
	// 116 t {5 6}
	// 258 Ġlow {6 10}
	// lowest low
}
