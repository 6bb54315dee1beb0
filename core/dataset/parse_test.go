package dataset

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestDetectDelimiter(t *testing.T) {
	tests := []struct {
		name, text, file string
		want             rune
	}{
		{"comma", "text,label\nhello there,a\nbye now,b\n", "", ','},
		{"tab", "text\tlabel\nhello, there\ta\nbye, now, then\tb\n", "", '\t'},
		{"semicolon with decimal commas", "text;score;label\nok;1,5;a\nfine;2,25;b\n", "", ';'},
		{"pipe", "id|text|label\n1|a, b|x\n2|c; d|y\n", "", '|'},
		{"quoted commas", "text,label\n\"a, b, c\",x\n\"d, e\",y\n", "", ','},
		{"quoted newline and semicolons", "text;label\n\"one, two\nthree, four\";x\nfive;y\n", "", ';'},
		{"bare quotes inside fields", "text;label\n5\" screen, nice;x\n12\" tv, ok;y\n", "", ';'},
		{"single column", "text\nhello\nworld\n", "", ','},
		{"tsv name breaks tie", "a\tb,c\nd\te,f\n", "data.tsv", '\t'},
		{"csv tie goes to comma", "a\tb,c\nd\te,f\n", "", ','},
		{"inconsistent comma loses", "text|label\nhi, you, there|a\nno|b\nyes, sir|c\n", "", '|'},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DetectDelimiter(tt.text, tt.file); got != tt.want {
				t.Errorf("DetectDelimiter = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseCSVLines(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		lines     []int    // Row.Line of each row
		texts     []string // first field of each row
		problems  []int    // lines of Table.Problems
		delimiter string
	}{
		{"plain", "text,label\na,x\nb,y\n", []int{2, 3}, []string{"a", "b"}, nil, ","},
		{"embedded newlines", "text,label\n\"one\ntwo\nthree\",x\nfour,y\n\"five\n\",z\n",
			[]int{2, 5, 6}, []string{"one\ntwo\nthree", "four", "five\n"}, nil, ","},
		{"doubled quotes", "text,label\n\"she said \"\"hi\"\"\",x\n", []int{2}, []string{`she said "hi"`}, nil, ","},
		{"crlf", "text,label\r\na,x\r\nb,y\r\n", []int{2, 3}, []string{"a", "b"}, nil, ","},
		{"lone cr", "text,label\ra,x\rb,y\r", []int{2, 3}, []string{"a", "b"}, nil, ","},
		{"mixed endings", "text,label\r\na,x\nb,y\rc,z", []int{2, 3, 4}, []string{"a", "b", "c"}, nil, ","},
		{"crlf inside quotes", "text,label\r\n\"a\r\nb\",x\r\nc,y\r\n", []int{2, 4}, []string{"a\nb", "c"}, nil, ","},
		{"blank lines skipped", "text,label\n\na,x\n   \nb,y\n", []int{3, 5}, []string{"a", "b"}, nil, ","},
		{"wrong field count", "text,label\na,x\nb,y,z\nc\nd,w\n", []int{2, 5}, []string{"a", "d"}, []int{3, 4}, ","},
		{"tab", "text\tlabel\na, b\tx\n", []int{2}, []string{"a, b"}, nil, "\t"},
		{"no trailing newline", "text,label\na,x", []int{2}, []string{"a"}, nil, ","},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab, err := Parse(context.Background(), []byte(tt.in), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(tab.Columns, []string{"text", "label"}) {
				t.Errorf("columns = %q", tab.Columns)
			}
			var lines []int
			var texts []string
			for _, r := range tab.Rows {
				lines = append(lines, r.Line)
				texts = append(texts, r.Fields[0])
			}
			if !slices.Equal(lines, tt.lines) || !slices.Equal(texts, tt.texts) {
				t.Errorf("rows at lines %v with texts %q, want %v %q", lines, texts, tt.lines, tt.texts)
			}
			var plines []int
			for _, p := range tab.Problems {
				plines = append(plines, p.Line)
				if p.Reason != ReasonFieldCount {
					t.Errorf("problem reason %q", p.Reason)
				}
			}
			if !slices.Equal(plines, tt.problems) {
				t.Errorf("problems at %v, want %v", plines, tt.problems)
			}
			if tab.Delimiter != tt.delimiter {
				t.Errorf("delimiter %q, want %q", tab.Delimiter, tt.delimiter)
			}
		})
	}
}

func TestParseUnclosedQuote(t *testing.T) {
	in := "text,label\na,x\n\"oops,y\nb,z\nc,w\n"
	tab, err := Parse(context.Background(), []byte(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(tab.Rows) != 1 || len(tab.Problems) != 1 {
		t.Fatalf("rows %v problems %v", tab.Rows, tab.Problems)
	}
	p := tab.Problems[0]
	if p.Line != 3 || !strings.Contains(p.Detail, "quote left open") {
		t.Errorf("problem = %v, want line 3 with a hint at the open quote", p)
	}
}

func TestParseHeaderNames(t *testing.T) {
	tab, err := Parse(context.Background(), []byte(" text ,,text\na,b,c\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"text", "column 2", "text (2)"}
	if !slices.Equal(tab.Columns, want) {
		t.Errorf("columns = %q, want %q", tab.Columns, want)
	}
	if len(tab.Warnings) != 2 {
		t.Errorf("warnings = %q, want 2", tab.Warnings)
	}
}

func TestParseJSONL(t *testing.T) {
	in := `{"text": "hello", "label": "a"}
{"label": "b", "text": "bye", "score": 0.5, "ok": true, "tags": ["x", "y"], "meta": {"k": 1}, "none": null}

not json
[1, 2]
{"text": "tail"} {"text": "extra"}
{"text": "unicode \u00e9", "label": 3}
`
	tab, err := Parse(context.Background(), []byte(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if tab.Format != FormatJSONL {
		t.Fatalf("format = %q", tab.Format)
	}
	wantCols := []string{"text", "label", "score", "ok", "tags", "meta", "none"}
	if !slices.Equal(tab.Columns, wantCols) {
		t.Errorf("columns = %q, want %q", tab.Columns, wantCols)
	}
	if len(tab.Rows) != 3 {
		t.Fatalf("rows = %v", tab.Rows)
	}
	r := tab.Rows[1]
	got := []string{r.Field(0), r.Field(1), r.Field(2), r.Field(3), r.Field(4), r.Field(5), r.Field(6)}
	want := []string{"bye", "b", "0.5", "true", `["x","y"]`, `{"k":1}`, ""}
	if !slices.Equal(got, want) {
		t.Errorf("row 2 = %q, want %q", got, want)
	}
	if last := tab.Rows[2]; last.Line != 7 || last.Field(0) != "unicode é" || last.Field(1) != "3" || last.Field(5) != "" {
		t.Errorf("last row = %+v", last)
	}
	var plines []int
	for _, p := range tab.Problems {
		plines = append(plines, p.Line)
		if p.Reason != ReasonBadJSON {
			t.Errorf("reason %q", p.Reason)
		}
	}
	if !slices.Equal(plines, []int{4, 5, 6}) {
		t.Errorf("problem lines %v, want [4 5 6]", plines)
	}
}

func TestParseFormatHint(t *testing.T) {
	// A name ending in .jsonl makes even a non-object first line JSON Lines.
	tab, err := Parse(context.Background(), []byte("text,label\n"), Options{Name: "x.jsonl"})
	if err != nil {
		t.Fatal(err)
	}
	if tab.Format != FormatJSONL || len(tab.Problems) != 1 {
		t.Errorf("format %q problems %v", tab.Format, tab.Problems)
	}
}

func TestParseErrors(t *testing.T) {
	wide := strings.Repeat("a,", 4999) + "a\n"
	tests := []struct {
		name string
		in   []byte
		opts Options
		kind error
		msg  string
	}{
		{"empty", nil, Options{}, ErrEmpty, "the file is empty"},
		{"blank", []byte(" \n\r\n\t"), Options{}, ErrEmpty, "the file is empty"},
		{"header only", []byte("text,label\n"), Options{}, ErrHeaderOnly, "header (text, label) but no rows"},
		{"binary", []byte("\x00\x01\x02abc"), Options{}, ErrBinary, "this looks like a binary file, not CSV/TSV/JSON Lines"},
		{"wide header", []byte(wide + "x\n"), Options{}, ErrTooManyColumns, "line 1: the row has 5,000 fields; Textlab reads at most 1,000 columns"},
		{"wide row", []byte("text,label\n" + wide), Options{}, ErrTooManyColumns, "line 2: the row has 5,000 fields"},
		{"wide jsonl", []byte(wideJSON(1001)), Options{}, ErrTooManyColumns, "line 1: the object has 1,001 keys"},
		{"too many keys over lines", []byte("{\"a\":1}\n{\"b\":1}\n{\"c\":1}\n"), Options{MaxColumns: 2}, ErrTooManyColumns, "line 3: the objects have more than 2 distinct keys"},
		{"too big", []byte("text,label\na,b\n"), Options{MaxBytes: 10}, ErrTooBig, "Textlab reads at most"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(context.Background(), tt.in, tt.opts)
			if !errors.Is(err, tt.kind) {
				t.Fatalf("err = %v, want %v", err, tt.kind)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("message %q does not contain %q", err, tt.msg)
			}
		})
	}
}

func wideJSON(n int) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "\"k%d\":%d", i, i)
	}
	b.WriteString("}\n")
	return b.String()
}

func TestParse200MB(t *testing.T) {
	// A 200 MB input is refused by its size before any decoding or parsing.
	big := make([]byte, 200_000_000)
	_, err := Parse(context.Background(), big, Options{})
	if !errors.Is(err, ErrTooBig) {
		t.Fatalf("err = %v, want ErrTooBig", err)
	}
	want := "the file is 200 MB; Textlab reads at most 100 MB in the browser; split it or sample it"
	if err.Error() != want {
		t.Errorf("message = %q, want %q", err, want)
	}
}

func TestParseCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	in := "text,label\n" + strings.Repeat("a,b\n", 5000)
	if _, err := Parse(ctx, []byte(in), Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}
