package dataset

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestSortLabels(t *testing.T) {
	tests := []struct {
		name   string
		labels []string
		want   []string
	}{
		{"numbers by value", []string{"100", "10", "2", "1"}, []string{"1", "2", "10", "100"}},
		{"signed and decimal numbers", []string{"1.5", "-2", "10", "0", "-0.5"}, []string{"-2", "-0.5", "0", "1.5", "10"}},
		{"equal values in byte order", []string{"1.0", "1", "01"}, []string{"01", "1", "1.0"}},
		{"natural order", []string{"item 10", "item 2", "item 1", "b", "a"}, []string{"a", "b", "item 1", "item 2", "item 10"}},
		{"mixed numbers and words", []string{"10", "9", "n/a"}, []string{"9", "10", "n/a"}},
		{"leading zeros", []string{"v010", "v9", "v10"}, []string{"v9", "v010", "v10"}},
		{"letters without regard to case", []string{"Positive", "neutral", "Negative"}, []string{"Negative", "neutral", "Positive"}},
		{"case ties in byte order", []string{"b", "B", "a"}, []string{"a", "B", "b"}},
		{"NaN is not a number", []string{"NaN", "2", "10"}, []string{"2", "10", "NaN"}},
	}
	for _, tc := range tests {
		got := append([]string{}, tc.labels...)
		SortLabels(got)
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: SortLabels(%q) = %q, want %q", tc.name, tc.labels, got, tc.want)
		}
	}
}

// Class counts that tie are listed in label order, numbers by value.
func TestClassesTieInLabelOrder(t *testing.T) {
	var b strings.Builder
	b.WriteString("text,label\n")
	for _, l := range []string{"100", "10", "2", "1", "20"} {
		fmt.Fprintf(&b, "a text for %s,%s\nanother text for %s,%s\n", l, l, l, l)
	}
	tbl, rep, err := Read(context.Background(), []byte(b.String()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range Summarise(tbl.Examples, OverviewOptions{}).Classes {
		got = append(got, c.Label)
	}
	if want := []string{"1", "2", "10", "20", "100"}; !reflect.DeepEqual(got, want) {
		t.Errorf("overview classes %q, want %q", got, want)
	}
	got = got[:0]
	for _, c := range rep.Classes {
		got = append(got, c.Label)
	}
	if want := []string{"1", "2", "10", "20", "100"}; !reflect.DeepEqual(got, want) {
		t.Errorf("report classes %q, want %q", got, want)
	}
}

// An id column chosen as the label gets an alert that names the columns
// that could be the label; a real label column gets none.
func TestLabelAlert(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,text,sentiment,rating\n")
	for i := range 120 {
		fmt.Fprintf(&b, "%d,text number %d,%s,%d\n", i+1, i, []string{"neg", "neu", "pos"}[i%3], i%5+1)
	}
	tbl, err := Parse(context.Background(), []byte(b.String()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, rep, err := Validate(context.Background(), tbl, Columns{Text: "text", Label: "id"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := &LabelAlert{Labels: 120, Rows: 120, Candidates: []LabelCandidate{{"sentiment", 3}, {"rating", 5}}}
	if !reflect.DeepEqual(rep.LabelAlert, want) {
		t.Errorf("id as label: alert %+v, want %+v", rep.LabelAlert, want)
	}
	_, rep, err = Validate(context.Background(), tbl, Columns{Text: "text", Label: "sentiment", ID: "id"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.LabelAlert != nil {
		t.Errorf("sentiment as label: alert %+v", rep.LabelAlert)
	}
}

func TestLabelsSuspect(t *testing.T) {
	tests := []struct {
		labels, rows int
		want         bool
	}{
		{2, 4000, false},
		{20, 2000, false},
		{50, 100000, false},
		{51, 100000, true}, // more than ManyLabels
		{11, 20, true},     // fewer than two rows per label
		{10, 10, false},    // a small file: the rare-label list says it
	}
	for _, tc := range tests {
		if got := LabelsSuspect(tc.labels, tc.rows); got != tc.want {
			t.Errorf("LabelsSuspect(%d, %d) = %v, want %v", tc.labels, tc.rows, got, tc.want)
		}
	}
}
