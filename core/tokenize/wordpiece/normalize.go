package wordpiece

//go:generate go run gen_nfd.go

import (
	"unicode"
	"unicode/utf8"
)

// char is one character of normalized text together with the byte span of
// the input character it came from. Normalization may turn one input
// character into several (a Hangul syllable into its jamo) or none (a
// control character, an accent).
type char struct {
	r          rune
	start, end int
}

// normalize applies BERT's normalizer to text, whose first byte is at
// offset base of the whole input: clean-up of control characters and
// whitespace, spaces around CJK ideographs, lowercasing and accent
// stripping, as o asks.
func (o *Options) normalize(text string, base int) []char {
	chars := make([]char, 0, len(text)+8)
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		c := char{r, base + i, base + i + size}
		i += size
		if !o.NoClean {
			if r == 0 || r == utf8.RuneError || isControl(r) {
				continue
			}
			if isSpace(r) {
				c.r = ' '
			}
		}
		if !o.NoChineseSplit && isChinese(r) {
			sp := char{' ', c.start, c.end}
			chars = append(chars, sp, c, sp)
			continue
		}
		chars = append(chars, c)
	}
	lower := !o.KeepCase
	strip := o.Accents == AccentsStrip || (o.Accents == AccentsAuto && lower)
	if !lower && !strip {
		return chars
	}
	out := make([]char, 0, len(chars)+8)
	for i, c := range chars {
		lowered := [2]rune{c.r, -1}
		if lower {
			switch {
			case c.r == 'İ':
				// Full lowercase mapping (SpecialCasing.txt): i + combining dot.
				lowered = [2]rune{'i', '\u0307'}
			case c.r == 'Σ' && finalSigma(chars, i):
				lowered[0] = 'ς'
			case c.r < 0x80:
				if c.r >= 'A' && c.r <= 'Z' {
					lowered[0] = c.r + 'a' - 'A'
				}
			default:
				lowered[0] = unicode.ToLower(c.r)
			}
		}
		for _, r := range lowered {
			if r < 0 {
				break
			}
			if !strip {
				out = append(out, char{r, c.start, c.end})
				continue
			}
			out = appendStripped(out, r, c)
		}
	}
	return out
}

// appendStripped appends the canonical decomposition (NFD) of r without its
// nonspacing marks (category Mn). Canonical reordering is not applied: it
// only moves combining marks, and all but a handful of spacing marks are
// removed here anyway.
func appendStripped(out []char, r rune, c char) []char {
	if r < 0xC0 { // fast path: nothing below U+00C0 decomposes or is a mark
		return append(out, char{r, c.start, c.end})
	}
	const sBase, sCount, lBase, vBase, tBase, tCount, nCount = 0xAC00, 11172, 0x1100, 0x1161, 0x11A7, 28, 588
	if s := r - sBase; s >= 0 && s < sCount {
		// Hangul syllable: decomposed by formula (Unicode 3.12).
		out = append(out, char{lBase + s/nCount, c.start, c.end}, char{vBase + (s%nCount)/tCount, c.start, c.end})
		if t := s % tCount; t != 0 {
			out = append(out, char{tBase + t, c.start, c.end})
		}
		return out
	}
	d, ok := nfd[r]
	if !ok {
		if !unicode.Is(unicode.Mn, r) {
			out = append(out, char{r, c.start, c.end})
		}
		return out
	}
	for _, x := range d {
		if !unicode.Is(unicode.Mn, x) {
			out = append(out, char{x, c.start, c.end})
		}
	}
	return out
}

// finalSigma reports whether the capital sigma at chars[i] ends a word in
// the sense of Unicode's Final_Sigma condition: a cased letter before it and
// none after it, skipping case-ignorable characters.
func finalSigma(chars []char, i int) bool {
	before := false
	for j := i - 1; j >= 0; j-- {
		if caseIgnorable(chars[j].r) {
			continue
		}
		before = cased(chars[j].r)
		break
	}
	if !before {
		return false
	}
	for j := i + 1; j < len(chars); j++ {
		if caseIgnorable(chars[j].r) {
			continue
		}
		return !cased(chars[j].r)
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

// isSpace reports whether r is whitespace as JavaScript's \s defines it (the
// definition of the reference, @huggingface/tokenizers): the space separators
// Zs, tab, line feed, vertical tab, form feed, carriage return, U+2028,
// U+2029 and U+FEFF. Unlike Go's unicode.IsSpace it excludes U+0085.
func isSpace(r rune) bool {
	if r < 0x80 {
		return r == ' ' || r >= '\t' && r <= '\r'
	}
	switch r {
	case '\t', '\n', '\v', '\f', '\r', 0x2028, 0x2029, 0xFEFF:
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

// isChinese reports whether r is in one of the CJK Unified Ideographs blocks
// that BERT splits into single-character words. (Hiragana, Katakana and
// Hangul are not included, as in BERT.)
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

// Words calls yield with each word BERT's basic tokenizer makes of text
// under o (the zero Options are bert-base-uncased's): the text normalized
// as the tokenizer normalizes it, then cut at whitespace, with every
// punctuation character a word of its own. These are exactly the words a
// Tokenizer with the same options splits into pieces, so a vocabulary
// learned from them (core/tokentrain) serves it. Added tokens are not
// recognised here.
func (o Options) Words(text string, yield func(word string)) {
	chars := o.normalize(text, 0)
	var buf []rune
	for i := 0; i < len(chars); {
		if isSpace(chars[i].r) {
			i++
			continue
		}
		j := i + 1
		if !isPunct(chars[i].r) {
			for j < len(chars) && !isSpace(chars[j].r) && !isPunct(chars[j].r) {
				j++
			}
		}
		buf = buf[:0]
		for _, c := range chars[i:j] {
			buf = append(buf, c.r)
		}
		yield(string(buf))
		i = j
	}
}

// BERT's character classes, for code that must agree with the tokenizer
// (core/tokentrain chooses its alphabet with them).

// IsSpace reports whether the basic tokenizer treats r as whitespace
// (JavaScript's \s: Zs, tab to carriage return, U+2028, U+2029, U+FEFF).
func IsSpace(r rune) bool { return isSpace(r) }

// IsControl reports whether the basic tokenizer's clean-up removes r.
func IsControl(r rune) bool { return isControl(r) }

// IsPunct reports whether r is punctuation to the basic tokenizer, which
// makes it a word of its own.
func IsPunct(r rune) bool { return isPunct(r) }

// IsChinese reports whether r is a CJK ideograph, which the basic
// tokenizer makes a word of its own.
func IsChinese(r rune) bool { return isChinese(r) }
