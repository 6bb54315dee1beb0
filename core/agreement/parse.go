package agreement

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// WideOptions says how to read a wide reliability table: a header row, then
// one row per unit and one column per coder.
type WideOptions struct {
	// Coders names the coder columns, in the order wanted. If nil, every
	// column except Unit is a coder.
	Coders []string
	// Unit names the column holding unit ids. If empty, units are numbered
	// "1", "2", ... in data-row order.
	Unit string
	// Missing lists cell values that mean "not coded" besides the empty
	// cell (for example "." or "NA"). Cells are compared after trimming
	// spaces.
	Missing []string
	// Lines, if not nil, gives the physical file line of each record
	// (Lines[i] for records[i], the header included); FromWide then uses
	// them in Unit.Line and in errors. If nil, records are numbered from 1,
	// which is the file line only when no line is blank and no field spans
	// several lines. ReadWide ignores it and uses the lines it reads.
	Lines []int
}

// LongOptions says how to read a long reliability table: a header row, then
// one record per (unit, coder, code).
type LongOptions struct {
	// Unit, Coder and Code name the three columns. Empty names default to
	// "unit", "coder" and "code".
	Unit, Coder, Code string
	// Coders fixes the coders and their order. If nil, coders are taken in
	// order of first appearance; otherwise a record of another coder is an
	// error.
	Coders []string
	// Missing lists code values that mean "not coded" besides the empty
	// cell. Cells are compared after trimming spaces.
	Missing []string
	// Lines, if not nil, gives the physical file line of each record, as
	// in WideOptions. ReadLong ignores it and uses the lines it reads.
	Lines []int
}

// FromWide builds Data from CSV records in wide format; records[0] is the
// header. Fewer than two coder columns is a *TooFewCodersError. Line numbers in errors and in Unit.Line are opts.Lines when given;
// otherwise they count records from 1 (the header), which is the file line
// only when no line is blank and no field spans several lines.
func FromWide(records [][]string, opts WideOptions) (*Data, error) {
	if err := checkLines(records, opts.Lines); err != nil {
		return nil, err
	}
	return fromWide(records, opts.Lines, opts)
}

// FromLong builds Data from CSV records in long format; records[0] is the
// header. Units and coders appear in order of first appearance (coders in
// opts.Coders order when given). A (unit, coder) pair given twice is an
// error, and so are fewer than two coders (*TooFewCodersError) and one
// column in two roles. Line numbers are opts.Lines when given, or count
// records from 1, as in FromWide.
func FromLong(records [][]string, opts LongOptions) (*Data, error) {
	if err := checkLines(records, opts.Lines); err != nil {
		return nil, err
	}
	return fromLong(records, opts.Lines, opts)
}

// checkLines checks that lines, when given, has one line per record.
func checkLines(records [][]string, lines []int) error {
	if lines != nil && len(lines) != len(records) {
		return fmt.Errorf("%d line numbers for %d records: give one line per record, the header included", len(lines), len(records))
	}
	return nil
}

// ReadRecords reads every CSV record of r (comma-separated, quotes as in
// RFC 4180, rows of any length) and the file line each record starts on,
// for GuessLayout and FromRecords. A malformed quote is a *csv.ParseError
// naming its line.
func ReadRecords(r io.Reader) (records [][]string, lines []int, err error) {
	return readCSV(r)
}

// ReadWide reads a wide CSV table (see FromWide) from r; errors name the file
// line.
func ReadWide(r io.Reader, opts WideOptions) (*Data, error) {
	recs, lines, err := readCSV(r)
	if err != nil {
		return nil, err
	}
	return fromWide(recs, lines, opts)
}

// ReadLong reads a long CSV table (see FromLong) from r; errors name the file
// line.
func ReadLong(r io.Reader, opts LongOptions) (*Data, error) {
	recs, lines, err := readCSV(r)
	if err != nil {
		return nil, err
	}
	return fromLong(recs, lines, opts)
}

// readCSV reads all records of r and the line each record starts on.
func readCSV(r io.Reader) ([][]string, []int, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // row lengths are checked with clearer messages
	var recs [][]string
	var lines []int
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, err // csv.ParseError names the line
		}
		line, _ := cr.FieldPos(0)
		recs = append(recs, rec)
		lines = append(lines, line)
	}
	return recs, lines, nil
}

// lineOf returns the line of record i.
func lineOf(lines []int, i int) int {
	if lines != nil {
		return lines[i]
	}
	return i + 1
}

// missingSet returns a function telling whether a trimmed cell is missing.
func missingSet(extra []string) func(string) bool {
	set := map[string]bool{"": true}
	for _, m := range extra {
		set[strings.TrimSpace(m)] = true
	}
	return func(s string) bool { return set[s] }
}

// columnIndex maps header names to positions; a duplicate name is an error.
func columnIndex(header []string, line int) (map[string]int, error) {
	idx := make(map[string]int, len(header))
	for i, h := range header {
		h = strings.TrimSpace(h)
		if _, dup := idx[h]; dup {
			return nil, fmt.Errorf("line %d: column %q appears twice in the header", line, h)
		}
		idx[h] = i
	}
	return idx, nil
}

// findColumn returns the position of column name, or an error listing the
// header.
func findColumn(idx map[string]int, header []string, name string, line int) (int, error) {
	i, ok := idx[name]
	if !ok {
		return 0, fmt.Errorf("line %d: no column %q in the header (columns: %s)", line, name, strings.Join(header, ", "))
	}
	return i, nil
}

func fromWide(records [][]string, lines []int, opts WideOptions) (*Data, error) {
	if len(records) == 0 {
		return nil, errors.New("empty input: no header row")
	}
	header := records[0]
	hline := lineOf(lines, 0)
	idx, err := columnIndex(header, hline)
	if err != nil {
		return nil, err
	}
	unitCol := -1
	if opts.Unit != "" {
		if unitCol, err = findColumn(idx, header, opts.Unit, hline); err != nil {
			return nil, err
		}
	}
	var coderCols []int
	var coders []string
	if opts.Coders != nil {
		for _, c := range opts.Coders {
			i, err := findColumn(idx, header, c, hline)
			if err != nil {
				return nil, err
			}
			if i == unitCol {
				return nil, fmt.Errorf("line %d: column %q is both the unit column and a coder", hline, c)
			}
			coderCols = append(coderCols, i)
			coders = append(coders, c)
		}
	} else {
		for i, h := range header {
			if i != unitCol {
				coderCols = append(coderCols, i)
				coders = append(coders, strings.TrimSpace(h))
			}
		}
	}
	if len(coders) < 2 {
		return nil, &TooFewCodersError{Line: hline, Wide: true, Coders: coders}
	}
	d := &Data{Coders: coders}
	if err := d.Check(); err != nil {
		return nil, fmt.Errorf("line %d: %v", hline, err)
	}
	missing := missingSet(opts.Missing)
	for r := 1; r < len(records); r++ {
		rec, line := records[r], lineOf(lines, r)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		u := Unit{ID: strconv.Itoa(len(d.Units) + 1), Line: line, Codes: make([]string, len(coders))}
		if unitCol >= 0 {
			if unitCol >= len(rec) {
				return nil, fmt.Errorf("line %d: has %d fields, unit column %q is field %d", line, len(rec), opts.Unit, unitCol+1)
			}
			u.ID = strings.TrimSpace(rec[unitCol])
			if u.ID == "" {
				return nil, fmt.Errorf("line %d: unit column %q is empty", line, opts.Unit)
			}
		}
		for j, col := range coderCols {
			if col >= len(rec) {
				return nil, fmt.Errorf("line %d: has %d fields, coder column %q is field %d", line, len(rec), coders[j], col+1)
			}
			if c := strings.TrimSpace(rec[col]); !missing(c) {
				u.Codes[j] = c
			}
		}
		d.Units = append(d.Units, u)
	}
	return d, nil
}

func fromLong(records [][]string, lines []int, opts LongOptions) (*Data, error) {
	if len(records) == 0 {
		return nil, errors.New("empty input: no header row")
	}
	names := [3]string{opts.Unit, opts.Coder, opts.Code}
	for i, def := range [3]string{"unit", "coder", "code"} {
		if names[i] == "" {
			names[i] = def
		}
	}
	header := records[0]
	hline := lineOf(lines, 0)
	idx, err := columnIndex(header, hline)
	if err != nil {
		return nil, err
	}
	var cols [3]int
	for i, n := range names {
		if cols[i], err = findColumn(idx, header, n, hline); err != nil {
			return nil, err
		}
	}
	if cols[0] == cols[1] || cols[0] == cols[2] || cols[1] == cols[2] {
		return nil, fmt.Errorf("line %d: the unit, coder and code columns must be three different columns (got %s)", hline, strings.Join(names[:], ", "))
	}
	d := &Data{Coders: append([]string(nil), opts.Coders...)}
	coderIdx := make(map[string]int)
	for i, c := range d.Coders {
		if _, dup := coderIdx[c]; dup {
			return nil, fmt.Errorf("coder %q is listed twice", c)
		}
		coderIdx[c] = i
	}
	fixed := opts.Coders != nil
	missing := missingSet(opts.Missing)
	unitIdx := make(map[string]int)
	type cell struct{ unit, coder int }
	seenAt := make(map[cell]int) // line of the record that gave the code
	for r := 1; r < len(records); r++ {
		rec, line := records[r], lineOf(lines, r)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		var f [3]string
		for i, col := range cols {
			if col >= len(rec) {
				return nil, fmt.Errorf("line %d: has %d fields, column %q is field %d", line, len(rec), names[i], col+1)
			}
			f[i] = strings.TrimSpace(rec[col])
		}
		if f[0] == "" {
			return nil, fmt.Errorf("line %d: unit column %q is empty", line, names[0])
		}
		if f[1] == "" {
			return nil, fmt.Errorf("line %d: coder column %q is empty", line, names[1])
		}
		ci, ok := coderIdx[f[1]]
		if !ok {
			if fixed {
				return nil, fmt.Errorf("line %d: coder %q is not one of the coders %s", line, f[1], strings.Join(opts.Coders, ", "))
			}
			ci = len(d.Coders)
			coderIdx[f[1]] = ci
			d.Coders = append(d.Coders, f[1])
			for i := range d.Units {
				d.Units[i].Codes = append(d.Units[i].Codes, "")
			}
		}
		ui, ok := unitIdx[f[0]]
		if !ok {
			ui = len(d.Units)
			unitIdx[f[0]] = ui
			d.Units = append(d.Units, Unit{ID: f[0], Line: line, Codes: make([]string, len(d.Coders))})
		}
		if prev, dup := seenAt[cell{ui, ci}]; dup {
			return nil, fmt.Errorf("line %d: unit %q already has a code from coder %q (line %d)", line, f[0], f[1], prev)
		}
		seenAt[cell{ui, ci}] = line
		if !missing(f[2]) {
			d.Units[ui].Codes[ci] = f[2]
		}
	}
	if len(d.Coders) < 2 {
		return nil, &TooFewCodersError{Line: hline, Column: names[1], Coders: d.Coders}
	}
	return d, nil
}
