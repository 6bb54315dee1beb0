package wordpiece

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"textlab/core/tokenize"
)

// smallVocab is a hand-made vocabulary for the table tests.
var smallVocab = []string{
	"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", // 0-4
	"hello", "world", "un", "##aff", "##able", // 5-9
	",", "!", "##s", "a", "##a", // 10-14
	"北", "京", "naive", "ᄒ", "##ᅡ", // 15-19
	"##ᆫ", "σος", "ς", // 20-22
}

func small(t testing.TB, o Options) *Tokenizer {
	t.Helper()
	tok, err := New(smallVocab, nil, o)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func sp(s, e int) tokenize.Span { return tokenize.Span{Start: s, End: e} }

func TestEncode(t *testing.T) {
	no := tokenize.NoSpan
	tests := []struct {
		name  string
		opts  Options
		text  string
		ids   []int
		spans []tokenize.Span
	}{
		{"words and punctuation", Options{}, "Hello, world!", []int{2, 5, 10, 6, 11, 3},
			[]tokenize.Span{no, sp(0, 5), sp(5, 6), sp(7, 12), sp(12, 13), no}},
		{"continuation pieces", Options{}, "unaffable", []int{2, 7, 8, 9, 3},
			[]tokenize.Span{no, sp(0, 2), sp(2, 5), sp(5, 9), no}},
		{"unknown word covers the word", Options{}, "hello xyz", []int{2, 5, 1, 3},
			[]tokenize.Span{no, sp(0, 5), sp(6, 9), no}},
		{"accent stripped, span of two-byte char", Options{}, "NAÏVE", []int{2, 17, 3},
			[]tokenize.Span{no, sp(0, 6), no}},
		{"accent kept is unknown", Options{Accents: AccentsKeep}, "naïve", []int{2, 1, 3},
			[]tokenize.Span{no, sp(0, 6), no}},
		{"cased model keeps case", Options{KeepCase: true}, "Hello hello", []int{2, 1, 5, 3},
			[]tokenize.Span{no, sp(0, 5), sp(6, 11), no}},
		{"CJK split", Options{}, "北京", []int{2, 15, 16, 3},
			[]tokenize.Span{no, sp(0, 3), sp(3, 6), no}},
		{"CJK not split", Options{NoChineseSplit: true}, "北京", []int{2, 1, 3},
			[]tokenize.Span{no, sp(0, 6), no}},
		{"Hangul decomposed into jamo", Options{}, "한", []int{2, 18, 19, 20, 3},
			[]tokenize.Span{no, sp(0, 3), sp(0, 3), sp(0, 3), no}},
		{"final sigma", Options{}, "ΣΟΣ Σ", []int{2, 21, 1, 3},
			[]tokenize.Span{no, sp(0, 6), sp(7, 9), no}},
		{"control chars removed, whitespace", Options{}, "hel\x00lo\u00a0\tworld", []int{2, 5, 6, 3},
			[]tokenize.Span{no, sp(0, 6), sp(9, 14), no}},
		{"mask matched in raw text", Options{}, "hello[MASK]!", []int{2, 5, 4, 11, 3},
			[]tokenize.Span{no, sp(0, 5), sp(5, 11), sp(11, 12), no}},
		{"100 chars is split", Options{}, strings.Repeat("a", 100), append(append([]int{2, 13}, slices.Repeat([]int{14}, 99)...), 3), nil},
		{"101 chars is unknown", Options{}, strings.Repeat("a", 101), []int{2, 1, 3},
			[]tokenize.Span{no, sp(0, 101), no}},
		{"max chars option", Options{MaxInputCharsPerWord: 2}, "aaa", []int{2, 1, 3},
			[]tokenize.Span{no, sp(0, 3), no}},
		{"empty", Options{}, "", []int{2, 3}, []tokenize.Span{no, no}},
		// Ideographs outside the BMP are split too (the JavaScript reference
		// does not split them: it checks UTF-16 code units).
		{"extension B ideograph split", Options{}, "a𠀀a", []int{2, 13, 1, 13, 3},
			[]tokenize.Span{no, sp(0, 1), sp(1, 5), sp(5, 6), no}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := small(t, tt.opts).Encode(tt.text, true)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(e.IDs, tt.ids) {
				t.Errorf("ids %v, want %v (tokens %q)", e.IDs, tt.ids, e.Tokens)
			}
			if tt.spans != nil && !slices.Equal(e.Spans, tt.spans) {
				t.Errorf("spans %v, want %v", e.Spans, tt.spans)
			}
			for i, id := range e.IDs {
				if e.Tokens[i] != smallVocab[id] {
					t.Errorf("token %d is %q, want %q", i, e.Tokens[i], smallVocab[id])
				}
			}
			checkSpans(t, tt.text, e.Spans)
		})
	}
}

// checkSpans checks that spans lie inside text, do not go backwards and,
// when text is valid UTF-8, start and end on character boundaries.
func checkSpans(t *testing.T, text string, spans []tokenize.Span) {
	t.Helper()
	valid := utf8.ValidString(text)
	last := 0
	for i, s := range spans {
		if s == tokenize.NoSpan {
			continue
		}
		if s.Start < last || s.End <= s.Start || s.End > len(text) ||
			valid && (!utf8.RuneStart(text[s.Start]) || s.End < len(text) && !utf8.RuneStart(text[s.End])) {
			t.Errorf("%q: span %d = %v is out of order or off character boundaries", text, i, s)
			return
		}
		last = s.Start
	}
}

func TestEncodePair(t *testing.T) {
	tok := small(t, Options{})
	tests := []struct {
		name    string
		a, b    string
		o       EncodeOptions
		ids     []int
		typeIDs []int
		mask    []int
	}{
		{"pair", "hello", "world!", EncodeOptions{}, []int{2, 5, 3, 6, 11, 3}, []int{0, 0, 0, 1, 1, 1}, nil},
		{"no special", "hello", "world", EncodeOptions{NoSpecial: true}, []int{5, 6}, []int{0, 1}, nil},
		{"truncate longer first", "hello world hello", "world", EncodeOptions{MaxLength: 6},
			[]int{2, 5, 6, 3, 6, 3}, []int{0, 0, 0, 0, 1, 1}, nil},
		{"truncate second on ties", "hello world", "world hello", EncodeOptions{MaxLength: 6},
			[]int{2, 5, 6, 3, 6, 3}, []int{0, 0, 0, 0, 1, 1}, nil},
		{"pad", "hello", "world", EncodeOptions{PadTo: 7},
			[]int{2, 5, 3, 6, 3, 0, 0}, []int{0, 0, 0, 1, 1, 0, 0}, []int{1, 1, 1, 1, 1, 0, 0}},
		{"truncate and pad", "hello world hello world", "world", EncodeOptions{MaxLength: 5, PadTo: 5},
			[]int{2, 5, 3, 6, 3}, []int{0, 0, 0, 1, 1}, []int{1, 1, 1, 1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := tok.EncodePair(tt.a, tt.b, tt.o)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(e.IDs, tt.ids) || !slices.Equal(e.TypeIDs, tt.typeIDs) || !slices.Equal(e.Mask, tt.mask) {
				t.Errorf("got ids %v types %v mask %v\nwant ids %v types %v mask %v", e.IDs, e.TypeIDs, e.Mask, tt.ids, tt.typeIDs, tt.mask)
			}
			if len(e.Spans) != len(e.IDs) || len(e.Tokens) != len(e.IDs) {
				t.Errorf("lengths differ: %d ids, %d spans, %d tokens", len(e.IDs), len(e.Spans), len(e.Tokens))
			}
		})
	}
	// Spans of the second text index the second text.
	e, _ := tok.EncodePair("hello", "xx world", EncodeOptions{})
	if e.Spans[4] != sp(3, 8) {
		t.Errorf("span of 'world' in the second text is %v, want {3 8}", e.Spans[4])
	}
	if _, err := tok.EncodePair("a", "b", EncodeOptions{MaxLength: 2}); err == nil {
		t.Error("max length 2 for a pair with special tokens: no error")
	}
}

func TestEncodeErrors(t *testing.T) {
	tok, err := New([]string{"a", "b"}, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tok.Encode("a", true); err == nil {
		t.Error("special tokens without [CLS]: no error")
	}
	if _, err := tok.Encode("c", false); err == nil || !strings.Contains(err.Error(), "[UNK]") {
		t.Errorf("unknown word without [UNK]: error %v", err)
	}
	if _, err := tok.EncodeWith("a", EncodeOptions{NoSpecial: true, PadTo: 3}); err == nil {
		t.Error("padding without [PAD]: no error")
	}
	for _, v := range [][]string{nil, {"a", "a"}, {"a", ""}} {
		if _, err := New(v, nil, Options{}); err == nil {
			t.Errorf("New(%q): no error", v)
		}
	}
}

func TestEncodeAll(t *testing.T) {
	tok := small(t, Options{})
	texts := slices.Repeat([]string{"hello", "world !"}, 150)
	var fractions []float64
	encs, err := tok.EncodeAll(context.Background(), texts, EncodeOptions{PadTo: 4}, func(f float64, _ string) {
		fractions = append(fractions, f)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(encs) != len(texts) || !slices.Equal(encs[1].IDs, []int{2, 6, 11, 3}) || !slices.Equal(encs[0].Mask, []int{1, 1, 1, 0}) {
		t.Errorf("EncodeAll: %d encodings, second %v, first mask %v", len(encs), encs[1].IDs, encs[0].Mask)
	}
	if len(fractions) < 2 || fractions[len(fractions)-1] != 1 || !slices.IsSorted(fractions) {
		t.Errorf("progress fractions %v", fractions)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := tok.EncodeAll(ctx, texts, EncodeOptions{}, nil); err != context.Canceled {
		t.Errorf("cancelled: error %v", err)
	}
}

func TestDecode(t *testing.T) {
	tok := small(t, Options{})
	tests := []struct {
		ids  []int
		want string
	}{
		{[]int{2, 7, 8, 9, 10, 6, 11, 3, 0}, "unaffable, world!"},
		{[]int{5, 4, 99, -1, 6}, "hello [MASK] world"},
		{nil, ""},
	}
	for _, tt := range tests {
		if got := tok.Decode(tt.ids); got != tt.want {
			t.Errorf("Decode(%v) = %q, want %q", tt.ids, got, tt.want)
		}
	}
}

func TestLoadVocab(t *testing.T) {
	tests := []struct {
		in      string
		size    int
		wantErr string
	}{
		{"[UNK]\n[CLS]\n[SEP]\nhello\n", 4, ""},
		{"[UNK]\r\nhello\r\n", 2, ""},
		{"[UNK]\n\nhello\n", 0, "line 2: empty token"},
		{"a\nb\na\n", 0, "appears twice"},
		{"", 0, "empty vocabulary"},
	}
	for _, tt := range tests {
		tok, err := LoadVocab(strings.NewReader(tt.in), Options{})
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("LoadVocab(%q): error %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("LoadVocab(%q): %v", tt.in, err)
			continue
		}
		if tok.VocabSize() != tt.size {
			t.Errorf("LoadVocab(%q): size %d, want %d", tt.in, tok.VocabSize(), tt.size)
		}
	}
}

const miniJSON = `{"added_tokens":[{"id":0,"content":"[PAD]","special":true},{"id":1,"content":"[UNK]","special":true},
{"id":2,"content":"<s>","special":true},{"id":3,"content":"</s>","special":true}],
"normalizer":{"type":"BertNormalizer","clean_text":true,"handle_chinese_chars":true,"strip_accents":null,"lowercase":false},
"pre_tokenizer":{"type":"BertPreTokenizer"},
"post_processor":{"type":"BertProcessing","sep":["</s>",3],"cls":["<s>",2]},
"model":{"type":"WordPiece","unk_token":"[UNK]","continuing_subword_prefix":"@@","max_input_chars_per_word":100,
"vocab":{"[PAD]":0,"[UNK]":1,"<s>":2,"</s>":3,"Hi":4,"@@ya":5,"hi":6}}}`

func TestLoadTokenizerJSON(t *testing.T) {
	tok, err := LoadTokenizerJSON(strings.NewReader(miniJSON))
	if err != nil {
		t.Fatal(err)
	}
	e, err := tok.Encode("Hiya hi", true)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{2, 4, 5, 6, 3}; !slices.Equal(e.IDs, want) {
		t.Errorf("ids %v, want %v (tokens %q)", e.IDs, want, e.Tokens)
	}
	bad := []struct{ json, wantErr string }{
		{`{"model":{"type":"BPE"}}`, "not WordPiece"},
		{`{"model":{"type":"WordPiece","vocab":{"a":5}}}`, "outside"},
		{`{"model":{"type":"WordPiece","vocab":{"a":0,"b":0}}}`, "share id"},
		{`{"pre_tokenizer":{"type":"Whitespace"},"model":{"type":"WordPiece","vocab":{"a":0}}}`, "pre_tokenizer"},
		{`{"normalizer":{"type":"NFC"},"pre_tokenizer":{"type":"BertPreTokenizer"},"model":{"type":"WordPiece","vocab":{"a":0}}}`, "normalizer"},
		{`{"added_tokens":[{"id":0,"content":"b"}],"pre_tokenizer":{"type":"BertPreTokenizer"},"model":{"type":"WordPiece","vocab":{"a":0}}}`, "does not match"},
		{`{"model":`, "unexpected EOF"},
	}
	for _, b := range bad {
		if _, err := LoadTokenizerJSON(strings.NewReader(b.json)); err == nil || !strings.Contains(err.Error(), b.wantErr) {
			t.Errorf("LoadTokenizerJSON(%s): error %v, want %q", b.json, err, b.wantErr)
		}
	}
}

// TestReferenceVocab checks that vocab.txt and tokenizer.json of
// bert-base-uncased give the same ids.
func TestReferenceVocab(t *testing.T) {
	dir := "../../../../shared/reference/tokenizers/"
	jf, err := os.Open(dir + "bert-base-uncased-tokenizer.json")
	if err != nil {
		t.Skipf("reference data missing: %v", err)
	}
	defer jf.Close()
	vf, err := os.Open(dir + "bert-base-uncased-vocab.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer vf.Close()
	fromJSON, err := LoadTokenizerJSON(jf)
	if err != nil {
		t.Fatal(err)
	}
	fromTxt, err := LoadVocab(vf, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if fromTxt.VocabSize() != 30522 || fromJSON.VocabSize() != 30522 {
		t.Errorf("vocab sizes %d and %d, want 30522", fromTxt.VocabSize(), fromJSON.VocabSize())
	}
	for _, text := range []string{benchText, "The [MASK] is Crème brûlée 北京.", ""} {
		a, _ := fromJSON.Encode(text, true)
		b, _ := fromTxt.Encode(text, true)
		if !slices.Equal(a.IDs, b.IDs) {
			t.Errorf("%q: tokenizer.json %v, vocab.txt %v", text, a.IDs, b.IDs)
		}
	}
}

const benchText = `The State of the Union is strong. Over the past year, we've created ` +
	`millions of new jobs, and unemployment has fallen to its lowest level in decades. ` +
	`But we can't rest: naïve optimism won't rebuild roads, bridges, or schools. ` +
	`Let's work together — Democrats and Republicans alike — to finish the job!`

func BenchmarkWordPiece(b *testing.B) {
	f, err := os.Open("../../../../shared/reference/tokenizers/bert-base-uncased-vocab.txt")
	if err != nil {
		b.Skipf("reference data missing: %v", err)
	}
	defer f.Close()
	tok, err := LoadVocab(f, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(benchText)))
	for b.Loop() {
		if _, err := tok.Encode(benchText, true); err != nil {
			b.Fatal(err)
		}
	}
}

func ExampleTokenizer_Encode() {
	vocab := []string{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un", "##aff", "##able", "!"}
	tok, err := New(vocab, nil, Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	e, err := tok.Encode("Unaffable!", true)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i := range e.IDs {
		fmt.Println(e.IDs[i], e.Tokens[i], e.Spans[i])
	}
	// Output:
	// 2 [CLS] {-1 -1}
	// 5 un {0 2}
	// 6 ##aff {2 5}
	// 7 ##able {5 9}
	// 8 ! {9 10}
	// 3 [SEP] {-1 -1}
}

func ExampleTokenizer_EncodePair() {
	vocab := []string{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "is", "it", "raining", "?", "yes"}
	tok, _ := New(vocab, nil, Options{})
	e, _ := tok.EncodePair("Is it raining?", "Yes", EncodeOptions{PadTo: 10})
	fmt.Println(e.Tokens)
	fmt.Println(e.TypeIDs)
	fmt.Println(e.Mask)
	// Output:
	// [[CLS] is it raining ? [SEP] yes [SEP] [PAD] [PAD]]
	// [0 0 0 0 0 0 1 1 0 0]
	// [1 1 1 1 1 1 1 1 0 0]
}
