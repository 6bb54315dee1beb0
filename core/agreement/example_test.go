package agreement_test

import (
	"context"
	"fmt"
	"strings"

	"textlab/core/agreement"
)

// worked is the reliability data of Krippendorff (2011), "Computing
// Krippendorff's Alpha-Reliability": four observers, twelve units, "."
// for missing values.
const worked = `unit,A,B,C,D
1,1,1,.,1
2,2,2,3,2
3,3,3,3,3
4,3,3,3,3
5,2,2,2,2
6,1,2,3,4
7,4,4,4,4
8,1,1,2,1
9,2,2,2,2
10,.,5,5,5
11,.,.,1,1
12,.,3,.,.
`

// The paper reports alpha = 0.743 (nominal), 0.815 (ordinal), 0.849
// (interval) and 0.797 (ratio).
func ExampleKrippendorffAlpha() {
	d, err := agreement.ReadWide(strings.NewReader(worked), agreement.WideOptions{Unit: "unit", Missing: []string{"."}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, level := range []agreement.Level{agreement.Nominal, agreement.Ordinal, agreement.Interval, agreement.Ratio} {
		r, err := agreement.KrippendorffAlpha(d, agreement.AlphaConfig{Level: level})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%-8s alpha = %.3f (n = %d, excluded units %v)\n", level, r.Alpha, r.Values, r.Excluded)
	}
	// Output:
	// nominal  alpha = 0.743 (n = 40, excluded units [12])
	// ordinal  alpha = 0.815 (n = 40, excluded units [12])
	// interval alpha = 0.849 (n = 40, excluded units [12])
	// ratio    alpha = 0.797 (n = 40, excluded units [12])
}

func ExampleDisagreements() {
	d, _ := agreement.ReadWide(strings.NewReader(worked), agreement.WideOptions{Unit: "unit", Missing: []string{"."}})
	ds, _ := agreement.Disagreements(d)
	for _, u := range ds {
		fmt.Printf("line %d, unit %s: %q\n", u.Line, u.Unit, u.Codes)
	}
	// Output:
	// line 3, unit 2: ["2" "2" "3" "2"]
	// line 7, unit 6: ["1" "2" "3" "4"]
	// line 9, unit 8: ["1" "1" "2" "1"]
}

func ExampleBootstrapAlpha() {
	d, _ := agreement.ReadWide(strings.NewReader(worked), agreement.WideOptions{Unit: "unit", Missing: []string{"."}})
	iv, err := agreement.BootstrapAlpha(context.Background(), d,
		agreement.AlphaConfig{Level: agreement.Interval},
		agreement.BootstrapConfig{Resamples: 2000, Seed: 1}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%.0f%% interval from %d resamples: [%.2f, %.2f]\n", 100*iv.Confidence, iv.Resamples, iv.Low, iv.High)
	// Output:
	// 95% interval from 2000 resamples: [0.41, 1.00]
}

// Wikipedia's "Cohen's kappa" example: two readers of 50 grant proposals.
func ExampleCohenKappaLabels() {
	var a, b []string
	for _, c := range []struct {
		a, b string
		n    int
	}{{"yes", "yes", 20}, {"yes", "no", 5}, {"no", "yes", 10}, {"no", "no", 15}} {
		for i := 0; i < c.n; i++ {
			a, b = append(a, c.a), append(b, c.b)
		}
	}
	k, err := agreement.CohenKappaLabels(a, b, agreement.Unweighted)
	fmt.Printf("kappa = %.2f, err = %v\n", k, err)
	// Output:
	// kappa = 0.40, err = <nil>
}

// Wikipedia's "Fleiss' kappa" example: 10 subjects, 14 raters, 5 categories.
func ExampleFleissKappaTable() {
	k, err := agreement.FleissKappaTable([][]int{
		{0, 0, 0, 0, 14}, {0, 2, 6, 4, 2}, {0, 0, 3, 5, 6}, {0, 3, 9, 2, 0}, {2, 2, 8, 1, 1},
		{7, 7, 0, 0, 0}, {3, 2, 6, 3, 0}, {2, 5, 3, 2, 2}, {6, 5, 2, 1, 0}, {0, 2, 2, 3, 7},
	})
	fmt.Printf("kappa = %.3f, err = %v\n", k, err)
	// Output:
	// kappa = 0.210, err = <nil>
}

func ExamplePercentAgreement() {
	d, _ := agreement.ReadWide(strings.NewReader("a,b\npos,pos\nneg,pos\nneg,neg\npos,pos\n"), agreement.WideOptions{})
	p, _ := agreement.PercentAgreement(d)
	fmt.Printf("%.0f%% (%d of %d pairs)\n", p.Percent, p.Agreeing, p.Pairs)
	// Output:
	// 75% (3 of 4 pairs)
}

func ExampleFleissKappa() {
	d, _ := agreement.ReadLong(strings.NewReader(`unit,coder,code
t1,ann,pos
t1,bob,pos
t1,cat,neg
t2,ann,neg
t2,bob,neg
t2,cat,neg
t3,ann,pos
t3,bob,pos
t3,cat,pos
`), agreement.LongOptions{})
	r, err := agreement.FleissKappa(d)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("kappa = %.3f over %d units, %d raters each\n", r.Kappa, r.Units, r.Raters)
	// Output:
	// kappa = 0.550 over 3 units, 3 raters each
}

// A classifier's predictions against human labels; the empty prediction is
// dropped.
func ExampleCompareLabels() {
	pred := []string{"pos", "neg", "pos", "", "neg", "neg"}
	gold := []string{"pos", "neg", "neg", "pos", "neg", "pos"}
	r, err := agreement.CompareLabels(pred, gold)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("kappa %.3f, alpha %.3f, agreement %.0f%% on %d items (dropped %v)\n", r.Kappa, r.Alpha, r.Percent, r.Units, r.Dropped)
	// Output:
	// kappa 0.167, alpha 0.250, agreement 60% on 5 items (dropped [3])
}

func ExampleSummarize() {
	d, _ := agreement.ReadWide(strings.NewReader(worked), agreement.WideOptions{Unit: "unit", Missing: []string{"."}})
	s, err := agreement.Summarize(context.Background(), d, agreement.SummaryConfig{}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("alpha %.3f, %.1f%% agreement, %d units (%d pairable, %d values)\n", s.Alpha.Alpha, s.Percent.Percent, s.Units, s.PairableUnits, s.PairableValues)
	fmt.Println("Fleiss' kappa:", s.FleissErr)
	// Output:
	// alpha 0.743, 78.2% agreement, 12 units (11 pairable, 40 values)
	// Fleiss' kappa: line 3: unit "2" has 4 codes but line 2: unit "1" has 3: Fleiss' kappa needs every unit coded by the same number of coders (Krippendorff's alpha allows missing codes)
}

// Two coders rate sentiment on a 1-3 scale; unit u4 lacks coder b's code.
func ExampleCohenKappa() {
	d, _ := agreement.ReadWide(strings.NewReader("id,a,b\nu1,1,1\nu2,2,3\nu3,3,3\nu4,2,\nu5,1,2\n"), agreement.WideOptions{Unit: "id"})
	for _, w := range []agreement.Weights{agreement.Unweighted, agreement.Linear, agreement.Quadratic} {
		r, err := agreement.CohenKappa(d, w)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%-10s kappa = %.3f on %d units (dropped %v)\n", w, r.Kappa, r.Units, r.Dropped)
	}
	// Output:
	// unweighted kappa = 0.273 on 4 units (dropped [u4])
	// linear     kappa = 0.500 on 4 units (dropped [u4])
	// quadratic  kappa = 0.692 on 4 units (dropped [u4])
}
