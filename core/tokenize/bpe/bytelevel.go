package bpe

import "unicode"

// byteRune is GPT-2's byte-to-unicode table: each byte is written as a
// printable character. Bytes that are printable Latin-1 characters ('!' to
// '~', '¡' to '¬', '®' to 'ÿ') stand for themselves; the other 68 bytes
// are mapped, in order, to U+0100 and up (so the space 0x20 becomes 'Ġ').
var byteRune = func() (t [256]rune) {
	n := rune(0)
	for b := range 256 {
		if b >= '!' && b <= '~' || b >= 0xA1 && b <= 0xAC || b >= 0xAE && b <= 0xFF {
			t[b] = rune(b)
		} else {
			t[b] = 256 + n
			n++
		}
	}
	return t
}()

// runeByte inverts byteRune.
func runeByte(r rune) (byte, bool) {
	switch {
	case r < 0 || r >= 256+68:
		return 0, false
	case r >= 256:
		return byteOfExtra[r-256], true
	case byteRune[r] == r:
		return byte(r), true
	}
	return 0, false
}

var byteOfExtra = func() (t [68]byte) {
	for b, r := range byteRune {
		if r >= 256 {
			t[r-256] = byte(b)
		}
	}
	return t
}()

// isSpace reports whether r is whitespace as JavaScript's \s defines it
// (the regular-expression engine of the reference, @huggingface/tokenizers):
// the space separators Zs, tab, line feed, vertical tab, form feed, carriage
// return, U+2028, U+2029 and U+FEFF.
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
