package llama2c

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"textlab/core/tokenize"
)

// ref is the shared reference folder, relative to this package's directory.
var ref = filepath.Join("..", "..", "..", "shared", "reference", "llama2c")

func readRef(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(ref, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func loadTokenizer(t testing.TB) *Tokenizer {
	t.Helper()
	tok, err := ReadTokenizer(bytes.NewReader(readRef(t, "tokenizer.bin")))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestEncodePrompts checks Encode against run.c's encode(text, bos=1,
// eos=0) of each line of prompts.txt (prompts.ids, produced by run.c).
func TestEncodePrompts(t *testing.T) {
	tok := loadTokenizer(t)
	if tok.VocabSize() != 32000 {
		t.Fatalf("vocab size %d, want 32000", tok.VocabSize())
	}
	texts := strings.Split(strings.TrimSuffix(string(readRef(t, "prompts.txt")), "\n"), "\n")
	idLines := strings.Split(strings.TrimSuffix(string(readRef(t, "prompts.ids")), "\n"), "\n")
	if len(texts) != len(idLines) {
		t.Fatalf("%d prompts, %d id lines", len(texts), len(idLines))
	}
	for i, text := range texts {
		var want []int
		for _, f := range strings.Fields(idLines[i]) {
			v, err := strconv.Atoi(f)
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, v)
		}
		enc, err := tok.Encode(text, true)
		if err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		if !equalInts(enc.IDs, want) {
			t.Errorf("line %d %q:\n got %v\nwant %v", i+1, text, enc.IDs, want)
		}
		if got := tok.Decode(enc.IDs); got != text {
			t.Errorf("line %d: decode(encode(%q)) = %q", i+1, text, got)
		}
		checkSpans(t, text, enc)
	}
}

// checkSpans checks that spans are in order, cover the text without gaps
// and that each token's span holds the token's text (byte tokens: the byte).
func checkSpans(t *testing.T, text string, enc tokenize.Encoding) {
	t.Helper()
	if len(enc.Spans) != len(enc.IDs) || len(enc.Tokens) != len(enc.IDs) {
		t.Fatalf("%q: %d ids, %d spans, %d tokens", text, len(enc.IDs), len(enc.Spans), len(enc.Tokens))
	}
	next, first := 0, true
	for i, s := range enc.Spans {
		if s == tokenize.NoSpan {
			continue
		}
		if s.Start != next || s.End < s.Start {
			t.Fatalf("%q: token %d span %v, want start %d", text, i, s, next)
		}
		piece := enc.Tokens[i]
		if b, ok := byteFallback(piece); ok {
			piece = string([]byte{b})
		}
		if first {
			piece = piece[1:] // the first token holds the dummy prefix, which has no bytes
			first = false
		}
		if text[s.Start:s.End] != piece {
			t.Errorf("%q: token %d %q has span %v = %q", text, i, enc.Tokens[i], s, text[s.Start:s.End])
		}
		next = s.End
	}
	if next != len(text) {
		t.Errorf("%q: spans end at %d, text has %d bytes", text, next, len(text))
	}
}

func TestEncodeEdgeCases(t *testing.T) {
	tok := loadTokenizer(t)
	tests := []struct {
		text       string
		addSpecial bool
		wantLen    int // number of ids
	}{
		{"", true, 1},      // BOS only: no dummy prefix for empty text (run.c)
		{"", false, 0},     // nothing at all
		{"a", false, 1},    // " a" is one piece
		{"\x00", false, 2}, // the dummy prefix and <0x00>
		{"\xff\xfe", false, 3},
	}
	for _, tt := range tests {
		enc, err := tok.Encode(tt.text, tt.addSpecial)
		if err != nil {
			t.Fatal(err)
		}
		if enc.Len() != tt.wantLen {
			t.Errorf("Encode(%q, %v) = %v, want %d ids", tt.text, tt.addSpecial, enc.IDs, tt.wantLen)
		}
		if tt.addSpecial && enc.IDs[0] != BOS {
			t.Errorf("Encode(%q, true) does not start with BOS: %v", tt.text, enc.IDs)
		}
		if got := tok.Decode(enc.IDs); got != tt.text {
			t.Errorf("decode(encode(%q)) = %q", tt.text, got)
		}
		checkSpans(t, tt.text, enc)
	}
}

func TestRoundTripRandomText(t *testing.T) {
	tok := loadTokenizer(t)
	texts := []string{"x  y", " lead", "trail ", "ünïcödé ✓ 𝄞", "a\tb\nc\r\n", "<0x41> <s> </s>"}
	for _, text := range texts {
		for _, special := range []bool{false, true} {
			enc, err := tok.Encode(text, special)
			if err != nil {
				t.Fatal(err)
			}
			if got := tok.Decode(enc.IDs); got != text {
				t.Errorf("decode(encode(%q, %v)) = %q (ids %v)", text, special, got, enc.IDs)
			}
			checkSpans(t, text, enc)
		}
	}
}

func TestReadTokenizerErrors(t *testing.T) {
	valid := tokenizerBytes(5, []string{"<unk>", "<s>", "</s>", " "})
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "max_token_length"},
		{"zero max", []byte{0, 0, 0, 0}, "max_token_length 0"},
		{"huge max", []byte{0xff, 0xff, 0xff, 0x7f}, "max_token_length"},
		{"too few pieces", tokenizerBytes(8, []string{"a"}), "1 pieces"},
		{"truncated record", valid[:len(valid)-3], "token 3"},
		{"truncated header of record", append(append([]byte{}, valid...), 1, 2, 3), "token 4: truncated score"},
		{"long piece", tokenizerBytes(2, []string{"<unk>"}), "length 5 outside"},
	}
	for _, tt := range tests {
		_, err := ReadTokenizer(bytes.NewReader(tt.data))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want it to mention %q", tt.name, err, tt.want)
		}
	}
	if _, err := ReadTokenizer(bytes.NewReader(valid)); err != nil {
		t.Errorf("valid file: %v", err)
	}
}

// tokenizerBytes builds a tokenizer.bin with scores 0, -1, -2, ...
func tokenizerBytes(maxLen int32, pieces []string) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, maxLen)
	for i, p := range pieces {
		binary.Write(&b, binary.LittleEndian, float32(-i))
		binary.Write(&b, binary.LittleEndian, int32(len(p)))
		b.WriteString(p)
	}
	return b.Bytes()
}

func FuzzReadTokenizer(f *testing.F) {
	f.Add(tokenizerBytes(5, []string{"<unk>", "<s>", "</s>", " ", "a", " a"}))
	f.Add(tokenizerBytes(27, []string{"<unk>", "\n<s>\n", "\n</s>\n", "<0x00>", " ", "ab", "b"}))
	f.Add([]byte{1, 0, 0, 0})
	good := tokenizerBytes(5, []string{"<unk>", "<s>", "</s>", " ", "a", " a"})
	f.Add(good[:len(good)-1])                                      // truncated
	f.Add([]byte{0xff, 0xff, 0xff, 0x7f})                          // max_token_length 2^31-1
	f.Add([]byte{16, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f}) // a piece of 2^31-1 bytes
	f.Fuzz(func(t *testing.T, data []byte) {
		tok, err := ReadTokenizer(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, text := range []string{"", "ab a", "\xff", "日本"} {
			enc, err := tok.Encode(text, true)
			if err != nil {
				continue
			}
			if len(enc.Spans) != len(enc.IDs) || len(enc.Tokens) != len(enc.IDs) {
				t.Fatalf("%q: %d ids, %d spans, %d tokens", text, len(enc.IDs), len(enc.Spans), len(enc.Tokens))
			}
			_ = tok.Decode(enc.IDs)
		}
	})
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
