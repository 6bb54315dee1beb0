package wordpiece

import (
	"strings"
	"testing"
)

func FuzzLoadVocab(f *testing.F) {
	f.Add("[UNK]\n[CLS]\n[SEP]\nhello\n##s\n")
	f.Add("a\r\n\r\nb")
	f.Add("x\nx\n")
	f.Fuzz(func(t *testing.T, data string) {
		tok, err := LoadVocab(strings.NewReader(data), Options{})
		if err != nil {
			return
		}
		e, err := tok.Encode(data, false)
		if err == nil {
			checkSpans(t, data, e.Spans)
		}
	})
}

func FuzzLoadTokenizerJSON(f *testing.F) {
	f.Add(miniJSON)
	f.Add(`{"pre_tokenizer":{"type":"BertPreTokenizer"},"model":{"type":"WordPiece","vocab":{"a":0}}}`)
	f.Add(`{"added_tokens":[{"id":-1,"content":""}],"pre_tokenizer":{"type":"BertPreTokenizer"},"model":{"type":"WordPiece","vocab":{"a":0,"[UNK]":1}}}`)
	f.Fuzz(func(t *testing.T, data string) {
		tok, err := LoadTokenizerJSON(strings.NewReader(data))
		if err != nil {
			return
		}
		for _, text := range []string{"Hiya hi", data} {
			e, err := tok.Encode(text, false)
			if err == nil {
				checkSpans(t, text, e.Spans)
			}
		}
	})
}

func FuzzEncode(f *testing.F) {
	for _, s := range []string{"Hello, world!", "unaffable", "北京 한 ΣΟΣ", "[MASK]x[PAD]", "a\x00\u00a0b\u0301", strings.Repeat("a", 120)} {
		f.Add(s, "world", 0, 0)
	}
	tok := small(f, Options{})
	f.Fuzz(func(t *testing.T, a, b string, maxLen, padTo int) {
		e, err := tok.Encode(a, true)
		if err != nil {
			t.Fatalf("Encode(%q): %v", a, err)
		}
		checkSpans(t, a, e.Spans)
		maxLen, padTo = maxLen%64, padTo%64
		e, err = tok.EncodePair(a, b, EncodeOptions{MaxLength: maxLen, PadTo: padTo})
		if err != nil {
			if maxLen >= 3 || maxLen <= 0 {
				t.Fatalf("EncodePair(%q, %q, %d, %d): %v", a, b, maxLen, padTo, err)
			}
			return
		}
		n := e.Len()
		if len(e.Tokens) != n || len(e.Spans) != n || len(e.TypeIDs) != n || (padTo > 0 && len(e.Mask) != n) {
			t.Fatalf("slice lengths differ: %d ids", n)
		}
		if maxLen > 0 && n > max(maxLen, padTo) || padTo > 0 && n < padTo {
			t.Fatalf("%d tokens with max length %d, pad to %d", n, maxLen, padTo)
		}
	})
}
