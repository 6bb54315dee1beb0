package lexicon

import (
	"context"

	"textlab/core/vader"
)

// Scored is a set of documents scored by one dictionary, or by VADER.
type Scored struct {
	// Dict is the dictionary that scored the documents; nil means VADER.
	Dict *Dictionary
	// VADER has one entry per document when Dict is nil.
	VADER []vader.Scores
	// Results has one entry per document when Dict is set, without their
	// Matches (only the tallies are kept).
	Results []Result
}

// ScoreTexts scores each text with d, or with VADER when d is nil,
// reporting progress to progress (which may be nil) and stopping with
// ctx's error when ctx is cancelled.
func ScoreTexts(ctx context.Context, d *Dictionary, texts []string, progress func(fraction float64, message string)) (*Scored, error) {
	s := &Scored{Dict: d}
	var err error
	if d == nil {
		s.VADER, err = vader.ScoreAll(ctx, texts, progress)
	} else {
		s.Results, err = d.ScoreAll(ctx, texts, progress)
		for i := range s.Results {
			s.Results[i].Matches = nil
		}
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Len returns the number of documents.
func (s *Scored) Len() int {
	if s.Dict == nil {
		return len(s.VADER)
	}
	return len(s.Results)
}

// Label returns the label rule r gives document i.
func (s *Scored) Label(r Rule, i int) (string, error) {
	if s.Dict == nil {
		return r.LabelVADER(s.VADER[i])
	}
	return r.Label(s.Results[i])
}

// Unmatched returns the number of documents in which no word of the
// dictionary matched (0 for VADER).
func (s *Scored) Unmatched() int {
	n := 0
	for _, r := range s.Results {
		if !r.Matched() {
			n++
		}
	}
	return n
}

// Matched reports whether any word of the document matched.
func (r Result) Matched() bool {
	for _, c := range r.Counts {
		if c.Count > 0 {
			return true
		}
	}
	return false
}

// Column is one score column of a Scored, for tables.
type Column struct {
	// Name is the column's name: "compound", "posemo share", "score".
	Name string
	// Percent says the values are shares, best shown as percentages.
	Percent bool
}

// Columns returns the score columns: VADER's compound, pos, neu and neg;
// a word list's share of each category, and its summed score when it is
// weighted.
func (s *Scored) Columns() []Column {
	if s.Dict == nil {
		return []Column{{Name: "compound"}, {Name: "pos"}, {Name: "neu"}, {Name: "neg"}}
	}
	var cols []Column
	for _, c := range s.Dict.Categories {
		cols = append(cols, Column{Name: c + " share", Percent: true})
	}
	if s.Dict.Weighted {
		cols = append(cols, Column{Name: "score"})
	}
	return cols
}

// Values returns document i's value in each of Columns.
func (s *Scored) Values(i int) []float64 {
	if s.Dict == nil {
		v := s.VADER[i]
		return []float64{v.Compound, v.Pos, v.Neu, v.Neg}
	}
	r := s.Results[i]
	out := make([]float64, 0, len(r.Counts)+1)
	for _, c := range r.Counts {
		out = append(out, c.Share)
	}
	if s.Dict.Weighted {
		out = append(out, r.Score)
	}
	return out
}

// ClassMeans is the mean of each column over the documents of one class.
type ClassMeans struct {
	// N is the number of documents in the class.
	N int
	// Means has one value per column (0 when N is 0).
	Means []float64
}

// MeansByClass returns the mean of each column per class, where labels[i]
// is document i's class in 0..classes-1.
func (s *Scored) MeansByClass(labels []int, classes int) []ClassMeans {
	k := len(s.Columns())
	out := make([]ClassMeans, classes)
	for c := range out {
		out[c].Means = make([]float64, k)
	}
	for i, l := range labels {
		out[l].N++
		for j, x := range s.Values(i) {
			out[l].Means[j] += x
		}
	}
	for c := range out {
		for j := range out[c].Means {
			if out[c].N > 0 {
				out[c].Means[j] /= float64(out[c].N)
			}
		}
	}
	return out
}
