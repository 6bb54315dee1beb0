package pipeline

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"textlab/core/dataset"
)

// TestFile is a separate labeled test file as ReadTest reads it.
type TestFile struct {
	// Data holds the usable rows in file order; with the training data's
	// label names given to ReadTest, Labels index them and LabelNames is a
	// copy of them. Data.Test is nil.
	Data Data
	// Lines has the 1-based line of each text in the file.
	Lines []int
	// Problems lists the rows that were skipped (an empty text or label),
	// in line order.
	Problems []dataset.Problem
}

// ReadTest reads a separate labeled test file (raw; name is for messages
// and the format) with the training data's text and label columns,
// cols.Text and cols.Label (the other columns of cols are not used). The
// rows are checked as dataset.Validate checks a training file, except that
// a test file may hold a single class: a test set of one class can still
// be scored. When trainLabels is not nil the labels are numbered as the
// training data's classes and a label the training data lacks is an error
// naming its line; with nil they are numbered as FromExamples numbers
// them. Errors start with "test file NAME".
//
// The page's separate test file and `textlab train --test` both read
// through it, so they accept the same files and give the same numbers.
func ReadTest(ctx context.Context, raw []byte, name string, cols dataset.Columns, trainLabels []string) (*TestFile, error) {
	what := "test file"
	if name != "" {
		what = "test file " + name
	}
	opts := dataset.Options{Name: name}
	t, err := dataset.Parse(ctx, raw, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	want := dataset.Columns{Text: cols.Text, Label: cols.Label}
	for _, c := range []string{want.Text, want.Label} {
		if t.Column(c) < 0 {
			return nil, fmt.Errorf("%s has no column %q; it needs the same text and label columns as the training data (%q and %q)", what, c, want.Text, want.Label)
		}
	}
	examples, rep, err := dataset.Validate(ctx, t, want, opts)
	if errors.Is(err, dataset.ErrOneClass) {
		// One class is fine for a test set: the usable rows are those
		// Validate did not list as problems.
		examples, err = usableRows(t, want, rep.Problems), nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	tf := &TestFile{Lines: make([]int, len(examples)), Problems: rep.Problems}
	for i, ex := range examples {
		tf.Lines[i] = ex.Line
	}
	if trainLabels == nil {
		tf.Data = FromExamples(name, examples)
		return tf, nil
	}
	index := make(map[string]int, len(trainLabels))
	for c, label := range trainLabels {
		index[label] = c
	}
	d := Data{Name: name, Texts: make([]string, len(examples)), Labels: make([]int, len(examples)), LabelNames: append([]string(nil), trainLabels...)}
	for i, ex := range examples {
		c, ok := index[ex.Label]
		if !ok {
			return nil, fmt.Errorf("%s: line %d has label %q, which the training data lacks (it has %q)", what, ex.Line, ex.Label, trainLabels)
		}
		d.Texts[i], d.Labels[i] = ex.Text, c
	}
	tf.Data = d
	return tf, nil
}

// usableRows returns the rows of t that are not among problems (which
// dataset.Validate returned for the columns cols) as examples, their
// labels trimmed of spaces as Validate trims them.
func usableRows(t *dataset.Table, cols dataset.Columns, problems []dataset.Problem) []dataset.Example {
	skipped := make(map[int]bool, len(problems))
	for _, p := range problems {
		skipped[p.Line] = true
	}
	ti, li := t.Column(cols.Text), t.Column(cols.Label)
	var out []dataset.Example
	for _, r := range t.Rows {
		if !skipped[r.Line] {
			out = append(out, dataset.Example{Line: r.Line, Text: r.Field(ti), Label: strings.TrimSpace(r.Field(li))})
		}
	}
	return out
}
