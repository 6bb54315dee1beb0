package vader

import (
	"strings"
	"unicode/utf8"
)

// token is one word or emoticon of a text, with its byte span.
type token struct {
	text       string
	start, end int
}

// isJSSpace reports whether r is matched by JavaScript's \s, the separator
// the reference splits on (it differs from unicode.IsSpace: U+FEFF is a
// space, U+0085 is not).
func isJSSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}

// isPunct reports whether b is ASCII punctuation, the class the reference
// removes to find bare words.
func isPunct(b byte) bool {
	return b >= '!' && b <= '/' || b >= ':' && b <= '@' || b >= '[' && b <= '`' || b >= '{' && b <= '~'
}

// jsLen returns the length of s in UTF-16 code units, JavaScript's
// String.length (an invalid byte counts as one U+FFFD).
func jsLen(s string) int {
	n := 0
	for _, r := range s {
		if r > 0xffff {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// splitSpace splits text at every single JavaScript whitespace character,
// like text.split(/\s/), keeping empty fields.
func splitSpace(text string) []token {
	var out []token
	start := 0
	for i, r := range text {
		if isJSSpace(r) {
			out = append(out, token{text[start:i], start, i})
			start = i + utf8.RuneLen(r)
		}
	}
	return append(out, token{text[start:], start, len(text)})
}

// stripPunct removes ASCII punctuation from s.
func stripPunct(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if !isPunct(s[i]) {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// wordsAndEmoticons splits text into the tokens VADER scores: whitespace
// separated, longer than one UTF-16 unit, and with one entry of puncList
// stripped from the front or the back when what remains is a bare word of
// the text (so "good!!" is "good" but ":)" and "don't" stay whole).
func wordsAndEmoticons(text string) []token {
	fields := splitSpace(text)
	bare := make(map[string]bool)
	for _, f := range fields {
		if w := stripPunct(f.text); jsLen(w) > 1 {
			bare[w] = true
		}
	}
	var out []token
	for _, f := range fields {
		if jsLen(f.text) <= 1 {
			continue
		}
		for _, p := range puncList {
			if w, ok := strings.CutPrefix(f.text, p); ok && bare[w] {
				f = token{w, f.start + len(p), f.end}
				break
			}
			if w, ok := strings.CutSuffix(f.text, p); ok && bare[w] {
				f = token{w, f.start, f.end - len(p)}
				break
			}
		}
		out = append(out, f)
	}
	return out
}

// isUpper is Python's str.isupper as the reference approximates it: no
// ASCII lower-case letter and at least one ASCII upper-case letter.
func isUpper(w string) bool {
	upper := false
	for i := 0; i < len(w); i++ {
		switch c := w[i]; {
		case c >= 'a' && c <= 'z':
			return false
		case c >= 'A' && c <= 'Z':
			upper = true
		}
	}
	return upper
}

// lower is JavaScript's toLowerCase for the purposes of lexicon lookup. Go's
// strings.ToLower agrees except that JavaScript maps U+0130 (İ) to "i" plus a
// combining dot, so "KİND" must not become the lexicon word "kind".
func lower(s string) string {
	if strings.ContainsRune(s, 0x130) {
		s = strings.ReplaceAll(s, "\u0130", "i\u0307")
	}
	return strings.ToLower(s)
}
