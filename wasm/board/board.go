// Package board is the results board's part of the engine: it keeps every
// evaluated run of every page in the engine's store, renders them grouped
// by evaluation design and ranked only against runs on the same split,
// exports them (CSV, SVG), and computes what every page's run adds to it
// beside its metrics (GoldAgreement). The page persists the runs
// (static/store.js) and hands them to the engine once when it starts
// (board.render with runs); after that a page's result carries the new run
// and the rendered board (Add), so nothing is sent back and forth again.
//
// A run's identity is its page, data set name, data checksum, evaluation
// design, method, settings and seed (Identity): adding a run with the
// identity of one on the board replaces that one (same id, new time and
// metrics) instead of adding a copy.
package board

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"textlab/core/agreement"
	"textlab/core/pipeline"
	"textlab/wasm/protocol"
	"textlab/web/ui"
)

// runsKey is where the board's runs live in the engine's store.
const runsKey = "board.runs"

// Register adds the board's methods to e:
//
//	board.render {runs?}   → Fragment: the board; with runs (the page's stored
//	                         runs, once at start-up) they replace the engine's
//	board.add {run}        → Added: adds a run the page made itself (or
//	                         replaces the run with its identity)
//	board.delete {id}      → Fragment: the board without the run id
//	board.clear {}         → Fragment: the empty board
//	board.export {format}  → Export: the board as "csv" or "svg"
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
			if err := keep(store, dedupe(*in.Runs)); err != nil {
				return nil, err
			}
		}
		return protocol.Render(ctx, ui.Board(boardView(Runs(store))))
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
	e.Register("board.delete", func(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
		var in struct {
			ID string `json:"id"`
		}
		if err := protocol.Decode(req, &in); err != nil {
			return nil, err
		}
		if in.ID == "" {
			return nil, protocol.BadRequest("board.delete: which run? (id is empty)")
		}
		var runs []Run
		err := store.Update(runsKey, func(old any) (any, int64) {
			prev, _ := old.([]Run)
			runs = slices.DeleteFunc(slices.Clone(prev), func(r Run) bool { return r.ID == in.ID })
			return runs, int64(len(runs)) * 1024
		})
		if err != nil {
			return nil, err
		}
		return protocol.Render(ctx, ui.Board(boardView(runs)))
	})
	e.Register("board.clear", func(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
		store.Delete(runsKey)
		return protocol.Render(ctx, ui.Board(ui.BoardView{}))
	})
	e.Register("board.export", func(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
		var in struct {
			Format string `json:"format"`
		}
		if err := protocol.Decode(req, &in); err != nil {
			return nil, err
		}
		v := boardView(Runs(store))
		switch in.Format {
		case "csv":
			var b bytes.Buffer
			if err := WriteCSV(&b, v); err != nil {
				return nil, err
			}
			return Export{File: "textlab-results.csv", Type: "text/csv;charset=utf-8", Text: b.String()}, nil
		case "svg":
			f, err := protocol.Render(ctx, ui.BoardPicture(v, time.Now().UTC().Format("2006-01-02 15:04 UTC")))
			if err != nil {
				return nil, err
			}
			return Export{File: "textlab-results.svg", Type: "image/svg+xml", Text: f.HTML}, nil
		}
		return nil, protocol.BadRequest("board.export: format must be csv or svg, not %q", in.Format)
	})
}

// Export is a download of the board: its suggested file name, its media
// type and its text.
type Export struct {
	File string `json:"file"`
	Type string `json:"type"`
	Text string `json:"text"`
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

// dedupe keeps, of the runs with the same identity, the last (the newest),
// in its place.
func dedupe(runs []Run) []Run {
	last := map[string]int{}
	for i, r := range runs {
		last[Identity(r)] = i
	}
	var out []Run
	for i, r := range runs {
		if last[Identity(r)] == i {
			out = append(out, r)
		}
	}
	return out
}

// Added is what Add returns: the run as the page should keep it (with its
// id and time), whether it replaced a run with the same identity (which had
// the same id), and the board rendered with it.
type Added struct {
	Run      Run    `json:"run"`
	Replaced bool   `json:"replaced"`
	HTML     string `json:"html"`
}

// Add puts run on the board with the current time and returns it with the
// rendered board. A run with the same identity (Identity) already on the
// board is replaced, keeping its id and place; otherwise the run gets a
// new id. Pages call it with each evaluated run and return the result to
// the page, which only persists the run (static/store.js replaces the
// stored run with the same id).
func Add(ctx context.Context, store *protocol.Store, run Run) (Added, error) {
	run.Time = time.Now().UTC().Format(time.RFC3339Nano)
	key := Identity(run)
	var runs []Run
	replaced := false
	err := store.Update(runsKey, func(old any) (any, int64) {
		prev, _ := old.([]Run)
		runs = slices.Clone(prev) // a new slice: the stored one may be in use
		for i, r := range runs {
			if Identity(r) == key {
				run.ID, replaced = r.ID, true
				runs[i] = run
				break
			}
		}
		if !replaced {
			var id [8]byte
			rand.Read(id[:])
			run.ID = hex.EncodeToString(id[:])
			runs = append(runs, run)
		}
		return runs, int64(len(runs)) * 1024
	})
	if err != nil {
		return Added{}, err
	}
	f, err := protocol.Render(ctx, ui.Board(boardView(runs)))
	if err != nil {
		return Added{}, err
	}
	return Added{Run: run, Replaced: replaced, HTML: f.HTML}, nil
}

// Run is one evaluated run as the board and static/store.js keep it.
type Run struct {
	ID      string `json:"id"` // set by Add
	Page    string `json:"page"`
	Dataset string `json:"dataset"`
	// DataSum identifies the data evaluated on (pipeline.Data.Checksum,
	// with the separate test file); "" when the page gives none, and then
	// the data set's name stands for it.
	DataSum string `json:"data_sum,omitempty"`
	// Split is the evaluation design ("hold-out 80:20, stratified,
	// grouped by president"): the board groups runs by it.
	Split    string             `json:"split"`
	Method   string             `json:"method"`
	Settings json.RawMessage    `json:"settings"` // a string, or an object of settings
	Seed     json.RawMessage    `json:"seed"`     // a number, or null
	Metrics  map[string]float64 `json:"metrics"`
	Time     string             `json:"time"`
}

// Identity is what makes two runs the same run: identical settings on
// identical data. It is a hex SHA-256 of the page, the data set's name,
// its checksum (DataSum), the evaluation design, the method, the settings
// (as the board shows them, so JSON spacing and key order do not count)
// and the seed; not of the id, the time or the metrics.
func Identity(r Run) string {
	b, _ := json.Marshal([]string{r.Page, r.Dataset, r.DataSum, r.Split, r.Method, boardSettings(r.Settings), seedText(r.Seed)})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// splitKey names the split a run was evaluated on: the same data (its
// checksum, or its name when the run has none), the same design and the
// same seed. Only runs on the same split are ranked against each other.
func splitKey(r Run) string {
	data := r.DataSum
	if data == "" {
		data = "name:" + r.Dataset
	}
	b, _ := json.Marshal([]string{r.Split, r.Dataset, data, seedText(r.Seed)})
	return string(b)
}

// seedText is a run's seed as text ("" for none).
func seedText(raw json.RawMessage) string {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return ""
	}
	return strings.Trim(s, `"`)
}

// boardView groups runs for the board: by evaluation design, the group
// with the newest run first; within a design by split (data and seed),
// again newest first; within a split by macro-F1 (missing last, newest
// first among equals), ranked from 1.
func boardView(runs []Run) ui.BoardView {
	v := ui.BoardView{Runs: len(runs)}
	design := map[string]int{} // design → index in v.Groups
	splitAt := map[string]int{}
	// Newest first: later runs come later in runs, and an updated run
	// keeps its place but gets a new time.
	order := make([]int, len(runs))
	for i := range order {
		order[i] = len(runs) - 1 - i
	}
	when := make([]time.Time, len(runs))
	for i, r := range runs {
		when[i], _ = time.Parse(time.RFC3339Nano, r.Time) // zero when missing
	}
	sort.SliceStable(order, func(a, b int) bool { return when[order[a]].After(when[order[b]]) })
	for _, i := range order {
		r := runs[i]
		g, ok := design[r.Split]
		if !ok {
			g = len(v.Groups)
			design[r.Split] = g
			v.Groups = append(v.Groups, ui.BoardGroup{Design: r.Split})
		}
		key := splitKey(r)
		s, ok := splitAt[key]
		if !ok {
			s = len(v.Groups[g].Splits)
			splitAt[key] = s
			sp := ui.BoardSplit{Dataset: r.Dataset, Seed: seedText(r.Seed)}
			if len(r.DataSum) >= 8 {
				sp.DataSum = r.DataSum[:8]
			}
			v.Groups[g].Splits = append(v.Groups[g].Splits, sp)
		}
		sp := &v.Groups[g].Splits[s]
		sp.Rows = append(sp.Rows, boardRow(r))
	}
	for g := range v.Groups {
		for s := range v.Groups[g].Splits {
			rows := v.Groups[g].Splits[s].Rows
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
		}
	}
	return v
}

// boardRow is a run as a row of the board.
func boardRow(r Run) ui.BoardRow {
	metric := func(k string) float64 {
		if v, ok := r.Metrics[k]; ok {
			return v
		}
		return math.NaN()
	}
	row := ui.BoardRow{
		ID: r.ID, Page: r.Page, Dataset: r.Dataset, Split: r.Split, Method: r.Method,
		Settings: boardSettings(r.Settings), Seed: seedText(r.Seed), Time: boardTime(r.Time),
		Accuracy: metric("accuracy"), MacroF1: metric("macro_f1"), WeightedF1: metric("weighted_f1"),
		MacroF1Std: metric("macro_f1_std"), Kappa: metric("kappa"), Alpha: metric("alpha"),
	}
	switch {
	case r.Metrics[UndefinedKey] != 0:
		row.AgreementNote = undefinedNote
	case math.IsNaN(row.Kappa) || math.IsNaN(row.Alpha):
		row.AgreementNote = notComputedNote
	}
	return row
}

// WriteCSV writes the board as the page shows it, one row per run in the
// board's order, for a spreadsheet: UTF-8 with a byte order mark (so that
// spreadsheets read it as UTF-8), metrics with full precision (empty when
// missing), and every cell that comes from the user escaped as the
// predictions download escapes it (pipeline.EscapeCell).
func WriteCSV(w io.Writer, v ui.BoardView) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Write([]string{"design", "dataset", "data_sha256", "seed", "rank", "page", "method", "settings",
		"accuracy", "macro_f1", "macro_f1_std", "weighted_f1", "kappa", "alpha", "time", "id"})
	num := func(x float64) string {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return ""
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	esc := pipeline.EscapeCell
	for _, g := range v.Groups {
		for _, s := range g.Splits {
			for _, r := range s.Rows {
				cw.Write([]string{esc(g.Design), esc(r.Dataset), s.DataSum, esc(r.Seed), strconv.Itoa(r.Rank), esc(r.Page), esc(r.Method), esc(r.Settings),
					num(r.Accuracy), num(r.MacroF1), num(r.MacroF1Std), num(r.WeightedF1), num(r.Kappa), num(r.Alpha), r.Time, esc(r.ID)})
			}
		}
	}
	cw.Flush()
	return cw.Error()
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
