// Package data is the Data page's part of the engine: it reads the user's
// file (core/dataset), keeps the loaded data set in the engine's store for
// the other pages (Current), and renders the report with web/ui.
package data

import (
	"context"
	"errors"

	"textlab/core/dataset"
	"textlab/wasm/protocol"
	"textlab/web/ui"
)

// Page sizes of the Data page's tables.
const (
	dataSamplePage  = 10 // usable rows per page of the sample
	dataProblemPage = 50 // unusable rows per page of the report
)

// DataResult is the answer of data.load and data.columns: the rendered
// report, overview and sample, the rendered column pickers, and what the
// page needs to save the choice.
type DataResult struct {
	HTML string `json:"html"`
	// Controls are the column pickers (ui.DataColumns) with the columns in
	// use selected.
	Controls   protocol.Fragment `json:"controls"`
	Name       string            `json:"name"`
	Columns    []string          `json:"columns"` // every column of the file
	Chosen     dataset.Columns   `json:"chosen"`  // the columns in use
	Encoding   string            `json:"encoding"`
	Warnings   []string          `json:"warnings"`
	RowsRead   int               `json:"rows_read"`
	RowsUsable int               `json:"rows_usable"`
	Version    int               `json:"version"` // the session's data version
}

// dataLoadIn is the payload of data.load; the file's bytes come in
// Request.Data.
type dataLoadIn struct {
	Name    string          `json:"name"`
	Columns dataset.Columns `json:"columns"` // optional: empty text or label means guess
}

// dataOffsetIn is the payload of data.browse and data.problems.
type dataOffsetIn struct {
	Offset int `json:"offset"`
}

// Register adds the data page's methods:
//
//	data.check_size {size}            → {ok: true}, or an error saying the file is too big
//	data.load {name, columns?} + data → DataResult (replaces the loaded data set)
//	data.columns {columns}            → DataResult (re-validates the loaded file)
//	data.browse {offset}              → Fragment: a page of usable rows
//	data.problems {offset}            → Fragment: a page of unusable rows
//	data.clear {}                     → {ok: true} (forgets the data set)
//
// A failing load or column choice leaves the loaded data set as it was.
func Register(e *protocol.Engine) {
	store := e.Store()
	e.Register("data.check_size", func(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
		var in struct {
			Size int64 `json:"size"`
		}
		if err := protocol.Decode(req, &in); err != nil {
			return nil, err
		}
		if err := dataset.CheckSize(in.Size, dataset.Options{}); err != nil {
			return nil, err
		}
		return map[string]bool{"ok": true}, nil
	})

	e.Register("data.load", func(ctx context.Context, req protocol.Request, progress protocol.Progress) (any, error) {
		var in dataLoadIn
		if err := protocol.Decode(req, &in); err != nil {
			return nil, err
		}
		opts := dataset.Options{Name: in.Name, Columns: in.Columns, Progress: progress}
		if err := dataset.CheckSize(int64(len(req.Data)), opts); err != nil {
			return nil, err
		}
		progress(0, "reading "+in.Name)
		t, rep, err := dataset.Read(ctx, req.Data, opts)
		if err != nil {
			return nil, dataError(ctx, err)
		}
		d, err := Put(store, in.Name, t, rep, rep.Chosen, t.Examples, int64(len(req.Data)))
		if err != nil {
			return nil, err
		}
		progress(1, "done")
		return dataResult(ctx, d)
	})

	e.Register("data.columns", func(ctx context.Context, req protocol.Request, progress protocol.Progress) (any, error) {
		var in struct {
			Columns dataset.Columns `json:"columns"`
		}
		if err := protocol.Decode(req, &in); err != nil {
			return nil, err
		}
		d, ok := Current(store)
		if !ok {
			return nil, ErrNoData
		}
		examples, rep, err := dataset.Validate(ctx, d.Table, in.Columns, dataset.Options{Progress: progress})
		if err != nil {
			return nil, dataError(ctx, err)
		}
		nd, err := Put(store, d.Name, d.Table, rep, in.Columns, examples, d.size)
		if err != nil {
			return nil, err
		}
		return dataResult(ctx, nd)
	})

	e.Register("data.browse", func(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
		var in dataOffsetIn
		if err := protocol.Decode(req, &in); err != nil {
			return nil, err
		}
		d, ok := Current(store)
		if !ok {
			return nil, ErrNoData
		}
		return protocol.Render(ctx, ui.DataSample(dataSample(d, in.Offset)))
	})

	e.Register("data.problems", func(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
		var in dataOffsetIn
		if err := protocol.Decode(req, &in); err != nil {
			return nil, err
		}
		d, ok := Current(store)
		if !ok {
			return nil, ErrNoData
		}
		return protocol.Render(ctx, ui.DataProblems(dataProblems(d.Report, in.Offset)))
	})

	e.Register("data.clear", func(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
		Clear(store)
		return map[string]bool{"ok": true}, nil
	})
}

// ErrNoData answers page calls that need a data set when none is loaded.
var ErrNoData = errors.New("no data set is loaded: load a file or a sample data set on the Data page first")

// dataError turns a reading error into the message the page shows: a
// cancelled read stays a cancellation, anything else keeps core's message.
func dataError(ctx context.Context, err error) error {
	if ctx.Err() != nil || errors.Is(err, context.Canceled) {
		return context.Canceled
	}
	return err
}

// dataSample is the page of usable rows from offset.
func dataSample(d *Loaded, offset int) ui.DataSampleView {
	offset = dataClamp(offset, len(d.Examples), dataSamplePage)
	return ui.DataSampleView{Page: dataset.Browse(d.Examples, offset, dataSamplePage), Columns: d.Columns}
}

// dataProblems is the page of unusable rows from offset.
func dataProblems(rep *dataset.Report, offset int) ui.DataProblemPage {
	n := len(rep.Problems)
	offset = dataClamp(offset, n, dataProblemPage)
	end := min(offset+dataProblemPage, n)
	return ui.DataProblemPage{Offset: offset, Limit: dataProblemPage, Total: n, Problems: rep.Problems[offset:end]}
}

// dataClamp keeps a page's offset within [0, n), on the last page when it
// is past the end.
func dataClamp(offset, n, page int) int {
	if offset >= n {
		offset = (n - 1) / page * page
	}
	return max(offset, 0)
}

// dataResult renders the page's view of d.
func dataResult(ctx context.Context, d *Loaded) (DataResult, error) {
	view := ui.DataView{
		Name:     d.Name,
		Report:   d.Report,
		Problems: dataProblems(d.Report, 0),
		Overview: dataset.Summarise(d.Examples, dataset.OverviewOptions{}),
		Sample:   dataSample(d, 0),
	}
	f, err := protocol.Render(ctx, ui.DataResult(view))
	if err != nil {
		return DataResult{}, err
	}
	controls, err := protocol.Render(ctx, ui.DataColumns(d.Table.Columns, d.Columns))
	if err != nil {
		return DataResult{}, err
	}
	return DataResult{
		HTML: f.HTML, Controls: controls, Name: d.Name, Columns: d.Table.Columns, Chosen: d.Columns,
		Encoding: d.Report.Encoding, Warnings: d.Report.Warnings,
		RowsRead: d.Report.RowsRead, RowsUsable: d.Report.RowsUsable, Version: d.Version,
	}, nil
}
