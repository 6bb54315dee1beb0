package agreement_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"textlab/core/agreement"
)

// GuessLayout reads a coder file's header the way the Agreement page and
// `textlab agree` do when no columns are given.
func ExampleGuessLayout() {
	for _, header := range [][]string{
		{"unit", "A", "B", "C", "D"},
		{"alice", "bob"},
		{"doc_id", "rater", "label"},
	} {
		fmt.Println(agreement.GuessLayout(header))
	}
	// Output:
	// wide: unit column "unit", coder columns A, B, C, D
	// wide: units numbered by row, coder columns alice, bob
	// long: unit column "doc_id", coder column "rater", code column "label"
}

// The worked example of Krippendorff (2011), read without naming a column:
// unit 12 has a single code, so it is not pairable and alpha leaves it out.
func ExampleFromRecords() {
	records, lines, err := agreement.ReadRecords(strings.NewReader(worked))
	if err != nil {
		fmt.Println(err)
		return
	}
	layout := agreement.GuessLayout(records[0])
	d, err := agreement.FromRecords(records, lines, layout, []string{"."})
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := agreement.Summarize(context.Background(), d, agreement.SummaryConfig{}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(layout)
	fmt.Printf("nominal alpha = %.6f, excluded %v\n", s.Alpha.Alpha, s.Alpha.Excluded)
	// Output:
	// wide: unit column "unit", coder columns A, B, C, D
	// nominal alpha = 0.743421, excluded [12]
}

// Complete fills in what a page leaves open when the user switches a file
// to the long format, or picks no coder list.
func ExampleLayout_Complete() {
	columns := []string{"doc", "who", "label"}
	fmt.Println(agreement.Layout{Format: agreement.Long, Unit: "doc"}.Complete(columns))
	fmt.Println(agreement.Layout{Unit: "doc"}.Complete(columns))
	// Output:
	// long: unit column "doc", coder column "who", code column "label"
	// wide: unit column "doc", coder columns who, label
}

// An undefined statistic carries its facts, so each caller says it in its
// own words.
func ExampleUndefinedError() {
	_, err := agreement.CohenKappaLabels([]string{"spam", "spam"}, []string{"spam", "spam"}, agreement.Unweighted)
	var ue *agreement.UndefinedError
	if errors.As(err, &ue) && ue.Reason == agreement.OneValue {
		fmt.Printf("%v: the model and the humans only ever say %q\n", ue.Statistic, ue.Value)
	}
	fmt.Println(errors.Is(err, agreement.ErrUndefined))
	fmt.Println(err)
	// Output:
	// Cohen's kappa: the model and the humans only ever say "spam"
	// true
	// undefined: every code is the label "spam", so the expected disagreement is 0 and kappa is not defined
}

// Strict turns a unit with a single code into an error; by default it is
// left out of every statistic and listed.
func ExampleUnpairableError() {
	d, _ := agreement.ReadWide(strings.NewReader("id,a,b\n1,x,x\n2,y,\n3,y,y\n4,x,y\n"), agreement.WideOptions{Unit: "id"})
	_, err := agreement.Summarize(context.Background(), d, agreement.SummaryConfig{Strict: true}, nil)
	var ue *agreement.UnpairableError
	if errors.As(err, &ue) {
		fmt.Println(len(ue.Units), "unpairable unit:", err)
	}
	s, _ := agreement.Summarize(context.Background(), d, agreement.SummaryConfig{}, nil)
	fmt.Printf("alpha %.3f without unit %s\n", s.Alpha.Alpha, s.Unpairable[0].ID)
	// Output:
	// 1 unpairable unit: line 3: unit "2" has only one code ("y" from coder "a"); agreement needs at least two codes per unit
	// alpha 0.444 without unit 2
}
