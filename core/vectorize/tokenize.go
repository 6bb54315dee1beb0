package vectorize

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// IsWordRune reports whether Python 3's re module treats r as a word
// character (\w in a str pattern): a Unicode letter (categories Lu, Ll, Lt,
// Lm, Lo), a Unicode number (Nd, Nl, No) or the underscore. Combining marks
// are not word characters. This equals Python's set exactly for the code
// points both Unicode versions know (Python 3.11 uses Unicode 14, Go 15).
func IsWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r == '_' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9')
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r)
}

// Tokenize splits text into the tokens of scikit-learn's default token
// pattern (?u)\b\w\w+\b: maximal runs of word characters (see IsWordRune)
// at least two characters long, in order. It does not change case.
func Tokenize(text string) []string {
	return appendTokens(nil, text)
}

// appendTokens appends the tokens of text (see Tokenize) to out.
func appendTokens(out []string, text string) []string {
	start, n := -1, 0 // byte offset of the current run and its length in runes
	for i := 0; i < len(text); {
		var word bool
		size := 1
		if b := text[i]; b < utf8.RuneSelf {
			word = asciiWord[b]
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(text[i:])
			word = IsWordRune(r)
		}
		if word {
			if start < 0 {
				start, n = i, 0
			}
			n++
		} else {
			if start >= 0 && n >= 2 {
				out = append(out, text[start:i])
			}
			start = -1
		}
		i += size
	}
	if start >= 0 && n >= 2 {
		out = append(out, text[start:])
	}
	return out
}

// asciiWord tells which ASCII bytes are word characters (IsWordRune).
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for b := range t {
		t[b] = IsWordRune(rune(b))
	}
	return t
}()

// Lower returns text lowercased as Python's str.lower() does: the Unicode
// lowercase mapping of each character, with the two context rules of full
// case mapping that Python applies: U+0130 (capital I with dot) becomes
// "i\u0307", and capital sigma becomes final sigma (ς) at the end of a word.
func Lower(text string) string {
	ascii := true
	for i := 0; i < len(text); i++ {
		if text[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(text)
	}
	rs := []rune(text)
	var b strings.Builder
	b.Grow(len(text))
	for i, r := range rs {
		switch r {
		case 0x130:
			b.WriteString("i\u0307")
		case 0x3A3:
			if finalSigma(rs, i) {
				b.WriteRune(0x3C2)
			} else {
				b.WriteRune(0x3C3)
			}
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// finalSigma reports whether the capital sigma at rs[i] is in Unicode's
// Final_Sigma context: a cased letter before it (skipping case-ignorable
// characters) and no cased letter after it (skipping the same).
func finalSigma(rs []rune, i int) bool {
	j := i - 1
	for j >= 0 && caseIgnorable(rs[j]) {
		j--
	}
	if j < 0 || !cased(rs[j]) {
		return false
	}
	j = i + 1
	for j < len(rs) && caseIgnorable(rs[j]) {
		j++
	}
	return j == len(rs) || !cased(rs[j])
}

// cased is Unicode's Cased property: Lowercase, Uppercase or Lt.
func cased(r rune) bool {
	return unicode.IsLower(r) || unicode.IsUpper(r) || unicode.IsTitle(r) ||
		unicode.In(r, unicode.Other_Lowercase, unicode.Other_Uppercase)
}

// caseIgnorable is Unicode's Case_Ignorable property: categories Mn, Me, Cf,
// Lm, Sk, and the Word_Break classes MidLetter, MidNumLet and Single_Quote.
func caseIgnorable(r rune) bool {
	switch r {
	case '\'', '.', ':', 0xB7, 0x387, 0x55F, 0x5F4, 0x2018, 0x2019, 0x2024,
		0x2027, 0xFE13, 0xFE52, 0xFE55, 0xFF07, 0xFF0E, 0xFF1A:
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk)
}
