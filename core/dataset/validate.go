package dataset

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Reasons a record is not usable (Problem.Reason).
const (
	ReasonEmptyText    = "empty text"
	ReasonMissingLabel = "missing label"
	ReasonFieldCount   = "wrong number of fields"
	ReasonUndecodable  = "undecodable bytes"
	ReasonBadJSON      = "bad JSON line"
)

// Problem is one record that cannot be used.
type Problem struct {
	Line   int    `json:"line"`             // physical line where the record starts (1-based)
	Reason string `json:"reason"`           // one of the Reason* constants
	Detail string `json:"detail,omitempty"` // more about it, for the user
}

// String formats p as "line 17: empty text".
func (p Problem) String() string {
	if p.Detail == "" {
		return fmt.Sprintf("line %d: %s", p.Line, p.Reason)
	}
	return fmt.Sprintf("line %d: %s (%s)", p.Line, p.Reason, p.Detail)
}

// Duplicate is a text that occurs in more than one usable row. The rows
// stay usable; the report only flags them.
type Duplicate struct {
	Text  string `json:"text"`  // the text, cut to 80 characters
	Lines []int  `json:"lines"` // every line where it occurs
	// Labels are the distinct labels the copies carry, in order of first
	// appearance; more than one means the copies disagree.
	Labels []string `json:"labels"`
}

// ClassCount is the number of usable examples of one label.
type ClassCount struct {
	Label string `json:"label"`
	Count int    `json:"count"`
}

// Report is the validation report shown before anything is trained.
type Report struct {
	Format    Format   `json:"format"`
	Delimiter string   `json:"delimiter,omitempty"`
	Encoding  string   `json:"encoding"`
	Columns   []string `json:"columns"` // all columns of the file
	Chosen    Columns  `json:"chosen"`  // the columns used
	// RowsRead counts the records below the header, usable or not.
	RowsRead int `json:"rows_read"`
	// RowsUsable counts the rows that became examples.
	RowsUsable int `json:"rows_usable"`
	// Problems lists every record that is not usable, in line order.
	Problems []Problem `json:"problems"`
	// Duplicates lists texts that occur more than once, by first line.
	Duplicates []Duplicate `json:"duplicates"`
	// Classes counts the usable examples per label, most frequent first
	// (ties in label order: SortLabels).
	Classes []ClassCount `json:"classes"`
	// RareLabels are the labels with fewer than two examples: they cannot
	// appear in both a training and a test set.
	RareLabels []ClassCount `json:"rare_labels"`
	// Warnings are notes about the whole file.
	Warnings []string `json:"warnings"`
	// ControlLines are the lines that held NUL or other control bytes,
	// removed while reading (the rows are kept; Table.ControlLines).
	ControlLines []int `json:"control_lines,omitempty"`
	// LabelAlert is set when the label column looks like an id, a date or
	// free text rather than classes (LabelsSuspect); nil otherwise.
	LabelAlert *LabelAlert `json:"label_alert,omitempty"`
}

// ManyLabels is the most distinct labels a label column has before the
// report calls it suspect: a methods course's classes are a handful, rarely
// dozens.
const ManyLabels = 50

// LabelAlert says that the chosen label column is probably not one, and
// which columns may be.
type LabelAlert struct {
	// Labels is the number of distinct labels; Rows the usable rows.
	Labels int `json:"labels"`
	Rows   int `json:"rows"`
	// Candidates are the other columns (not the text, id or group) that
	// look like labels, fewest distinct values first: each has 2 to
	// ManyLabels distinct values and at least two rows per value on average.
	Candidates []LabelCandidate `json:"candidates"`
}

// LabelCandidate is a column that could be the label column.
type LabelCandidate struct {
	Column string `json:"column"`
	Labels int    `json:"labels"` // distinct non-empty values
}

// LabelsSuspect reports whether labels distinct labels over rows usable
// rows look like something other than classes: more than ManyLabels of
// them, or more than 10 with fewer than two rows per label on average (an
// id column chosen as the label has one row per label).
func LabelsSuspect(labels, rows int) bool {
	return labels > ManyLabels || (labels > 10 && 2*labels > rows)
}

// Validate picks the usable rows of t for cols and reports on the rest. A
// row is unusable when its text is empty (or only spaces), its label is
// empty, or it holds bytes the decoder could not read. Labels are trimmed of
// surrounding spaces; texts are kept as they are.
//
// It returns an error (with the report so far) when a column is missing, no
// row is usable, the label column has more than opts.MaxClasses distinct
// values, or there is only one class.
func Validate(ctx context.Context, t *Table, cols Columns, opts Options) ([]Example, *Report, error) {
	rep := &Report{
		Format:       t.Format,
		Delimiter:    t.Delimiter,
		Encoding:     t.Encoding,
		Columns:      t.Columns,
		Chosen:       cols,
		RowsRead:     len(t.Rows) + len(t.Problems),
		Problems:     []Problem{},
		Duplicates:   []Duplicate{},
		Classes:      []ClassCount{},
		RareLabels:   []ClassCount{},
		Warnings:     append([]string{}, t.Warnings...),
		ControlLines: t.ControlLines,
	}
	ti, li, ii, gi, err := columnIndexes(t, cols)
	if err != nil {
		return nil, rep, err
	}
	var examples []Example
	problems := append([]Problem{}, t.Problems...)
	counts := map[string]int{}
	for n, row := range t.Rows {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, rep, err
			}
		}
		text := row.Field(ti)
		label := strings.TrimSpace(row.Field(li))
		var reason string
		switch {
		case strings.TrimSpace(text) == "":
			reason = ReasonEmptyText
		case label == "":
			reason = ReasonMissingLabel
		case t.replaced && (strings.ContainsRune(text, utf8.RuneError) || strings.ContainsRune(label, utf8.RuneError)):
			reason = ReasonUndecodable
		}
		if reason != "" {
			problems = append(problems, Problem{Line: row.Line, Reason: reason})
			continue
		}
		counts[label]++
		examples = append(examples, Example{Line: row.Line, Text: text, Label: label, ID: row.Field(ii), Group: row.Field(gi)})
	}
	slices.SortStableFunc(problems, func(a, b Problem) int { return cmp.Compare(a.Line, b.Line) })
	rep.Problems = problems
	rep.RowsUsable = len(examples)
	rep.Duplicates = duplicates(examples)
	for label, n := range counts {
		rep.Classes = append(rep.Classes, ClassCount{label, n})
	}
	sortClasses(rep.Classes)
	for _, c := range rep.Classes {
		if c.Count < 2 {
			rep.RareLabels = append(rep.RareLabels, c)
		}
	}
	if LabelsSuspect(len(counts), len(examples)) {
		rep.LabelAlert = &LabelAlert{Labels: len(counts), Rows: len(examples), Candidates: labelCandidates(t, cols)}
	}
	if ii >= 0 {
		if dup := duplicateIDs(examples); dup != "" {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("the id column %q is not unique: %s", cols.ID, dup))
		}
	}
	switch {
	case len(examples) == 0:
		return nil, rep, errorf(ErrNoUsableRows, "none of the %s rows is usable (%s); check that %q is the text column and %q the label column",
			thousands(rep.RowsRead), summariseProblems(problems), cols.Text, cols.Label)
	case len(counts) > opts.maxClasses():
		return nil, rep, errorf(ErrTooManyClasses, "the label column %q has %s distinct values: is it really the label? pick another column",
			cols.Label, thousands(len(counts)))
	case len(counts) == 1:
		return nil, rep, errorf(ErrOneClass, "the label column %q has only one class (%q); a classifier needs at least two: pick another column or add examples of other classes",
			cols.Label, rep.Classes[0].Label)
	}
	return examples, rep, nil
}

// labelCandidates lists the columns of t, other than those chosen in cols,
// that look like labels (see LabelAlert.Candidates).
func labelCandidates(t *Table, cols Columns) []LabelCandidate {
	out := []LabelCandidate{}
	for j, name := range t.Columns {
		if name == cols.Text || name == cols.Label || name == cols.ID || name == cols.Group {
			continue
		}
		seen := map[string]bool{}
		filled := 0
		for _, r := range t.Rows {
			v := strings.TrimSpace(r.Field(j))
			if v == "" {
				continue
			}
			filled++
			if !seen[v] {
				seen[v] = true
				if len(seen) > ManyLabels {
					break
				}
			}
		}
		if n := len(seen); n >= 2 && !LabelsSuspect(n, filled) && 2*n <= filled {
			out = append(out, LabelCandidate{Column: name, Labels: n})
		}
	}
	slices.SortStableFunc(out, func(a, b LabelCandidate) int { return cmp.Compare(a.Labels, b.Labels) })
	return out
}

// columnIndexes finds the chosen columns in t; ID and Group give -1 when
// not chosen.
func columnIndexes(t *Table, cols Columns) (ti, li, ii, gi int, err error) {
	find := func(role, name string, required bool) (int, error) {
		if name == "" {
			if required {
				return -1, errorf(ErrColumn, "no %s column chosen; the columns are: %s", role, strings.Join(t.Columns, ", "))
			}
			return -1, nil
		}
		i := t.Column(name)
		if i < 0 {
			return -1, errorf(ErrColumn, "there is no column %q for the %s; the columns are: %s", name, role, strings.Join(t.Columns, ", "))
		}
		return i, nil
	}
	if ti, err = find("text", cols.Text, true); err != nil {
		return
	}
	if li, err = find("label", cols.Label, true); err != nil {
		return
	}
	if ti == li {
		err = errorf(ErrColumn, "the text and the label are both column %q; pick two different columns", cols.Text)
		return
	}
	if ii, err = find("id", cols.ID, false); err != nil {
		return
	}
	gi, err = find("group", cols.Group, false)
	return
}

// duplicates groups examples with the same text (ignoring surrounding
// spaces), in order of first occurrence.
func duplicates(examples []Example) []Duplicate {
	first := map[string]int{} // text -> index into out, or -1 for seen once
	seenAt := map[string]int{}
	out := []Duplicate{}
	for i, e := range examples {
		key := strings.TrimSpace(e.Text)
		j, ok := seenAt[key]
		if !ok {
			seenAt[key] = i
			continue
		}
		k, ok := first[key]
		if !ok {
			f := examples[j]
			k = len(out)
			first[key] = k
			out = append(out, Duplicate{Text: cut(key, 80), Lines: []int{f.Line}, Labels: []string{f.Label}})
		}
		out[k].Lines = append(out[k].Lines, e.Line)
		if !slices.Contains(out[k].Labels, e.Label) {
			out[k].Labels = append(out[k].Labels, e.Label)
		}
	}
	return out
}

// duplicateIDs returns a note on the first repeated id, or "".
func duplicateIDs(examples []Example) string {
	seen := map[string]int{}
	for _, e := range examples {
		if l, ok := seen[e.ID]; ok {
			return fmt.Sprintf("%q is on line %d and line %d", e.ID, l, e.Line)
		}
		seen[e.ID] = e.Line
	}
	return ""
}

// summariseProblems counts problems by reason ("3 empty text, 1 missing label").
func summariseProblems(ps []Problem) string {
	if len(ps) == 0 {
		return "no rows"
	}
	var order []string
	n := map[string]int{}
	for _, p := range ps {
		if n[p.Reason] == 0 {
			order = append(order, p.Reason)
		}
		n[p.Reason]++
	}
	parts := make([]string, len(order))
	for i, r := range order {
		parts[i] = fmt.Sprintf("%s %s", thousands(n[r]), r)
	}
	return strings.Join(parts, ", ")
}

// cut shortens s to at most n characters, adding "…" when it cut.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
