// Package board is the results board's part of the engine: it keeps every
// evaluated run of every page in the engine's store, renders them as one
// ranked table, and computes what every page's run adds to it beside its
// metrics (GoldAgreement). The page persists the runs (static/store.js)
// and hands them to the engine once when it starts (board.render with
// runs); after that a page's result carries the new run and the rendered
// board (Add), so nothing is sent back and forth again.
package board

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"textlab/core/agreement"
	"textlab/wasm/protocol"
	"textlab/web/ui"
)

// runsKey is where the board's runs live in the engine's store.
const runsKey = "board.runs"

// Register adds the board's methods to e:
//
//	board.render {runs?} → Fragment: the board; with runs (the page's stored
//	                       runs, once at start-up) they replace the engine's
//	board.add {run}      → Added: adds a run the page made itself
//	board.clear {}       → Fragment: the empty board
func Register(e *protocol.Engine) {
	store := e.Store()
	e.Register("board.render", func(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
		var in struct {
			Runs *[]Run `json:"runs"`
		}
		if err := protocol.Decode(req, &in); err != nil {
			return nil, err
		}
		if in.Runs != nil {
			if err := keep(store, *in.Runs); err != nil {
				return nil, err
			}
		}
		return protocol.Render(ctx, ui.Board(boardRows(Runs(store))))
	})
	e.Register("board.add", func(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
		var in struct {
			Run Run `json:"run"`
		}
		if err := protocol.Decode(req, &in); err != nil {
			return nil, err
		}
		return Add(ctx, store, in.Run)
	})
	e.Register("board.clear", func(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
		store.Delete(runsKey)
		return protocol.Render(ctx, ui.Board(nil))
	})
}

// Runs returns the runs on the board, oldest first.
func Runs(store *protocol.Store) []Run {
	runs, _ := protocol.Lookup[[]Run](store, runsKey)
	return runs
}

// keep stores runs as the board's runs.
func keep(store *protocol.Store, runs []Run) error {
	return store.Keep(runsKey, runs, int64(len(runs))*1024)
}

// Added is what Add returns: the run as the page should keep it (with its
// id and time) and the board rendered with it.
type Added struct {
	Run  Run    `json:"run"`
	HTML string `json:"html"`
}

// Add puts run on the board, giving it an id and the current time, and
// returns it with the rendered board. Pages call it with each evaluated
// run and return the result to the page, which only persists the run.
func Add(ctx context.Context, store *protocol.Store, run Run) (Added, error) {
	var id [8]byte
	rand.Read(id[:])
	run.ID = hex.EncodeToString(id[:])
	run.Time = time.Now().UTC().Format(time.RFC3339Nano)
	var runs []Run
	err := store.Update(runsKey, func(old any) (any, int64) {
		prev, _ := old.([]Run)
		runs = append(prev[:len(prev):len(prev)], run) // a new slice: the stored one may be in use
		return runs, int64(len(runs)) * 1024
	})
	if err != nil {
		return Added{}, err
	}
	f, err := protocol.Render(ctx, ui.Board(boardRows(runs)))
	if err != nil {
		return Added{}, err
	}
	return Added{Run: run, HTML: f.HTML}, nil
}

// Run is one evaluated run as the board and static/store.js keep it.
type Run struct {
	ID       string             `json:"id"` // set by Add
	Page     string             `json:"page"`
	Dataset  string             `json:"dataset"`
	Split    string             `json:"split"`
	Method   string             `json:"method"`
	Settings json.RawMessage    `json:"settings"` // a string, or an object of settings
	Seed     json.RawMessage    `json:"seed"`     // a number, or null
	Metrics  map[string]float64 `json:"metrics"`
	Time     string             `json:"time"`
}

// boardRows turns runs into board rows sorted by macro-F1 (missing last),
// newest first among equals.
func boardRows(runs []Run) []ui.BoardRow {
	rows := make([]ui.BoardRow, 0, len(runs))
	metric := func(r Run, k string) float64 {
		if v, ok := r.Metrics[k]; ok {
			return v
		}
		return math.NaN()
	}
	for _, r := range runs {
		row := ui.BoardRow{
			Page: r.Page, Dataset: r.Dataset, Split: r.Split, Method: r.Method,
			Settings: boardSettings(r.Settings), Time: boardTime(r.Time),
			Accuracy: metric(r, "accuracy"), MacroF1: metric(r, "macro_f1"), WeightedF1: metric(r, "weighted_f1"),
			MacroF1Std: metric(r, "macro_f1_std"), Kappa: metric(r, "kappa"), Alpha: metric(r, "alpha"),
		}
		switch {
		case r.Metrics[UndefinedKey] != 0:
			row.AgreementNote = undefinedNote
		case math.IsNaN(row.Kappa) || math.IsNaN(row.Alpha):
			row.AgreementNote = notComputedNote
		}
		if s := strings.TrimSpace(string(r.Seed)); s != "" && s != "null" {
			row.Seed = strings.Trim(s, `"`)
		}
		rows = append(rows, row)
	}
	for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
		rows[i], rows[j] = rows[j], rows[i] // newest first among ties
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i].MacroF1, rows[j].MacroF1
		if math.IsNaN(b) {
			return !math.IsNaN(a)
		}
		return a > b
	})
	for i := range rows {
		rows[i].Rank = i + 1
	}
	return rows
}

// boardSettings writes a run's settings as one line.
func boardSettings(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil || len(m) == 0 {
		return ""
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		b, _ := json.Marshal(m[k])
		parts = append(parts, k+"="+strings.Trim(string(b), `"`))
	}
	return strings.Join(parts, ", ")
}

// boardTime shortens an ISO time to minutes ("2026-11-25 18:40 UTC").
func boardTime(s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// UndefinedKey marks, in a run's metrics, that κ and α were
// computed but are not defined for its labels (JSON has no NaN).
const UndefinedKey = "agreement_undefined"

// undefinedNote is the board's reason for a run whose κ and α are
// not defined.
const undefinedNote = "not defined for this run: the predicted and the human labels are all one and the same label, so chance alone explains the agreement"

// notComputedNote is the board's reason for a run without κ and α.
const notComputedNote = "not computed for this run (it was added to the board before κ and α were)"

// GoldAgreement compares a run's predicted labels with the gold labels
// (agreement.CompareLabels). It adds "kappa" and "alpha" to m when they are
// defined, or UndefinedKey when they are not, and returns what the
// page's summary shows; class is the class of the page's headline list.
func GoldAgreement(predicted, gold []string, m map[string]float64, class string) (ui.GoldAgreementView, error) {
	v := ui.GoldAgreementView{Kappa: math.NaN(), Alpha: math.NaN(), Class: class}
	la, err := agreement.CompareLabels(predicted, gold)
	var undefined *agreement.UndefinedError
	switch {
	case errors.As(err, &undefined):
		// Say why in the board's words: the two "coders" are the
		// predictions and the human labels.
		m[UndefinedKey] = 1
		switch undefined.Reason {
		case agreement.OneValue:
			v.Note = fmt.Sprintf("not defined: the predictions and the human labels use only the label %q, so the expected disagreement is 0 and %v is not defined", undefined.Value, undefined.Statistic)
		case agreement.NoPairs:
			v.Note = fmt.Sprintf("not defined: no item has both a predicted and a human label, so %v is not defined", undefined.Statistic)
		default:
			v.Note = fmt.Sprintf("not defined: %v is not defined for these labels", undefined.Statistic)
		}
		return v, nil
	case err != nil:
		return v, err
	}
	v.Kappa, v.Alpha, v.Units = la.Kappa, la.Alpha, la.Units
	m["kappa"], m["alpha"] = la.Kappa, la.Alpha
	return v, nil
}
