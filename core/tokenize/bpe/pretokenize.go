package bpe

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// class is the character class that GPT-2's pre-tokenization pattern
// distinguishes.
type class int

const (
	letter class = iota // \p{L}
	number              // \p{N}
	space               // \s
	other               // anything else; also bytes that are not UTF-8
)

// classAt returns the class and byte length of the character at text[i].
func classAt(text string, i int) (class, int) {
	if b := text[i]; b < utf8.RuneSelf {
		return asciiClass[b], 1
	}
	r, n := utf8.DecodeRuneInString(text[i:])
	switch {
	case r == utf8.RuneError && n <= 1:
		return other, 1
	case unicode.IsLetter(r):
		return letter, n
	case unicode.IsNumber(r):
		return number, n
	case isSpace(r):
		return space, n
	}
	return other, n
}

// asciiClass holds the class of each ASCII character.
var asciiClass = func() (t [utf8.RuneSelf]class) {
	for b := range t {
		r := rune(b)
		switch {
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
			t[b] = letter
		case r >= '0' && r <= '9':
			t[b] = number
		case isSpace(r):
			t[b] = space
		default:
			t[b] = other
		}
	}
	return t
}()

// run returns the end of the run of characters of class c starting at i.
func run(text string, i int, c class) int {
	for i < len(text) {
		ci, n := classAt(text, i)
		if ci != c {
			break
		}
		i += n
	}
	return i
}

// contractions are the first alternatives of the pattern, tried in order.
var contractions = []string{"'s", "'t", "'re", "'ve", "'m", "'ll", "'d"}

// nextWord returns the end of the word that starts at byte i (< len(text)),
// following GPT-2's pattern
//
//	's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//
// alternative by alternative, as a backtracking engine tries them. The
// look-ahead \s+(?!\S) takes a run of whitespace except its last character
// when a non-space follows, so that character can start the next word.
func nextWord(text string, i int) int {
	if text[i] == '\'' {
		for _, c := range contractions {
			if strings.HasPrefix(text[i:], c) {
				return i + len(c)
			}
		}
	}
	j := i
	if text[i] == ' ' {
		j++
	}
	if j < len(text) {
		if c, _ := classAt(text, j); c != space {
			return run(text, j, c) // ' ?\p{L}+', ' ?\p{N}+' or ' ?[^\s\p{L}\p{N}]+'
		}
	}
	// i starts a run of whitespace.
	end := run(text, i, space)
	if end == len(text) {
		return end
	}
	// Back off one character so a non-space follows no part of the match.
	_, last := utf8.DecodeLastRuneInString(text[i:end])
	if end-last > i {
		return end - last
	}
	return end // \s+ with a single character
}
