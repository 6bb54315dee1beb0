// Package dataset reads a labeled text collection (CSV, TSV or JSON Lines)
// from bytes, checks it before anything is trained, and summarises it.
//
// Reading happens in three steps that pages can also call one by one:
//
//   - Parse decodes the bytes (UTF-8 with or without BOM, UTF-16 with BOM,
//     otherwise Windows-1252 with a warning), detects the format and the
//     delimiter, and returns a Table of rows, each with the physical line
//     where it starts (1-based; the CSV header is line 1).
//   - Guess proposes the text, label, id and group columns.
//   - Validate picks the usable rows for the chosen columns and writes a
//     Report that lists every unusable row with its line number and reason,
//     duplicated texts, and labels with fewer than two examples. Nothing is
//     dropped without being listed.
//
// Read does all three. Summarise and Browse turn the usable rows into the
// plain data behind the overview charts (class counts, text lengths) and a
// browsable sample of rows.
//
// Errors that stop reading (an empty, binary or too large file, a label
// column with too many values, only one class, ...) are returned as error
// values whose message says what to do; errors.Is tells them apart with the
// Err* sentinels. No input makes the package panic.
package dataset

import (
	"context"
	"errors"
	"fmt"
)

// Defaults of Options.
const (
	DefaultMaxBytes   = 100_000_000 // 100 MB
	DefaultMaxColumns = 1000
	DefaultMaxClasses = 1000
)

// Format is the layout of a file.
type Format string

// The formats Parse reads.
const (
	FormatAuto  Format = ""      // detect from the name and the content
	FormatCSV   Format = "csv"   // delimiter-separated values (also TSV)
	FormatJSONL Format = "jsonl" // JSON Lines: one object per line
)

// Options configure reading. The zero value detects everything and uses the
// documented limits.
type Options struct {
	// Name is the file name, used only as a hint for the format (".jsonl",
	// ".ndjson", ".tsv", ".csv"). May be empty.
	Name string
	// Format forces a format; FormatAuto (the default) detects it.
	Format Format
	// Delimiter forces the field separator of CSV; 0 (the default) detects
	// comma, tab, semicolon or pipe from the first lines.
	Delimiter rune
	// MaxBytes is the largest input accepted. 0 means DefaultMaxBytes (100 MB).
	MaxBytes int64
	// MaxColumns is the most columns a file (or one row) may have. 0 means
	// DefaultMaxColumns (1000).
	MaxColumns int
	// MaxClasses is the most distinct labels the label column may have.
	// 0 means DefaultMaxClasses (1000).
	MaxClasses int
	// Columns names the text, label, id and group columns. Empty Text or
	// Label are filled in by Guess (in Read only).
	Columns Columns
	// Progress, if not nil, is called now and then with the fraction done.
	Progress func(fraction float64, message string)
}

func (o Options) maxBytes() int64 {
	if o.MaxBytes <= 0 {
		return DefaultMaxBytes
	}
	return o.MaxBytes
}

func (o Options) maxColumns() int {
	if o.MaxColumns <= 0 {
		return DefaultMaxColumns
	}
	return o.MaxColumns
}

func (o Options) maxClasses() int {
	if o.MaxClasses <= 0 {
		return DefaultMaxClasses
	}
	return o.MaxClasses
}

func (o Options) progress(f float64, msg string) {
	if o.Progress != nil {
		o.Progress(f, msg)
	}
}

// Columns names the columns that play a role. Text and Label are required
// by Validate; ID and Group are optional (empty means none).
type Columns struct {
	Text  string `json:"text"`
	Label string `json:"label"`
	ID    string `json:"id,omitempty"`    // a unique identifier of each row
	Group string `json:"group,omitempty"` // rows that belong together (a speaker, a document)
}

// Row is one record of a Table.
type Row struct {
	// Line is the physical line where the record starts, 1-based. In CSV
	// the header is line 1; a quoted field may span several lines.
	Line int
	// Fields has one entry per column of the table, in column order.
	Fields []string
}

// Table is a parsed file: its columns and its well-formed rows.
type Table struct {
	Format    Format
	Delimiter string // "," "\t" ";" "|" (CSV only)
	Encoding  string // one of the Enc* names
	Columns   []string
	Rows      []Row
	// Problems lists the records that could not become rows (wrong number
	// of fields, a JSON line that is not an object), in line order.
	Problems []Problem
	// Warnings are notes about the whole file (a guessed encoding, renamed
	// header cells, control bytes removed).
	Warnings []string
	// ControlLines are the lines that held NUL or other control bytes,
	// which Parse removed (the rows are kept), in order.
	ControlLines []int
	// Examples are the usable rows for the chosen columns; Read fills it
	// from Validate.
	Examples []Example

	replaced bool     // decoding replaced undecodable bytes with U+FFFD
	ctl      controls // the control bytes removed
}

// Column returns the index of the column called name, or -1.
func (t *Table) Column(name string) int {
	for i, c := range t.Columns {
		if c == name {
			return i
		}
	}
	return -1
}

// Example is one usable labeled text.
type Example struct {
	Line  int    `json:"line"` // physical line where the row starts
	Text  string `json:"text"`
	Label string `json:"label"`
	ID    string `json:"id,omitempty"`
	Group string `json:"group,omitempty"`
}

// Sentinel errors, matched with errors.Is; the returned errors carry a
// longer message for the user.
var (
	ErrEmpty          = errors.New("empty file")
	ErrHeaderOnly     = errors.New("header only")
	ErrBinary         = errors.New("binary file")
	ErrTooBig         = errors.New("file too big")
	ErrTooManyColumns = errors.New("too many columns")
	ErrTooManyClasses = errors.New("too many classes")
	ErrOneClass       = errors.New("only one class")
	ErrNoUsableRows   = errors.New("no usable rows")
	ErrColumn         = errors.New("bad column choice")
)

// inputError is an error for the user: msg says what is wrong and what to
// do; kind is the sentinel it matches.
type inputError struct {
	kind error
	msg  string
}

func (e *inputError) Error() string { return e.msg }
func (e *inputError) Unwrap() error { return e.kind }

func errorf(kind error, format string, args ...any) error {
	return &inputError{kind: kind, msg: fmt.Sprintf(format, args...)}
}

// CheckSize returns ErrTooBig when a file of n bytes is over the limit of
// opts. Callers that can learn the size before reading (a file's stat, a
// browser File's size) should call it first.
func CheckSize(n int64, opts Options) error {
	if max := opts.maxBytes(); n > max {
		return errorf(ErrTooBig, "the file is %s; Textlab reads at most %s in the browser; split it or sample it",
			megabytes(n), megabytes(max))
	}
	return nil
}

// megabytes formats n bytes as decimal megabytes ("200 MB", "1.5 MB").
func megabytes(n int64) string {
	mb := float64(n) / 1e6
	if mb >= 10 || mb == float64(int64(mb)) {
		return fmt.Sprintf("%d MB", int64(mb+0.5))
	}
	return fmt.Sprintf("%.1f MB", mb)
}

// thousands formats n with comma separators ("5,000").
func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Read parses data, guesses the columns not set in opts.Columns (when the
// text or the label is not set; a column set for one role is not proposed
// for another), and
// validates the rows. On success t.Examples holds the usable rows. When the
// file parses but fails validation (only one class, too many labels) the
// table and report are returned together with the error, so a page can
// still show them.
func Read(ctx context.Context, data []byte, opts Options) (*Table, *Report, error) {
	t, err := Parse(ctx, data, opts)
	if err != nil {
		return nil, nil, err
	}
	cols := opts.Columns
	if cols.Text == "" || cols.Label == "" {
		cols = guess(t, cols)
	}
	ex, rep, err := Validate(ctx, t, cols, opts)
	t.Examples = ex
	return t, rep, err
}
