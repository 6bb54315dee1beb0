package agreement

import (
	"fmt"
	"slices"
	"strings"
)

// Format is how a coder file lays out its codes.
type Format int

// The two layouts of a coder file.
const (
	Wide Format = iota // one row per unit, one column per coder
	Long               // one row per code, with a unit, a coder and a code column
)

// String returns "wide" or "long".
func (f Format) String() string {
	switch f {
	case Wide:
		return "wide"
	case Long:
		return "long"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// ParseFormat returns the Format named s: "wide" (or "") or "long", any
// case.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "wide":
		return Wide, nil
	case "long":
		return Long, nil
	}
	return 0, fmt.Errorf("unknown format %q (want wide or long)", s)
}

// Layout says where a coder file keeps its units, coders and codes. The
// zero Layout is a wide file in which every column is a coder and the units
// are numbered by row.
type Layout struct {
	// Format is wide (the zero value) or long.
	Format Format
	// Unit names the column of unit IDs. Wide: "" numbers the units by row
	// ("1", "2", ...). Long: required.
	Unit string
	// Coders are, in a wide file, the coder columns in the order wanted
	// (nil: every column but Unit) and, in a long file, the coders to
	// expect (nil: the coders in order of first appearance).
	Coders []string
	// Coder and Code name the coder and the code column of a long file.
	Coder, Code string
}

// String describes the layout in words, as a command line reports it:
// `wide: unit column "id", coder columns a, b`.
func (l Layout) String() string {
	if l.Format == Long {
		s := fmt.Sprintf("long: unit column %q, coder column %q, code column %q", l.Unit, l.Coder, l.Code)
		if l.Coders != nil {
			s += ", coders " + strings.Join(l.Coders, ", ")
		}
		return s
	}
	unit := "units numbered by row"
	if l.Unit != "" {
		unit = fmt.Sprintf("unit column %q", l.Unit)
	}
	coders := "every other column a coder"
	if l.Coders != nil {
		coders = "coder columns " + strings.Join(l.Coders, ", ")
	}
	return fmt.Sprintf("%v: %s, %s", l.Format, unit, coders)
}

// Column names that say what a column of a coder file holds, compared in
// lower case.
var (
	unitNames = []string{
		"id", "unit", "units", "item", "items", "doc", "docs", "document", "case", "segment",
		"row", "no", "nr", "#", "index", "idx",
		"textid", "text_id", "docid", "doc_id", "unitid", "unit_id", "itemid", "item_id", "caseid", "case_id",
	}
	coderNames = []string{"coder", "coders", "rater", "raters", "annotator", "annotators", "observer", "observers", "judge", "judges", "reader", "readers"}
	codeNames  = []string{"code", "codes", "label", "labels", "value", "values", "rating", "ratings", "category", "categories", "score", "scores", "annotation", "answer"}
)

// isUnitName reports whether a column name reads like unit IDs: one of
// unitNames, or any name ending in "_id", "-id" or " id".
func isUnitName(name string) bool {
	n := strings.ToLower(name)
	if slices.Contains(unitNames, n) {
		return true
	}
	for _, suffix := range []string{"_id", "-id", " id"} {
		if strings.HasSuffix(n, suffix) {
			return true
		}
	}
	return false
}

// isCoderName reports whether a column name reads like coders: one of
// coderNames, bare or followed by "id" or "name" ("rater_id", "coder name").
func isCoderName(name string) bool {
	n := strings.ToLower(name)
	for _, suffix := range []string{"id", "name"} {
		if base, ok := strings.CutSuffix(n, suffix); ok {
			if k := len(base); k > 0 && strings.ContainsRune("_- ", rune(base[k-1])) {
				base = base[:k-1]
			}
			if slices.Contains(coderNames, base) {
				return true
			}
		}
	}
	return slices.Contains(coderNames, n)
}

// isCodeName reports whether a column name reads like codes: one of
// codeNames.
func isCodeName(name string) bool { return slices.Contains(codeNames, strings.ToLower(name)) }

// GuessLayout proposes the layout of a coder file from its header. A file
// with a column named like coders ("coder", "rater", "annotator_id", ...), a
// column named like codes ("code", "label", "rating", ...) and at least
// three columns is long; its unit column is the first named like unit IDs
// ("id", "unit", "item", "doc_id", ...) or else the first column left. Any
// other file is wide: the first column named like unit IDs holds the units
// (none: units are numbered by row) and every other column is a coder.
// Names are compared without case and surrounding spaces; the layout names
// the columns trimmed.
func GuessLayout(columns []string) Layout {
	cols := make([]string, len(columns))
	for i, c := range columns {
		cols[i] = strings.TrimSpace(c)
	}
	find := func(match func(string) bool, skip ...string) string {
		for _, c := range cols {
			if match(c) && !slices.Contains(skip, c) {
				return c
			}
		}
		return ""
	}
	coder := find(isCoderName)
	code := find(isCodeName, coder)
	if coder != "" && code != "" && len(cols) >= 3 {
		l := Layout{Format: Long, Coder: coder, Code: code, Unit: find(isUnitName, coder, code)}
		if l.Unit == "" {
			l.Unit = find(func(string) bool { return true }, coder, code)
		}
		return l
	}
	l := Layout{Format: Wide, Unit: find(isUnitName), Coders: []string{}}
	for _, c := range cols {
		if l.Unit == "" || c != l.Unit {
			l.Coders = append(l.Coders, c)
		}
	}
	return l
}

// Complete fills in what a layout leaves open, from the file's columns, the
// way a page does when the user switches the format or moves the unit
// column. Wide: nil Coders become every column but the unit, the unit column
// is taken out of Coders, and Coder and Code are cleared. Long: an empty
// unit, coder or code column becomes the first column that no other role
// holds (it stays empty when there is none). Columns already chosen are
// kept, so a clash between them is left for FromRecords to report.
func (l Layout) Complete(columns []string) Layout {
	out := l
	out.Coders = slices.Clone(l.Coders)
	if l.Format == Long {
		free := func() string {
			for _, c := range columns {
				if c != out.Unit && c != out.Coder && c != out.Code {
					return c
				}
			}
			return ""
		}
		for _, role := range []*string{&out.Unit, &out.Coder, &out.Code} {
			if *role == "" {
				*role = free()
			}
		}
		return out
	}
	out.Coder, out.Code = "", ""
	if l.Coders == nil {
		out.Coders = []string{}
		for _, c := range columns {
			if l.Unit == "" || c != l.Unit {
				out.Coders = append(out.Coders, c)
			}
		}
		return out
	}
	out.Coders = slices.DeleteFunc(out.Coders, func(c string) bool { return l.Unit != "" && c == l.Unit })
	return out
}

// FromRecords builds Data from CSV records laid out as l; records[0] is the
// header and lines, if not nil, gives the file line of each record (see
// WideOptions.Lines). Missing lists the cell values besides the empty cell
// that mean "not coded". A long layout needs all three columns; the errors
// are those of FromWide and FromLong.
func FromRecords(records [][]string, lines []int, l Layout, missing []string) (*Data, error) {
	switch l.Format {
	case Wide:
		return FromWide(records, WideOptions{Unit: l.Unit, Coders: l.Coders, Missing: missing, Lines: lines})
	case Long:
		if l.Unit == "" || l.Coder == "" || l.Code == "" {
			if err := checkLines(records, lines); err != nil {
				return nil, err
			}
			return nil, fmt.Errorf("line %d: a long file needs a unit, a coder and a code column", lineOf(lines, 0))
		}
		return FromLong(records, LongOptions{Unit: l.Unit, Coder: l.Coder, Code: l.Code, Coders: l.Coders, Missing: missing, Lines: lines})
	}
	return nil, fmt.Errorf("unknown format %v", l.Format)
}
