package agreement

import (
	"strconv"
	"strings"
	"testing"
)

// workedWide is Krippendorff's (2011) worked example as a wide CSV file,
// units in rows, with a unit column and "." for missing values.
const workedWide = `unit,A,B,C,D
1,1,1,.,1
2,2,2,3,2
3,3,3,3,3
4,3,3,3,3
5,2,2,2,2
6,1,2,3,4
7,4,4,4,4
8,1,1,2,1
9,2,2,2,2
10,.,5,5,5
11,.,.,1,1
12,.,3,.,.
`

func TestReadWide(t *testing.T) {
	d, err := ReadWide(strings.NewReader(workedWide), WideOptions{Unit: "unit", Missing: []string{"."}})
	if err != nil {
		t.Fatal(err)
	}
	want := matrixData(krippendorff2011)
	if strings.Join(d.Coders, ",") != "A,B,C,D" || len(d.Units) != 12 {
		t.Fatalf("coders %v, %d units", d.Coders, len(d.Units))
	}
	for i, u := range d.Units {
		w := want.Units[i]
		if u.ID != w.ID || u.Line != w.Line || strings.Join(u.Codes, ",") != strings.Join(w.Codes, ",") {
			t.Errorf("unit %d = %+v, want %+v", i, u, w)
		}
	}
}

func TestReadLong(t *testing.T) {
	// The worked example in long format, records shuffled by coder.
	var b strings.Builder
	b.WriteString("coder,unit,code\n")
	for i, row := range krippendorff2011 {
		for u, c := range row {
			if c != "." {
				b.WriteString(string(rune('A'+i)) + "," + strconv.Itoa(u+1) + "," + c + "\n")
			}
		}
	}
	d, err := ReadLong(strings.NewReader(b.String()), LongOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, level := range []Level{Nominal, Ordinal, Interval, Ratio} {
		got, err := KrippendorffAlpha(d, AlphaConfig{Level: level})
		if err != nil {
			t.Fatal(err)
		}
		want, _ := KrippendorffAlpha(matrixData(krippendorff2011), AlphaConfig{Level: level})
		if got.Alpha != want.Alpha {
			t.Errorf("%v: long %v, wide %v", level, got.Alpha, want.Alpha)
		}
	}
	// Coder C codes unit 1 nowhere: its code there is missing.
	if d.Units[0].ID != "1" || d.Units[0].Codes[2] != "" || d.Units[0].Line != 2 {
		t.Errorf("unit 1 = %+v", d.Units[0])
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		long bool
		opts WideOptions
		lopt LongOptions
		want string
	}{
		{name: "empty", in: "", want: "empty input"},
		{name: "one coder", in: "a\n1\n2\n", want: "line 1: need at least two coder columns, found 1 (a)"},
		{name: "one coder besides unit", in: "id,a\n1,2\n", opts: WideOptions{Unit: "id"}, want: "found 1 (a)"},
		{name: "missing column", in: "a,b\n1,2\n", opts: WideOptions{Coders: []string{"a", "c"}}, want: `line 1: no column "c" in the header (columns: a, b)`},
		{name: "missing unit column", in: "a,b\n1,2\n", opts: WideOptions{Unit: "id"}, want: `line 1: no column "id"`},
		{name: "duplicate column", in: "a,a\n1,2\n", want: `line 1: column "a" appears twice`},
		{name: "short row", in: "a,b,c\n1,2,3\n1,2\n", want: `line 3: has 2 fields, coder column "c" is field 3`},
		{name: "empty unit id", in: "id,a,b\n,1,2\n", opts: WideOptions{Unit: "id"}, want: `line 2: unit column "id" is empty`},
		{name: "bad quote", in: "a,b\n\"1,2\n", want: "line"},
		{name: "long missing column", in: "unit,coder\n1,a\n", long: true, want: `line 1: no column "code"`},
		{name: "long duplicate", in: "unit,coder,code\n1,a,1\n1,b,2\n1,a,3\n", long: true, want: `line 4: unit "1" already has a code from coder "a" (line 2)`},
		{name: "long one coder", in: "unit,coder,code\n1,a,1\n2,a,2\n", long: true, want: "need at least two coders, found 1 (a)"},
		{name: "long unknown coder", in: "unit,coder,code\n1,a,1\n1,z,2\n", long: true, lopt: LongOptions{Coders: []string{"a", "b"}}, want: `line 3: coder "z" is not one of the coders a, b`},
		{name: "long empty coder", in: "unit,coder,code\n1,,1\n", long: true, want: `line 2: coder column "coder" is empty`},
		{name: "long short row", in: "unit,coder,code\n1,a\n", long: true, want: `line 2: has 2 fields, column "code" is field 3`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.long {
				_, err = ReadLong(strings.NewReader(tt.in), tt.lopt)
			} else {
				_, err = ReadWide(strings.NewReader(tt.in), tt.opts)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestFromWideRecords(t *testing.T) {
	// Records from any CSV reader; coders picked and reordered; blank
	// rows skipped; units numbered by data row; lines count records.
	recs := [][]string{{"x", "b", "a"}, {"9", " 1 ", "2"}, {""}, {"9", "", "NA"}}
	d, err := FromWide(recs, WideOptions{Coders: []string{"a", "b"}, Missing: []string{"NA"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Units) != 2 || strings.Join(d.Units[0].Codes, ",") != "2,1" || d.Units[1].ID != "2" || d.Units[1].Line != 4 || d.Units[1].NumCodes() != 0 {
		t.Errorf("got %+v", d.Units)
	}
}

func TestFromRecordsLines(t *testing.T) {
	// A file with a blank line (3) and a quoted field spanning lines 5-6:
	//
	//	1 unit,a,b,note
	//	2 u1,x,x,ok
	//	3
	//	4 u2,x,y,ok
	//	5 u3,y,y,"two
	//	6 lines"
	//	7 u4,y,,ok
	//
	// The reader drops the blank line, so the records are numbered 1..5
	// but start on lines 1, 2, 4, 5 and 7.
	const file = "unit,a,b,note\nu1,x,x,ok\n\nu2,x,y,ok\nu3,y,y,\"two\nlines\"\nu4,y,,ok\n"
	wide := [][]string{{"unit", "a", "b", "note"}, {"u1", "x", "x", "ok"}, {"u2", "x", "y", "ok"}, {"u3", "y", "y", "two\nlines"}, {"u4", "y", "", "ok"}}
	lines := []int{1, 2, 4, 5, 7}
	wantWide := map[string]int{"u1": 2, "u2": 4, "u3": 5, "u4": 7}
	long := [][]string{{"unit", "coder", "code"}, {"u1", "a", "x"}, {"u1", "b", "x"}, {"u2", "a", "two\nlines"}, {"u3", "a", "y"}}
	longLines := []int{1, 2, 4, 5, 7}
	wantLong := map[string]int{"u1": 2, "u2": 5, "u3": 7}
	wopt := WideOptions{Unit: "unit", Coders: []string{"a", "b"}}

	read, err := ReadWide(strings.NewReader(file), wopt)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		got  func() (*Data, error)
		want map[string]int
	}{
		{"ReadWide", func() (*Data, error) { return read, nil }, wantWide},
		{"FromWide with Lines", func() (*Data, error) {
			o := wopt
			o.Lines = lines
			return FromWide(wide, o)
		}, wantWide},
		{"FromLong with Lines", func() (*Data, error) { return FromLong(long, LongOptions{Lines: longLines}) }, wantLong},
		{"FromWide without Lines counts records", func() (*Data, error) { return FromWide(wide, wopt) }, map[string]int{"u1": 2, "u2": 3, "u3": 4, "u4": 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := tt.got()
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Units) != len(tt.want) {
				t.Fatalf("%d units, want %d", len(d.Units), len(tt.want))
			}
			for _, u := range d.Units {
				if u.Line != tt.want[u.ID] {
					t.Errorf("unit %s: line %d, want %d", u.ID, u.Line, tt.want[u.ID])
				}
			}
		})
	}

	errTests := []struct {
		name string
		err  func() error
		want string
	}{
		{"wide empty unit after multi-line field", func() error {
			recs := append(append([][]string{}, wide...), []string{"", "x", "x", "ok"})
			_, err := FromWide(recs, WideOptions{Unit: "unit", Coders: []string{"a", "b"}, Lines: append(append([]int{}, lines...), 8)})
			return err
		}, "line 8: unit column \"unit\" is empty"},
		{"long duplicate names both lines", func() error {
			recs := append(append([][]string{}, long...), []string{"u3", "a", "x"})
			_, err := FromLong(recs, LongOptions{Lines: append(append([]int{}, longLines...), 9)})
			return err
		}, "line 9: unit \"u3\" already has a code from coder \"a\" (line 7)"},
		{"wide short row", func() error {
			_, err := FromWide([][]string{{"a", "b"}, {"x"}}, WideOptions{Lines: []int{2, 5}})
			return err
		}, "line 5: has 1 fields"},
		{"lines of the wrong length", func() error {
			_, err := FromWide(wide, WideOptions{Lines: []int{1, 2}})
			return err
		}, "2 line numbers for 5 records"},
		{"long lines of the wrong length", func() error {
			_, err := FromLong(long, LongOptions{Lines: []int{}})
			return err
		}, "0 line numbers for 5 records"},
	}
	for _, tt := range errTests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.err()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}
