package dataset

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestReadReport(t *testing.T) {
	in := "id,text,label\n" +
		"1,good film,pos\n" + // line 2
		"2,,neg\n" + // 3: empty text
		"3,bad film,\n" + // 4: missing label
		"4,\"a long\nreview\",neg\n" + // 5-6
		"5,good film,pos\n" + // 7: duplicate of line 2
		"6,too,many,fields\n" + // 8: wrong field count
		"7,  good film ,neg\n" + // 9: duplicate of 2 with another label
		"8,meh,neutral\n" + // 10: a label with one example
		"9,   ,pos\n" // 11: text of spaces only
	tab, rep, err := Read(context.Background(), []byte(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Chosen.Text != "text" || rep.Chosen.Label != "label" || rep.Chosen.ID != "id" {
		t.Errorf("chosen = %+v", rep.Chosen)
	}
	if rep.RowsRead != 9 || rep.RowsUsable != 5 {
		t.Errorf("rows read %d usable %d, want 9 and 5", rep.RowsRead, rep.RowsUsable)
	}
	var got []string
	for _, p := range rep.Problems {
		got = append(got, fmt.Sprintf("%d %s", p.Line, p.Reason))
	}
	want := []string{"3 empty text", "4 missing label", "8 wrong number of fields", "11 empty text"}
	if !slices.Equal(got, want) {
		t.Errorf("problems = %q, want %q", got, want)
	}
	// Every record is either usable or listed.
	if rep.RowsUsable+len(rep.Problems) != rep.RowsRead {
		t.Errorf("%d usable + %d problems != %d read", rep.RowsUsable, len(rep.Problems), rep.RowsRead)
	}
	if len(rep.Duplicates) != 1 {
		t.Fatalf("duplicates = %+v", rep.Duplicates)
	}
	d := rep.Duplicates[0]
	if d.Text != "good film" || !slices.Equal(d.Lines, []int{2, 7, 9}) || !slices.Equal(d.Labels, []string{"pos", "neg"}) {
		t.Errorf("duplicate = %+v", d)
	}
	if len(rep.RareLabels) != 1 || rep.RareLabels[0] != (ClassCount{"neutral", 1}) {
		t.Errorf("rare labels = %+v", rep.RareLabels)
	}
	wantClasses := []ClassCount{{"neg", 2}, {"pos", 2}, {"neutral", 1}}
	if !slices.Equal(rep.Classes, wantClasses) {
		t.Errorf("classes = %+v, want %+v", rep.Classes, wantClasses)
	}
	var lines []int
	for _, e := range tab.Examples {
		lines = append(lines, e.Line)
	}
	if !slices.Equal(lines, []int{2, 5, 7, 9, 10}) {
		t.Errorf("example lines = %v", lines)
	}
	if tab.Examples[1].Text != "a long\nreview" || tab.Examples[1].ID != "4" {
		t.Errorf("example 2 = %+v", tab.Examples[1])
	}
}

func TestReadUndecodable(t *testing.T) {
	// Mostly UTF-8, with one stray byte on line 3: that row is listed.
	in := "text,label\nnaïve café,a\nbad \xff byte,b\nüber straße,b\nfine,a\n"
	_, rep, err := Read(context.Background(), []byte(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 1 || rep.Problems[0].Line != 3 || rep.Problems[0].Reason != ReasonUndecodable {
		t.Errorf("problems = %v", rep.Problems)
	}
	if len(rep.Warnings) == 0 {
		t.Error("no warning about the invalid byte")
	}
}

func TestReadWindows1252(t *testing.T) {
	in := "text;label\r\n\x93Caf\xe9\x94 ist gut;pos\r\nSchlecht \x96 sehr;neg\r\n"
	tab, rep, err := Read(context.Background(), []byte(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Encoding != EncWindows1252 || rep.Delimiter != ";" || len(rep.Warnings) != 1 {
		t.Errorf("encoding %q delimiter %q warnings %q", rep.Encoding, rep.Delimiter, rep.Warnings)
	}
	if tab.Examples[0].Text != "“Café” ist gut" || tab.Examples[1].Line != 3 {
		t.Errorf("examples = %+v", tab.Examples)
	}
}

func TestReadUTF16(t *testing.T) {
	for _, be := range []bool{false, true} {
		in := utf16Bytes("text\tlabel\r\nÄrger 😠\tneg\r\nFreude\tpos\r\n", be)
		tab, rep, err := Read(context.Background(), in, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Delimiter != "\t" || len(tab.Examples) != 2 || tab.Examples[0].Text != "Ärger 😠" {
			t.Errorf("big endian %v: report %+v examples %+v", be, rep, tab.Examples)
		}
	}
}

func TestValidateErrors(t *testing.T) {
	var many strings.Builder
	many.WriteString("text,label\n")
	for i := range 5000 {
		fmt.Fprintf(&many, "text %d,l%d\n", i, i)
	}
	tests := []struct {
		name string
		in   string
		cols Columns
		kind error
		msg  string
	}{
		{"one class", "text,label\na,x\nb,x\n", Columns{}, ErrOneClass, `the label column "label" has only one class ("x")`},
		{"too many classes", many.String(), Columns{Text: "text", Label: "label"}, ErrTooManyClasses,
			`the label column "label" has 5,000 distinct values: is it really the label? pick another column`},
		{"no usable rows", "text,label\n,x\n,y\n", Columns{Text: "text", Label: "label"}, ErrNoUsableRows, "none of the 2 rows is usable (2 empty text)"},
		{"missing column", "text,label\na,x\n", Columns{Text: "text", Label: "class"}, ErrColumn, `there is no column "class" for the label; the columns are: text, label`},
		{"same column", "text,label\na,x\n", Columns{Text: "text", Label: "text"}, ErrColumn, "pick two different columns"},
		{"single column", "text\na\nb\n", Columns{}, ErrColumn, "no label column chosen"},
		{"all json lines bad", "{oops\n{\"a\":\n", Columns{}, ErrColumn, "no text column chosen"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rep, err := Read(context.Background(), []byte(tt.in), Options{Columns: tt.cols})
			if !errors.Is(err, tt.kind) {
				t.Fatalf("err = %v, want %v", err, tt.kind)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("message %q does not contain %q", err, tt.msg)
			}
			if rep == nil {
				t.Error("no report returned with the error")
			}
		})
	}
}

func TestMaxClassesOption(t *testing.T) {
	in := "text,label\na,x\nb,y\nc,z\n"
	if _, _, err := Read(context.Background(), []byte(in), Options{MaxClasses: 2}); !errors.Is(err, ErrTooManyClasses) {
		t.Errorf("MaxClasses 2: err = %v", err)
	}
	if _, _, err := Read(context.Background(), []byte(in), Options{MaxClasses: 3}); err != nil {
		t.Errorf("MaxClasses 3: err = %v", err)
	}
}

func TestReadLargeLinear(t *testing.T) {
	// 200,000 rows, all duplicates of a few texts and half of them with a
	// missing label: must stay fast (no quadratic step) and list everything.
	var b strings.Builder
	b.WriteString("text,label\n")
	const n = 200_000
	for i := range n {
		label := []string{"a", "", "b", ""}[i%4]
		fmt.Fprintf(&b, "text %d,%s\n", i%10, label)
	}
	_, rep, err := Read(context.Background(), []byte(b.String()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.RowsUsable != n/2 || len(rep.Problems) != n/2 {
		t.Errorf("usable %d problems %d", rep.RowsUsable, len(rep.Problems))
	}
	lines := 0
	for _, d := range rep.Duplicates {
		lines += len(d.Lines)
	}
	if len(rep.Duplicates) != 5 || lines != n/2 { // usable rows have even i, so texts 0, 2, 4, 6, 8
		t.Errorf("%d duplicate groups with %d lines", len(rep.Duplicates), lines)
	}
}

func TestGuess(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Columns
	}{
		{"named", "id,party,speech,president\n1,D,a long speech here,X\n2,R,another long speech,Y\n",
			Columns{Text: "speech", Label: "party", ID: "id", Group: "president"}},
		{"by name, any case", "Category,Text\nx,hello\ny,bye\n", Columns{Text: "Text", Label: "Category"}},
		// brown-genre.csv: document is the Brown file id, the group.
		{"document as group", "id,text,label,genre,document\n1,a passage of press text,press,news,ca01\n2,a passage of fiction,fiction,romance,cp01\n",
			Columns{Text: "text", Label: "label", ID: "id", Group: "document"}},
		{"document as text", "document,label\na whole document here,x\nanother document,y\n", Columns{Text: "document", Label: "label"}},
		{"by shape", "a,b,c\n1,this is the longest cell by far,x\n2,another rather long cell here,y\n3,and a third long one to be sure,x\n4,yet one more long text cell,y\n",
			Columns{Text: "b", Label: "c", ID: "a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab, err := Parse(context.Background(), []byte(tt.in), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := Guess(tab); got != tt.want {
				t.Errorf("Guess = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestReadFixedColumns(t *testing.T) {
	// The user picks "label" as the text; the guessed label must then be
	// another column, not the same one.
	in := "text,label,class\na long text here,x,p\nanother long text,y,q\nthird text,x,p\n"
	_, rep, err := Read(context.Background(), []byte(in), Options{Columns: Columns{Text: "label"}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Chosen.Text != "label" || rep.Chosen.Label != "class" {
		t.Errorf("chosen = %+v, want text=label label=class", rep.Chosen)
	}
}
