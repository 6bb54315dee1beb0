package dataset

import (
	"slices"
	"strings"
	"testing"
)

func TestSummarise(t *testing.T) {
	var ex []Example
	// Word counts 1..25 with labels a (odd) and b (even), plus one of 99.
	for n := 1; n <= 25; n++ {
		label := "a"
		if n%2 == 0 {
			label = "b"
		}
		ex = append(ex, Example{Text: strings.Repeat("w ", n), Label: label})
	}
	ex = append(ex, Example{Text: strings.Repeat("w ", 99), Label: "c"})
	ov := Summarise(ex, OverviewOptions{Bins: 10})
	wantClasses := []ClassCount{{"a", 13}, {"b", 12}, {"c", 1}}
	if !slices.Equal(ov.Classes, wantClasses) {
		t.Errorf("classes = %v, want %v", ov.Classes, wantClasses)
	}
	h := ov.Lengths
	if h.Unit != UnitWords || h.Min != 1 || h.Max != 99 || h.Median != 13.5 {
		t.Errorf("histogram summary = %+v", h)
	}
	// 100 word counts (0..99) in at most 10 bins gives width 10.
	if len(h.Bins) != 10 || h.Bins[0] != (Bin{0, 10, 9}) || h.Bins[1] != (Bin{10, 20, 10}) || h.Bins[2] != (Bin{20, 30, 6}) || h.Bins[9] != (Bin{90, 100, 1}) {
		t.Errorf("bins = %+v", h.Bins)
	}
	total := 0
	for _, b := range h.Bins {
		total += b.Count
	}
	if total != len(ex) {
		t.Errorf("bins hold %d texts, want %d", total, len(ex))
	}
	if mean := (325.0 + 99) / 26; h.Mean != mean {
		t.Errorf("mean = %v, want %v", h.Mean, mean)
	}
}

func TestSummariseCharacters(t *testing.T) {
	ex := []Example{{Text: "héllo", Label: "x"}, {Text: "😀", Label: "y"}, {Text: "", Label: "y"}}
	h := Summarise(ex, OverviewOptions{Unit: UnitCharacters}).Lengths
	if h.Max != 5 || h.Min != 0 || len(h.Bins) != 6 || h.Bins[1].Count != 1 || h.Bins[5].Count != 1 {
		t.Errorf("histogram = %+v", h)
	}
	if empty := Summarise(nil, OverviewOptions{}); empty.Examples != 0 || len(empty.Lengths.Bins) != 0 {
		t.Errorf("empty overview = %+v", empty)
	}
}

func TestNiceWidth(t *testing.T) {
	tests := []struct{ span, bins, want int }{
		{1, 20, 1}, {20, 20, 1}, {21, 20, 2}, {100, 20, 5}, {101, 20, 10}, {1500, 20, 100}, {1501, 10, 200},
	}
	for _, tt := range tests {
		if got := niceWidth(tt.span, tt.bins); got != tt.want {
			t.Errorf("niceWidth(%d, %d) = %d, want %d", tt.span, tt.bins, got, tt.want)
		}
	}
}

func TestBrowse(t *testing.T) {
	ex := make([]Example, 45)
	for i := range ex {
		ex[i].Line = i + 2
	}
	tests := []struct {
		offset, limit       int
		wantLimit, first, n int
	}{
		{0, 0, 20, 2, 20},
		{40, 20, 20, 42, 5},
		{-3, 10, 10, 2, 10},
		{45, 10, 10, 0, 0},
		{99, 10, 10, 0, 0},
		{0, 10_000, MaxPageLimit, 2, 45},
	}
	for _, tt := range tests {
		p := Browse(ex, tt.offset, tt.limit)
		if p.Total != 45 || p.Limit != tt.wantLimit || len(p.Rows) != tt.n || (tt.n > 0 && p.Rows[0].Line != tt.first) {
			t.Errorf("Browse(%d, %d) = offset %d limit %d total %d, %d rows", tt.offset, tt.limit, p.Offset, p.Limit, p.Total, len(p.Rows))
		}
	}
}
