package agreement

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Weights selects the disagreement weights of Cohen's kappa.
type Weights int

// Cohen's kappa weightings, as scikit-learn's cohen_kappa_score names them.
const (
	Unweighted Weights = iota // every disagreement weighs 1
	Linear                    // |i-j|, i and j the labels' ranks
	Quadratic                 // (i-j)²
)

var weightNames = [...]string{"unweighted", "linear", "quadratic"}

// String returns the weighting's name.
func (w Weights) String() string {
	if w >= 0 && int(w) < len(weightNames) {
		return weightNames[w]
	}
	return fmt.Sprintf("Weights(%d)", int(w))
}

// ParseWeights returns the Weights named s: "" or "none" or "unweighted",
// "linear", "quadratic" (any case).
func ParseWeights(s string) (Weights, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "", "none", "unweighted":
		return Unweighted, nil
	case "linear":
		return Linear, nil
	case "quadratic":
		return Quadratic, nil
	}
	return 0, fmt.Errorf("unknown kappa weights %q (want unweighted, linear or quadratic)", s)
}

// sortLabels sorts labels as scikit-learn's unique_labels does for the
// array a caller would pass: by numeric value when every label is a number,
// otherwise as strings (code-point order).
func sortLabels(labels []string) {
	nums := make(map[string]float64, len(labels))
	for _, l := range labels {
		f, ok := parseNumber(l)
		if !ok {
			sort.Strings(labels)
			return
		}
		nums[l] = f
	}
	sort.Slice(labels, func(i, j int) bool {
		a, b := nums[labels[i]], nums[labels[j]]
		if a != b {
			return a < b
		}
		return labels[i] < labels[j]
	})
}

// KappaResult is Cohen's kappa of two coders.
type KappaResult struct {
	Kappa   float64
	Weights Weights
	// Labels are the codes in rank order (the order linear and quadratic
	// weights use).
	Labels []string
	// Units counts the units both coders coded.
	Units int
	// Dropped lists the IDs of units where either coder's code is missing.
	Dropped []string
}

// CohenKappa computes Cohen's kappa between the two coders of d. Units where
// either code is missing are dropped and listed in the result. The value is
// the one scikit-learn's cohen_kappa_score gives for the remaining codes; see
// CohenKappaLabels.
func CohenKappa(d *Data, w Weights) (*KappaResult, error) {
	if err := d.Check(); err != nil {
		return nil, err
	}
	if len(d.Coders) != 2 {
		return nil, fmt.Errorf("Cohen's kappa needs exactly two coders, got %d (use Fleiss' kappa or Krippendorff's alpha)", len(d.Coders))
	}
	r := &KappaResult{Weights: w}
	var a, b []string
	for _, u := range d.Units {
		if u.Codes[0] == "" || u.Codes[1] == "" {
			r.Dropped = append(r.Dropped, u.ID)
			continue
		}
		a = append(a, u.Codes[0])
		b = append(b, u.Codes[1])
	}
	r.Units = len(a)
	var err error
	r.Kappa, r.Labels, err = cohen(a, b, w)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// CohenKappaLabels computes Cohen's kappa between two equally long label
// sequences, as scikit-learn's cohen_kappa_score(a, b, weights=...):
// with C the confusion matrix over the sorted union of labels, E the outer
// product of its marginals divided by the number of units and W the weights
// (1 off the diagonal, |i-j| or (i-j)² for label ranks i, j),
//
//	kappa = 1 - Σ W∘C / Σ W∘E.
//
// Labels sort numerically when all of them are numbers, otherwise as
// strings. Kappa is undefined (an *UndefinedError: OneValue) when Σ W∘E is
// 0, for example when both sequences use one and the same label, and
// (NoPairs) when the sequences are empty.
func CohenKappaLabels(a, b []string, w Weights) (float64, error) {
	if len(a) != len(b) {
		return 0, fmt.Errorf("label sequences differ in length: %d and %d", len(a), len(b))
	}
	k, _, err := cohen(a, b, w)
	return k, err
}

func cohen(a, b []string, w Weights) (float64, []string, error) {
	if w < Unweighted || w > Quadratic {
		return 0, nil, fmt.Errorf("unknown kappa weights %v", w)
	}
	if len(a) == 0 {
		return 0, nil, &UndefinedError{Statistic: StatCohen, Reason: NoPairs}
	}
	idx := map[string]int{}
	var labels []string
	for _, s := range [][]string{a, b} {
		for _, l := range s {
			if _, ok := idx[l]; !ok {
				idx[l] = 0
				labels = append(labels, l)
			}
		}
	}
	sortLabels(labels)
	for i, l := range labels {
		idx[l] = i
	}
	k := len(labels)
	cm := make([][]float64, k)
	for i := range cm {
		cm[i] = make([]float64, k)
	}
	for i := range a {
		cm[idx[a[i]]][idx[b[i]]]++
	}
	// sum0: column sums, sum1: row sums (scikit-learn's names).
	sum0 := make([]float64, k)
	sum1 := make([]float64, k)
	var total float64
	for i := range cm {
		for j := range cm[i] {
			sum0[j] += cm[i][j]
			sum1[i] += cm[i][j]
			total += cm[i][j]
		}
	}
	var num, den float64
	for i := 0; i < k; i++ {
		for j := 0; j < k; j++ {
			var wt float64
			switch w {
			case Unweighted:
				if i != j {
					wt = 1
				}
			case Linear:
				wt = float64(i - j)
				if wt < 0 {
					wt = -wt
				}
			case Quadratic:
				wt = float64((i - j) * (i - j))
			}
			num += wt * cm[i][j]
			den += wt * (sum0[i] * sum1[j] / total)
		}
	}
	if den == 0 {
		return 0, labels, &UndefinedError{Statistic: StatCohen, Reason: OneValue, Value: labels[0]}
	}
	return 1 - num/den, labels, nil
}

// FleissResult is Fleiss' kappa of a set of coders.
type FleissResult struct {
	Kappa float64
	// Categories are the codes, sorted as for Cohen's kappa.
	Categories []string
	// Units counts the units used; Raters is the number of codes per unit.
	Units, Raters int
	// Skipped lists the IDs of units with fewer than two codes (not
	// pairable).
	Skipped []string
}

// FleissKappa computes Fleiss' kappa of d. Fleiss' kappa needs every unit
// coded by the same number of coders (not necessarily the same coders):
// units with fewer than two codes are not pairable and are skipped (and
// listed), and any other difference in the number of codes is an error
// naming the unit (Krippendorff's alpha handles missing codes). See FleissKappaTable for the formula.
func FleissKappa(d *Data) (*FleissResult, error) {
	if err := d.Check(); err != nil {
		return nil, err
	}
	r := &FleissResult{}
	idx := map[string]int{}
	var first *Unit
	var used []Unit
	for i := range d.Units {
		u := d.Units[i]
		m := u.NumCodes()
		if m < 2 {
			r.Skipped = append(r.Skipped, u.ID)
			continue
		}
		if first == nil {
			first = &d.Units[i]
			r.Raters = m
		} else if m != r.Raters {
			return nil, fmt.Errorf("%s has %d codes but %s has %d: Fleiss' kappa needs every unit coded by the same number of coders (Krippendorff's alpha allows missing codes)", u.where(), m, first.where(), r.Raters)
		}
		for _, c := range u.Codes {
			if _, ok := idx[c]; c != "" && !ok {
				idx[c] = 0
				r.Categories = append(r.Categories, c)
			}
		}
		used = append(used, u)
	}
	if len(used) == 0 {
		return nil, &UndefinedError{Statistic: StatFleiss, Reason: NoPairs}
	}
	sortLabels(r.Categories)
	for i, c := range r.Categories {
		idx[c] = i
	}
	table := make([][]int, len(used))
	for i, u := range used {
		table[i] = make([]int, len(r.Categories))
		for _, c := range u.Codes {
			if c != "" {
				table[i][idx[c]]++
			}
		}
	}
	r.Units = len(used)
	k, err := FleissKappaTable(table)
	if ue := (*UndefinedError)(nil); errors.As(err, &ue) && ue.Reason == OneValue && len(r.Categories) == 1 {
		ue.Value = r.Categories[0]
	}
	if err != nil {
		return nil, err
	}
	r.Kappa = k
	return r, nil
}

// FleissKappaTable computes Fleiss' kappa from a table of counts:
// counts[i][j] is the number of raters who put subject i in category j, and
// every row sums to the same number of raters m >= 2. With N subjects,
//
//	p_j = Σ_i n_ij / (N m),  P_i = (Σ_j n_ij² - m) / (m (m-1)),
//	kappa = (mean(P_i) - Σ_j p_j²) / (1 - Σ_j p_j²).
//
// Kappa is undefined (an *UndefinedError) when all ratings fall in one
// category (OneValue) or a subject has fewer than two ratings (NoPairs).
func FleissKappaTable(counts [][]int) (float64, error) {
	if len(counts) == 0 {
		return 0, errors.New("Fleiss' kappa: empty table")
	}
	k := len(counts[0])
	m := -1
	for i, row := range counts {
		if len(row) != k {
			return 0, fmt.Errorf("Fleiss' kappa: row %d has %d categories, row 1 has %d", i+1, len(row), k)
		}
		s := 0
		for j, n := range row {
			if n < 0 {
				return 0, fmt.Errorf("Fleiss' kappa: row %d, category %d: negative count %d", i+1, j+1, n)
			}
			s += n
		}
		if m < 0 {
			m = s
		} else if s != m {
			return 0, fmt.Errorf("Fleiss' kappa: row %d has %d ratings, row 1 has %d; every subject needs the same number of ratings", i+1, s, m)
		}
	}
	if m < 2 {
		return 0, &UndefinedError{Statistic: StatFleiss, Reason: NoPairs}
	}
	N, fm := float64(len(counts)), float64(m)
	p := make([]float64, k)
	var pbar float64
	for _, row := range counts {
		var sq float64
		for j, n := range row {
			p[j] += float64(n)
			sq += float64(n) * float64(n)
		}
		pbar += (sq - fm) / (fm * (fm - 1))
	}
	pbar /= N
	var pe float64
	for j := range p {
		p[j] /= N * fm
		pe += p[j] * p[j]
	}
	if pe >= 1 {
		return 0, &UndefinedError{Statistic: StatFleiss, Reason: OneValue}
	}
	return (pbar - pe) / (1 - pe), nil
}

// PercentResult is the percent agreement of a set of coders.
type PercentResult struct {
	// Percent is 100 * Agreeing / Pairs.
	Percent float64
	// Pairs counts the pairs of codes given to the same unit by two
	// different coders; Agreeing counts those with equal codes.
	Pairs, Agreeing int
}

// PercentAgreement computes pairwise percent agreement: over every pairable
// unit (two or more codes) and every pair of coders who both coded it, the
// share of pairs whose codes are equal (as strings), times 100. A unit with m
// codes contributes m(m-1)/2 pairs; for two coders this is the share of
// units both coded on which they agree. It is undefined (an *UndefinedError,
// NoPairs) when no unit is pairable.
func PercentAgreement(d *Data) (*PercentResult, error) {
	if err := d.Check(); err != nil {
		return nil, err
	}
	r := &PercentResult{}
	for _, u := range d.Units {
		for i, a := range u.Codes {
			if a == "" {
				continue
			}
			for _, b := range u.Codes[i+1:] {
				if b == "" {
					continue
				}
				r.Pairs++
				if a == b {
					r.Agreeing++
				}
			}
		}
	}
	if r.Pairs == 0 {
		return nil, &UndefinedError{Statistic: StatPercent, Reason: NoPairs}
	}
	r.Percent = 100 * float64(r.Agreeing) / float64(r.Pairs)
	return r, nil
}
