package lexicon

import (
	"errors"
	"strings"
	"testing"
)

// checkDictionary asserts what any successfully parsed dictionary must hold.
func checkDictionary(t *testing.T, d *Dictionary, err error) {
	if err != nil {
		var pe *ParseError
		if !errors.As(err, &pe) && !errors.Is(err, ErrNoTerms) && !errors.Is(err, ErrEmpty) {
			t.Fatalf("error without a line: %v", err)
		}
		return
	}
	if len(d.Entries) == 0 || len(d.Categories) == 0 {
		t.Fatalf("parsed a dictionary with %d entries, %d categories", len(d.Entries), len(d.Categories))
	}
	for _, e := range d.Entries {
		if e.Category < 0 || e.Category >= len(d.Categories) || e.Term == "" {
			t.Fatalf("bad entry %+v", e)
		}
	}
	// Every term must match itself.
	e := d.Entries[0]
	if r := d.Score(e.Term); len(r.Matches) == 0 {
		t.Fatalf("term %q does not match itself", e.Term)
	}
}

func FuzzParseDic(f *testing.F) {
	f.Add(testDic)
	f.Add("%\n1 a\n%\nx 1\n")
	f.Add("%\n1\ta\n%\nhappy\t1\t2\n")
	f.Add("\ufeff%\r\n1\ta b\r\n%\r\nthank you*\t1\r\n")
	f.Fuzz(func(t *testing.T, data string) {
		d, err := ParseDic("fuzz", strings.NewReader(data))
		checkDictionary(t, d, err)
	})
}

func FuzzParseCSV(f *testing.F) {
	f.Add("term,category,weight\ngood,pos,2\nvery good,pos,3\nbad*,neg,-1.5\n")
	f.Add("happy,pos\n\"sad, very\",neg\n")
	f.Add("happy,pos,1e400\n")
	f.Fuzz(func(t *testing.T, data string) {
		d, err := ParseCSV("fuzz", strings.NewReader(data))
		checkDictionary(t, d, err)
	})
}
