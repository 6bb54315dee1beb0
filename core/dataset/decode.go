package dataset

import (
	"bytes"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Encoding names as they appear in Table.Encoding.
const (
	EncUTF8        = "UTF-8"
	EncUTF8BOM     = "UTF-8 (BOM)"
	EncUTF16LE     = "UTF-16LE"
	EncUTF16BE     = "UTF-16BE"
	EncWindows1252 = "Windows-1252"
)

// decoded is text decoded to UTF-8 with the encoding it came from.
type decoded struct {
	text     string
	encoding string
	warnings []string
	replaced bool // some bytes could not be decoded and became U+FFFD
}

// decode turns raw bytes into UTF-8 text. It honours a UTF-8 or UTF-16 byte
// order mark; without one it rejects binary data (checkBinary), accepts UTF-8 (replacing a few invalid bytes), and falls
// back to Windows-1252 when the bytes are not UTF-8.
func decode(b []byte) (decoded, error) {
	var d decoded
	bom := true
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		d = decodeUTF8(b[3:])
		d.encoding = EncUTF8BOM
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		d = decodeUTF16(b[2:], false)
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		d = decodeUTF16(b[2:], true)
	default:
		bom = false
	}
	if bom {
		if err := checkBinary([]byte(d.text)); err != nil {
			return decoded{}, err
		}
		return d, nil
	}
	if err := checkBinary(b); err != nil {
		return decoded{}, err
	}
	good, bad := utf8Counts(b)
	if bad == 0 {
		return decoded{text: string(b), encoding: EncUTF8}, nil
	}
	if good > bad {
		d := decodeUTF8(b)
		return d, nil
	}
	return decodeWindows1252(b), nil
}

// utf8Counts counts valid multi-byte UTF-8 sequences and invalid bytes.
func utf8Counts(b []byte) (good, bad int) {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			bad++
		} else {
			good++
		}
		i += n
	}
	return good, bad
}

// decodeUTF8 decodes b as UTF-8, replacing invalid bytes with U+FFFD.
func decodeUTF8(b []byte) decoded {
	d := decoded{encoding: EncUTF8}
	if utf8.Valid(b) {
		d.text = string(b)
		return d
	}
	_, bad := utf8Counts(b)
	d.text = strings.ToValidUTF8(string(b), "\uFFFD")
	d.replaced = true
	d.warnings = append(d.warnings, "the file is UTF-8 but "+thousands(bad)+" byte(s) are not valid UTF-8; rows containing them are listed as undecodable")
	return d
}

// decodeUTF16 decodes b (without its BOM) as UTF-16, big- or little-endian.
// Unpaired surrogates and an odd trailing byte become U+FFFD.
func decodeUTF16(b []byte, bigEndian bool) decoded {
	d := decoded{encoding: EncUTF16LE}
	if bigEndian {
		d.encoding = EncUTF16BE
	}
	units := make([]uint16, len(b)/2)
	for i := range units {
		if bigEndian {
			units[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			units[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	var sb strings.Builder
	sb.Grow(len(units))
	for i := 0; i < len(units); i++ {
		u := units[i]
		switch {
		case utf16.IsSurrogate(rune(u)) && u < 0xDC00 && i+1 < len(units) && units[i+1] >= 0xDC00 && units[i+1] < 0xE000:
			sb.WriteRune(utf16.DecodeRune(rune(u), rune(units[i+1])))
			i++
		case utf16.IsSurrogate(rune(u)):
			sb.WriteRune(utf8.RuneError)
			d.replaced = true
		default:
			sb.WriteRune(rune(u))
		}
	}
	if len(b)%2 == 1 {
		sb.WriteRune(utf8.RuneError)
		d.replaced = true
	}
	d.text = sb.String()
	if d.replaced {
		d.warnings = append(d.warnings, "the file is "+d.encoding+" but some bytes could not be decoded; rows containing them are listed as undecodable")
	}
	return d
}

// cp1252 maps the bytes 0x80-0x9F of Windows-1252 to Unicode; 0 marks the
// five bytes the code page leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D).
// The other bytes equal their Latin-1 code points. Source: the Unicode
// consortium's mapping table CP1252.TXT.
var cp1252 = [32]rune{
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, // 80-87
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0, // 88-8F
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, // 90-97
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178, // 98-9F
}

// decodeWindows1252 decodes b as Windows-1252; undefined bytes become U+FFFD.
func decodeWindows1252(b []byte) decoded {
	d := decoded{encoding: EncWindows1252}
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/8)
	for _, c := range b {
		switch {
		case c < 0x80:
			sb.WriteByte(c)
		case c < 0xA0:
			r := cp1252[c-0x80]
			if r == 0 {
				r = utf8.RuneError
				d.replaced = true
			}
			sb.WriteRune(r)
		default:
			sb.WriteRune(rune(c))
		}
	}
	d.text = sb.String()
	d.warnings = append(d.warnings, "the file is not UTF-8; it was read as Windows-1252 (Western European). If accents or quotes look wrong, save the file as CSV UTF-8 and load it again")
	return d
}
