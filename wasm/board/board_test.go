package board

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"textlab/internal/enginetest"
	"textlab/wasm/protocol"
)

func TestBoardRows(t *testing.T) {
	runs := []Run{
		{Page: "dictionary", Method: "VADER", Settings: json.RawMessage(`{"kind":"compound","threshold":0.05}`), Seed: json.RawMessage(`null`), Metrics: map[string]float64{"accuracy": 0.6, "macro_f1": 0.5}},
		{Page: "classic", Method: "<b>TF-IDF</b>", Settings: json.RawMessage(`"tfidf | logreg"`), Seed: json.RawMessage(`42`), Metrics: map[string]float64{"accuracy": 0.9, "macro_f1": 0.8, "weighted_f1": 0.85}, Time: "2026-11-25T18:40:12.345Z"},
		{Page: "classic", Method: "no metrics"},
		{Page: "classic", Method: "kfold", Metrics: map[string]float64{"macro_f1": 0.7, "macro_f1_std": 0.02}},
	}
	rows := boardRows(runs)
	order := []string{"<b>TF-IDF</b>", "kfold", "VADER", "no metrics"}
	for i, w := range order {
		if rows[i].Method != w || rows[i].Rank != i+1 {
			t.Errorf("row %d: %s (rank %d), want %s", i, rows[i].Method, rows[i].Rank, w)
		}
	}
	if rows[0].Seed != "42" || rows[0].Time != "2026-11-25 18:40 UTC" || rows[2].Seed != "" || rows[2].Settings != "kind=compound, threshold=0.05" {
		t.Errorf("rows: %+v", rows)
	}
	if !math.IsNaN(rows[3].Accuracy) || math.IsNaN(rows[1].MacroF1Std) {
		t.Errorf("missing metrics: %+v", rows)
	}
	_, call := enginetest.New(t, Register)
	payload, _ := json.Marshal(map[string]any{"runs": runs})
	m := call("board.render", string(payload), nil)
	html := m.Result.(protocol.Fragment).HTML
	if !strings.Contains(html, `data-runs="4"`) || strings.Contains(html, "<b>") || !strings.Contains(html, "± 0.020") {
		t.Errorf("board: %s", html)
	}
	if m := call("board.render", `{"runs":"x"}`, nil); m.Error == nil || m.Error.Code != protocol.CodeBadRequest {
		t.Errorf("bad board payload: %+v", m)
	}
}

// The board has κ and α columns; a missing value is "–" with the reason
// as its title, never NaN.
func TestBoardAgreementColumns(t *testing.T) {
	runs := []Run{
		{Page: "classic", Method: "with", Metrics: map[string]float64{"macro_f1": 0.9, "kappa": 0.8125, "alpha": -0.25}},
		{Page: "dictionary", Method: "undefined", Metrics: map[string]float64{"macro_f1": 0.8, UndefinedKey: 1}},
		{Page: "classic", Method: "old", Metrics: map[string]float64{"macro_f1": 0.7}},
	}
	rows := boardRows(runs)
	tests := []struct {
		row          int
		kappa, alpha float64
		note         string
	}{
		{0, 0.8125, -0.25, ""},
		{1, math.NaN(), math.NaN(), undefinedNote},
		{2, math.NaN(), math.NaN(), notComputedNote},
	}
	same := func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }
	for _, tc := range tests {
		r := rows[tc.row]
		if !same(r.Kappa, tc.kappa) || !same(r.Alpha, tc.alpha) || r.AgreementNote != tc.note {
			t.Errorf("row %d (%s): kappa %v alpha %v note %q", tc.row, r.Method, r.Kappa, r.Alpha, r.AgreementNote)
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

// The engine keeps the board: the page hands its stored runs over once, a
// page's run is added with Add (id and time set), and board.render without
// runs shows what the engine has.
func TestBoardKeptInEngine(t *testing.T) {
	e, call := enginetest.New(t, Register)
	stored := `{"runs":[{"id":"a1","page":"classic","method":"old run","metrics":{"macro_f1":0.5},"time":"2026-11-25T18:40:12Z"}]}`
	if m := call("board.render", stored, nil); !strings.Contains(m.Result.(protocol.Fragment).HTML, `data-runs="1"`) {
		t.Fatalf("render with runs: %+v", m)
	}
	added, err := Add(context.Background(), e.Store(), Run{Page: "dictionary", Method: "VADER", Metrics: map[string]float64{"macro_f1": 0.7}})
	if err != nil {
		t.Fatal(err)
	}
	if len(added.Run.ID) != 16 || added.Run.Time == "" || !strings.Contains(added.HTML, `data-runs="2"`) {
		t.Errorf("added %+v", added.Run)
	}
	if i, j := strings.Index(added.HTML, "VADER"), strings.Index(added.HTML, "old run"); i < 0 || j < 0 || i > j {
		t.Errorf("the better run is not ranked first")
	}
	m := call("board.add", `{"run":{"page":"classic","method":"third","metrics":{"macro_f1":0.1}}}`, nil)
	if got := m.Result.(Added); !strings.Contains(got.HTML, `data-runs="3"`) || got.Run.Method != "third" {
		t.Errorf("board.add: %+v", m)
	}
	if m := call("board.render", `{}`, nil); !strings.Contains(m.Result.(protocol.Fragment).HTML, `data-runs="3"`) {
		t.Errorf("render without runs: %+v", m)
	}
	if m := call("board.clear", `{}`, nil); m.Type != "result" || len(Runs(e.Store())) != 0 {
		t.Errorf("clear: %+v, %d runs left", m, len(Runs(e.Store())))
	}
}
