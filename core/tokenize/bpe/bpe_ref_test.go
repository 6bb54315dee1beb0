//go:build ref && !js

package bpe

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"textlab/internal/reftest"
)

// refFragments exercise GPT-2's pre-tokenization and byte-level merges:
// accents, CJK, emoji (4-byte characters, ZWJ sequences), punctuation runs,
// whitespace variants, numbers, contractions and mixed scripts.
var refFragments = []string{
	"Hello", "world", "naïve", "café", "Crème brûlée", "ÅNGSTRÖM", "İstanbul", "ΟΔΥΣΣΕΥΣ",
	"北京大学", "東京タワー", "한국어", "😀", "👍🏽", "🇺🇸", "👨\u200d👩\u200d👧", "𠀀𠀁", "!!!",
	"...", "?!", "—", "«quoted»", "“smart”", "'s", "'S", "don't", "I'm", "we'll",
	"they're", "you've", "he'd", "'ll'd", "''", "12345", "3.14159", "1,000,000", "٣٤٥",
	"½", "x²", "$100", "#hashtag", "@user", "e-mail", "C++", "foo_bar",
	"https://example.com/a?b=c&d=e", "\u00a0", "\u2003", "\u200b", "\ufeff", "\x07",
	"\r\n", "\t", "  ", "   ", "\n\n", "Ελληνικά", "русский текст", "עברית", "العربية",
	"हिन्दी", "ไทย", "Tiếng Việt", "ﬁ", "Ⅻ", "①", "<|endoftext|>", "ＡＢＣ",
	"supercalifragilisticexpialidocious", "x\u0301", "\u0085", "a1b2", "1a", "_",
}

var refSeparators = []string{" ", "", "  ", "\t", "\n", "\u00a0", " \n ", "   "}

// refTexts returns the parity inputs: a fixed table plus seeded random
// combinations of fragments, n in all.
func refTexts(n int) []string {
	texts := []string{
		"", " ", "   ", "\t\n", "Hello, World!", "The quick brown fox jumps over the lazy dog.",
		"Héllo wörld, ça va?", "I can't believe it's not butter!!!", "Wait... what?!?!",
		"  leading and trailing  ", "multiple     spaces", "tabs\tand\nnewlines\r\n", "trailing space ",
		"nbsp\u00a0between", strings.Repeat("a", 300), strings.Repeat("ab ", 100),
		strings.Repeat("😀", 50), "北京 is in 中国。", "日本語のテキスト", "한국어 텍스트입니다",
		"emoji 😀😃😄 party 🎉", "mixed EnglishРусский中文العربية", "numbers 123 456.789 1e10 -42",
		"o'clock rock'n'roll", "HE'S SHE'LL", " 's", "'", "'x", "space\t\ttab", "a \tb", "a\t b",
		"line\n\nbreaks\n", "end with newline\n", "\u3000ideographic space", "zero\u200bwidth",
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for len(texts) < n {
		var b strings.Builder
		k := 1 + rng.IntN(5)
		for i := range k {
			if i > 0 {
				b.WriteString(refSeparators[rng.IntN(len(refSeparators))])
			}
			b.WriteString(refFragments[rng.IntN(len(refFragments))])
		}
		texts = append(texts, b.String())
	}
	return texts
}

// refScript builds GPT-2's tokenizer in @huggingface/tokenizers 0.2.0 (the
// reference) from encoder.json and vocab.bpe and encodes every text.
const refScript = `
import { Tokenizer } from "@huggingface/tokenizers";
import fs from "node:fs";
const input = JSON.parse(fs.readFileSync(0, "utf8"));
const vocab = JSON.parse(fs.readFileSync(input.vocab, "utf8"));
const merges = fs.readFileSync(input.merges, "utf8").split("\n")
  .filter((l, i) => l !== "" && !(i === 0 && l.startsWith("#version")));
const tok = new Tokenizer({
  added_tokens: [],
  normalizer: null,
  pre_tokenizer: { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true },
  post_processor: null,
  decoder: { type: "ByteLevel" },
  model: { type: "BPE", vocab, merges, unk_token: null },
}, {});
process.stdout.write(JSON.stringify(input.texts.map((t) => tok.encode(t).ids)));
`

func TestParityHuggingFace(t *testing.T) {
	vocabPath := reftest.Shared(t, "tokenizers", "gpt2-encoder.json")
	mergesPath := reftest.Shared(t, "tokenizers", "gpt2-vocab.bpe")
	texts := refTexts(600)
	in, err := json.Marshal(map[string]any{"vocab": vocabPath, "merges": mergesPath, "texts": texts})
	if err != nil {
		t.Fatal(err)
	}
	var want [][]int
	if err := json.Unmarshal(reftest.RunNodeModule(t, refScript, in), &want); err != nil {
		t.Fatal(err)
	}
	if len(want) != len(texts) {
		t.Fatalf("reference returned %d results for %d texts", len(want), len(texts))
	}
	tok := gpt2(t)
	bad := 0
	for i, text := range texts {
		e, err := tok.Encode(text, false)
		if err != nil {
			t.Errorf("%q: %v", text, err)
			continue
		}
		if !slices.Equal(e.IDs, want[i]) && bad < 20 {
			bad++
			t.Errorf("%q:\n got %v\nwant %v", text, e.IDs, want[i])
		}
		checkSpans(t, text, e.Spans)
		if got := tok.Decode(e.IDs); got != text {
			t.Errorf("Decode(Encode(%q)) = %q", text, got)
		}
	}
	t.Logf("compared %d texts", len(texts))
}

func gpt2(t testing.TB) *Tokenizer {
	t.Helper()
	v, err := os.Open(reftest.Shared(t, "tokenizers", "gpt2-encoder.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	m, err := os.Open(reftest.Shared(t, "tokenizers", "gpt2-vocab.bpe"))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	tok, err := Load(v, m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
