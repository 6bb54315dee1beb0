//go:build ref && !js

package wordpiece

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"textlab/internal/reftest"
)

// refFragments are pieces of text that exercise the basic tokenizer:
// accents, case, CJK, emoji, punctuation runs, whitespace variants, control
// and format characters, numbers, contractions and mixed scripts.
var refFragments = []string{
	"Hello", "world", "naïve", "café", "Crème brûlée", "ÅNGSTRÖM", "İstanbul",
	"ΟΔΥΣΣΕΥΣ", "ΣΟΦΟΣ.", "σοφός", "北京大学", "東京タワー", "한국어", "😀", "👍🏽", "🇺🇸",
	"👨\u200d👩\u200d👧", "!!!", "...", "?!", "—", "«quoted»", "“smart”", "'s", "don't",
	"I'm", "we'll", "they're", "you've", "he'd", "12345", "3.14159", "1,000,000",
	"٣٤٥", "½", "x²", "$100", "#hashtag", "@user", "e-mail", "C++", "foo_bar",
	"https://example.com/a?b=c&d=e", "\u00a0", "\u2003", "\u200b", "\u00ad", "\ufeff",
	"\x07", "\r\n", "\t", "  ", "Ελληνικά", "русский текст", "עברית", "العربية",
	"हिन्दी", "ไทย", "Tiếng Việt", "ǅ", "ﬁ", "Ⅻ", "①", "[MASK]", "[CLS]", "ＡＢＣ",
	"豈", "abc北京def", "supercalifragilisticexpialidocious", "unaffable",
	"pneumonoultramicroscopicsilicovolcanoconiosis", "Dr.", "U.S.A.", "(parens)",
	"a/b\\c", "~`^", "x\u0301", "e\u0308\u0301", "\u0085",
}

// refSeparators join fragments.
var refSeparators = []string{" ", "", "  ", "\t", "\n", "\u00a0", " \n ", "\u3000"}

// refTexts returns the parity inputs: a fixed table plus seeded random
// combinations of fragments, n in all.
func refTexts(n int) []string {
	texts := []string{
		"", " ", "   ", "\t\n", "Hello, World!", "The quick brown fox jumps over the lazy dog.",
		"Héllo wörld, ça va?", "ÀÉÎÕÜ àéîõü", "I can't believe it's not butter!!!",
		"Wait... what?!?!", "  leading and trailing  ", "multiple     spaces", "tabs\tand\nnewlines\r\n",
		"nbsp\u00a0between", strings.Repeat("a", 100), strings.Repeat("a", 101),
		strings.Repeat("ab", 75) + " short", strings.Repeat("é", 101), "北京 is in 中国。",
		"日本語のテキスト", "한국어 텍스트입니다", "emoji 😀😃😄 party 🎉", "mixed EnglishРусский中文العربية",
		"numbers 123 456.789 1e10 -42", "ΣΊΣΥΦΟΣ and ΌΣΟΣ", "The [MASK] sat on the mat.",
		"[CLS] already [SEP] there", "[MASK][MASK]", "a [PAD] b [UNK] c", "state-of-the-art",
		"o'clock rock'n'roll", "“Curly quotes” and ‘single’ ones", "1st 2nd 3rd 4th",
		"under_score and hy-phen", "control\x01chars\x1fhere", "zero\u200bwidth\u200djoiner",
		"standalone 𠀀 extension-B ideograph", "İİ ıı", "ﬀ ﬁ ﬂ ligatures", "Ⅻ ① ⑴ ½ ¾",
	}
	rng := rand.New(rand.NewPCG(1, 2))
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

// refScript encodes every text and pair with @huggingface/tokenizers 0.2.0,
// the reference, from the same tokenizer.json.
const refScript = `
import { Tokenizer } from "@huggingface/tokenizers";
import fs from "node:fs";
const input = JSON.parse(fs.readFileSync(0, "utf8"));
const tok = new Tokenizer(JSON.parse(fs.readFileSync(input.tokenizer, "utf8")), {});
const out = {
  single: input.texts.map((t) => tok.encode(t).ids),
  plain: input.texts.map((t) => tok.encode(t, { add_special_tokens: false }).ids),
  pairs: input.pairs.map(([a, b]) => tok.encode(a, { text_pair: b }).ids),
};
process.stdout.write(JSON.stringify(out));
`

func TestParityHuggingFace(t *testing.T) {
	path := reftest.Shared(t, "tokenizers", "bert-base-uncased-tokenizer.json")
	texts := refTexts(600)
	var pairs [][2]string
	for i := 0; i+1 < len(texts); i += 2 {
		// The reference treats an empty second text as no pair at all.
		if texts[i+1] != "" {
			pairs = append(pairs, [2]string{texts[i], texts[i+1]})
		}
	}
	in, err := json.Marshal(map[string]any{"tokenizer": path, "texts": texts, "pairs": pairs})
	if err != nil {
		t.Fatal(err)
	}
	var want struct{ Single, Plain, Pairs [][]int }
	if err := json.Unmarshal(reftest.RunNodeModule(t, refScript, in), &want); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := LoadTokenizerJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	bad := 0
	check := func(what string, got result, want []int) {
		t.Helper()
		if got.err != nil {
			t.Errorf("%s: %v", what, got.err)
			bad++
			return
		}
		if !slices.Equal(got.ids, want) && bad < 20 {
			t.Errorf("%s:\n got %v\nwant %v", what, got.ids, want)
			bad++
		}
	}
	for i, text := range texts {
		e, err := tok.Encode(text, true)
		check("single "+quote(text), result{e.IDs, err}, want.Single[i])
		checkSpans(t, text, e.Spans)
		e, err = tok.Encode(text, false)
		check("plain "+quote(text), result{e.IDs, err}, want.Plain[i])
	}
	for i, p := range pairs {
		e, err := tok.EncodePair(p[0], p[1], EncodeOptions{})
		check("pair "+quote(p[0])+" / "+quote(p[1]), result{e.IDs, err}, want.Pairs[i])
	}
	t.Logf("compared %d texts (with and without special tokens) and %d pairs", len(texts), len(pairs))
}

type result struct {
	ids []int
	err error
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
