// Package agreement is the Agreement page's part of the engine: it decodes
// the page's messages, reads a coder file with core/dataset, hands it to
// core/agreement (layout guess, reliability data, statistics) and renders
// the result with web/ui. The loaded file is kept in the engine's store, so
// new settings recompute without a new upload.
package agreement

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"textlab/core/agreement"
	"textlab/core/dataset"
	"textlab/wasm/protocol"
	"textlab/web/ui"
)

// The agreement page's methods (all on the primary worker, which keeps the
// loaded coder file between calls):
//
//	agreement.load     {name, guess, settings} + file bytes → result
//	agreement.example  {settings}                           → result
//	agreement.compute  {settings, bootstrap?}               → result
//	agreement.page     {settings, list, offset}             → a page of the units with disagreement
//	                                                          (list "disagreements") or left out
//	                                                          as unpairable ("unpairable")
//	agreement.clear    {}                                   → cleared
//
// load parses the file, guesses the format and columns when guess is true
// (agreement.GuessLayout), computes every statistic and only then replaces
// the loaded file, so a file that cannot be used leaves the previous one in
// place. compute runs on the loaded file with new settings; with bootstrap
// it reports progress and can be cancelled. Settings leave open what the
// page has not chosen (coders null after a switch to wide, an empty coder
// or code column after a switch to long): agreement.Layout.Complete fills
// it in.

// settings are the page's choices.
type settings struct {
	Format  string   `json:"format"`  // "wide" or "long"
	Unit    string   `json:"unit"`    // unit column; "" numbers the rows (wide only)
	Coders  []string `json:"coders"`  // coder columns (wide); null: every column but the unit
	Coder   string   `json:"coder"`   // coder column (long)
	Code    string   `json:"code"`    // code column (long)
	Level   string   `json:"level"`   // nominal, ordinal, interval or ratio
	Weights string   `json:"weights"` // unweighted, linear or quadratic
	Missing string   `json:"missing"` // extra missing markers, space separated
}

// layout is the page's choice of format and columns.
func (s settings) layout() (agreement.Layout, error) {
	f, err := agreement.ParseFormat(s.Format)
	if err != nil {
		return agreement.Layout{}, protocol.BadRequest("%v", err)
	}
	l := agreement.Layout{Format: f, Unit: s.Unit, Coder: s.Coder, Code: s.Code}
	if f == agreement.Wide {
		l.Coders = s.Coders // a long file's coders are whoever appears
	}
	return l, nil
}

// withLayout returns s with the format and columns of l.
func (s settings) withLayout(l agreement.Layout) settings {
	s.Format, s.Unit, s.Coder, s.Code = l.Format.String(), l.Unit, l.Coder, l.Code
	s.Coders = append([]string{}, l.Coders...)
	return s
}

// bootstrap asks for a bootstrap interval for alpha.
type bootstrap struct {
	Resamples int    `json:"resamples"`
	Seed      uint64 `json:"seed"`
}

// request is the payload of every agreement method.
type request struct {
	Name      string     `json:"name"`
	Guess     bool       `json:"guess"`
	Settings  settings   `json:"settings"`
	Bootstrap *bootstrap `json:"bootstrap"`
}

// result is what the page gets back: the rendered results, column pickers
// and file status, the file's columns and the settings actually used
// (guessed, completed or given).
type result struct {
	HTML string `json:"html"`
	// Controls are the format and column pickers (ui.AgreementColumns).
	Controls protocol.Fragment `json:"controls"`
	// Status is the line about the file (ui.AgreementFileStatus).
	Status   protocol.Fragment `json:"status"`
	Name     string            `json:"name"`
	Rows     int               `json:"rows"`
	Columns  []string          `json:"columns"`
	Settings settings          `json:"settings"`
	// Alpha is Krippendorff's alpha, null when undefined.
	Alpha *float64 `json:"alpha"`
	// Excluded lists the units left out as unpairable (fewer than two
	// codes), as textlab agree's JSON does.
	Excluded []string `json:"excluded"`
	// Notes are warnings about the file (a guessed encoding, units left
	// out), one sentence each; Status shows them.
	Notes []string `json:"notes"`
}

// cleared is the page after agreement.clear: the empty results, pickers and
// status.
type cleared struct {
	HTML     string            `json:"html"`
	Controls protocol.Fragment `json:"controls"`
	Status   protocol.Fragment `json:"status"`
}

// fileKey is where the loaded coder file lives in the engine's store.
const fileKey = "agreement.file"

// loadedFile is the loaded coder file.
type loadedFile struct {
	table *dataset.Table
	name  string
	size  int64
}

// exampleName names the worked example in the page.
const exampleName = "Krippendorff (2011) worked example"

// exampleCSV is the reliability data of Krippendorff (2011),
// "Computing Krippendorff's Alpha-Reliability": four observers, twelve
// units, empty cells for missing values. The paper reports alpha = 0.743
// (nominal), 0.815 (ordinal), 0.849 (interval) and 0.797 (ratio).
const exampleCSV = `unit,A,B,C,D
1,1,1,,1
2,2,2,3,2
3,3,3,3,3
4,3,3,3,3
5,2,2,2,2
6,1,2,3,4
7,4,4,4,4
8,1,1,2,1
9,2,2,2,2
10,,5,5,5
11,,,1,1
12,,3,,
`

// Register adds the Agreement page's methods to e.
func Register(e *protocol.Engine) {
	store := e.Store()
	e.Register("agreement.load", func(ctx context.Context, req protocol.Request, progress protocol.Progress) (any, error) {
		var in request
		if err := protocol.Decode(req, &in); err != nil {
			return nil, err
		}
		t, err := parse(ctx, in.Name, req.Data)
		if err != nil {
			return nil, err
		}
		return load(ctx, store, t, int64(len(req.Data)), in, progress)
	})

	e.Register("agreement.example", func(ctx context.Context, req protocol.Request, progress protocol.Progress) (any, error) {
		var in request
		if err := protocol.Decode(req, &in); err != nil {
			return nil, err
		}
		t, err := parse(ctx, "example.csv", []byte(exampleCSV))
		if err != nil {
			return nil, err
		}
		in.Name, in.Guess = exampleName, true
		return load(ctx, store, t, int64(len(exampleCSV)), in, progress)
	})

	e.Register("agreement.compute", func(ctx context.Context, req protocol.Request, progress protocol.Progress) (any, error) {
		var in request
		if err := protocol.Decode(req, &in); err != nil {
			return nil, err
		}
		f, ok := protocol.Lookup[*loadedFile](store, fileKey)
		if !ok {
			return nil, errors.New("no coder file is loaded: choose a file or load the worked example first")
		}
		return compute(ctx, f.table, f.name, in.Settings, in.Bootstrap, progress)
	})

	e.Register("agreement.page", func(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
		var in struct {
			Settings settings `json:"settings"`
			List     string   `json:"list"`   // "disagreements" or "unpairable"
			Offset   int      `json:"offset"` // the first unit of the page
		}
		if err := protocol.Decode(req, &in); err != nil {
			return nil, err
		}
		f, ok := protocol.Lookup[*loadedFile](store, fileKey)
		if !ok {
			return nil, errors.New("no coder file is loaded: choose a file or load the worked example first")
		}
		d, _, _, err := reliability(f.table, in.Settings)
		if err != nil {
			return nil, err
		}
		sum := &agreement.Summary{Coders: d.Coders, Unpairable: d.Unpairable()}
		switch in.List {
		case "disagreements":
			if sum.Disagreements, err = agreement.Disagreements(d); err != nil {
				return nil, err
			}
			return protocol.Render(ctx, ui.AgreementDisagreements(ui.DisagreePage(sum, in.Offset, 0)))
		case "unpairable":
			return protocol.Render(ctx, ui.AgreementUnpairableList(ui.UnpairablePage(sum, in.Offset, 0)))
		}
		return nil, protocol.BadRequest("agreement.page: list must be disagreements or unpairable, not %q", in.List)
	})

	e.Register("agreement.clear", func(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
		store.Delete(fileKey)
		var out cleared
		frag, err := protocol.Render(ctx, ui.AgreementEmpty())
		if err != nil {
			return nil, err
		}
		out.HTML = frag.HTML
		if out.Controls, err = protocol.Render(ctx, ui.AgreementColumns(ui.AgreementColumnsView{})); err != nil {
			return nil, err
		}
		if out.Status, err = protocol.Render(ctx, ui.AgreementFileStatus(ui.AgreementFileView{})); err != nil {
			return nil, err
		}
		return &out, nil
	})
}

// load computes the statistics of a freshly parsed file and, when
// that works, makes it the loaded file.
func load(ctx context.Context, store *protocol.Store, t *dataset.Table, size int64, in request, progress protocol.Progress) (*result, error) {
	s := in.Settings
	if in.Guess {
		s = s.withLayout(agreement.GuessLayout(t.Columns))
	}
	r, err := compute(ctx, t, in.Name, s, in.Bootstrap, progress)
	if err != nil {
		return nil, err
	}
	if err := store.Keep(fileKey, &loadedFile{table: t, name: in.Name, size: size}, size); err != nil {
		return nil, err
	}
	return r, nil
}

// parse reads a coder file with the data set reader (encodings,
// delimiters) and rejects files that cannot hold coder data.
func parse(ctx context.Context, name string, data []byte) (*dataset.Table, error) {
	t, err := dataset.Parse(ctx, data, dataset.Options{Name: name})
	switch {
	case errors.Is(err, dataset.ErrEmpty):
		return nil, errors.New("the file is empty: pick a CSV with a header line (the unit column and one column per coder) and one row per unit")
	case errors.Is(err, dataset.ErrHeaderOnly):
		return nil, fmt.Errorf("line 1: %v: add one row per unit", err)
	case err != nil:
		return nil, err
	}
	if len(t.Problems) > 0 {
		p := t.Problems[0]
		more := ""
		if len(t.Problems) > 1 {
			more = fmt.Sprintf(" (and %d more rows like it)", len(t.Problems)-1)
		}
		return nil, fmt.Errorf("%v%s; fix the row so it has one field per column", p, more)
	}
	if len(t.Columns) < 2 {
		return nil, fmt.Errorf("line 1: the file has only one column (%s): a wide file needs one column per coder (at least two), a long file a unit, a coder and a code column", strings.Join(t.Columns, ", "))
	}
	return t, nil
}

// compute builds the reliability data of t with settings s and renders
// every statistic.
func compute(ctx context.Context, t *dataset.Table, name string, s settings, boot *bootstrap, progress protocol.Progress) (*result, error) {
	if s.Level == "" {
		s.Level = "nominal"
	}
	if s.Weights == "" {
		s.Weights = "unweighted"
	}
	level, err := agreement.ParseLevel(s.Level)
	if err != nil {
		return nil, protocol.BadRequest("%v", err)
	}
	weights, err := agreement.ParseWeights(s.Weights)
	if err != nil {
		return nil, protocol.BadRequest("%v", err)
	}
	d, layout, s, err := reliability(t, s)
	if err != nil {
		return nil, err
	}
	cfg := agreement.SummaryConfig{Alpha: agreement.AlphaConfig{Level: level}, Weights: weights}
	var report func(float64, string)
	if boot != nil {
		if boot.Resamples < 1 || boot.Resamples > agreement.MaxResamples {
			return nil, fmt.Errorf("the number of resamples must be between 1 and %d, not %d", agreement.MaxResamples, boot.Resamples)
		}
		cfg.Bootstrap = &agreement.BootstrapConfig{Resamples: boot.Resamples, Seed: boot.Seed}
		n := boot.Resamples
		report = func(f float64, _ string) {
			progress(f, fmt.Sprintf("resample %d of %d", int(f*float64(n)), n))
		}
	}
	sum, err := agreement.Summarize(ctx, d, cfg, report)
	if nn := (*agreement.NotNumericError)(nil); errors.As(err, &nn) {
		return nil, fmt.Errorf("%w; pick the nominal level for codes that are categories", err)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}

	r := &result{Name: name, Rows: len(t.Rows), Columns: t.Columns, Settings: s, Notes: append([]string{}, t.Warnings...), Excluded: []string{}}
	if sum.Alpha != nil {
		a := sum.Alpha.Alpha
		r.Alpha = &a
	}
	for _, u := range sum.Unpairable {
		r.Excluded = append(r.Excluded, u.ID)
	}
	if name == exampleName {
		r.Notes = append(r.Notes, "The paper reports alpha = 0.743 (nominal), 0.815 (ordinal), 0.849 (interval) and 0.797 (ratio): switch the level to compare.")
	}
	if note := ui.AgreementUnpairableNote(sum.Unpairable); note != "" {
		r.Notes = append(r.Notes, note)
	}
	frag, err := protocol.Render(ctx, ui.AgreementResults(ui.AgreementView{Summary: sum, Level: s.Level, Weights: weights.String(), Bootstrap: boot != nil}))
	if err != nil {
		return nil, err
	}
	r.HTML = frag.HTML
	if r.Controls, err = protocol.Render(ctx, ui.AgreementColumns(ui.AgreementColumnsView{Columns: t.Columns, Layout: layout})); err != nil {
		return nil, err
	}
	if r.Status, err = protocol.Render(ctx, ui.AgreementFileStatus(ui.AgreementFileView{Name: name, Rows: len(t.Rows), Columns: len(t.Columns), Notes: r.Notes})); err != nil {
		return nil, err
	}
	return r, nil
}

// reliability builds the reliability data of t with the format, columns
// and missing markers of s, and returns the completed layout and s with
// the columns it used.
func reliability(t *dataset.Table, s settings) (*agreement.Data, agreement.Layout, settings, error) {
	layout, err := s.layout()
	if err != nil {
		return nil, layout, s, err
	}
	layout = layout.Complete(t.Columns)
	s = s.withLayout(layout)
	records, lines := recordsOf(t)
	d, err := agreement.FromRecords(records, lines, layout, strings.Fields(s.Missing))
	if tf := (*agreement.TooFewCodersError)(nil); errors.As(err, &tf) && tf.Wide {
		return nil, layout, s, fmt.Errorf("line %d: pick at least two coder columns (picked: %s)", tf.Line, list(tf.Coders))
	}
	if err != nil {
		return nil, layout, s, err
	}
	return d, layout, s, nil
}

// recordsOf returns the table's header and rows as CSV records, with the
// file line of each (the header is line 1; dataset.Parse gives each row's
// first line), as agreement.FromRecords reads them.
func recordsOf(t *dataset.Table) ([][]string, []int) {
	records := make([][]string, 0, len(t.Rows)+1)
	lines := make([]int, 0, len(t.Rows)+1)
	records = append(records, t.Columns)
	lines = append(lines, 1)
	for _, r := range t.Rows {
		records = append(records, r.Fields)
		lines = append(lines, r.Line)
	}
	return records, lines
}

// list joins names, or says "none".
func list(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
