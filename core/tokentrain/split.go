package tokentrain

import (
	"textlab/core/tokenize/wordpiece"
	"unicode"
	"unicode/utf8"
)

// A Splitter cuts text into the words a trainer counts, calling yield once
// for each word in order. The word's bytes are valid only during the call.
type Splitter func(text string, yield func(word []byte))

// SplitBERT cuts text into words as BERT's basic tokenizer does for an
// uncased model (the settings of bert-base-uncased and of
// core/tokenize/wordpiece's zero Options): it is wordpiece.Options.Words,
// so a vocabulary learned from its words serves that tokenizer.
func SplitBERT(text string, yield func(word []byte)) {
	wordpiece.Options{}.Words(text, func(w string) { yield([]byte(w)) })
}

// SplitLlama cuts text into the words the BPE trainer learns from, as
// run.c's encode sees the text: after a dummy-prefix space, and exactly at
// the boundaries that no learned piece can cross. A boundary falls between
// two adjacent characters a and b when
//
//   - b is a space (U+0020): a space starts a word, as SentencePiece's "▁" does;
//   - otherwise, a is not a space and a and b are of different kinds
//     (letters and marks; digits; other characters, such as punctuation,
//     symbols and other whitespace), or both are digits (numbers are split
//     into single digits, as Llama's tokenizer does).
//
// So "Hello, world 42" gives " Hello", ",", " world", " 4", "2". Since the
// rule looks only at the two characters on either side, and no learned
// piece contains a boundary, run.c's merges never cross one either: encoding
// a text is encoding its words one by one.
//
// Characters are run.c's units: a UTF-8 lead byte with the continuation
// bytes that follow it (at most four bytes in all); a unit that is not valid
// UTF-8 is of the "other" kind.
func SplitLlama(text string, yield func(word []byte)) {
	if text == "" {
		return
	}
	word := make([]byte, 0, 64)
	word = append(word, ' ')
	prev := kindSpace
	for start := 0; start < len(text); {
		end := unitEnd(text, start)
		k := unitKind(text[start:end])
		if llamaBoundary(prev, k) {
			yield(word)
			word = word[:0]
		}
		word = append(word, text[start:end]...)
		prev = k
		start = end
	}
	yield(word)
}

// The kinds of character SplitLlama tells apart.
const (
	kindSpace = iota
	kindLetter
	kindDigit
	kindOther
)

// llamaBoundary reports whether a word boundary falls between a character
// of kind a and one of kind b.
func llamaBoundary(a, b int) bool {
	switch {
	case b == kindSpace:
		return true
	case a == kindSpace:
		return false
	case a == kindDigit && b == kindDigit:
		return true
	}
	return a != b
}

// unitEnd returns the end of run.c's character unit starting at byte i: the
// byte and up to three continuation bytes (10xxxxxx) after it.
func unitEnd(s string, i int) int {
	end := i + 1
	for end < len(s) && s[end]&0xC0 == 0x80 && end-i < 4 {
		end++
	}
	return end
}

func unitKind(u string) int {
	if u == " " {
		return kindSpace
	}
	r, size := utf8.DecodeRuneInString(u)
	switch {
	case size != len(u) || r == utf8.RuneError:
		return kindOther
	case unicode.IsLetter(r) || unicode.IsMark(r):
		return kindLetter
	case unicode.IsDigit(r):
		return kindDigit
	}
	return kindOther
}
