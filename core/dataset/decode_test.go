package dataset

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf16"
)

// utf16Bytes encodes s as UTF-16 with a byte order mark.
func utf16Bytes(s string, bigEndian bool) []byte {
	units := utf16.Encode([]rune(s))
	var b []byte
	if bigEndian {
		b = []byte{0xFE, 0xFF}
	} else {
		b = []byte{0xFF, 0xFE}
	}
	for _, u := range units {
		if bigEndian {
			b = append(b, byte(u>>8), byte(u))
		} else {
			b = append(b, byte(u), byte(u>>8))
		}
	}
	return b
}

func TestDecode(t *testing.T) {
	const text = "text,label\n\"Café “naïve” – 10 €\",pos\n😀 emoji,neg\n"
	tests := []struct {
		name     string
		in       []byte
		encoding string
		want     string // decoded text; "" to skip the check
		replaced bool
		warn     bool // a warning is expected
	}{
		{"utf8", []byte(text), EncUTF8, text, false, false},
		{"utf8 bom", append([]byte{0xEF, 0xBB, 0xBF}, text...), EncUTF8BOM, text, false, false},
		{"utf16le bom", utf16Bytes(text, false), EncUTF16LE, text, false, false},
		{"utf16be bom", utf16Bytes(text, true), EncUTF16BE, text, false, false},
		{"utf16le odd byte", append(utf16Bytes("a,b\n", false), 'x'), EncUTF16LE, "a,b\n\uFFFD", true, true},
		{"utf16le lone surrogate", append(utf16Bytes("a,", false), 0x00, 0xD8, 'b', 0), EncUTF16LE, "a,\uFFFDb", true, true},
		// 0x93/0x94 are curly quotes, 0x96 an en dash, 0x80 the euro sign,
		// 0xE9 é in Windows-1252 (Unicode's CP1252.TXT).
		{"windows-1252", []byte("text,label\n\x93caf\xe9\x94 \x96 10 \x80,pos\n"), EncWindows1252,
			"text,label\n“café” – 10 €,pos\n", false, true},
		{"windows-1252 undefined byte", []byte("a\x81b,\xe9\n"), EncWindows1252, "a\uFFFDb,é\n", true, true},
		{"utf8 with one bad byte", []byte("a,b\nnaïve café über,x\n\xff,y\n"), EncUTF8, "a,b\nnaïve café über,x\n\uFFFD,y\n", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := decode(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if d.encoding != tt.encoding {
				t.Errorf("encoding = %q, want %q", d.encoding, tt.encoding)
			}
			if tt.want != "" && d.text != tt.want {
				t.Errorf("text = %q, want %q", d.text, tt.want)
			}
			if d.replaced != tt.replaced {
				t.Errorf("replaced = %v, want %v", d.replaced, tt.replaced)
			}
			if (len(d.warnings) > 0) != tt.warn {
				t.Errorf("warnings = %q, want some: %v", d.warnings, tt.warn)
			}
		})
	}
}

func TestDecodeBinary(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	controls := []byte(strings.Repeat("\x01\x02\x03abc", 100))
	zip := []byte("PK\x03\x04\x14\x00\x06\x00")
	utf16Binary := utf16Bytes("a\x00\x00\x00\x01\x02b", false)
	for name, in := range map[string][]byte{"png": png, "controls": controls, "zip": zip, "utf16 with NULs": utf16Binary} {
		t.Run(name, func(t *testing.T) {
			_, err := decode(in)
			if !errors.Is(err, ErrBinary) {
				t.Fatalf("err = %v, want ErrBinary", err)
			}
			if !strings.Contains(err.Error(), "this looks like a binary file, not CSV/TSV/JSON Lines") {
				t.Errorf("message = %q", err)
			}
		})
	}
}

func TestCP1252Table(t *testing.T) {
	// Every defined byte 0x80-0x9F must map outside the C1 control range,
	// and the five undefined ones must be exactly those CP1252.TXT leaves out.
	undefined := map[int]bool{0x81: true, 0x8D: true, 0x8F: true, 0x90: true, 0x9D: true}
	for i, r := range cp1252 {
		b := 0x80 + i
		if undefined[b] != (r == 0) {
			t.Errorf("byte %#x maps to %U", b, r)
		}
		if r != 0 && r < 0xA0 {
			t.Errorf("byte %#x maps to a control character %U", b, r)
		}
	}
}
