//go:build ref && !js

package agreement

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"textlab/internal/reftest"
)

// pairwiseAlpha is an independent Krippendorff's alpha in numpy: no
// coincidence matrix, but the pairwise-disagreement definition
//
//	D_o = 1/n Σ_u 1/(m_u-1) Σ_{i≠j in u} δ²(v_i, v_j)
//	D_e = 1/(n(n-1)) Σ_{i≠j over all pairable values} δ²(v_i, v_j)
//
// with the ordinal δ from the frequencies of the pairable values. Input:
// a JSON list of matrices (units × coders, null = missing, codes as
// strings); output: per matrix the alphas for the four levels (null when
// undefined).
const pairwiseAlpha = `
import json, sys
from collections import Counter
import numpy as np

def alphas(matrix):
    units = [[float(v) for v in u if v is not None] for u in matrix]
    units = [u for u in units if len(u) >= 2]
    vals = np.array([v for u in units for v in u])
    n = len(vals)
    if n < 2:
        return [None] * 4
    freq = Counter(vals.tolist())
    levels = sorted(freq)
    out = []
    for level in ("nominal", "ordinal", "interval", "ratio"):
        def d2(a, b):
            if a == b:
                return 0.0
            if level == "nominal":
                return 1.0
            if level == "interval":
                return (a - b) ** 2
            if level == "ratio":
                return ((a - b) / (a + b)) ** 2
            lo, hi = min(a, b), max(a, b)
            s = sum(freq[g] for g in levels if lo <= g <= hi) - (freq[a] + freq[b]) / 2.0
            return s * s
        table = {(a, b): d2(a, b) for a in levels for b in levels}
        do = 0.0
        for u in units:
            s = sum(table[(u[i], u[j])] for i in range(len(u)) for j in range(len(u)) if i != j)
            do += s / (len(u) - 1)
        do /= n
        D = np.array([[table[(a, b)] for b in vals.tolist()] for a in vals.tolist()])
        de = D.sum() / (n * (n - 1))
        out.append(None if de == 0 else 1.0 - do / de)
    return out

print(json.dumps([alphas(m) for m in json.load(sys.stdin)]))
`

func TestAlphaAgainstPairwiseReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(2011, 1))
	mats := [][][]*string{toJSONMatrix(matrixData(krippendorff2011))}
	datas := []*Data{matrixData(krippendorff2011)}
	for c := 0; c < 150; c++ {
		coders := 2 + rng.IntN(5)
		units := 1 + rng.IntN(30)
		k := 1 + rng.IntN(6)
		missing := rng.Float64() * 0.5
		half := rng.IntN(3) == 0 // codes in steps of 0.5
		d := &Data{}
		for j := 0; j < coders; j++ {
			d.Coders = append(d.Coders, "c"+strconv.Itoa(j))
		}
		for u := 0; u < units; u++ {
			unit := Unit{ID: strconv.Itoa(u + 1)}
			base := rng.IntN(k) // coders tend to agree around a unit value
			for j := 0; j < coders; j++ {
				code := ""
				if rng.Float64() >= missing {
					v := base
					if rng.IntN(3) == 0 {
						v = rng.IntN(k)
					}
					if half {
						code = strconv.FormatFloat(float64(v)/2, 'g', -1, 64)
					} else {
						code = strconv.Itoa(v)
					}
				}
				unit.Codes = append(unit.Codes, code)
			}
			d.Units = append(d.Units, unit)
		}
		datas = append(datas, d)
		mats = append(mats, toJSONMatrix(d))
	}
	in, err := json.Marshal(mats)
	if err != nil {
		t.Fatal(err)
	}
	var want [][]*float64
	if err := json.Unmarshal(reftest.RunPython(t, pairwiseAlpha, in), &want); err != nil {
		t.Fatal(err)
	}
	var maxDiff float64
	defined := 0
	for i, d := range datas {
		for li, level := range []Level{Nominal, Ordinal, Interval, Ratio} {
			r, err := KrippendorffAlpha(d, AlphaConfig{Level: level})
			w := want[i][li]
			if w == nil {
				if !errors.Is(err, ErrUndefined) {
					t.Errorf("case %d %v: reference undefined, Go alpha %v err %v", i, level, r, err)
				}
				continue
			}
			if err != nil {
				t.Errorf("case %d %v: %v (reference %v)", i, level, err, *w)
				continue
			}
			defined++
			diff := math.Abs(r.Alpha - *w)
			maxDiff = math.Max(maxDiff, diff)
			if diff > 1e-12 {
				t.Errorf("case %d %v: alpha %.15f, reference %.15f", i, level, r.Alpha, *w)
			}
			if i == 0 {
				t.Logf("Krippendorff (2011) worked example, %v: Go %.12f, numpy pairwise %.12f", level, r.Alpha, *w)
			}
		}
	}
	t.Logf("%d defined alphas over %d matrices, max |Go - numpy| = %.3g", defined, len(datas), maxDiff)
	if defined < 400 {
		t.Errorf("only %d defined cases: the generator is too degenerate", defined)
	}
}

func toJSONMatrix(d *Data) [][]*string {
	m := make([][]*string, len(d.Units))
	for i, u := range d.Units {
		m[i] = make([]*string, len(u.Codes))
		for j := range u.Codes {
			if u.Codes[j] != "" {
				m[i][j] = &u.Codes[j]
			}
		}
	}
	return m
}

// sklearnKappa runs scikit-learn's cohen_kappa_score with the three
// weightings on each case ({"a": [...], "b": [...], "numeric": bool});
// numeric labels are passed as numbers, as a user's integer labels would
// be. NaN (undefined) comes back as null.
const sklearnKappa = `
import json, sys, math, warnings
from sklearn.metrics import cohen_kappa_score
warnings.simplefilter("ignore")
out = []
for c in json.load(sys.stdin):
    a, b = c["a"], c["b"]
    if c["numeric"]:
        a, b = [int(x) for x in a], [int(x) for x in b]
    row = []
    for w in (None, "linear", "quadratic"):
        k = float(cohen_kappa_score(a, b, weights=w))
        row.append(None if math.isnan(k) else k)
    out.append(row)
print(json.dumps(out))
`

func TestCohenKappaAgainstSklearn(t *testing.T) {
	type kcase struct {
		A       []string `json:"a"`
		B       []string `json:"b"`
		Numeric bool     `json:"numeric"`
	}
	words := []string{"pos", "neg", "neutral", "Mixed", "ünklar", "10", "9"}
	rng := rand.New(rand.NewPCG(1960, 2))
	var cases []kcase
	for c := 0; c < 400; c++ {
		n := 1 + rng.IntN(60)
		k := 1 + rng.IntN(6)
		numeric := rng.IntN(2) == 0
		label := func() string {
			if numeric {
				return strconv.Itoa(rng.IntN(k)*7 - 10) // -10, -3, 4, 11, ...: numeric order differs from string order
			}
			return words[rng.IntN(min(k, len(words)))]
		}
		kc := kcase{Numeric: numeric}
		for i := 0; i < n; i++ {
			x := label()
			y := x
			if rng.IntN(2) == 0 {
				y = label()
			}
			kc.A, kc.B = append(kc.A, x), append(kc.B, y)
		}
		cases = append(cases, kc)
	}
	in, err := json.Marshal(cases)
	if err != nil {
		t.Fatal(err)
	}
	var want [][]*float64
	if err := json.Unmarshal(reftest.RunPython(t, sklearnKappa, in), &want); err != nil {
		t.Fatal(err)
	}
	var maxDiff float64
	defined := 0
	for i, c := range cases {
		for wi, w := range []Weights{Unweighted, Linear, Quadratic} {
			got, err := CohenKappaLabels(c.A, c.B, w)
			if want[i][wi] == nil {
				if !errors.Is(err, ErrUndefined) {
					t.Errorf("case %d %v: sklearn NaN, Go %v err %v", i, w, got, err)
				}
				continue
			}
			if err != nil {
				t.Errorf("case %d %v: %v (sklearn %v)", i, w, err, *want[i][wi])
				continue
			}
			defined++
			diff := math.Abs(got - *want[i][wi])
			maxDiff = math.Max(maxDiff, diff)
			if diff > 1e-12 {
				t.Errorf("case %d %v: kappa %.15f, sklearn %.15f\n%v\n%v", i, w, got, *want[i][wi], c.A, c.B)
			}
		}
	}
	t.Logf("%d defined kappas (%d cases × 3 weightings), max |Go - sklearn| = %.3g", defined, len(cases), maxDiff)
	if defined < 900 {
		t.Errorf("only %d defined cases", defined)
	}
}

// fleissRef is Fleiss' kappa written from the raw ratings in numpy (each
// unit a list of category labels), for checking FleissKappa's table
// building as well as the formula.
const fleissRef = `
import json, sys
import numpy as np
out = []
for units in json.load(sys.stdin):
    cats = sorted({c for u in units for c in u})
    m = len(units[0])
    X = np.array([[u.count(c) for c in cats] for u in units], dtype=float)
    P = ((X * X).sum(axis=1) - m) / (m * (m - 1))
    p = X.sum(axis=0) / X.sum()
    pe = (p * p).sum()
    out.append(None if pe == 1 else (P.mean() - pe) / (1 - pe))
print(json.dumps(out))
`

func TestFleissAgainstNumpy(t *testing.T) {
	rng := rand.New(rand.NewPCG(1971, 3))
	var datas []*Data
	var raw [][][]string
	for c := 0; c < 100; c++ {
		m := 2 + rng.IntN(8)
		units := 1 + rng.IntN(25)
		k := 1 + rng.IntN(5)
		d := &Data{}
		for j := 0; j < m; j++ {
			d.Coders = append(d.Coders, strconv.Itoa(j))
		}
		var units3 [][]string
		for u := 0; u < units; u++ {
			unit := Unit{ID: strconv.Itoa(u)}
			base := rng.IntN(k)
			for j := 0; j < m; j++ {
				v := base
				if rng.IntN(2) == 0 {
					v = rng.IntN(k)
				}
				unit.Codes = append(unit.Codes, string(rune('a'+v)))
			}
			d.Units = append(d.Units, unit)
			units3 = append(units3, unit.Codes)
		}
		datas = append(datas, d)
		raw = append(raw, units3)
	}
	in, _ := json.Marshal(raw)
	var want []*float64
	if err := json.Unmarshal(reftest.RunPython(t, fleissRef, in), &want); err != nil {
		t.Fatal(err)
	}
	var maxDiff float64
	for i, d := range datas {
		r, err := FleissKappa(d)
		if want[i] == nil {
			if !errors.Is(err, ErrUndefined) {
				t.Errorf("case %d: numpy undefined, Go %v %v", i, r, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		diff := math.Abs(r.Kappa - *want[i])
		maxDiff = math.Max(maxDiff, diff)
		if diff > 1e-12 {
			t.Errorf("case %d: kappa %v, numpy %v", i, r.Kappa, *want[i])
		}
	}
	t.Logf("max |Go - numpy| Fleiss = %.3g over %d cases", maxDiff, len(datas))
}
