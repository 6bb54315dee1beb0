package pipeline

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"textlab/core/dataset"
)

// TestFile is a separate labeled test file as ReadTest reads it.
type TestFile struct {
	// Data holds the usable rows in file order, with their lines
	// (Data.Lines). With the training data's label names given to
	// ReadTest, LabelNames starts with a copy of them, followed by the
	// file's labels the training data lacks (sorted), and Labels index
	// them. Data.Test is nil.
	Data Data
	// Lines has the 1-based line of each text in the file (the same slice
	// as Data.Lines).
	Lines []int
	// Problems lists the rows that were skipped (an empty text or label),
	// in line order.
	Problems []dataset.Problem
	// Unseen lists the rows whose label the training data lacks, in line
	// order (only when ReadTest was given the training data's labels).
	// They stay in Data: Run scores them as errors or leaves them out, as
	// EvalConfig.Unseen says.
	Unseen []UnseenDoc
}

// ReadTest reads a separate labeled test file (raw; name is for messages
// and the format) with the training data's text and label columns,
// cols.Text and cols.Label (the other columns of cols are not used). The
// rows are checked as dataset.Validate checks a training file, except that
// a test file may hold a single class: a test set of one class can still
// be scored. When trainLabels is not nil the labels are numbered as the
// training data's classes, and the rows with a label the training data
// lacks are listed with their lines in TestFile.Unseen (their labels
// numbered after the training data's); with nil they are numbered as
// FromExamples numbers them. Errors start with "test file NAME".
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
	if trainLabels == nil {
		tf := &TestFile{Data: FromExamples(name, examples), Problems: rep.Problems}
		tf.Lines = tf.Data.Lines
		return tf, nil
	}
	index := make(map[string]int, len(trainLabels))
	for c, label := range trainLabels {
		index[label] = c
	}
	tf := &TestFile{Problems: rep.Problems}
	var unseen []string
	for _, ex := range examples {
		if _, ok := index[ex.Label]; !ok && !slices.Contains(unseen, ex.Label) {
			unseen = append(unseen, ex.Label)
		}
	}
	slices.Sort(unseen)
	names := append(append([]string(nil), trainLabels...), unseen...)
	for _, label := range unseen {
		index[label] = len(index)
	}
	d := Data{Name: name, Texts: make([]string, len(examples)), Labels: make([]int, len(examples)), LabelNames: names, Lines: make([]int, len(examples))}
	for i, ex := range examples {
		c := index[ex.Label]
		d.Texts[i], d.Labels[i], d.Lines[i] = ex.Text, c, ex.Line
		if c >= len(trainLabels) {
			tf.Unseen = append(tf.Unseen, UnseenDoc{Index: i, Line: ex.Line, Label: ex.Label})
		}
	}
	tf.Data, tf.Lines = d, d.Lines
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
