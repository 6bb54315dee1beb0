package agreement

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"textlab/wasm/protocol"
	"textlab/web/ui"
)

// The engine the tests share, so a file loaded by one call is there for the
// next, as in a worker; send collects the messages of the current call.
var (
	testEngine *protocol.Engine
	send       func(protocol.Message)
)

// serve runs one agreement method with an optional file and returns
// its final message and the progress messages before it.
func serve(t *testing.T, method, payload, data string) (last protocol.Message, progress []protocol.Message) {
	t.Helper()
	if testEngine == nil {
		testEngine = protocol.New(func(m protocol.Message) { send(m) })
		Register(testEngine)
	}
	send = func(m protocol.Message) {
		if m.Type == "progress" {
			progress = append(progress, m)
			return
		}
		last = m
	}
	req := protocol.Request{ID: 1, Method: method, Payload: json.RawMessage(payload)}
	if data != "" {
		req.Data = []byte(data)
	}
	testEngine.Serve(req)
	return last, progress
}

// resultOf fails unless m is a result, and returns it.
func resultOf(t *testing.T, m protocol.Message) *result {
	t.Helper()
	if m.Type != "result" {
		t.Fatalf("got %+v, want a result", m)
	}
	r, ok := m.Result.(*result)
	if !ok {
		t.Fatalf("result is %T", m.Result)
	}
	return r
}

// The published values of Krippendorff (2011), "Computing Krippendorff's
// Alpha-Reliability", for the worked example.
func TestAgreementExampleLevels(t *testing.T) {
	tests := []struct{ level, want string }{
		{"nominal", "0.743"},
		{"ordinal", "0.815"},
		{"interval", "0.849"},
		{"ratio", "0.797"},
	}
	for _, tc := range tests {
		m, _ := serve(t, "agreement.example", `{"settings":{"level":"`+tc.level+`"}}`, "")
		r := resultOf(t, m)
		if !strings.Contains(r.HTML, `data-value="`+tc.want+`"`) {
			t.Errorf("%s: html lacks alpha %s", tc.level, tc.want)
		}
		if r.Settings.Unit != "unit" || strings.Join(r.Settings.Coders, ",") != "A,B,C,D" || r.Settings.Format != "wide" {
			t.Errorf("%s: guessed settings %+v", tc.level, r.Settings)
		}
		// compute on the loaded example with the same level agrees.
		m, _ = serve(t, "agreement.compute", `{"settings":{"format":"wide","unit":"unit","coders":["A","B","C","D"],"level":"`+tc.level+`"}}`, "")
		if r := resultOf(t, m); !strings.Contains(r.HTML, `data-value="`+tc.want+`"`) {
			t.Errorf("%s: compute lacks alpha %s", tc.level, tc.want)
		}
	}
	m, _ := serve(t, "agreement.example", `{}`, "")
	r := resultOf(t, m)
	for _, want := range []string{
		`Needs exactly two coders; this file has 4`, // Cohen
		`Coincidence matrix`, `<svg`, `<title>`,
		`Units with disagreement (3)`,
		`Units left out as unpairable (1)`, `line 13: unit <strong>12</strong> has 1 code`,
		`Not available: line 3: unit &#34;2&#34; has 4 codes but line 2: unit &#34;1&#34; has 3`, // Fleiss with missing codes
	} {
		if !strings.Contains(r.HTML, want) {
			t.Errorf("example html lacks %q", want)
		}
	}
	if len(r.Notes) != 2 || !strings.Contains(r.Notes[0], "0.743 (nominal), 0.815 (ordinal), 0.849 (interval) and 0.797 (ratio)") || r.Notes[1] != "line 13: unit \"12\" has only 1 code, so it is left out as unpairable." {
		t.Errorf("notes %q", r.Notes)
	}
	if strings.Join(r.Excluded, ",") != "12" {
		t.Errorf("excluded %q, want [12]", r.Excluded)
	}
	// The status line and its notes come rendered, escaped.
	for _, want := range []string{
		exampleName + ": 12 rows, 5 columns.",
		`<span class="agr-note">line 13: unit &#34;12&#34; has only 1 code, so it is left out as unpairable.</span>`,
	} {
		if !strings.Contains(r.Status.HTML, want) {
			t.Errorf("status lacks %q: %s", want, r.Status.HTML)
		}
	}
}

// The column pickers come back rendered with every result, for the format
// in use, with the settings' columns chosen and column names escaped.
func TestAgreementControls(t *testing.T) {
	tests := []struct {
		name, payload, file string
		want, notWant       []string
	}{
		{
			name: "wide", payload: `{"name":"w.csv","guess":true}`,
			file: "id,alice,<b>bob</b>\n1,x,x\n2,y,x\n",
			want: []string{
				`<option value="wide" selected>`,
				`<option value="">(none: number the rows)</option>`,
				`<option value="id" selected>id</option>`,
				`id="agreement-coders"`,
				`id="agreement-coder-0" name="coders" value="id" disabled>`,
				`id="agreement-coder-1" name="coders" value="alice" checked>`,
				`value="&lt;b&gt;bob&lt;/b&gt;" checked>`,
			},
			notWant: []string{`id="agreement-code"`, `<b>`},
		},
		{
			name: "long", payload: `{"name":"l.csv","guess":true}`,
			file: "doc_id,rater,label\nd1,ann,spam\nd1,ben,spam\nd2,ann,ham\nd2,ben,spam\n",
			want: []string{
				`<option value="long" selected>`,
				`<option value="doc_id" selected>doc_id</option>`,
				`id="agreement-coder" name="coder"><option value="doc_id">doc_id</option><option value="rater" selected>`,
				`id="agreement-code" name="code"><option value="doc_id">doc_id</option><option value="rater">rater</option><option value="label" selected>`,
			},
			notWant: []string{`id="agreement-coders"`, `(none: number the rows)`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := resultOf(t, firstOf(serve(t, "agreement.load", tc.payload, tc.file)))
			for _, w := range tc.want {
				if !strings.Contains(r.Controls.HTML, w) {
					t.Errorf("controls lack %q:\n%s", w, r.Controls.HTML)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(r.Controls.HTML, w) {
					t.Errorf("controls have %q:\n%s", w, r.Controls.HTML)
				}
			}
		})
	}
}

// What the page leaves open when the user switches the format or moves the
// unit column is filled in by core/agreement (Layout.Complete).
func TestAgreementSettingsCompleted(t *testing.T) {
	resultOf(t, firstOf(serve(t, "agreement.load", `{"name":"s.csv","guess":true}`, "id,a,b,c\n1,1,1,2\n2,2,2,2\n3,1,2,1\n")))
	tests := []struct {
		name, settings string
		want           settings
	}{
		{"switch to long", `{"format":"long","unit":"id","coders":null,"coder":"","code":""}`,
			settings{Format: "long", Unit: "id", Coders: []string{}, Coder: "a", Code: "b", Level: "nominal", Weights: "unweighted"}},
		{"switch back to wide", `{"format":"wide","unit":"id","coders":null,"coder":"","code":""}`,
			settings{Format: "wide", Unit: "id", Coders: []string{"a", "b", "c"}, Level: "nominal", Weights: "unweighted"}},
		{"unit moved onto a coder", `{"format":"wide","unit":"a","coders":["a","b","c"],"level":"interval"}`,
			settings{Format: "wide", Unit: "a", Coders: []string{"b", "c"}, Level: "interval", Weights: "unweighted"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := serve(t, "agreement.compute", `{"settings":`+tc.settings+`}`, "")
			r := resultOf(t, m)
			if !reflect.DeepEqual(r.Settings, tc.want) {
				t.Errorf("settings %+v, want %+v", r.Settings, tc.want)
			}
		})
	}
}

// Forgetting the file returns the empty results, pickers and status.
func TestAgreementClear(t *testing.T) {
	resultOf(t, firstOf(serve(t, "agreement.example", `{}`, "")))
	m, _ := serve(t, "agreement.clear", `{}`, "")
	c, ok := m.Result.(*cleared)
	if m.Type != "result" || !ok {
		t.Fatalf("got %+v", m)
	}
	if !strings.Contains(c.HTML, "Load a coder file") || !strings.Contains(c.Status.HTML, "No file loaded.") || !strings.Contains(c.Controls.HTML, `id="agreement-coders"`) || !strings.Contains(c.Controls.HTML, `<select id="agreement-unit" name="unit"></select>`) {
		t.Errorf("cleared %+v", c)
	}
}

func TestAgreementLoad(t *testing.T) {
	tests := []struct {
		name, payload, file string
		wantErr             string // substring of the error; "" for success
		wantHTML            []string
		check               func(*testing.T, *result)
	}{
		{
			name: "two coders, cohen", payload: `{"name":"two.csv","guess":true}`,
			file: "id,alice,bob\n1,pos,pos\n2,neg,neg\n3,pos,neg\n4,neu,neu\n5,neg,neg\n6,pos,pos\n",
			// sklearn: cohen_kappa_score(["pos","neg","pos","neu","neg","pos"],["pos","neg","neg","neu","neg","pos"]) = 17/23 = 0.739
			wantHTML: []string{`data-stat="cohen"`, `data-value="0.739"`, `Units with disagreement (1)`},
			check: func(t *testing.T, r *result) {
				if r.Settings.Unit != "id" || strings.Join(r.Settings.Coders, ",") != "alice,bob" {
					t.Errorf("settings %+v", r.Settings)
				}
			},
		},
		{
			name: "long format guessed", payload: `{"name":"long.csv","guess":true}`,
			file:     "unit,coder,code\nu1,A,x\nu1,B,x\nu2,A,y\nu2,B,x\nu3,A,y\nu3,B,y\n",
			wantHTML: []string{`Units with disagreement (1)`, `<th scope="row">u2</th>`},
			check: func(t *testing.T, r *result) {
				if r.Settings.Format != "long" || r.Settings.Coder != "coder" || r.Settings.Code != "code" || r.Settings.Unit != "unit" {
					t.Errorf("settings %+v", r.Settings)
				}
			},
		},
		{
			name: "semicolons and a script in a cell", payload: `{"name":"x.csv","guess":true}`,
			file:     "item;c1;c2\n1;<img src=x onerror=alert(1)>;a\n2;a;a\n3;b;b\n",
			wantHTML: []string{`&lt;img src=x onerror=alert(1)&gt;`},
			check: func(t *testing.T, r *result) {
				if strings.Contains(r.HTML, "<img") {
					t.Errorf("unescaped cell in %s", r.HTML)
				}
			},
		},
		{
			name: "undefined alpha says why", payload: `{"name":"same.csv","guess":true}`,
			file:     "id,a,b\n1,x,x\n2,x,x\n",
			wantHTML: []string{`Not defined: every pairable code has the same value`, `Not defined: both coders use only the label`},
			check: func(t *testing.T, r *result) {
				if r.Alpha != nil {
					t.Errorf("alpha = %v, want null", *r.Alpha)
				}
				if strings.Contains(r.HTML, "NaN") {
					t.Errorf("NaN on screen")
				}
			},
		},
		{name: "empty file", payload: `{"name":"e.csv","guess":true}`, file: " ", wantErr: "the file is empty"},
		{name: "header only", payload: `{"name":"h.csv","guess":true}`, file: "id,a,b\n", wantErr: "line 1: "},
		{name: "one coder", payload: `{"name":"one.csv","guess":true}`, file: "id,a\n1,x\n2,y\n", wantErr: "line 1: pick at least two coder columns (picked: a)"},
		{name: "one column", payload: `{"name":"one.csv","guess":true}`, file: "a\nx\ny\n", wantErr: "line 1: the file has only one column"},
		{
			name: "non-numeric at interval", payload: `{"name":"n.csv","guess":true,"settings":{"level":"interval"}}`,
			file: "id,a,b\n1,1,2\n2,3,3\n\n3,2,high\n", wantErr: `line 5: unit "3", coder "b": code "high" is not a number (the interval level needs numeric codes); pick the nominal level for codes that are categories`,
		},
		{
			name: "ragged row", payload: `{"name":"r.csv","guess":true}`,
			file: "id,a,b\n1,x,y\n2,x\n", wantErr: "line 3",
		},
		{
			name: "long with one coder", payload: `{"name":"l.csv","guess":true}`,
			file: "unit,coder,code\n1,A,x\n2,A,y\n", wantErr: `column "coder": need at least two coders`,
		},
		{
			name: "long duplicate code", payload: `{"name":"l.csv","guess":true}`,
			file: "unit,coder,code\n1,A,x\n1,B,x\n\n1,A,y\n", wantErr: `line 5: unit "1" already has a code from coder "A" (line 2)`,
		},
		{
			// Blank line 3 and a note spanning lines 5-6: the bad row
			// starts on line 7 although it is the 5th record.
			name: "line after blank line and multi-line field", payload: `{"name":"m.csv","settings":{"format":"wide","unit":"id","coders":["a","b"],"level":"interval"}}`,
			file: "id,a,b,note\n1,1,2,ok\n\n2,3,3,ok\n3,2,2,\"two\nlines\"\n4,2,high,ok\n", wantErr: `line 7: unit "4", coder "b": code "high" is not a number`,
		},
		{
			name: "unpairable unit line after multi-line field", payload: `{"name":"m.csv","settings":{"format":"wide","unit":"id","coders":["a","b"]}}`,
			file: "id,a,b,note\n1,x,y,ok\n\n2,x,x,\"two\nlines\"\n3,y,,ok\n4,y,y,ok\n",
			check: func(t *testing.T, r *result) {
				if len(r.Notes) != 1 || !strings.HasPrefix(r.Notes[0], `line 6: unit "3" has only 1 code`) {
					t.Errorf("notes = %q, want the unpairable unit on line 6", r.Notes)
				}
			},
		},
		{
			name: "wide without coders", payload: `{"name":"w.csv","settings":{"format":"wide","unit":"id","coders":[]}}`,
			file: "id,a,b\n1,x,y\n", wantErr: "pick at least two coder columns",
		},
		{
			name: "bad format", payload: `{"name":"w.csv","settings":{"format":"diagonal","coders":["a","b"]}}`,
			file: "id,a,b\n1,x,y\n", wantErr: `unknown format "diagonal" (want wide or long)`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := serve(t, "agreement.load", tc.payload, tc.file)
			if tc.wantErr != "" {
				if m.Type != "error" || !strings.Contains(m.Error.Message, tc.wantErr) {
					t.Fatalf("got %+v, want error containing %q", m, tc.wantErr)
				}
				return
			}
			r := resultOf(t, m)
			for _, want := range tc.wantHTML {
				if !strings.Contains(r.HTML, want) {
					t.Errorf("html lacks %q:\n%s", want, r.HTML)
				}
			}
			if tc.check != nil {
				tc.check(t, r)
			}
		})
	}
}

// A file that cannot be used leaves the loaded one in place.
func TestAgreementFailedLoadKeepsPrevious(t *testing.T) {
	resultOf(t, firstOf(serve(t, "agreement.example", `{}`, "")))
	m, _ := serve(t, "agreement.load", `{"name":"bad.csv","guess":true}`, "id,a\n1,x\n")
	if m.Type != "error" {
		t.Fatalf("bad file loaded: %+v", m)
	}
	r := resultOf(t, firstOf(serve(t, "agreement.compute", `{"settings":{"unit":"unit","coders":["A","B","C","D"]}}`, "")))
	if r.Name != exampleName || !strings.Contains(r.HTML, `data-value="0.743"`) {
		t.Errorf("after a failed load: %s, %s", r.Name, r.HTML[:200])
	}
	serve(t, "agreement.clear", `{}`, "")
	m, _ = serve(t, "agreement.compute", `{"settings":{"unit":"unit","coders":["A","B"]}}`, "")
	if m.Type != "error" || !strings.Contains(m.Error.Message, "no coder file is loaded") {
		t.Errorf("compute after clear: %+v", m)
	}
}

func TestAgreementBootstrap(t *testing.T) {
	resultOf(t, firstOf(serve(t, "agreement.example", `{}`, "")))
	tests := []struct {
		payload  string
		wantErr  string
		wantHTML string
	}{
		// core/agreement's ExampleBootstrapAlpha: interval level, 2000 resamples, seed 1.
		{`{"settings":{"unit":"unit","coders":["A","B","C","D"],"level":"interval"},"bootstrap":{"resamples":2000,"seed":1}}`, "", `95% interval [0.4`},
		{`{"settings":{"unit":"unit","coders":["A","B","C","D"]},"bootstrap":{"resamples":0,"seed":1}}`, "resamples must be between", ""},
	}
	for _, tc := range tests {
		m, progress := serve(t, "agreement.compute", tc.payload, "")
		if tc.wantErr != "" {
			if m.Type != "error" || !strings.Contains(m.Error.Message, tc.wantErr) {
				t.Errorf("%s: got %+v", tc.payload, m)
			}
			continue
		}
		r := resultOf(t, m)
		if !strings.Contains(r.HTML, tc.wantHTML) || !strings.Contains(r.HTML, "from 2000 resamples") {
			t.Errorf("%s: html lacks %q", tc.payload, tc.wantHTML)
		}
		if len(progress) == 0 || !strings.HasPrefix(progress[len(progress)-1].Message, "resample ") {
			t.Errorf("progress %+v", progress)
		}
	}
}

func firstOf(m protocol.Message, _ []protocol.Message) protocol.Message { return m }

// The heatmap component the agreement and classic pages share.
func TestHeatmap(t *testing.T) {
	tests := []struct {
		name    string
		data    ui.HeatmapData
		want    []string
		notWant []string
	}{
		{
			name: "confusion matrix with a format",
			data: ui.HeatmapData{Title: "Confusion matrix", RowLabel: "true", ColLabel: "predicted", Rows: []string{"ham", "spam"}, Cols: []string{"ham", "spam"}, Cells: [][]float64{{50, 2}, {3, 45}}, Format: "%.0f"},
			want: []string{`role="img"`, `<title>Confusion matrix: 2 rows by 2 columns</title>`, `>50</text>`, `>45</text>`, `fill-opacity="0.920"`, `<figcaption>Confusion matrix</figcaption>`, `viewBox="0 0 `, `>predicted</text>`},
		},
		{
			name: "default format drops trailing zeros",
			data: ui.HeatmapData{Title: "m", Rows: []string{"1", "2"}, Cols: []string{"1", "2"}, Cells: [][]float64{{1.3333, 0.5}, {0, 2}}},
			want: []string{`>1.33</text>`, `>0.5</text>`, `>0</text>`, `>2</text>`},
		},
		{
			name:    "ragged and NaN cells, long and hostile labels",
			data:    ui.HeatmapData{Title: "x", Rows: []string{"<script>alert(1)</script>", "b"}, Cols: []string{"a very long category name", "b"}, Cells: [][]float64{{math.NaN()}}},
			want:    []string{`&lt;script&gt;`, `a very long c…`, `<title>a very long category name</title>`, `rotate(-45`, `>–</text>`},
			notWant: []string{`<script>`, `NaN`},
		},
	}
	for _, tc := range tests {
		f, err := protocol.Render(context.Background(), ui.Heatmap(tc.data))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		for _, w := range tc.want {
			if !strings.Contains(f.HTML, w) {
				t.Errorf("%s: lacks %q in %s", tc.name, w, f.HTML)
			}
		}
		for _, w := range tc.notWant {
			if strings.Contains(f.HTML, w) {
				t.Errorf("%s: has %q", tc.name, w)
			}
		}
	}
}

// Long lists of units come in pages of ui.AgreementPageSize: the results
// show the first page, agreement.page any other.
func TestAgreementPages(t *testing.T) {
	var b strings.Builder
	b.WriteString("unit,a,b\n")
	for i := range 45 {
		fmt.Fprintf(&b, "d%d,x,y\n", i+1)
	}
	for i := range 25 {
		fmt.Fprintf(&b, "u%d,x,\n", i+1)
	}
	r := resultOf(t, firstOf(serve(t, "agreement.load", `{"name":"many.csv","guess":true}`, b.String())))
	for _, want := range []string{"Units with disagreement (45)", "units 1–20 of 45", "<th scope=\"row\">d20</th>", "units 1–20 of 25", `data-disagree-offset="20"`} {
		if !strings.Contains(r.HTML, want) {
			t.Errorf("results lack %q", want)
		}
	}
	if strings.Contains(r.HTML, ">d21<") {
		t.Errorf("the results show more than the first page")
	}
	settings, _ := json.Marshal(r.Settings)
	tests := []struct {
		list, offset string
		want         []string
		code         string
	}{
		{"disagreements", "40", []string{"units 41–45 of 45", ">d41<", ">d45<"}, ""},
		{"disagreements", "99", []string{"units 41–45 of 45"}, ""}, // past the end: the last page
		{"unpairable", "20", []string{"units 21–25 of 25", "unit <strong>u21</strong> has 1 code"}, ""},
		{"coders", "0", nil, protocol.CodeBadRequest},
	}
	for _, tc := range tests {
		m, _ := serve(t, "agreement.page", `{"settings":`+string(settings)+`,"list":"`+tc.list+`","offset":`+tc.offset+`}`, "")
		if tc.code != "" {
			if m.Error == nil || m.Error.Code != tc.code {
				t.Errorf("%s: %+v, want error %s", tc.list, m, tc.code)
			}
			continue
		}
		f, ok := m.Result.(protocol.Fragment)
		if m.Type != "result" || !ok {
			t.Fatalf("%s %s: %+v", tc.list, tc.offset, m)
		}
		for _, want := range tc.want {
			if !strings.Contains(f.HTML, want) {
				t.Errorf("%s from %s lacks %q:\n%s", tc.list, tc.offset, want, f.HTML)
			}
		}
	}
}
