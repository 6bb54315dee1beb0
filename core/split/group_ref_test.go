//go:build ref && !js

package split

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"textlab/internal/reftest"
)

// argsortScript prints np.argsort (the default kind, quicksort) of each

// stdScript prints np.std of each row (axis=1); Python's float repr
// round-trips, so the comparison is bit for bit.
const stdScript = `
import json, sys
import numpy as np
rows = json.load(sys.stdin)
print(json.dumps([float(np.std(np.array([r], dtype=float), axis=1)[0]) for r in rows]))
`

// TestStdMatchesNumPy checks npStd bit for bit against np.std on rows of
// 1 to 300 values (NumPy sums pairwise from 8 values on).
func TestStdMatchesNumPy(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var rows [][]float64
	for n := 1; n <= 300; n += 1 + n/20 {
		for range 3 {
			r := make([]float64, n)
			for i := range r {
				r[i] = float64(rng.IntN(50)) / float64(1+rng.IntN(9))
			}
			rows = append(rows, r)
		}
	}
	in, _ := json.Marshal(rows)
	var want []float64
	if err := json.Unmarshal(reftest.RunPython(t, stdScript, in), &want); err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if got := npStd(r, true); got != want[i] {
			t.Errorf("row %d (%d values): npStd = %v, np.std = %v", i, len(r), got, want[i])
		}
	}
}

// foldsScript runs scikit-learn's GroupKFold and StratifiedGroupKFold
// (shuffle=False) on each case and prints the test folds, or the error.
const foldsScript = `
import json, sys, warnings
import numpy as np
from sklearn.model_selection import GroupKFold, StratifiedGroupKFold
warnings.simplefilter("ignore")
out = []
for c in json.load(sys.stdin):
    y, g, k = np.array(c["labels"]), np.array(c["groups"]), c["k"]
    X = np.zeros((len(y), 1))
    r = {}
    for name, cv in [("plain", GroupKFold(n_splits=k)), ("strat", StratifiedGroupKFold(n_splits=k, shuffle=False))]:
        try:
            r[name] = [test.tolist() for _, test in cv.split(X, y, g)]
        except ValueError as e:
            r[name] = str(e)
    out.append(r)
json.dump(out, sys.stdout)
`

type foldCase struct {
	Name   string   `json:"-"`
	Labels []string `json:"labels"`
	Groups []string `json:"groups"`
	K      int      `json:"k"`
}

// genFoldCase makes nGroups groups whose sizes come from sizes (repeats
// make ties), class mixes of nClass classes (pure groups if pure), names
// in random order, examples in random order.
func genFoldCase(rng *rand.Rand, nGroups, nClass, k int, sizes []int, pure bool) foldCase {
	c := foldCase{Name: fmt.Sprintf("%d groups, %d classes, k=%d, pure=%v", nGroups, nClass, k, pure), K: k}
	for g := range nGroups {
		name := fmt.Sprintf("g%03d", rng.IntN(1000)*1000+g) // random name order
		size := sizes[rng.IntN(len(sizes))]
		main := rng.IntN(nClass)
		for range size {
			y := main
			if !pure && rng.IntN(3) == 0 {
				y = rng.IntN(nClass)
			}
			c.Labels = append(c.Labels, string(rune('a'+y)))
			c.Groups = append(c.Groups, name)
		}
	}
	rng.Shuffle(len(c.Labels), func(i, j int) {
		c.Labels[i], c.Labels[j] = c.Labels[j], c.Labels[i]
		c.Groups[i], c.Groups[j] = c.Groups[j], c.Groups[i]
	})
	return c
}

// TestGroupKFoldMatchesScikitLearn compares GroupKFold's test folds with
// scikit-learn 1.2's GroupKFold (NoStratify) and StratifiedGroupKFold
// (shuffle=False, the default here) on generated cases and on the State
// of the Union sample with presidents as groups.
func TestGroupKFoldMatchesScikitLearn(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	sizeSets := [][]int{
		{5},                 // all tied
		{1, 2, 3},           // small, many ties
		{3, 3, 3, 8, 8, 20}, // ties among big and small
		{1, 2, 3, 5, 8, 13, 21, 34},
		{10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20},
	}
	var cases []foldCase
	for i := range 240 {
		nGroups := []int{2, 3, 5, 8, 12, 16, 17, 18, 25, 40, 70}[rng.IntN(11)]
		k := 2 + rng.IntN(4)
		if i%20 == 19 {
			k = 6 + rng.IntN(5) // a few with more folds
		}
		if k > nGroups {
			k = nGroups
		}
		nClass := 2 + rng.IntN(3)
		if i%30 == 29 {
			nClass = 8 + rng.IntN(3) // many classes: NumPy sums pairwise
		}
		cases = append(cases, genFoldCase(rng, nGroups, nClass, k, sizeSets[rng.IntN(len(sizeSets))], rng.IntN(3) == 0))
	}
	// Tiny cases, where StratifiedGroupKFold can leave a fold empty.
	for range 150 {
		nGroups := 3 + rng.IntN(4)
		cases = append(cases, genFoldCase(rng, nGroups, 2+rng.IntN(2), 2+rng.IntN(nGroups-1), []int{1, 2, 3, 4}, false))
	}
	// StratifiedGroupKFold(4) leaves fold 2 empty here.
	cases = append(cases, foldCase{Name: "an empty fold", Labels: strings.Fields("1 1 1 1 1 1 0 0 0"), Groups: strings.Fields("0 0 0 0 1 1 2 2 3"), K: 4})
	// One class only, and more folds than groups.
	cases = append(cases, genFoldCase(rng, 20, 1, 3, []int{2, 4}, true))
	cases = append(cases, genFoldCase(rng, 40, 1, 9, []int{1, 3, 4, 7, 9}, true)) // NumPy sums 9 folds pairwise
	tooMany := genFoldCase(rng, 3, 2, 4, []int{5}, false)
	cases = append(cases, tooMany)
	sotu := readSOTU(t)
	for k := 2; k <= 10; k++ {
		cases = append(cases, foldCase{Name: fmt.Sprintf("sotu-party.csv k=%d", k), Labels: sotu.labels, Groups: sotu.groups, K: k})
	}

	in, _ := json.Marshal(cases)
	var want []struct{ Plain, Strat json.RawMessage }
	if err := json.Unmarshal(reftest.RunPython(t, foldsScript, in), &want); err != nil {
		t.Fatal(err)
	}
	compared, refused, empties := 0, 0, 0
	for i, c := range cases {
		for _, stratified := range []bool{false, true} {
			ref := want[i].Plain
			if stratified {
				ref = want[i].Strat
			}
			folds, err := GroupKFold(c.Labels, c.Groups, Config{K: c.K, NoStratify: !stratified})
			var msg string
			if json.Unmarshal(ref, &msg) == nil {
				if err == nil {
					t.Errorf("%s (stratified=%v): scikit-learn says %q, GroupKFold no error", c.Name, stratified, msg)
				}
				refused++
				t.Logf("%s (stratified=%v): %s; GroupKFold: %v", c.Name, stratified, msg, err)
				continue
			}
			var tests [][]int
			if err := json.Unmarshal(ref, &tests); err != nil {
				t.Fatal(err)
			}
			empty := slices.ContainsFunc(tests, func(f []int) bool { return len(f) == 0 })
			if len(slices.Compact(slices.Sorted(slices.Values(c.Groups)))) < c.K {
				if !errors.Is(err, ErrTooFewGroups) {
					t.Errorf("%s (stratified=%v): err = %v, want ErrTooFewGroups", c.Name, stratified, err)
				}
				continue
			}
			if empty {
				if !errors.Is(err, ErrEmptyFold) {
					t.Errorf("%s (stratified=%v): scikit-learn leaves a fold empty; err = %v, want ErrEmptyFold", c.Name, stratified, err)
				}
				empties++
				continue
			}
			if err != nil {
				t.Errorf("%s (stratified=%v): %v", c.Name, stratified, err)
				continue
			}
			for f := range tests {
				if !slices.Equal(folds[f].Test, tests[f]) {
					t.Errorf("%s (stratified=%v): fold %d test = %v, scikit-learn %v", c.Name, stratified, f, folds[f].Test, tests[f])
					break
				}
			}
			compared++
		}
	}
	t.Logf("%d fold sets identical to scikit-learn's; %d refused by both, %d with a fold scikit-learn leaves empty", compared, refused, empties)
}
