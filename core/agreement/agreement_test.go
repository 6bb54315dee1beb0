package agreement

import (
	"context"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
)

// krippendorff2011 is the reliability data matrix of the worked example in
// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability",
// section C (nominal data, four observers, twelve units, missing values);
// "." marks a missing value as in the paper. Rows are the observers A-D.
var krippendorff2011 = [][]string{
	{"1", "2", "3", "3", "2", "1", "4", "1", "2", ".", ".", "."},
	{"1", "2", "3", "3", "2", "2", "4", "1", "2", "5", ".", "3"},
	{".", "3", "3", "3", "2", "3", "4", "2", "2", "5", "1", "."},
	{"1", "2", "3", "3", "2", "4", "4", "1", "2", "5", "1", "."},
}

// matrixData turns coder rows into Data, "." meaning missing.
func matrixData(rows [][]string) *Data {
	d := &Data{}
	for i := range rows {
		d.Coders = append(d.Coders, string(rune('A'+i)))
	}
	for u := range rows[0] {
		unit := Unit{ID: strconv.Itoa(u + 1), Line: u + 2}
		for i := range rows {
			c := rows[i][u]
			if c == "." {
				c = ""
			}
			unit.Codes = append(unit.Codes, c)
		}
		d.Units = append(d.Units, unit)
	}
	return d
}

func TestKrippendorffWorkedExample(t *testing.T) {
	d := matrixData(krippendorff2011)
	// Published values: Krippendorff (2011), sections C-F, to three digits.
	tests := []struct {
		level Level
		want  float64
	}{
		{Nominal, 0.743},
		{Ordinal, 0.815},
		{Interval, 0.849},
		{Ratio, 0.797},
	}
	for _, tt := range tests {
		t.Run(tt.level.String(), func(t *testing.T) {
			r, err := KrippendorffAlpha(d, AlphaConfig{Level: tt.level})
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(r.Alpha-tt.want) > 0.0005 {
				t.Errorf("alpha = %.6f, paper says %.3f", r.Alpha, tt.want)
			}
			// Unit 12 holds a single value: not pairable.
			if len(r.Excluded) != 1 || r.Excluded[0] != "12" {
				t.Errorf("excluded = %v, want [12]", r.Excluded)
			}
			if r.Values != 40 || r.Units != 11 {
				t.Errorf("n = %d values in %d units, want 40 in 11", r.Values, r.Units)
			}
		})
	}
}

func TestKrippendorffCoincidence(t *testing.T) {
	// The paper's nominal coincidence matrix has marginals n_1..n_5 =
	// 9, 13, 10, 5, 3, n = 40 and o_11 = 7 (units 1, 8 and 11 add 3, 2, 2). We check
	// marginals, symmetry and o_11.
	r, err := KrippendorffAlpha(matrixData(krippendorff2011), AlphaConfig{})
	if err != nil {
		t.Fatal(err)
	}
	c := r.Coincidence
	want := []float64{9, 13, 10, 5, 3}
	if strings.Join(c.Values, ",") != "1,2,3,4,5" {
		t.Fatalf("values = %v", c.Values)
	}
	for i := range want {
		if math.Abs(c.Marginals[i]-want[i]) > 1e-12 {
			t.Errorf("n_%s = %v, want %v", c.Values[i], c.Marginals[i], want[i])
		}
		for j := range want {
			if math.Abs(c.Counts[i][j]-c.Counts[j][i]) > 1e-12 {
				t.Errorf("o[%d][%d] != o[%d][%d]", i, j, j, i)
			}
		}
	}
	if math.Abs(c.Counts[0][0]-7) > 1e-12 {
		t.Errorf("o_11 = %v", c.Counts[0][0])
	}
}

// wide builds Data from coder rows given as strings of one-character codes,
// "." meaning missing: wide("11.", "12.") has coders A, B and three units.
func wide(rows ...string) *Data {
	m := make([][]string, len(rows))
	for i, r := range rows {
		for _, c := range r {
			m[i] = append(m[i], string(c))
		}
	}
	return matrixData(m)
}

func TestKrippendorffOrdinalOrder(t *testing.T) {
	// Ranking words by an explicit order must give the same alpha as the
	// numbers they stand for.
	words := map[string]string{"1": "none", "2": "low", "3": "mid", "4": "high", "5": "top"}
	num := matrixData(krippendorff2011)
	named := matrixData(krippendorff2011)
	for _, u := range named.Units {
		for j, c := range u.Codes {
			if c != "" {
				u.Codes[j] = words[c]
			}
		}
	}
	want, err := KrippendorffAlpha(num, AlphaConfig{Level: Ordinal})
	if err != nil {
		t.Fatal(err)
	}
	got, err := KrippendorffAlpha(named, AlphaConfig{Level: Ordinal, Order: []string{"none", "low", "mid", "high", "top"}})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got.Alpha-want.Alpha) > 1e-15 {
		t.Errorf("ordinal alpha with order = %v, numeric = %v", got.Alpha, want.Alpha)
	}
	if _, err := KrippendorffAlpha(named, AlphaConfig{Level: Ordinal, Order: []string{"none", "low"}}); err == nil || !strings.Contains(err.Error(), `"mid"`) {
		t.Errorf("code outside the order: err = %v", err)
	}
	if _, err := KrippendorffAlpha(named, AlphaConfig{Level: Ordinal}); err == nil {
		t.Error("ordinal words without an order: no error")
	}
}

func TestAlphaEdgeCases(t *testing.T) {
	tests := []struct {
		name      string
		d         *Data
		level     Level
		want      float64
		undefined bool
		errHas    string
	}{
		{name: "perfect agreement", d: wide("1122", "1122"), want: 1},
		{name: "perfect agreement interval", d: wide("1139", "1139", "11.9"), level: Interval, want: 1},
		{name: "single category", d: wide("1111", "1111"), undefined: true},
		{name: "single category with a lone other value", d: wide("111.", "1112"), undefined: true},
		{name: "all missing", d: wide("....", "...."), undefined: true},
		{name: "every unit coded once", d: wide("1.2.", ".3.4"), undefined: true},
		// Systematic disagreement: two units, two values, never equal.
		// o_12 = o_21 = 2, n = 4: alpha = 1 - 3*4/(2*2*2) = -0.5.
		{name: "systematic disagreement", d: wide("12", "21"), want: -0.5},
		{name: "interval needs numbers", d: wide("1x", "12"), level: Interval, errHas: `line 3: unit "2", coder "A": code "x" is not a number`},
		{name: "ratio needs non-negative", d: &Data{Coders: []string{"A", "B"}, Units: []Unit{{ID: "u", Codes: []string{"-1", "2"}}}}, level: Ratio, errHas: `unit "u", coder "A": code "-1" is negative`},
		{name: "one coder", d: wide("12"), errHas: "at least two coders"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := KrippendorffAlpha(tt.d, AlphaConfig{Level: tt.level})
			switch {
			case tt.undefined:
				if !errors.Is(err, ErrUndefined) {
					t.Fatalf("err = %v, want ErrUndefined", err)
				}
			case tt.errHas != "":
				if err == nil || !strings.Contains(err.Error(), tt.errHas) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.errHas)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
				if math.Abs(r.Alpha-tt.want) > 1e-12 {
					t.Errorf("alpha = %v, want %v", r.Alpha, tt.want)
				}
			}
		})
	}
}

func TestLoneCodeIsExcluded(t *testing.T) {
	// Adding a unit coded once (or not at all) must not change alpha.
	base := matrixData(krippendorff2011)
	base.Units = base.Units[:11]
	want, err := KrippendorffAlpha(base, AlphaConfig{Level: Interval})
	if err != nil {
		t.Fatal(err)
	}
	for _, extra := range [][]string{{"", "", "9", ""}, {"", "", "", ""}} {
		d := &Data{Coders: base.Coders, Units: append(append([]Unit(nil), base.Units...), Unit{ID: "x", Codes: extra})}
		got, err := KrippendorffAlpha(d, AlphaConfig{Level: Interval})
		if err != nil {
			t.Fatal(err)
		}
		if got.Alpha != want.Alpha || len(got.Excluded) != 1 || got.Excluded[0] != "x" {
			t.Errorf("with lone unit %q: alpha %v excluded %v; without: %v", extra, got.Alpha, got.Excluded, want.Alpha)
		}
	}
}

func TestFleissWikipedia(t *testing.T) {
	// The worked example of Wikipedia's "Fleiss' kappa" article: 10
	// subjects, 14 raters, 5 categories; the article gives P̄ = 0.378,
	// P̄e = 0.213 and kappa = 0.210.
	table := [][]int{
		{0, 0, 0, 0, 14},
		{0, 2, 6, 4, 2},
		{0, 0, 3, 5, 6},
		{0, 3, 9, 2, 0},
		{2, 2, 8, 1, 1},
		{7, 7, 0, 0, 0},
		{3, 2, 6, 3, 0},
		{2, 5, 3, 2, 2},
		{6, 5, 2, 1, 0},
		{0, 2, 2, 3, 7},
	}
	k, err := FleissKappaTable(table)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(k-0.210) > 0.0005 {
		t.Errorf("kappa = %.5f, Wikipedia says 0.210", k)
	}
	// The same data as a matrix of 14 coders must give the same kappa.
	d := &Data{}
	for i := 0; i < 14; i++ {
		d.Coders = append(d.Coders, "r"+strconv.Itoa(i))
	}
	for s, row := range table {
		u := Unit{ID: strconv.Itoa(s + 1)}
		for cat, n := range row {
			for ; n > 0; n-- {
				u.Codes = append(u.Codes, string(rune('a'+cat)))
			}
		}
		d.Units = append(d.Units, u)
	}
	r, err := FleissKappa(d)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(r.Kappa-k) > 1e-15 || r.Units != 10 || r.Raters != 14 {
		t.Errorf("FleissKappa = %+v, table gives %v", r, k)
	}
}

func TestFleissErrors(t *testing.T) {
	tests := []struct {
		name      string
		table     [][]int
		undefined bool
		errHas    string
	}{
		{name: "empty", errHas: "empty table"},
		{name: "ragged", table: [][]int{{1, 1}, {2}}, errHas: "row 2 has 1 categories"},
		{name: "unequal raters", table: [][]int{{1, 1}, {2, 1}}, errHas: "row 2 has 3 ratings"},
		{name: "negative", table: [][]int{{3, -1}}, errHas: "negative count"},
		{name: "one category", table: [][]int{{2, 0}, {2, 0}}, undefined: true},
		{name: "one rater", table: [][]int{{1, 0}, {0, 1}}, undefined: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FleissKappaTable(tt.table)
			if tt.undefined {
				if !errors.Is(err, ErrUndefined) {
					t.Fatalf("err = %v, want ErrUndefined", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.errHas) {
				t.Fatalf("err = %v, want %q", err, tt.errHas)
			}
		})
	}
	// Missing codes: the worked example's units have 3 and 4 codes.
	_, err := FleissKappa(matrixData(krippendorff2011))
	if err == nil || !strings.Contains(err.Error(), `line 3: unit "2" has 4 codes but line 2: unit "1" has 3`) {
		t.Errorf("missing codes: err = %v", err)
	}
}

func TestCohenKappa(t *testing.T) {
	// Wikipedia's "Cohen's kappa" example: 50 grant proposals, both say
	// yes 20, A yes B no 5, A no B yes 10, both no 15: p_o = 0.7,
	// p_e = 0.5, kappa = 0.4.
	var a, b []string
	add := func(x, y string, n int) {
		for ; n > 0; n-- {
			a, b = append(a, x), append(b, y)
		}
	}
	add("yes", "yes", 20)
	add("yes", "no", 5)
	add("no", "yes", 10)
	add("no", "no", 15)
	k, err := CohenKappaLabels(a, b, Unweighted)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(k-0.4) > 1e-12 {
		t.Errorf("kappa = %v, want 0.4", k)
	}
	// Two labels: linear and quadratic weights equal the unweighted ones.
	for _, w := range []Weights{Linear, Quadratic} {
		if kw, _ := CohenKappaLabels(a, b, w); math.Abs(kw-k) > 1e-12 {
			t.Errorf("%v kappa = %v, want %v", w, kw, k)
		}
	}
	// Weighted kappa by hand: codes 1,2,3 for A and 1,3,3 for B (ranks
	// 0,1,2). Confusion: (1,1),(2,3),(3,3); row sums A 1,1,1, column
	// sums B 1,0,2; E = outer/3. Linear: Σ W∘C = 1, Σ W∘E = (1*0*1 +
	// 1*2*2 + 1*1*1 + 1*2*1 + 1*1*2 + 1*0*1)/3 = 9/3 = 3; kappa = 2/3.
	kl, err := CohenKappaLabels([]string{"1", "2", "3"}, []string{"1", "3", "3"}, Linear)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(kl-2.0/3) > 1e-12 {
		t.Errorf("linear kappa = %v, want 2/3", kl)
	}
	if _, err := CohenKappaLabels([]string{"x", "x"}, []string{"x", "x"}, Unweighted); !errors.Is(err, ErrUndefined) {
		t.Errorf("one label: err = %v, want ErrUndefined", err)
	}
	if _, err := CohenKappaLabels([]string{"x"}, nil, Unweighted); err == nil {
		t.Error("unequal lengths: no error")
	}
	// On Data: units with a missing code are dropped and listed.
	r, err := CohenKappa(wide("12.1", "1222"), Unweighted)
	if err != nil {
		t.Fatal(err)
	}
	if r.Units != 3 || len(r.Dropped) != 1 || r.Dropped[0] != "3" {
		t.Errorf("units %d dropped %v, want 3 and [3]", r.Units, r.Dropped)
	}
	if _, err := CohenKappa(matrixData(krippendorff2011), Unweighted); err == nil {
		t.Error("four coders: no error")
	}
}

func TestLabelSortOrder(t *testing.T) {
	// Numeric labels rank by value ("10" after "9"), others as strings;
	// linear weights depend on it: B's 10 is one rank from 9, two from 2.
	k1, _ := CohenKappaLabels([]string{"2", "9", "10", "2"}, []string{"9", "10", "2", "2"}, Linear)
	k2, _ := CohenKappaLabels([]string{"a", "b", "c", "a"}, []string{"b", "c", "a", "a"}, Linear)
	if math.Abs(k1-k2) > 1e-15 {
		t.Errorf("numeric ranks 2<9<10 give %v, a<b<c gives %v", k1, k2)
	}
}

func TestPercentAgreement(t *testing.T) {
	tests := []struct {
		name      string
		d         *Data
		pairs     int
		agreeing  int
		undefined bool
	}{
		// unit 1: 3 equal pairs; unit 2: one pair, unequal; unit 3: lone.
		{name: "three coders", d: wide("112", "12.", "1.."), pairs: 4, agreeing: 3},
		{name: "two coders", d: wide("1234", "1244"), pairs: 4, agreeing: 3},
		// Krippendorff's example by hand: units 1-11 hold 3, 6 (x8), 3
		// and 1 pairs = 55; agreeing 3+3+6+6+6+0+6+3+6+3+1 = 43.
		{name: "worked example", d: matrixData(krippendorff2011), pairs: 55, agreeing: 43},
		{name: "nothing pairable", d: wide("1.", ".2"), undefined: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := PercentAgreement(tt.d)
			if tt.undefined {
				if !errors.Is(err, ErrUndefined) {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Pairs != tt.pairs || r.Agreeing != tt.agreeing || math.Abs(r.Percent-100*float64(tt.agreeing)/float64(tt.pairs)) > 1e-12 {
				t.Errorf("got %+v, want %d of %d", r, tt.agreeing, tt.pairs)
			}
		})
	}
}

func TestDisagreements(t *testing.T) {
	ds, err := Disagreements(matrixData(krippendorff2011))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range ds {
		ids = append(ids, d.Unit)
	}
	// Units 2 (2,2,3,2), 6 (1,2,3,4) and 8 (1,1,2,1) hold different codes.
	if strings.Join(ids, ",") != "2,6,8" {
		t.Errorf("disagreements in units %v, want 2,6,8", ids)
	}
	if strings.Join(ds[2].Codes, ",") != "1,1,2,1" || ds[2].Line != 9 {
		t.Errorf("unit 8: %+v", ds[2])
	}
}

func TestBootstrap(t *testing.T) {
	d := matrixData(krippendorff2011)
	a, err := KrippendorffAlpha(d, AlphaConfig{Level: Interval})
	if err != nil {
		t.Fatal(err)
	}
	var calls int
	cfg := BootstrapConfig{Resamples: 500, Seed: 7}
	iv, err := BootstrapAlpha(context.Background(), d, AlphaConfig{Level: Interval}, cfg, func(f float64, _ string) { calls++ })
	if err != nil {
		t.Fatal(err)
	}
	if !(iv.Low <= a.Alpha && a.Alpha <= iv.High && iv.Low < iv.High) || iv.High > 1 {
		t.Errorf("interval [%v, %v] vs alpha %v", iv.Low, iv.High, a.Alpha)
	}
	if iv.Resamples != 500 || iv.Confidence != 0.95 || calls == 0 {
		t.Errorf("interval %+v, %d progress calls", iv, calls)
	}
	again, _ := BootstrapAlpha(context.Background(), d, AlphaConfig{Level: Interval}, cfg, nil)
	if *again != *iv {
		t.Errorf("same seed, different interval: %+v and %+v", again, iv)
	}
	cfg.Seed = 8
	other, _ := BootstrapAlpha(context.Background(), d, AlphaConfig{Level: Interval}, cfg, nil)
	if *other == *iv {
		t.Errorf("seeds 7 and 8 give the same interval %+v", iv)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := BootstrapAlpha(ctx, d, AlphaConfig{}, cfg, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
	if _, err := BootstrapAlpha(context.Background(), d, AlphaConfig{}, BootstrapConfig{Resamples: -1}, nil); err == nil {
		t.Error("negative resamples: no error")
	}
	if _, err := BootstrapAlpha(context.Background(), wide("11", "11"), AlphaConfig{}, BootstrapConfig{}, nil); !errors.Is(err, ErrUndefined) {
		t.Errorf("single category: err = %v", err)
	}
}

func TestQuantile(t *testing.T) {
	// numpy.percentile([1, 2, 3, 4], [0, 25, 50, 100]) = 1, 1.75, 2.5, 4.
	x := []float64{1, 2, 3, 4}
	for _, tt := range []struct{ q, want float64 }{{0, 1}, {0.25, 1.75}, {0.5, 2.5}, {1, 4}} {
		if got := quantile(x, tt.q); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("quantile(%v) = %v, want %v", tt.q, got, tt.want)
		}
	}
}

func TestCompareLabels(t *testing.T) {
	pred := []string{"pos", "neg", "pos", "", "neg", "neg"}
	gold := []string{"pos", "neg", "neg", "pos", "neg", "pos"}
	r, err := CompareLabels(pred, gold)
	if err != nil {
		t.Fatal(err)
	}
	k, _ := CohenKappaLabels([]string{"pos", "neg", "pos", "neg", "neg"}, []string{"pos", "neg", "neg", "neg", "pos"}, Unweighted)
	if r.Units != 5 || len(r.Dropped) != 1 || r.Dropped[0] != 3 || r.Kappa != k || r.Percent != 60 {
		t.Errorf("got %+v, want kappa %v on 5 units, 60%%", r, k)
	}
	// Nominal alpha by hand: o_pos,pos = 2, o_neg,neg = 4, o_pos,neg =
	// o_neg,pos = 2; n_pos = 4, n_neg = 6, n = 10:
	// alpha = 1 - 9*4 / (4*6*2) = 0.25.
	if math.Abs(r.Alpha-0.25) > 1e-12 {
		t.Errorf("alpha = %v, want 0.25", r.Alpha)
	}
	if _, err := CompareLabels([]string{"a"}, nil); err == nil {
		t.Error("unequal lengths: no error")
	}
}

func TestAlphaOverflow(t *testing.T) {
	// Squared differences of 1e200 overflow: an error, not NaN.
	_, err := KrippendorffAlpha(wide("12", "12"), AlphaConfig{})
	if err != nil {
		t.Fatal(err)
	}
	d := &Data{Coders: []string{"a", "b"}, Units: []Unit{{ID: "1", Codes: []string{"1e200", "-1e200"}}, {ID: "2", Codes: []string{"1", "2"}}}}
	if _, err := KrippendorffAlpha(d, AlphaConfig{Level: Interval}); err == nil || !strings.Contains(err.Error(), "too large") {
		t.Errorf("err = %v", err)
	}
}

func TestFleissSkipsUnpairable(t *testing.T) {
	// Units with fewer than two codes are skipped; the rest all have 2.
	// Two coders, no missing: Fleiss' kappa on 1,1 / 2,2 / 1,2 is
	// P̄ = 2/3, p = (1/2, 1/2), P̄e = 1/2, kappa = (2/3-1/2)/(1/2) = 1/3.
	// Every unit coded twice, by different pairs of coders: allowed;
	// units (1,1), (2,1), (2,2) give the same 1/3.
	r, err := FleissKappa(wide("12.", "1.2", ".12"))
	if err != nil || math.Abs(r.Kappa-1.0/3) > 1e-12 {
		t.Fatalf("kappa %v, err %v; want 1/3", r, err)
	}
	d := wide("121.3", "122..")
	r, err = FleissKappa(d)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(r.Kappa-1.0/3) > 1e-12 || strings.Join(r.Skipped, ",") != "4,5" || r.Units != 3 || r.Raters != 2 {
		t.Errorf("got %+v, want kappa 1/3 on 3 units, skipped 4,5", r)
	}
}
