package dataset

import (
	"context"
	"errors"
	"testing"
)

// FuzzRead feeds arbitrary bytes to Read: it must never panic, and what it
// returns must be consistent (every record usable or listed, lines in
// order, examples with a text and a label).
func FuzzRead(f *testing.F) {
	seeds := []string{
		"text,label\na,x\nb,y\n",
		"text\tlabel\n\"a\tb\"\tx\nc\ty\n",
		"text;label\r\n\"multi\r\nline\";x\rb;y",
		"id|text|label\n1|\"he said \"\"hi\"\"\"|x\n2|b|y\n",
		"{\"text\":\"a\",\"label\":\"x\"}\n{\"text\":\"b\",\"label\":1}\nnot json\n",
		"\xef\xbb\xbftext,label\na,x\nb,y\n",
		"\xff\xfet\x00,\x00l\x00\n\x00a\x00,\x00x\x00\n\x00",
		"text,label\n\x93quoted\x94,x\nb,y\n",
		"text,label\n\"open,x\nb,y\n",
		"text,label\nscraped\x00 text,x\nb\x01,y\n", // stray control bytes: removed, lines listed
		"%PDF-1.7\ntext,label\na,x\n",               // a binary signature
		"t\x00e\x00x\x00t\x00,\x00l\x00\n\x00a\x00", // UTF-16 without its BOM
	}
	for _, s := range seeds {
		f.Add([]byte(s), "")
	}
	f.Add([]byte("text,label\na,x\n"), "data.jsonl")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		opts := Options{Name: name, MaxColumns: 50, MaxBytes: 1 << 20}
		tab, rep, err := Read(context.Background(), data, opts)
		if err != nil {
			var ie *inputError
			if !errors.As(err, &ie) {
				t.Fatalf("error is not an input error: %v", err)
			}
			return
		}
		for _, e := range tab.Examples {
			for _, c := range []byte(e.Text + e.Label) {
				if isControl(c) {
					t.Fatalf("control byte %#x kept in %q", c, e.Text)
				}
			}
		}
		if rep.RowsUsable+len(rep.Problems) != rep.RowsRead {
			t.Fatalf("%d usable + %d problems != %d read", rep.RowsUsable, len(rep.Problems), rep.RowsRead)
		}
		if len(tab.Examples) != rep.RowsUsable {
			t.Fatalf("%d examples, report says %d", len(tab.Examples), rep.RowsUsable)
		}
		last := 0
		for _, e := range tab.Examples {
			if e.Line <= last {
				t.Fatalf("example lines not increasing: %d after %d", e.Line, last)
			}
			last = e.Line
			if e.Label == "" || e.Text == "" {
				t.Fatalf("example without text or label: %+v", e)
			}
		}
		if len(rep.Classes) < 2 {
			t.Fatalf("success with %d classes", len(rep.Classes))
		}
		_ = Summarise(tab.Examples, OverviewOptions{})
	})
}
