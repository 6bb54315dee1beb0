package dataset

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Units of text length for a Histogram.
const (
	UnitWords      = "words"      // strings.Fields, split at white space
	UnitCharacters = "characters" // Unicode code points
)

// OverviewOptions configure Summarise. The zero value counts words in at
// most 20 bins.
type OverviewOptions struct {
	// Unit is UnitWords (the default) or UnitCharacters.
	Unit string
	// Bins is the most bins of the histogram; 0 means 20.
	Bins int
}

// Bin is one bar of a histogram: Count texts have a length in [Lo, Hi).
type Bin struct {
	Lo    int `json:"lo"`
	Hi    int `json:"hi"`
	Count int `json:"count"`
}

// Histogram is the distribution of text lengths. The bins are of equal
// width (1, 2 or 5 times a power of ten), start at 0 and cover the longest
// text.
type Histogram struct {
	Unit   string  `json:"unit"`
	Bins   []Bin   `json:"bins"`
	Min    int     `json:"min"`
	Max    int     `json:"max"`
	Mean   float64 `json:"mean"`
	Median float64 `json:"median"`
}

// Overview is what the data page draws before training: how many examples
// of each class (a bar chart) and how long the texts are (a histogram).
type Overview struct {
	Examples int          `json:"examples"`
	Classes  []ClassCount `json:"classes"` // most frequent first, ties in label order (SortLabels)
	Lengths  Histogram    `json:"lengths"`
}

// Summarise computes the overview of examples.
func Summarise(examples []Example, opts OverviewOptions) Overview {
	unit := opts.Unit
	if unit != UnitCharacters {
		unit = UnitWords
	}
	bins := opts.Bins
	if bins <= 0 {
		bins = 20
	}
	ov := Overview{Examples: len(examples), Classes: []ClassCount{}, Lengths: Histogram{Unit: unit, Bins: []Bin{}}}
	counts := map[string]int{}
	lengths := make([]int, len(examples))
	for i, e := range examples {
		counts[e.Label]++
		if unit == UnitWords {
			lengths[i] = len(strings.Fields(e.Text))
		} else {
			lengths[i] = utf8.RuneCountInString(e.Text)
		}
	}
	for l, n := range counts {
		ov.Classes = append(ov.Classes, ClassCount{l, n})
	}
	sortClasses(ov.Classes)
	if len(lengths) == 0 {
		return ov
	}
	sorted := slices.Clone(lengths)
	slices.Sort(sorted)
	h := &ov.Lengths
	h.Min, h.Max = sorted[0], sorted[len(sorted)-1]
	sum := 0
	for _, n := range sorted {
		sum += n
	}
	h.Mean = float64(sum) / float64(len(sorted))
	if m := len(sorted) / 2; len(sorted)%2 == 1 {
		h.Median = float64(sorted[m])
	} else {
		h.Median = float64(sorted[m-1]+sorted[m]) / 2
	}
	w := niceWidth(h.Max+1, bins)
	nb := (h.Max + w) / w // enough bins to hold Max
	h.Bins = make([]Bin, nb)
	for i := range h.Bins {
		h.Bins[i] = Bin{Lo: i * w, Hi: (i + 1) * w}
	}
	for _, n := range lengths {
		h.Bins[n/w].Count++
	}
	return ov
}

// niceWidth returns the smallest width of the form 1, 2 or 5 times a power
// of ten such that bins bins of it cover span.
func niceWidth(span, bins int) int {
	for p := 1; ; p *= 10 {
		for _, m := range []int{1, 2, 5} {
			if w := m * p; w*bins >= span {
				return w
			}
		}
	}
}

// Page is a window of rows for browsing.
type Page struct {
	Offset int       `json:"offset"`
	Limit  int       `json:"limit"`
	Total  int       `json:"total"` // all rows, not only those on the page
	Rows   []Example `json:"rows"`
}

// MaxPageLimit is the most rows one Page holds.
const MaxPageLimit = 500

// Browse returns the rows of examples from offset, at most limit of them.
// A limit of 0 means 20 and is capped at MaxPageLimit; a negative offset
// counts as 0 and one past the end gives an empty page.
func Browse(examples []Example, offset, limit int) Page {
	if limit <= 0 {
		limit = 20
	}
	limit = min(limit, MaxPageLimit)
	offset = max(offset, 0)
	p := Page{Offset: offset, Limit: limit, Total: len(examples), Rows: []Example{}}
	if offset < len(examples) {
		p.Rows = examples[offset:min(len(examples), offset+limit)]
	}
	return p
}
