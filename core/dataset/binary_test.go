package dataset

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestControlBytesKept: a text file with stray NUL or other control bytes
// loads; the bytes are removed from the rows and the report lists the lines.
func TestControlBytesKept(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		texts []string // the texts read, in order
		lines []int    // Report.ControlLines
		warn  string   // part of the warning
	}{
		{"NUL in one row", "text,label\nhello\x00 world,a\nfine,b\nalso fine,a\n",
			[]string{"hello world", "fine", "also fine"}, []int{2}, "1 NUL or other control byte(s) were removed from 1 line: 2;"},
		{"several controls", "text,label\na\x01b\x02 scraped from a page,a\nc,b\nd\x7f\x00\x00 and more text,a\n",
			[]string{"ab scraped from a page", "c", "d and more text"}, []int{2, 4}, "5 NUL or other control byte(s) were removed from 2 lines: 2, 4;"},
		{"in the header", "te\x00xt,label\na,x\nb,y\n",
			[]string{"a", "b"}, []int{1}, "from 1 line: 1;"},
		{"in a quoted multi-line field", "text,label\n\"one\ntw\x00o\",x\nb,y\n",
			[]string{"one\ntwo", "b"}, []int{3}, "from 1 line: 3;"},
		{"CRLF line endings", "text,label\r\na\x00,x\r\nb,y\r\n\x00c,x\r\n",
			[]string{"a", "b", "c"}, []int{2, 4}, "from 2 lines: 2, 4;"},
		{"JSON Lines", "{\"text\":\"a\x00b\",\"label\":\"x\"}\n{\"text\":\"c\",\"label\":\"y\"}\n",
			[]string{"ab", "c"}, []int{1}, "from 1 line: 1;"},
		{"JSON Lines with escaped controls", "{\"text\":\"a\\u0000b\\n\",\"label\":\"x\"}\n{\"text\":\"c\",\"label\":\"y\\u0007\"}\n{\"text\":\"d\\u0001\",\"label\":\"x\\u0002\"}\n",
			[]string{"ab\n", "c", "d"}, []int{1, 2, 3}, "4 NUL or other control byte(s) were removed from 3 lines: 1, 2, 3;"},
		{"JSON Lines, raw and escaped on one line", "{\"text\":\"a\x00\\u0000b\",\"label\":\"x\"}\n{\"text\":\"c\",\"label\":\"y\"}\n",
			[]string{"ab", "c"}, []int{1}, "2 NUL or other control byte(s) were removed from 1 line: 1;"},
		{"UTF-16 with a NUL character", string(utf16Bytes("text,label\na\x00,x\nb,y\n", false)),
			[]string{"a", "b"}, []int{2}, "from 1 line: 2;"},
		{"tab and form feed stay", "text\tlabel\na\fb\tx\nc\ty\n",
			[]string{"a\fb", "c"}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab, rep, err := Read(context.Background(), []byte(tt.in), Options{})
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			var texts []string
			for _, e := range tab.Examples {
				texts = append(texts, e.Text)
			}
			if !slices.Equal(texts, tt.texts) {
				t.Errorf("texts = %q, want %q", texts, tt.texts)
			}
			if !slices.Equal(rep.ControlLines, tt.lines) {
				t.Errorf("ControlLines = %v, want %v", rep.ControlLines, tt.lines)
			}
			found := tt.warn == ""
			for _, w := range rep.Warnings {
				if tt.warn != "" && strings.Contains(w, tt.warn) {
					found = true
				}
				if tt.warn == "" && strings.Contains(w, "control byte") {
					t.Errorf("unexpected warning %q", w)
				}
			}
			if !found {
				t.Errorf("warnings %q lack %q", rep.Warnings, tt.warn)
			}
		})
	}
}

// TestControlLinesWarningShortened: the warning names the first lines and
// counts the rest; the report keeps them all.
func TestControlLinesWarningShortened(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("text,label\n")
	for i := range 1000 {
		sb.WriteString("row\x00 text " + string(rune('a'+i%26)) + "," + []string{"x", "y"}[i%2] + "\n")
	}
	_, rep, err := Read(context.Background(), []byte(sb.String()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.ControlLines) != 1000 || rep.ControlLines[0] != 2 || rep.ControlLines[999] != 1001 {
		t.Fatalf("ControlLines: %d lines, first %v", len(rep.ControlLines), rep.ControlLines[:3])
	}
	want := "from 1,000 lines: 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 990 more;"
	if !slices.ContainsFunc(rep.Warnings, func(w string) bool { return strings.Contains(w, want) }) {
		t.Errorf("warnings %q lack %q", rep.Warnings, want)
	}
}

// TestBinaryRefused: only files that really are binary are refused: a known
// signature, or more than 10% control bytes in the first 64 KB. The message
// says which.
func TestBinaryRefused(t *testing.T) {
	body := strings.Repeat("text,label\n", 10)
	tests := []struct {
		name string
		in   string
		why  string
	}{
		{"PDF", "%PDF-1.7\n" + body, "it starts like a PDF document"},
		{"xlsx", "PK\x03\x04\x14\x00\x06\x00" + body, "it starts like a ZIP archive"},
		{"PNG", "\x89PNG\r\n\x1a\n" + body, "it starts like a PNG image"},
		{"gzip", "\x1f\x8b\x08\x00" + body, "it starts like a gzip archive"},
		{"old Excel", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + body, "it starts like an old Office document"},
		{"SQLite", "SQLite format 3\x00" + body, "it starts like an SQLite database"},
		{"mostly NULs", strings.Repeat("a\x00\x00\x00", 100), "75% of its first 400 bytes are NUL or other control bytes (more than 10%)"},
		{"UTF-16 without BOM", string(utf16Bytes("text,label\na,x\nb,y\n", false)[2:]), "are NUL or other control bytes"},
		{"controls past the text", strings.Repeat("\x01\x02\x03abc", 20000), "50% of its first 64 KB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Read(context.Background(), []byte(tt.in), Options{})
			if !errors.Is(err, ErrBinary) {
				t.Fatalf("err = %v, want ErrBinary", err)
			}
			if !strings.Contains(err.Error(), tt.why) {
				t.Errorf("message %q lacks %q", err, tt.why)
			}
		})
	}
}

// TestBinaryThreshold: 10% control bytes is still text, just over is binary.
func TestBinaryThreshold(t *testing.T) {
	if err := checkBinary([]byte(strings.Repeat("\x00abcdefghi", 10))); err != nil {
		t.Errorf("10%%: %v", err)
	}
	if err := checkBinary([]byte(strings.Repeat("\x00abcdefghi", 10) + "\x00")); !errors.Is(err, ErrBinary) {
		t.Errorf("just over 10%%: %v", err)
	}
}
