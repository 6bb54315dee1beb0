//go:build ref && !js

package dataset

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"textlab/internal/reftest"
)

// TestWindows1252Ref compares the Windows-1252 decoder with Python's cp1252
// codec (errors="replace" also turns the five undefined bytes into U+FFFD).
func TestWindows1252Ref(t *testing.T) {
	var in []byte
	for b := 0x20; b <= 0xFF; b++ {
		in = append(in, byte(b))
	}
	want := string(reftest.RunPython(t, `
import sys
sys.stdout.buffer.write(sys.stdin.buffer.read().decode("cp1252", errors="replace").encode("utf-8"))
`, in))
	got := decodeWindows1252(in).text
	if got != want {
		gr, wr := []rune(got), []rune(want)
		for i := range min(len(gr), len(wr)) {
			if gr[i] != wr[i] {
				t.Errorf("byte %#x: got %U, Python %U", in[i], gr[i], wr[i])
			}
		}
		if len(gr) != len(wr) {
			t.Errorf("got %d runes, Python %d", len(gr), len(wr))
		}
	}
}

// pythonCSV is a reference reader: Python's csv module (RFC 4180 quoting)
// with the given delimiter; it prints the records as JSON, with \r\n and
// lone \r inside fields turned into \n as Parse does.
const pythonCSV = `
import csv, io, json, sys
text = sys.stdin.buffer.read().decode("utf-8-sig")
rows = []
for rec in csv.reader(io.StringIO(text, newline=""), delimiter=sys.argv[1]):
    if not rec:
        continue
    rows.append([f.replace("\r\n", "\n").replace("\r", "\n") for f in rec])
json.dump(rows, sys.stdout)
`

// TestCSVRef reads tricky CSV inputs and the shipped samples with Parse and
// with Python's csv module, and compares every field.
func TestCSVRef(t *testing.T) {
	inputs := map[string]string{
		"quotes":      "text,label\n\"she said \"\"hi\"\", then left\",x\n\"a,b\",y\n",
		"newlines":    "text,label\n\"one\ntwo\",x\n\"three\r\nfour\",y\nfive,z\n",
		"crlf":        "text;label\r\nalpha;x\r\n\"be;ta\";y\r\n",
		"lone cr":     "text\tlabel\ra b\tx\r\"c\td\"\ty\r",
		"unicode":     "text|label\n«Grüße» 😀|x\n\"pipe | inside\"|y\n",
		"empty cells": "a,b,c\n,,\nx,,z\n",
	}
	root := reftest.Root(t)
	for _, name := range []string{"sotu-party.csv", "spam-assassin.csv"} {
		b, err := os.ReadFile(filepath.Join(root, "static", "data", name))
		if err != nil {
			t.Fatal(err)
		}
		inputs[name] = string(b)
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			tab, err := Parse(context.Background(), []byte(in), Options{})
			if err != nil {
				t.Fatal(err)
			}
			var want [][]string
			out := reftest.RunPython(t, pythonCSV, []byte(in), tab.Delimiter)
			if err := json.Unmarshal(out, &want); err != nil {
				t.Fatal(err)
			}
			got := [][]string{tab.Columns}
			for _, r := range tab.Rows {
				got = append(got, r.Fields)
			}
			if len(got) != len(want) {
				t.Fatalf("%d records, Python %d", len(got), len(want))
			}
			for i := range got {
				if !slices.Equal(got[i], want[i]) {
					t.Fatalf("record %d = %q, Python %q", i, got[i], want[i])
				}
			}
			if !strings.Contains(name, ".csv") {
				return
			}
			if len(tab.Problems) != 0 {
				t.Errorf("problems in a shipped sample: %v", tab.Problems)
			}
		})
	}
}
