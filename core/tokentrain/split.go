package tokentrain

//go:generate go run gen_strip.go

import (
	"unicode"
	"unicode/utf8"
)

// A Splitter cuts text into the words a trainer counts, calling yield once
// for each word in order. The word's bytes are valid only during the call.
type Splitter func(text string, yield func(word []byte))

// SplitBERT cuts text into words as BERT's basic tokenizer does for an
// uncased model (the settings of bert-base-uncased and of
// core/tokenize/wordpiece's zero Options): control characters are
// removed, other whitespace becomes a space, CJK ideographs become words
// of their own, the text is lowercased (with the full mappings of İ and of
// a word-final Σ) and accents are stripped (canonical decomposition, then
// nonspacing marks dropped); then words end at whitespace and every
// punctuation character is a word of its own.
//
// The words are exactly those that core/tokenize/wordpiece splits into
// pieces, so a vocabulary learned from them serves that tokenizer.
func SplitBERT(text string, yield func(word []byte)) {
	// Clean-up and CJK spacing, on the input characters.
	chars := make([]rune, 0, len(text))
	for _, r := range text {
		switch {
		case r == 0 || r == utf8.RuneError || isControl(r):
			continue
		case isSpace(r):
			r = ' '
		case isChinese(r):
			chars = append(chars, ' ', r, ' ')
			continue
		}
		chars = append(chars, r)
	}
	// Lowercasing and accent stripping, then the split.
	var word []byte
	flush := func() {
		if len(word) > 0 {
			yield(word)
			word = word[:0]
		}
	}
	add := func(r rune) {
		switch {
		case isSpace(r):
			flush()
		case isPunct(r):
			flush()
			word = utf8.AppendRune(word, r)
			flush()
		default:
			word = utf8.AppendRune(word, r)
		}
	}
	for i, r := range chars {
		var lower [2]rune
		n := 1
		switch {
		case r == 'İ':
			// Full lowercase mapping (SpecialCasing.txt): i + combining
			// dot above, which accent stripping then drops.
			lower, n = [2]rune{'i', '\u0307'}, 2
		case r == 'Σ' && finalSigma(chars, i):
			lower[0] = 'ς'
		case r < 0x80:
			if r >= 'A' && r <= 'Z' {
				r += 'a' - 'A'
			}
			lower[0] = r
		default:
			lower[0] = unicode.ToLower(r)
		}
		for _, l := range lower[:n] {
			stripAccents(l, add)
		}
	}
	flush()
}

// stripAccents passes to add the canonical decomposition of r without its
// nonspacing marks (category Mn). Canonical reordering is not needed: it
// only moves combining marks, which are dropped.
func stripAccents(r rune, add func(rune)) {
	if r < 0xC0 { // nothing below U+00C0 decomposes or is a mark
		add(r)
		return
	}
	const sBase, sCount, lBase, vBase, tBase, tCount, nCount = 0xAC00, 11172, 0x1100, 0x1161, 0x11A7, 28, 588
	if s := r - sBase; s >= 0 && s < sCount {
		// Hangul syllable: decomposed into jamo by formula (Unicode 3.12).
		add(lBase + s/nCount)
		add(vBase + (s%nCount)/tCount)
		if t := s % tCount; t != 0 {
			add(tBase + t)
		}
		return
	}
	if d, ok := stripped[r]; ok {
		for _, x := range d {
			add(x)
		}
		return
	}
	if !unicode.Is(unicode.Mn, r) {
		add(r)
	}
}

// finalSigma reports whether the capital sigma at chars[i] ends a word in
// the sense of Unicode's Final_Sigma condition: a cased letter before it
// and none after it, skipping case-ignorable characters.
func finalSigma(chars []rune, i int) bool {
	before := false
	for j := i - 1; j >= 0; j-- {
		if caseIgnorable(chars[j]) {
			continue
		}
		before = cased(chars[j])
		break
	}
	if !before {
		return false
	}
	for j := i + 1; j < len(chars); j++ {
		if caseIgnorable(chars[j]) {
			continue
		}
		return !cased(chars[j])
	}
	return true
}

func cased(r rune) bool {
	return unicode.In(r, unicode.Lu, unicode.Ll, unicode.Lt, unicode.Other_Lowercase, unicode.Other_Uppercase)
}

func caseIgnorable(r rune) bool {
	switch r {
	case '\'', '.', ':', '^', '`', 0xB7, 0x387, 0x55F, 0x5F4, 0x2018, 0x2019, 0x2024, 0x2027, 0xFE13, 0xFE52, 0xFE55, 0xFF07, 0xFF0E, 0xFF1A:
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk)
}

// isControl reports whether BERT's clean-up removes r: control, format,
// private-use and surrogate code points, except tab, newline and carriage
// return (which are whitespace).
func isControl(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return false
	case r < 0x80:
		return r < 0x20 || r == 0x7F
	}
	return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Co, unicode.Cs)
}

// isSpace reports whether r is whitespace as core/tokenize/wordpiece (after
// JavaScript's \s) defines it: the space separators Zs, tab, line feed,
// vertical tab, form feed, carriage return, U+2028, U+2029 and U+FEFF.
func isSpace(r rune) bool {
	if r < 0x80 {
		return r == ' ' || r >= '\t' && r <= '\r'
	}
	switch r {
	case 0x2028, 0x2029, 0xFEFF:
		return true
	}
	return unicode.Is(unicode.Zs, r)
}

// isPunct reports whether r is punctuation in BERT's sense: any ASCII
// character that is not a letter, digit, space or control, and Unicode
// category P.
func isPunct(r rune) bool {
	if r >= 33 && r <= 47 || r >= 58 && r <= 64 || r >= 91 && r <= 96 || r >= 123 && r <= 126 {
		return true
	}
	return unicode.IsPunct(r)
}

// isChinese reports whether r is in one of the CJK Unified Ideographs
// blocks that BERT splits into single-character words.
func isChinese(r rune) bool {
	return r >= 0x4E00 && r <= 0x9FFF ||
		r >= 0x3400 && r <= 0x4DBF ||
		r >= 0x20000 && r <= 0x2A6DF ||
		r >= 0x2A700 && r <= 0x2B73F ||
		r >= 0x2B740 && r <= 0x2B81F ||
		r >= 0x2B820 && r <= 0x2CEAF ||
		r >= 0xF900 && r <= 0xFAFF ||
		r >= 0x2F800 && r <= 0x2FA1F
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
