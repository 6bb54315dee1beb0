package dataset_test

import (
	"context"
	"fmt"

	"textlab/core/dataset"
)

func ExampleRead() {
	data := []byte("id,text,label\n" +
		"1,\"What a film, truly.\",pos\n" +
		"2,,neg\n" +
		"3,Dull and long.,neg\n" +
		"4,Loved it.,pos\n" +
		"5,Loved it.,pos\n")
	tab, rep, err := dataset.Read(context.Background(), data, dataset.Options{Name: "reviews.csv"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("text=%q label=%q id=%q\n", rep.Chosen.Text, rep.Chosen.Label, rep.Chosen.ID)
	fmt.Printf("%d rows read, %d usable\n", rep.RowsRead, rep.RowsUsable)
	for _, p := range rep.Problems {
		fmt.Println(p)
	}
	for _, d := range rep.Duplicates {
		fmt.Printf("duplicate %q on lines %v\n", d.Text, d.Lines)
	}
	fmt.Println(rep.Classes)
	fmt.Printf("first example: line %d %q\n", tab.Examples[0].Line, tab.Examples[0].Text)
	// Output:
	// text="text" label="label" id="id"
	// 5 rows read, 4 usable
	// line 3: empty text
	// duplicate "Loved it." on lines [5 6]
	// [{pos 3} {neg 1}]
	// first example: line 2 "What a film, truly."
}

func ExampleRead_error() {
	_, _, err := dataset.Read(context.Background(), []byte("text,label\nyes,spam\nno,spam\n"), dataset.Options{})
	fmt.Println(err)
	// Output:
	// the label column "label" has only one class ("spam"); a classifier needs at least two: pick another column or add examples of other classes
}

func ExampleSummarise() {
	examples := []dataset.Example{
		{Text: "short one", Label: "a"},
		{Text: "a somewhat longer text here", Label: "b"},
		{Text: "tiny", Label: "a"},
	}
	ov := dataset.Summarise(examples, dataset.OverviewOptions{Bins: 3})
	fmt.Println(ov.Classes)
	for _, b := range ov.Lengths.Bins {
		fmt.Printf("%d-%d %s: %d\n", b.Lo, b.Hi-1, ov.Lengths.Unit, b.Count)
	}
	// Output:
	// [{a 2} {b 1}]
	// 0-1 words: 1
	// 2-3 words: 1
	// 4-5 words: 1
}

func ExampleBrowse() {
	examples := []dataset.Example{{Line: 2, Text: "a"}, {Line: 3, Text: "b"}, {Line: 4, Text: "c"}}
	p := dataset.Browse(examples, 2, 2)
	fmt.Println(p.Total, len(p.Rows), p.Rows[0].Line)
	// Output:
	// 3 1 4
}

func ExampleGuess() {
	data := []byte("speech_id\tparty\tpassage\n" +
		"a1\tD\tWe must invest in our schools.\n" +
		"a2\tR\tWe must cut taxes for families.\n")
	tab, err := dataset.Parse(context.Background(), data, dataset.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%q %+v\n", tab.Delimiter, dataset.Guess(tab))
	// Output:
	// "\t" {Text:passage Label:party ID:speech_id Group:}
}
