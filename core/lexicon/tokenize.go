package lexicon

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Token is one word of a text.
type Token struct {
	// Word is the lower-cased word, with ’ written as '.
	Word string
	// Start and End are the word's byte offsets in the text.
	Start, End int
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

func isJoiner(r rune) bool { return r == '\'' || r == '’' || r == '-' }

// Tokenize splits text into words: runs of letters, digits and marks, where
// an apostrophe (' or ’) or hyphen between two such characters stays inside
// the word. Words are lower-cased.
func Tokenize(text string) []Token {
	var out []Token
	i := 0
	for i < len(text) {
		r, n := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) || r == utf8.RuneError && n == 1 {
			i += n
			continue
		}
		start := i
		i += n
		for i < len(text) {
			r, n := utf8.DecodeRuneInString(text[i:])
			if isWordRune(r) && !(r == utf8.RuneError && n == 1) {
				i += n
				continue
			}
			if isJoiner(r) && i+n < len(text) {
				if r2, n2 := utf8.DecodeRuneInString(text[i+n:]); isWordRune(r2) && !(r2 == utf8.RuneError && n2 == 1) {
					i += n + n2
					continue
				}
			}
			break
		}
		out = append(out, Token{Word: strings.ToLower(strings.ReplaceAll(text[start:i], "’", "'")), Start: start, End: i})
	}
	return out
}
