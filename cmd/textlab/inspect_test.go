package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const inspectCSV = "id,text,label\n1,good film,pos\n2,,neg\n3,bad film,neg\n4,good film,pos\n"

func TestInspectText(t *testing.T) {
	p := writeTemp(t, "reviews.csv", inspectCSV)
	var out, errb bytes.Buffer
	if code := run([]string{"inspect", "--data", p}, nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{
		`using:     text="text" label="label" id="id"`,
		"rows:      4 read, 3 usable, 1 not usable",
		"line 3: empty text",
		`lines 2, 5: "good film"`,
		"first 3 of 3 rows:",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestInspectJSON(t *testing.T) {
	p := writeTemp(t, "reviews.tsv", strings.ReplaceAll(inspectCSV, ",", "\t"))
	var out, errb bytes.Buffer
	if code := run([]string{"inspect", "--data", p, "--json", "--text", "text", "--label", "label"}, nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var got inspectOutput
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if got.Report.Delimiter != "\t" || got.Report.RowsUsable != 3 || len(got.Report.Problems) != 1 || got.Report.Problems[0].Line != 3 {
		t.Errorf("report = %+v", got.Report)
	}
	if got.Overview == nil || got.Overview.Examples != 3 || len(got.Overview.Classes) != 2 {
		t.Errorf("overview = %+v", got.Overview)
	}
	if got.Sample == nil || got.Sample.Total != 3 {
		t.Errorf("sample = %+v", got.Sample)
	}
}

func TestInspectErrors(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.csv")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	// A sparse 200 MB file: inspect must refuse it from its size alone.
	if err := f.Truncate(200_000_000); err != nil {
		t.Fatal(err)
	}
	f.Close()
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no data flag", []string{"inspect"}, 2, "--data FILE is required"},
		{"bad unit", []string{"inspect", "--data", "x.csv", "--unit", "bytes"}, 2, "--unit must be words or characters"},
		{"missing file", []string{"inspect", "--data", filepath.Join(dir, "nope.csv")}, 1, "no such file"},
		{"too big", []string{"inspect", "--data", big}, 1, "the file is 200 MB; Textlab reads at most 100 MB in the browser; split it or sample it"},
		{"binary", []string{"inspect", "--data", writeTemp(t, "x.csv", "PK\x03\x04\x00\x00")}, 1, "this looks like a binary file"},
		{"one class", []string{"inspect", "--data", writeTemp(t, "one.csv", "text,label\na,x\nb,x\n")}, 1, "only one class"},
		{"header only", []string{"inspect", "--data", writeTemp(t, "h.csv", "text,label\n")}, 1, "header (text, label) but no rows"},
		{"unknown column", []string{"inspect", "--data", writeTemp(t, "c.csv", inspectCSV), "--label", "klass"}, 1, `there is no column "klass"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(tt.args, nil, &out, &errb)
			if code != tt.code {
				t.Errorf("exit %d, want %d", code, tt.code)
			}
			if !strings.Contains(errb.String(), tt.msg) {
				t.Errorf("stderr %q lacks %q", errb.String(), tt.msg)
			}
		})
	}
}

func TestInspectSamples(t *testing.T) {
	// The shipped sample data sets read cleanly: two classes, no problems.
	for _, name := range []string{"sotu-party.csv", "spam-assassin.csv"} {
		t.Run(name, func(t *testing.T) {
			var out, errb bytes.Buffer
			p := filepath.Join("..", "..", "static", "data", name)
			if code := run([]string{"inspect", "--data", p, "--json"}, nil, &out, &errb); code != 0 {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			var got inspectOutput
			if err := json.Unmarshal(out.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			r := got.Report
			if len(r.Classes) != 2 || len(r.Problems) != 0 || r.RowsUsable < 2000 || r.Chosen.Text != "text" || r.Chosen.Label != "label" {
				t.Errorf("report: %d classes, %d problems, %d usable, columns %+v", len(r.Classes), len(r.Problems), r.RowsUsable, r.Chosen)
			}
		})
	}
}
