package board

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"math"
	"strings"
	"testing"

	"textlab/internal/enginetest"
	"textlab/wasm/protocol"
	"textlab/web/ui"
)

// run is a classic run on sotu-party.csv for the board's tests.
func run(method, split, seed string, macroF1 float64, when string) Run {
	settings, _ := json.Marshal(method + " | " + split)
	return Run{
		Page: "classic", Dataset: "sotu-party.csv", DataSum: "0123456789abcdef", Split: split, Method: method,
		Settings: settings, Seed: json.RawMessage(seed),
		Metrics: map[string]float64{"accuracy": macroF1 + 0.01, "macro_f1": macroF1}, Time: when,
	}
}

// layout writes a board view as "design: split: method rank, ...; ...".
func layout(v ui.BoardView) string {
	var groups []string
	for _, g := range v.Groups {
		var splits []string
		for _, s := range g.Splits {
			var rows []string
			for _, r := range s.Rows {
				rows = append(rows, fmt.Sprintf("%s %d", r.Method, r.Rank))
			}
			splits = append(splits, s.Dataset+" seed "+s.Seed+" ["+strings.Join(rows, ", ")+"]")
		}
		groups = append(groups, g.Design+": "+strings.Join(splits, " "))
	}
	return strings.Join(groups, "; ")
}

func TestBoardView(t *testing.T) {
	const (
		holdout = "hold-out 80:20, stratified"
		grouped = "hold-out 80:20, stratified, grouped by president"
		kfold   = "5-fold cross-validation, stratified"
	)
	tests := []struct {
		name string
		runs []Run
		want string
	}{
		{"one split, best macro-F1 first", []Run{
			run("a", holdout, "42", 0.6, "2026-01-01T10:00:00Z"),
			run("b", holdout, "42", 0.8, "2026-01-01T10:01:00Z"),
			run("c", holdout, "42", 0.7, "2026-01-01T10:02:00Z"),
		}, holdout + ": sotu-party.csv seed 42 [b 1, c 2, a 3]"},
		{"designs apart, newest design first", []Run{
			run("a", holdout, "42", 0.9, "2026-01-01T10:00:00Z"),
			run("b", grouped, "42", 0.5, "2026-01-01T10:01:00Z"),
			run("c", kfold, "42", 0.7, "2026-01-01T09:00:00Z"),
		}, grouped + ": sotu-party.csv seed 42 [b 1]; " + holdout + ": sotu-party.csv seed 42 [a 1]; " + kfold + ": sotu-party.csv seed 42 [c 1]"},
		{"other seeds are other splits", []Run{
			run("a", holdout, "42", 0.6, "2026-01-01T10:00:00Z"),
			run("b", holdout, "7", 0.8, "2026-01-01T10:01:00Z"),
			run("c", holdout, "42", 0.7, "2026-01-01T10:02:00Z"),
		}, holdout + ": sotu-party.csv seed 42 [c 1, a 2] sotu-party.csv seed 7 [b 1]"},
		{"missing metrics last, newest first among ties", []Run{
			{Page: "dictionary", Dataset: "d.csv", Split: "all 10 texts", Method: "x", Seed: json.RawMessage(`null`), Time: "2026-01-01T10:00:00Z"},
			{Page: "dictionary", Dataset: "d.csv", Split: "all 10 texts", Method: "y", Seed: json.RawMessage(`null`), Metrics: map[string]float64{"macro_f1": 0.5}, Time: "2026-01-01T10:01:00Z"},
			{Page: "dictionary", Dataset: "d.csv", Split: "all 10 texts", Method: "z", Seed: json.RawMessage(`null`), Metrics: map[string]float64{"macro_f1": 0.5}, Time: "2026-01-01T10:02:00Z"},
		}, "all 10 texts: d.csv seed  [z 1, y 2, x 3]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := boardView(tc.runs)
			if got := layout(v); got != tc.want {
				t.Errorf("board\n got %s\nwant %s", got, tc.want)
			}
			if v.Runs != len(tc.runs) {
				t.Errorf("%d runs, want %d", v.Runs, len(tc.runs))
			}
		})
	}
}

func TestBoardRows(t *testing.T) {
	runs := []Run{
		{Page: "dictionary", Method: "VADER", Settings: json.RawMessage(`{"kind":"compound","threshold":0.05}`), Seed: json.RawMessage(`null`), Metrics: map[string]float64{"accuracy": 0.6, "macro_f1": 0.5}},
		{Page: "classic", Method: "<b>TF-IDF</b>", Settings: json.RawMessage(`"tfidf | logreg"`), Seed: json.RawMessage(`42`), Metrics: map[string]float64{"accuracy": 0.9, "macro_f1": 0.8, "weighted_f1": 0.85}, Time: "2026-11-25T18:40:12.345Z"},
		{Page: "classic", Method: "kfold", Metrics: map[string]float64{"macro_f1": 0.7, "macro_f1_std": 0.02}},
	}
	rows := map[string]ui.BoardRow{}
	for _, r := range runs {
		rows[r.Method] = boardRow(r)
	}
	if r := rows["<b>TF-IDF</b>"]; r.Seed != "42" || r.Time != "2026-11-25 18:40 UTC" {
		t.Errorf("row %+v", r)
	}
	if r := rows["VADER"]; r.Seed != "" || r.Settings != "compound, threshold=0.05" && r.Settings != "kind=compound, threshold=0.05" {
		t.Errorf("row %+v", r)
	}
	if r := rows["kfold"]; !math.IsNaN(r.Accuracy) || math.IsNaN(r.MacroF1Std) {
		t.Errorf("missing metrics: %+v", r)
	}
	_, call := enginetest.New(t, Register)
	payload, _ := json.Marshal(map[string]any{"runs": runs})
	m := call("board.render", string(payload), nil)
	html := m.Result.(protocol.Fragment).HTML
	if !strings.Contains(html, `data-runs="3"`) || strings.Contains(html, "<b>") || !strings.Contains(html, "± 0.020") {
		t.Errorf("board: %s", html)
	}
	if m := call("board.render", `{"runs":"x"}`, nil); m.Error == nil || m.Error.Code != protocol.CodeBadRequest {
		t.Errorf("bad board payload: %+v", m)
	}
}

// A run with the identity of one on the board replaces it: identical
// settings on identical data are one row.
func TestBoardIdentity(t *testing.T) {
	base := run("TF-IDF + Logistic regression", "hold-out 80:20, stratified", "42", 0.7, "")
	with := func(f func(*Run)) Run {
		r := base
		r.Metrics = map[string]float64{"macro_f1": 0.1}
		f(&r)
		return r
	}
	tests := []struct {
		name string
		run  Run
		same bool
	}{
		{"other metrics, id and time", with(func(r *Run) { r.ID, r.Time = "x", "2020-01-01T00:00:00Z" }), true},
		{"settings spaced otherwise", with(func(r *Run) {
			r.Settings = json.RawMessage(` "TF-IDF + Logistic regression | hold-out 80:20, stratified" `)
			r.Seed = json.RawMessage(" 42 ")
		}), true},
		{"other data (checksum)", with(func(r *Run) { r.DataSum = "ffff" }), false},
		{"other data set name", with(func(r *Run) { r.Dataset = "other.csv" }), false},
		{"other design", with(func(r *Run) { r.Split = "hold-out 80:20, stratified, grouped by president" }), false},
		{"other method", with(func(r *Run) { r.Method = "TF-IDF + Linear SVM" }), false},
		{"other settings", with(func(r *Run) { r.Settings = json.RawMessage(`"C=2"`) }), false},
		{"other seed", with(func(r *Run) { r.Seed = json.RawMessage(`7`) }), false},
		{"other page", with(func(r *Run) { r.Page = "dictionary" }), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Identity(tc.run) == Identity(base); got != tc.same {
				t.Fatalf("same identity: %v, want %v", got, tc.same)
			}
			e, _ := enginetest.New(t, Register)
			first, err := Add(context.Background(), e.Store(), base)
			if err != nil {
				t.Fatal(err)
			}
			second, err := Add(context.Background(), e.Store(), tc.run)
			if err != nil {
				t.Fatal(err)
			}
			runs := Runs(e.Store())
			wantRuns := map[bool]int{true: 1, false: 2}[tc.same]
			if len(runs) != wantRuns || second.Replaced != tc.same || (second.Run.ID == first.Run.ID) != tc.same {
				t.Errorf("%d runs on the board (want %d), replaced %v, ids %s and %s", len(runs), wantRuns, second.Replaced, first.Run.ID, second.Run.ID)
			}
			if tc.same && (runs[0].Metrics["macro_f1"] != 0.1 || runs[0].ID != first.Run.ID) {
				t.Errorf("the replaced run: id %q (want %q), metrics %v", runs[0].ID, first.Run.ID, runs[0].Metrics)
			}
		})
	}
	// Stored runs handed over at start-up lose their copies too.
	_, call := enginetest.New(t, Register)
	older, newer := base, base
	older.ID, older.Metrics = "old", map[string]float64{"macro_f1": 0.2}
	newer.ID = "new"
	payload, _ := json.Marshal(map[string]any{"runs": []Run{older, newer}})
	if html := call("board.render", string(payload), nil).Result.(protocol.Fragment).HTML; !strings.Contains(html, `data-runs="1"`) || !strings.Contains(html, `data-id="new"`) {
		t.Errorf("stored copies not merged: %s", html)
	}
}

// The engine keeps the board: the page hands its stored runs over once, a
// page's run is added with Add (id and time set), board.render without
// runs shows what the engine has, and board.delete removes one run.
func TestBoardKeptInEngine(t *testing.T) {
	e, call := enginetest.New(t, Register)
	stored := `{"runs":[{"id":"a1","page":"classic","split":"s","method":"old run","metrics":{"macro_f1":0.5},"time":"2026-11-25T18:40:12Z"}]}`
	if m := call("board.render", stored, nil); !strings.Contains(m.Result.(protocol.Fragment).HTML, `data-runs="1"`) {
		t.Fatalf("render with runs: %+v", m)
	}
	added, err := Add(context.Background(), e.Store(), Run{Page: "dictionary", Split: "s", Method: "VADER", Metrics: map[string]float64{"macro_f1": 0.7}})
	if err != nil {
		t.Fatal(err)
	}
	if len(added.Run.ID) != 16 || added.Run.Time == "" || added.Replaced || !strings.Contains(added.HTML, `data-runs="2"`) {
		t.Errorf("added %+v", added.Run)
	}
	if i, j := strings.Index(added.HTML, "VADER"), strings.Index(added.HTML, "old run"); i < 0 || j < 0 || i > j {
		t.Errorf("the better run is not ranked first")
	}
	m := call("board.add", `{"run":{"page":"classic","split":"s","method":"third","metrics":{"macro_f1":0.1}}}`, nil)
	if got := m.Result.(Added); !strings.Contains(got.HTML, `data-runs="3"`) || got.Run.Method != "third" {
		t.Errorf("board.add: %+v", m)
	}
	if m := call("board.render", `{}`, nil); !strings.Contains(m.Result.(protocol.Fragment).HTML, `data-runs="3"`) {
		t.Errorf("render without runs: %+v", m)
	}
	tests := []struct {
		payload string
		runs    int
		code    string
	}{
		{`{"id":"a1"}`, 2, ""},
		{`{"id":"a1"}`, 2, ""}, // already gone: nothing to do
		{`{"id":"` + added.Run.ID + `"}`, 1, ""},
		{`{}`, 1, protocol.CodeBadRequest},
	}
	for _, tc := range tests {
		m := call("board.delete", tc.payload, nil)
		if tc.code != "" {
			if m.Error == nil || m.Error.Code != tc.code {
				t.Errorf("delete %s: %+v", tc.payload, m)
			}
			continue
		}
		if html := m.Result.(protocol.Fragment).HTML; !strings.Contains(html, fmt.Sprintf(`data-runs="%d"`, tc.runs)) || len(Runs(e.Store())) != tc.runs {
			t.Errorf("delete %s: %d runs left: %s", tc.payload, len(Runs(e.Store())), html)
		}
	}
	if m := call("board.clear", `{}`, nil); m.Type != "result" || len(Runs(e.Store())) != 0 {
		t.Errorf("clear: %+v, %d runs left", m, len(Runs(e.Store())))
	}
}

// The board has κ and α columns; a missing value is "–" with the reason
// as its title, never NaN.
func TestBoardAgreementColumns(t *testing.T) {
	runs := []Run{
		{Page: "classic", Split: "s", Method: "with", Metrics: map[string]float64{"macro_f1": 0.9, "kappa": 0.8125, "alpha": -0.25}},
		{Page: "dictionary", Split: "s", Method: "undefined", Metrics: map[string]float64{"macro_f1": 0.8, UndefinedKey: 1}},
		{Page: "classic", Split: "s", Method: "old", Metrics: map[string]float64{"macro_f1": 0.7}},
	}
	tests := []struct {
		run          int
		kappa, alpha float64
		note         string
	}{
		{0, 0.8125, -0.25, ""},
		{1, math.NaN(), math.NaN(), undefinedNote},
		{2, math.NaN(), math.NaN(), notComputedNote},
	}
	same := func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }
	for _, tc := range tests {
		r := boardRow(runs[tc.run])
		if !same(r.Kappa, tc.kappa) || !same(r.Alpha, tc.alpha) || r.AgreementNote != tc.note {
			t.Errorf("run %d (%s): kappa %v alpha %v note %q", tc.run, r.Method, r.Kappa, r.Alpha, r.AgreementNote)
		}
	}
	_, call := enginetest.New(t, Register)
	payload, _ := json.Marshal(map[string]any{"runs": runs})
	m := call("board.render", string(payload), nil)
	if m.Type != "result" {
		t.Fatalf("board.render: %+v", m.Error)
	}
	html := m.Result.(protocol.Fragment).HTML
	for _, w := range []string{
		`>κ</abbr></th>`, `>α</abbr></th>`,
		`data-metric="kappa" data-label="κ" data-value="0.8125" title="Cohen&#39;s kappa between the predicted and the human labels">0.812</td>`,
		`data-metric="alpha" data-label="α" data-value="-0.25" title="Krippendorff&#39;s alpha (nominal) between the predicted and the human labels">-0.250</td>`,
		`data-value="" title="Cohen&#39;s kappa: ` + undefinedNote + `">–</td>`,
		`data-value="" title="Krippendorff&#39;s alpha (nominal): ` + notComputedNote + `">–</td>`,
	} {
		if !strings.Contains(html, w) {
			t.Errorf("board lacks %s:\n%s", w, html)
		}
	}
	if strings.Contains(html, "NaN") {
		t.Errorf("NaN on the board")
	}
}

// board.export writes the board as a CSV for spreadsheets (UTF-8 with a
// byte order mark, formula cells escaped) and as an SVG picture.
func TestBoardExport(t *testing.T) {
	_, call := enginetest.New(t, Register)
	runs := []Run{
		run("=HYPERLINK(\"http://x\")", "hold-out 80:20, stratified", "42", 0.7, "2026-01-01T10:00:00Z"),
		run("TF-IDF + Logistic regression", "hold-out 80:20, stratified", "42", 0.8, "2026-01-01T10:01:00Z"),
		run("<script>alert(1)</script>", "5-fold cross-validation, stratified", "42", 0.6, "2026-01-01T10:02:00Z"),
	}
	runs[2].Metrics["macro_f1_std"] = 0.05
	payload, err := json.Marshal(map[string]any{"runs": runs})
	if err != nil {
		t.Fatal(err)
	}
	call("board.render", string(payload), nil)

	tests := []struct {
		format string
		check  func(t *testing.T, e Export)
	}{
		{"csv", func(t *testing.T, e Export) {
			if e.File != "textlab-results.csv" || !strings.HasPrefix(e.Type, "text/csv") || !strings.HasPrefix(e.Text, "\ufeff") {
				t.Fatalf("export %s %s %.10q", e.File, e.Type, e.Text)
			}
			rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(e.Text, "\ufeff"))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			want := [][]string{
				{"design", "dataset", "data_sha256", "seed", "rank", "page", "method"},
				{"5-fold cross-validation, stratified", "sotu-party.csv", "01234567", "42", "1", "classic", "<script>alert(1)</script>"},
				{"hold-out 80:20, stratified", "sotu-party.csv", "01234567", "42", "1", "classic", "TF-IDF + Logistic regression"},
				{"hold-out 80:20, stratified", "sotu-party.csv", "01234567", "42", "2", "classic", `'=HYPERLINK("http://x")`},
			}
			if len(rows) != len(want) {
				t.Fatalf("%d rows: %q", len(rows), rows)
			}
			for i, w := range want {
				if got := rows[i][:len(w)]; strings.Join(got, "|") != strings.Join(w, "|") {
					t.Errorf("row %d: %q, want %q", i, got, w)
				}
			}
			if rows[1][10] != "0.05" || rows[1][8] != "0.61" || rows[1][12] != "" || !strings.HasPrefix(rows[3][7], `'=HYPERLINK`) {
				t.Errorf("metrics and settings: %q, %q", rows[1], rows[3])
			}
		}},
		{"svg", func(t *testing.T, e Export) {
			if e.File != "textlab-results.svg" || e.Type != "image/svg+xml" || !strings.HasPrefix(e.Text, `<svg xmlns="http://www.w3.org/2000/svg"`) {
				t.Fatalf("export %s %s %.60q", e.File, e.Type, e.Text)
			}
			var doc struct {
				XMLName xml.Name
				Texts   []string `xml:"text"`
				Runs    []struct {
					Texts []string `xml:"text"`
				} `xml:"g"`
			}
			if err := xml.Unmarshal([]byte(e.Text), &doc); err != nil {
				t.Fatalf("not well-formed XML: %v", err)
			}
			all := strings.Join(doc.Texts, "\n")
			if len(doc.Runs) != 3 || !strings.Contains(all, "hold-out 80:20, stratified") || !strings.Contains(all, "5-fold cross-validation") || strings.Contains(e.Text, "<script>") {
				t.Errorf("picture: %d runs, texts %q", len(doc.Runs), doc.Texts)
			}
			if got := doc.Runs[1].Texts[0]; got != "1. TF-IDF + Logistic regression" {
				t.Errorf("first hold-out run labelled %q", got)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.format, func(t *testing.T) {
			m := call("board.export", `{"format":"`+tc.format+`"}`, nil)
			if m.Type != "result" {
				t.Fatalf("board.export: %+v", m.Error)
			}
			tc.check(t, m.Result.(Export))
		})
	}
	if m := call("board.export", `{"format":"png"}`, nil); m.Error == nil || m.Error.Code != protocol.CodeBadRequest {
		t.Errorf("png export: %+v", m)
	}
}
