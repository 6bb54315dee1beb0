package dataset

import (
	"bytes"
	"fmt"
	"strings"
)

// A file is refused as binary only when it really is one:
//
//   - it starts with the signature of a known binary format (binarySignatures:
//     PDF, ZIP and the office formats built on it, gzip, 7-Zip, RAR, PNG,
//     JPEG, GIF, the old Office (OLE) formats, SQLite, ELF, WebAssembly), or
//   - more than BinaryShare of its first BinarySample bytes are NUL or other
//     control bytes (C0 controls other than tab, newline, carriage return
//     and form feed, and DEL).
//
// Anything else is text: a few stray control bytes (scraped text often holds
// NULs) are removed from the rows by stripControls, and the validation report
// lists the lines that held them.
const (
	// BinarySample is how many leading bytes the binary check looks at.
	BinarySample = 64 << 10
	// BinaryShare is the share of control bytes in BinarySample above which
	// a file counts as binary.
	BinaryShare = 0.10
)

// binarySignatures are the leading bytes of binary formats people drop by
// mistake instead of a CSV, with the name the error message uses.
var binarySignatures = []struct {
	magic string
	name  string
}{
	{"%PDF-", "a PDF document"},
	{"PK\x03\x04", "a ZIP archive (also .xlsx, .docx, .odt)"},
	{"PK\x05\x06", "a ZIP archive (also .xlsx, .docx, .odt)"},
	{"\x1f\x8b", "a gzip archive"},
	{"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"},
	{"Rar!\x1a\x07", "a RAR archive"},
	{"\x89PNG\r\n\x1a\n", "a PNG image"},
	{"\xff\xd8\xff", "a JPEG image"},
	{"GIF87a", "a GIF image"},
	{"GIF89a", "a GIF image"},
	{"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document (.xls, .doc)"},
	{"SQLite format 3\x00", "an SQLite database"},
	{"\x7fELF", "an executable (ELF)"},
	{"\x00asm", "a WebAssembly module"},
}

// isControl reports whether c is a control byte that has no place in text:
// C0 controls other than tab, newline, carriage return and form feed, and DEL.
func isControl(c byte) bool {
	return (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F
}

// checkBinary returns an ErrBinary error when b is a binary file (see
// BinarySample), saying why; nil otherwise.
func checkBinary(b []byte) error {
	for _, s := range binarySignatures {
		if bytes.HasPrefix(b, []byte(s.magic)) {
			return errorf(ErrBinary, "this looks like a binary file, not CSV/TSV/JSON Lines: it starts like %s; export the data as CSV (UTF-8) and try again", s.name)
		}
	}
	s := b[:min(len(b), BinarySample)]
	ctrl := 0
	for _, c := range s {
		if isControl(c) {
			ctrl++
		}
	}
	if len(s) > 0 && float64(ctrl) > BinaryShare*float64(len(s)) {
		return errorf(ErrBinary, "this looks like a binary file, not CSV/TSV/JSON Lines: %d%% of its first %s are NUL or other control bytes (more than %d%%); export the data as CSV (UTF-8) and try again",
			ctrl*100/len(s), sampleName(len(s)), int(BinaryShare*100))
	}
	return nil
}

func sampleName(n int) string {
	if n == BinarySample {
		return "64 KB"
	}
	return fmt.Sprintf("%d bytes", n)
}

// controls is what stripControls removed.
type controls struct {
	Bytes int   // control bytes removed
	Lines []int // the lines that held them, 1-based, in order
}

// stripControls removes the control bytes (isControl) from text, whose line
// endings are already "\n", and says which lines held them. Removing them
// leaves every line ending in place, so line numbers are unchanged.
func stripControls(text string) (string, controls) {
	var c controls
	i := 0
	for i < len(text) && !isControl(text[i]) {
		i++
	}
	if i == len(text) {
		return text, c
	}
	var sb strings.Builder
	sb.Grow(len(text))
	line := 1 + strings.Count(text[:i], "\n")
	sb.WriteString(text[:i])
	for ; i < len(text); i++ {
		ch := text[i]
		switch {
		case ch == '\n':
			line++
			sb.WriteByte(ch)
		case isControl(ch):
			c.Bytes++
			if n := len(c.Lines); n == 0 || c.Lines[n-1] != line {
				c.Lines = append(c.Lines, line)
			}
		default:
			sb.WriteByte(ch)
		}
	}
	return sb.String(), c
}

// removeControls returns s without its control bytes (isControl: tab,
// newline, carriage return and form feed stay), and how many it removed.
func removeControls(s string) (string, int) {
	n := 0
	for i := 0; i < len(s); i++ {
		if isControl(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s, 0
	}
	b := make([]byte, 0, len(s)-n)
	for i := 0; i < len(s); i++ {
		if !isControl(s[i]) {
			b = append(b, s[i])
		}
	}
	return string(b), n
}

// shownLines is how many lines a warning names before "and N more".
const shownLines = 10

// warning describes c for the validation report, or "" when nothing was removed.
func (c controls) warning() string {
	if c.Bytes == 0 {
		return ""
	}
	names := make([]string, 0, shownLines)
	for _, l := range c.Lines[:min(len(c.Lines), shownLines)] {
		names = append(names, fmt.Sprint(l))
	}
	more := ""
	if n := len(c.Lines) - shownLines; n > 0 {
		more = fmt.Sprintf(" and %s more", thousands(n))
	}
	line := "line"
	if len(c.Lines) > 1 {
		line = "lines"
	}
	return fmt.Sprintf("%s NUL or other control byte(s) were removed from %s %s: %s%s; the rows are kept without them",
		thousands(c.Bytes), thousands(len(c.Lines)), line, strings.Join(names, ", "), more)
}
