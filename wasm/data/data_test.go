package data

import (
	"strings"
	"testing"

	"textlab/internal/enginetest"
	"textlab/wasm/protocol"
)

// dataEngine returns a function that serves one request on a fresh engine
// with the data methods and returns the final message.
func dataEngine(t *testing.T) (*protocol.Store, enginetest.Call) {
	t.Helper()
	e, call := enginetest.New(t, Register)
	return e.Store(), call
}

const goodCSV = "id,text,label,speaker\n" +
	"1,I loved it,pos,a\n" +
	"2,,neg,a\n" +
	"3,Dull and long,neg,b\n" +
	"4,I loved it,pos,b\n" +
	"5,<img src=x onerror=alert(1)>,neg,c\n"

func TestDataMethods(t *testing.T) {
	store, call := dataEngine(t)
	tests := []struct {
		name            string
		method, payload string
		data            string
		wantCode        string   // "" for success
		wantIn          []string // substrings of the JSON result or the error message
		wantLoaded      string   // name of the loaded data set afterwards ("" for none)
	}{
		{"browse before load", "data.browse", `{}`, "", protocol.CodeFailed, []string{"no data set is loaded"}, ""},
		{"size ok", "data.check_size", `{"size":1000}`, "", "", []string{`"ok":true`}, ""},
		{"size too big", "data.check_size", `{"size":200000000}`, "", protocol.CodeFailed, []string{"200 MB", "at most 100 MB"}, ""},
		{"bad payload", "data.load", `{"name":3}`, goodCSV, protocol.CodeBadRequest, nil, ""},
		{"load", "data.load", `{"name":"r.csv"}`, goodCSV, "", []string{
			`"name":"r.csv"`, `"columns":["id","text","label","speaker"]`, `"text":"text"`, `"label":"label"`,
			`"rows_read":5`, `"rows_usable":4`,
			`data-count=\"unusable\">1`, "empty text",
			"&lt;img src=x onerror=alert(1)&gt;", "<svg",
		}, "r.csv"},
		{"empty file keeps data", "data.load", `{"name":"e.csv"}`, "", protocol.CodeFailed, []string{"the file is empty"}, "r.csv"},
		{"header only", "data.load", `{"name":"h.csv"}`, "text,label\n", protocol.CodeFailed, []string{"no rows"}, "r.csv"},
		{"one class", "data.load", `{"name":"o.csv"}`, "text,label\na,x\nb,x\n", protocol.CodeFailed, []string{"only one class"}, "r.csv"},
		{"binary", "data.load", `{"name":"b.csv"}`, "\x00\x01\x02PK\x03\x04\x00\x00\xff\xfe\x00", protocol.CodeFailed, []string{"binary"}, "r.csv"},
		{"10000 columns", "data.load", `{"name":"w.csv"}`, "text,label\n" + strings.Repeat("x,", 9999) + "y\n", protocol.CodeFailed, []string{"columns"}, "r.csv"},
		{"columns", "data.columns", `{"columns":{"text":"text","label":"speaker","id":"id"}}`, "", "", []string{`"label":"speaker"`, `"rows_usable":4`,
			// the pickers, rendered: every column, the choice selected, "(none)" for the group
			`"controls":{"html":"<label>`, `<select name=\"label\" required><option value=\"id\">id</option>`, `<option value=\"speaker\" selected>speaker</option>`,
			`<select name=\"group\"><option value=\"\" selected>(none)</option>`}, "r.csv"},
		{"columns same", "data.columns", `{"columns":{"text":"text","label":"text"}}`, "", protocol.CodeFailed, []string{"both column"}, "r.csv"},
		{"columns missing", "data.columns", `{"columns":{"text":"nope","label":"label"}}`, "", protocol.CodeFailed, []string{`no column "nope"`}, "r.csv"},
		{"browse", "data.browse", `{"offset":2}`, "", "", []string{"rows 3–4 of 4"}, "r.csv"},
		{"browse past end", "data.browse", `{"offset":99}`, "", "", []string{"<table", "rows 1–4 of 4"}, "r.csv"},
		{"problems", "data.problems", `{"offset":0}`, "", "", []string{"empty text", "unusable rows 1–1 of 1"}, "r.csv"},
		{"windows-1252", "data.load", `{"name":"w1252.csv"}`, "text,label\ncaf\xe9 ok,a\nna\xefve,b\n", "", []string{"Windows-1252", "caf\u00e9"}, "w1252.csv"},
		{"clear", "data.clear", `{}`, "", "", []string{`"ok":true`}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var data []byte
			if tc.data != "" {
				data = []byte(tc.data)
			}
			m := call(tc.method, tc.payload, data)
			var got string
			if tc.wantCode != "" {
				if m.Error == nil || m.Error.Code != tc.wantCode {
					t.Fatalf("got %+v, want error %s", m, tc.wantCode)
				}
				got = m.Error.Message
			} else {
				if m.Type != "result" {
					t.Fatalf("got %+v", m)
				}
				got = jsonOf(m.Result)
			}
			for _, w := range tc.wantIn {
				if !strings.Contains(got, w) {
					t.Errorf("result lacks %q:\n%.600s", w, got)
				}
			}
			d, ok := Current(store)
			switch {
			case tc.wantLoaded == "" && ok:
				t.Errorf("data set %q still loaded", d.Name)
			case tc.wantLoaded != "" && (!ok || d.Name != tc.wantLoaded):
				t.Errorf("loaded = %v %v, want %q", ok, d, tc.wantLoaded)
			}
		})
	}
}

func TestDatasetAccessor(t *testing.T) {
	store, call := dataEngine(t)
	if m := call("data.load", `{"name":"r.csv","columns":{"text":"text","label":"label","group":"speaker"}}`, []byte(goodCSV)); m.Type != "result" {
		t.Fatalf("load: %+v", m)
	}
	d, ok := Current(store)
	if !ok {
		t.Fatal("no data set after load")
	}
	tests := []struct {
		name      string
		got, want any
	}{
		{"texts", strings.Join(d.Texts, "|"), "I loved it|Dull and long|I loved it|<img src=x onerror=alert(1)>"},
		{"label names", strings.Join(d.LabelNames, "|"), "neg|pos"},
		{"labels", d.Labels, []int{1, 0, 1, 0}},
		{"groups", strings.Join(d.Groups, "|"), "a|b|b|c"},
		{"ids", strings.Join(d.IDs, "|"), "|||"},
		{"columns", d.Columns.Group, "speaker"},
		{"lines", d.Examples[3].Line, 6},
	}
	for _, tc := range tests {
		if a, b := jsonOf(tc.got), jsonOf(tc.want); a != b {
			t.Errorf("%s = %s, want %s", tc.name, a, b)
		}
	}
	v := d.Version
	call("data.columns", `{"columns":{"text":"text","label":"label"}}`, nil)
	if d2, _ := Current(store); d2.Version <= v || d2.Columns.Group != "" {
		t.Errorf("after data.columns: version %d (was %d), group %q", d2.Version, v, d2.Columns.Group)
	}
}

var jsonOf = enginetest.JSONOf
