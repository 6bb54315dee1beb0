package agreement

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestGuessLayout(t *testing.T) {
	tests := []struct {
		header string
		want   Layout
	}{
		// Wide: a unit column named like IDs, every other column a coder.
		{"unit,A,B,C,D", Layout{Unit: "unit", Coders: []string{"A", "B", "C", "D"}}},
		{"id,alice,bob", Layout{Unit: "id", Coders: []string{"alice", "bob"}}},
		{"alice,Doc_ID,bob", Layout{Unit: "Doc_ID", Coders: []string{"alice", "bob"}}},
		{"c1,c2,segment id", Layout{Unit: "segment id", Coders: []string{"c1", "c2"}}},
		{"#,c1,c2", Layout{Unit: "#", Coders: []string{"c1", "c2"}}},
		{" item , c1 ,c2", Layout{Unit: "item", Coders: []string{"c1", "c2"}}},
		// No unit column: units numbered, every column a coder.
		{"a,b", Layout{Coders: []string{"a", "b"}}},
		{"a", Layout{Coders: []string{"a"}}},
		{"", Layout{Coders: []string{""}}},
		// Long: a coder column and a code column.
		{"unit,coder,code", Layout{Format: Long, Unit: "unit", Coder: "coder", Code: "code"}},
		{"doc_id,rater,label", Layout{Format: Long, Unit: "doc_id", Coder: "rater", Code: "label"}},
		{"Rating,Annotator_Name,text", Layout{Format: Long, Unit: "text", Coder: "Annotator_Name", Code: "Rating"}},
		{"label,coderid,sentence,item", Layout{Format: Long, Unit: "item", Coder: "coderid", Code: "label"}},
		{"who,code,observer-id", Layout{Format: Long, Unit: "who", Coder: "observer-id", Code: "code"}},
		// Two columns cannot be long; a coder name alone is not long.
		{"coder,code", Layout{Coders: []string{"coder", "code"}}},
		{"id,coder,x", Layout{Unit: "id", Coders: []string{"coder", "x"}}},
		// Near misses are coders.
		{"id,coder1,coder2", Layout{Unit: "id", Coders: []string{"coder1", "coder2"}}},
		{"id,coders_idx,label", Layout{Unit: "id", Coders: []string{"coders_idx", "label"}}},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			got := GuessLayout(strings.Split(tt.header, ","))
			if tt.want.Format == Wide && tt.want.Coders == nil {
				tt.want.Coders = []string{}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestLayoutComplete(t *testing.T) {
	cols := []string{"id", "a", "b", "c"}
	tests := []struct {
		name string
		in   Layout
		want Layout
	}{
		{"wide, no coder list", Layout{Unit: "id"}, Layout{Unit: "id", Coders: []string{"a", "b", "c"}}},
		{"wide, no unit", Layout{}, Layout{Coders: []string{"id", "a", "b", "c"}}},
		{"wide, unit among the coders", Layout{Unit: "a", Coders: []string{"id", "a", "c"}}, Layout{Unit: "a", Coders: []string{"id", "c"}}},
		{"wide, none picked stays none", Layout{Unit: "id", Coders: []string{}}, Layout{Unit: "id", Coders: []string{}}},
		{"wide clears the long columns", Layout{Unit: "id", Coders: []string{"a", "b"}, Coder: "a", Code: "b"}, Layout{Unit: "id", Coders: []string{"a", "b"}}},
		{"long from nothing", Layout{Format: Long}, Layout{Format: Long, Unit: "id", Coder: "a", Code: "b"}},
		{"long keeps the unit", Layout{Format: Long, Unit: "b"}, Layout{Format: Long, Unit: "b", Coder: "id", Code: "a"}},
		{"long keeps chosen columns", Layout{Format: Long, Unit: "c", Coder: "b", Code: "a"}, Layout{Format: Long, Unit: "c", Coder: "b", Code: "a"}},
		{"long leaves a clash", Layout{Format: Long, Unit: "a", Coder: "a"}, Layout{Format: Long, Unit: "a", Coder: "a", Code: "id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			inCoders := append([]string(nil), tt.in.Coders...)
			got := tt.in.Complete(cols)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			if !reflect.DeepEqual(append([]string(nil), in.Coders...), inCoders) {
				t.Errorf("Complete changed its receiver's coders: %v", in.Coders)
			}
		})
	}
	// Too few columns for a long file: the open role stays empty.
	if got := (Layout{Format: Long}).Complete([]string{"x", "y"}); got.Code != "" || got.Unit != "x" || got.Coder != "y" {
		t.Errorf("two columns: %+v", got)
	}
}

func TestFromRecords(t *testing.T) {
	wideRecs := [][]string{{"id", "a", "b"}, {"u1", "x", "x"}, {"u2", "y", ""}, {"u3", "NA", "x"}}
	longRecs := [][]string{{"unit", "who", "code"}, {"u1", "A", "x"}, {"u1", "B", "x"}, {"u2", "A", "y"}}
	tests := []struct {
		name    string
		records [][]string
		lines   []int
		layout  Layout
		units   string // ID:codes;...
		wantErr string
	}{
		{name: "wide", records: wideRecs, lines: []int{1, 2, 4, 5}, layout: Layout{Unit: "id", Coders: []string{"a", "b"}}, units: "u1@2:x|x;u2@4:y|;u3@5:|x"},
		{name: "wide, every column a coder", records: [][]string{{"a", "b"}, {"1", "2"}}, layout: Layout{}, units: "1@2:1|2"},
		{name: "long", records: longRecs, layout: Layout{Format: Long, Unit: "unit", Coder: "who", Code: "code"}, units: "u1@2:x|x;u2@4:y|"},
		{name: "long, expected coders", records: longRecs, layout: Layout{Format: Long, Unit: "unit", Coder: "who", Code: "code", Coders: []string{"B", "A", "C"}}, units: "u1@2:x|x|;u2@4:|y|"},
		{name: "long without a code column", records: longRecs, lines: []int{3, 4, 5, 6}, layout: Layout{Format: Long, Unit: "unit", Coder: "who"}, wantErr: "line 3: a long file needs a unit, a coder and a code column"},
		{name: "long, one column twice", records: longRecs, layout: Layout{Format: Long, Unit: "unit", Coder: "who", Code: "unit"}, wantErr: "line 1: the unit, coder and code columns must be three different columns (got unit, who, unit)"},
		{name: "unknown column", records: wideRecs, layout: Layout{Unit: "id", Coders: []string{"a", "z"}}, wantErr: `line 1: no column "z" in the header (columns: id, a, b)`},
		{name: "unit is a coder", records: wideRecs, layout: Layout{Unit: "a", Coders: []string{"a", "b"}}, wantErr: `line 1: column "a" is both the unit column and a coder`},
		{name: "lines of the wrong length", records: longRecs, lines: []int{1}, layout: Layout{Format: Long}, wantErr: "1 line numbers for 4 records: give one line per record, the header included"},
		{name: "unknown format", records: wideRecs, layout: Layout{Format: 7}, wantErr: "unknown format Format(7)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := FromRecords(tt.records, tt.lines, tt.layout, []string{"NA"})
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var units []string
			for _, u := range d.Units {
				units = append(units, u.ID+"@"+strconv.Itoa(u.Line)+":"+strings.Join(u.Codes, "|"))
			}
			if got := strings.Join(units, ";"); got != tt.units {
				t.Errorf("units %s, want %s", got, tt.units)
			}
		})
	}
	// Too few coders is a typed error in either format.
	_, err := FromRecords([][]string{{"unit", "who", "code"}, {"u1", "A", "x"}}, nil, Layout{Format: Long, Unit: "unit", Coder: "who", Code: "code"}, nil)
	var tf *TooFewCodersError
	if !errors.As(err, &tf) || tf.Column != "who" {
		t.Errorf("long with one coder: %v", err)
	}
}

func TestParseFormatAndString(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Format
		err  bool
	}{{"", Wide, false}, {"wide", Wide, false}, {" LONG ", Long, false}, {"diagonal", 0, true}} {
		got, err := ParseFormat(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseFormat(%q) = %v, %v", tt.in, got, err)
		}
	}
	for _, tt := range []struct {
		l    Layout
		want string
	}{
		{Layout{Unit: "unit", Coders: []string{"A", "B"}}, `wide: unit column "unit", coder columns A, B`},
		{Layout{Coders: []string{"a", "b"}}, `wide: units numbered by row, coder columns a, b`},
		{Layout{}, `wide: units numbered by row, every other column a coder`},
		{Layout{Format: Long, Unit: "u", Coder: "c", Code: "k"}, `long: unit column "u", coder column "c", code column "k"`},
		{Layout{Format: Long, Unit: "u", Coder: "c", Code: "k", Coders: []string{"A", "B"}}, `long: unit column "u", coder column "c", code column "k", coders A, B`},
	} {
		if got := tt.l.String(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}
