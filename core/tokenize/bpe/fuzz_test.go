package bpe

import (
	"strings"
	"testing"
)

func FuzzLoadMerges(f *testing.F) {
	f.Add("#version: 0.2\nĠ t\nĠ a\nh e\n")
	f.Add("a b\r\n\nc d")
	f.Add("a  b")
	f.Fuzz(func(t *testing.T, data string) {
		merges, err := LoadMerges(strings.NewReader(data))
		if err != nil {
			return
		}
		for _, m := range merges {
			if m.A == "" || m.B == "" || strings.Contains(m.A+m.B, " ") {
				t.Fatalf("bad merge %q", m)
			}
		}
		tok := tiny(t, merges, Options{})
		e, err := tok.Encode(data, false)
		if err != nil {
			t.Fatal(err)
		}
		checkSpans(t, data, e.Spans)
	})
}

func FuzzLoadTokenizerJSON(f *testing.F) {
	f.Add(`{"normalizer":null,"pre_tokenizer":{"type":"ByteLevel"},"model":{"type":"BPE","vocab":{"h":0,"i":1,"hi":2},"merges":["h i"]}}`)
	f.Add(`{"pre_tokenizer":{"type":"ByteLevel","add_prefix_space":true},"model":{"type":"BPE","vocab":{"a":0,"<unk>":1},"unk_token":"<unk>","merges":[["a","a"]]}}`)
	f.Fuzz(func(t *testing.T, data string) {
		tok, err := LoadTokenizerJSON(strings.NewReader(data))
		if err != nil {
			return
		}
		tok.Encode(data, false) // must not panic; errors are fine
	})
}

func FuzzEncode(f *testing.F) {
	for _, s := range []string{"lower low", "it's  a\ttest \n", "😀 naïve 北京", "\xff\xfe 's", "aaaaaaa", ""} {
		f.Add(s)
	}
	tok := tiny(f, []Pair{{"l", "o"}, {"lo", "w"}, {"Ġ", "low"}, {"a", "a"}, {"aa", "a"}, {"Ã", "©"}, {"Ġ", "Ġ"}}, Options{CacheSize: 4})
	f.Fuzz(func(t *testing.T, text string) {
		e, err := tok.Encode(text, false)
		if err != nil {
			t.Fatal(err)
		}
		checkSpans(t, text, e.Spans)
		if got := tok.Decode(e.IDs); got != text {
			t.Fatalf("Decode(Encode(%q)) = %q", text, got)
		}
	})
}
