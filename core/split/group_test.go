package split

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// groupedData makes labeled examples in groups: sizes[i] examples in group
// "g<i>", of class classOf(i, j) for its j-th example, shuffled with seed so
// that a group's examples are scattered through the data.
func groupedData(sizes []int, classOf func(group, j int) string, seed uint64) (labels, groups []string) {
	for g, n := range sizes {
		for j := range n {
			labels = append(labels, classOf(g, j))
			groups = append(groups, fmt.Sprintf("g%d", g))
		}
	}
	r := rand.New(rand.NewPCG(seed, 0))
	r.Shuffle(len(labels), func(i, j int) {
		labels[i], labels[j] = labels[j], labels[i]
		groups[i], groups[j] = groups[j], groups[i]
	})
	return labels, groups
}

// sizesBetween returns n group sizes drawn from [lo, hi].
func sizesBetween(n, lo, hi int, seed uint64) []int {
	r := rand.New(rand.NewPCG(seed, 1))
	s := make([]int, n)
	for i := range s {
		s[i] = lo + r.IntN(hi-lo+1)
	}
	return s
}

// pure gives every example of group g the class classes[g % len(classes)].
func pure(classes ...string) func(g, j int) string {
	return func(g, _ int) string { return classes[g%len(classes)] }
}

// checkGroups fails unless no group has examples on both sides of s.
func checkGroups(t *testing.T, s Split, groups []string) {
	t.Helper()
	side := map[string]bool{} // group -> in test
	for _, i := range s.Test {
		side[groups[i]] = true
	}
	for _, i := range s.Train {
		if side[groups[i]] {
			t.Fatalf("group %q is in both the training and the test set", groups[i])
		}
	}
}

func TestGroupHoldOut(t *testing.T) {
	// slack says how far from its target the test set may be, and why.
	type slack int
	const (
		halfLargest      slack = iota // |test - round(n f)| <= largest group / 2 (NoStratify)
		halfLargestClass              // each class within half its largest group of its target (pure groups)
		exact                         // singleton groups: the target is reachable
	)
	tests := []struct {
		name   string
		sizes  []int
		class  func(g, j int) string
		cfg    Config
		within slack
	}{
		// Balanced sizes (8 to 12, about 400 examples): the end state
		// allows at most half the largest group (6 examples) off the
		// target, 1.5 points of test share; stratified, 6 per class.
		{"balanced, not stratified", sizesBetween(40, 8, 12, 1), pure("a", "b"), Config{TestFraction: 0.2, NoStratify: true, Seed: 1}, halfLargest},
		{"balanced, stratified", sizesBetween(40, 8, 12, 2), pure("a", "b", "b"), Config{TestFraction: 0.2, Seed: 2}, halfLargestClass},
		{"default 7:3", sizesBetween(25, 5, 30, 3), pure("x", "y"), Config{Seed: 3}, halfLargestClass},
		{"mixed groups, not stratified", sizesBetween(30, 1, 20, 4), func(g, j int) string { return []string{"a", "b", "c"}[(g+j)%3] }, Config{NoStratify: true, Seed: 4}, halfLargest},
		{"uneven sizes", []int{1, 2, 3, 50, 7, 7, 7, 100, 4, 30}, pure("a", "b"), Config{TestFraction: 0.25, NoStratify: true, Seed: 5}, halfLargest},
		{"one example per group", slices.Repeat([]int{1}, 97), pure("a", "b", "b", "c"), Config{TestFraction: 0.3, Seed: 6}, exact},
		{"two groups", []int{10, 3}, pure("a", "b"), Config{TestFraction: 0.5}, halfLargest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			labels, groups := groupedData(tt.sizes, tt.class, 9)
			s, err := GroupHoldOut(labels, groups, tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			checkPartition(t, s, len(labels))
			checkGroups(t, s, groups)
			if len(s.Train) == 0 || len(s.Test) == 0 {
				t.Fatalf("%d train, %d test: both need examples", len(s.Train), len(s.Test))
			}
			frac := cmpOr(tt.cfg.TestFraction, DefaultTestFraction)
			nTest := int(math.Round(float64(len(labels)) * frac))
			names, classes := byClass(labels)
			quota := allocate(classes, nTest)
			tc := count(labels, s.Test)
			switch tt.within {
			case halfLargest:
				if d := math.Abs(float64(len(s.Test) - nTest)); d > float64(slices.Max(tt.sizes))/2 {
					t.Errorf("test size %d, target %d: off by more than half the largest group (%d)", len(s.Test), nTest, slices.Max(tt.sizes))
				}
			case halfLargestClass:
				for c, name := range names {
					largest := 0
					for g, n := range tt.sizes {
						if tt.class(g, 0) == name {
							largest = max(largest, n)
						}
					}
					if d := math.Abs(float64(tc[name] - quota[c])); d > float64(largest)/2 {
						t.Errorf("class %s: %d in test, target %d: off by more than half its largest group (%d)", name, tc[name], quota[c], largest)
					}
				}
			case exact:
				for c, name := range names {
					if tc[name] != quota[c] {
						t.Errorf("class %s: %d in test, target %d", name, tc[name], quota[c])
					}
				}
			}
		})
	}
}

// cmpOr returns v, or def when v is 0.
func cmpOr(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}

func TestGroupHoldOutSeeds(t *testing.T) {
	labels, groups := groupedData(sizesBetween(30, 5, 15, 7), pure("a", "b"), 1)
	a, _ := GroupHoldOut(labels, groups, Config{Seed: 7})
	b, _ := GroupHoldOut(labels, groups, Config{Seed: 7})
	if !slices.Equal(a.Test, b.Test) || !slices.Equal(a.Train, b.Train) {
		t.Error("same seed, different splits")
	}
	distinct := map[string]bool{}
	for seed := range uint64(10) {
		s, err := GroupHoldOut(labels, groups, Config{Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		distinct[fmt.Sprint(s.Test)] = true
	}
	if len(distinct) < 8 {
		t.Errorf("seeds 0 to 9 give %d different splits, want at least 8", len(distinct))
	}
}

// TestGroupHoldOutStratifies shows on skewed data (80% of the examples in
// class "major", every group of one class, sizes 3 to 40) that stratifying
// keeps the test set's class shares near the overall ones: over 20 seeds,
// the largest gap from the overall share is on average under 2 points
// stratified and several times larger without.
func TestGroupHoldOutStratifies(t *testing.T) {
	class := func(g, _ int) string {
		if g%5 == 0 {
			return "minor"
		}
		return "major"
	}
	labels, groups := groupedData(sizesBetween(60, 3, 40, 8), class, 2)
	overall := count(labels, seq(len(labels)))
	gap := func(s Split) float64 {
		tc := count(labels, s.Test)
		g := 0.0
		for c, n := range overall {
			g = max(g, math.Abs(float64(tc[c])/float64(len(s.Test))-float64(n)/float64(len(labels))))
		}
		return g
	}
	var strat, plain float64
	for seed := range uint64(20) {
		s, err := GroupHoldOut(labels, groups, Config{TestFraction: 0.2, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		p, err := GroupHoldOut(labels, groups, Config{TestFraction: 0.2, Seed: seed, NoStratify: true})
		if err != nil {
			t.Fatal(err)
		}
		strat += gap(s) / 20
		plain += gap(p) / 20
	}
	t.Logf("mean largest class-share gap: stratified %.4f, not stratified %.4f", strat, plain)
	if strat > 0.02 || plain < 2*strat {
		t.Errorf("mean largest class-share gap: stratified %.4f, not stratified %.4f", strat, plain)
	}
}

// TestGroupHoldOutSOTU splits the State of the Union sample (4,000
// passages, 22 presidents, Republican 2,372 and Democratic 1,628) keeping
// presidents together, 8:2 with seeds 1 to 5. The numbers are this
// package's (linux/amd64; the test also runs under js/wasm): the test
// share stays within 0.194 to 0.207 and the Republican share within
// 0.580 to 0.599 of test passages (0.593 overall). scikit-learn's
// GroupShuffleSplit(test_size=0.2, random_state=1..5) on the same data
// puts 1638, 835, 1237, 1078 and 807 passages in the test set.
func TestGroupHoldOutSOTU(t *testing.T) {
	d := readSOTU(t)
	want := []struct {
		test, rep, presidents int
	}{
		{826, 489, 8}, {795, 466, 5}, {811, 474, 6}, {803, 466, 5}, {777, 465, 5},
	}
	for i, w := range want {
		seed := uint64(i + 1)
		s, err := GroupHoldOut(d.labels, d.groups, Config{TestFraction: 0.2, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		checkPartition(t, s, len(d.labels))
		checkGroups(t, s, d.groups)
		presidents := map[string]bool{}
		for _, i := range s.Test {
			presidents[d.groups[i]] = true
		}
		rep := count(d.labels, s.Test)["Republican"]
		t.Logf("seed %d: %d test passages (%.4f) by %d presidents, Republican %.4f", seed, len(s.Test), float64(len(s.Test))/float64(len(d.labels)), len(presidents), float64(rep)/float64(len(s.Test)))
		if len(s.Test) != w.test || rep != w.rep || len(presidents) != w.presidents {
			t.Errorf("seed %d: %d test passages, %d Republican, %d presidents; want %d, %d, %d", seed, len(s.Test), rep, len(presidents), w.test, w.rep, w.presidents)
		}
	}
}

func TestGroupKFold(t *testing.T) {
	tests := []struct {
		name  string
		sizes []int
		class func(g, j int) string
		cfg   Config
	}{
		{"stratified, default 5", sizesBetween(23, 2, 30, 1), func(g, j int) string { return []string{"a", "b", "c"}[(g*j)%3] }, Config{}},
		{"stratified, pure groups", sizesBetween(12, 5, 9, 2), pure("a", "b"), Config{K: 3}},
		{"not stratified", sizesBetween(17, 1, 4, 3), pure("a", "b"), Config{K: 4, NoStratify: true}},
		{"as many groups as folds", []int{3, 1, 4, 1, 5}, pure("a", "b"), Config{K: 5, NoStratify: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			labels, groups := groupedData(tt.sizes, tt.class, 4)
			folds, err := GroupKFold(labels, groups, tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if k := cmp0(tt.cfg.K, DefaultK); len(folds) != k {
				t.Fatalf("%d folds, want %d", len(folds), k)
			}
			inTest := make([]int, len(labels))
			for _, f := range folds {
				checkPartition(t, f, len(labels))
				checkGroups(t, f, groups)
				for _, i := range f.Test {
					inTest[i]++
				}
			}
			for i, c := range inTest {
				if c != 1 {
					t.Fatalf("example %d is in %d test folds", i, c)
				}
			}
			// The seed does not matter.
			again, _ := GroupKFold(labels, groups, Config{K: tt.cfg.K, NoStratify: tt.cfg.NoStratify, Seed: 99})
			for f := range folds {
				if !slices.Equal(folds[f].Test, again[f].Test) {
					t.Errorf("fold %d differs with another seed", f)
				}
			}
		})
	}
}

// cmp0 returns v, or def when v is 0.
func cmp0(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// TestGroupKFoldDocs checks the examples in scikit-learn 1.2's docstrings
// of GroupKFold and StratifiedGroupKFold (the outputs printed there).
func TestGroupKFoldDocs(t *testing.T) {
	ints := func(s string) []string { return strings.Fields(s) }
	tests := []struct {
		name           string
		labels, groups []string
		cfg            Config
		want           [][]int
	}{
		{"GroupKFold(n_splits=2)", ints("1 2 3 4 5 6"), ints("0 0 2 2 3 3"), Config{K: 2, NoStratify: true},
			[][]int{{0, 1, 4, 5}, {2, 3}}},
		{"StratifiedGroupKFold(n_splits=3)", ints("0 0 1 1 1 1 1 1 0 0 0 0 0 0 0 0 0"), ints("1 1 2 2 3 3 3 4 5 5 5 5 6 6 7 8 8"), Config{K: 3},
			[][]int{{4, 5, 6, 12, 13, 14}, {0, 1, 2, 3, 15, 16}, {7, 8, 9, 10, 11}}},
	}
	for _, tt := range tests {
		folds, err := GroupKFold(tt.labels, tt.groups, tt.cfg)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		for f, w := range tt.want {
			if !slices.Equal(folds[f].Test, w) {
				t.Errorf("%s: fold %d test = %v, scikit-learn's docs %v", tt.name, f, folds[f].Test, w)
			}
		}
	}
}

func TestGroupErrors(t *testing.T) {
	ab := strings.Fields("a b a b a b")
	tests := []struct {
		name           string
		labels, groups []string
		kfold          bool
		cfg            Config
		is             error  // errors.Is target, or nil
		msg            string // the message, when no sentinel applies
	}{
		{"one group", ab, strings.Fields("p p p p p p"), false, Config{}, ErrTooFewGroups, ""},
		{"lengths", ab, strings.Fields("p q"), false, Config{}, ErrGroupsLength, ""},
		{"lengths, k-fold", ab, strings.Fields("p q"), true, Config{K: 2}, ErrGroupsLength, ""},
		{"fewer groups than k", ab, strings.Fields("p q r p q r"), true, Config{K: 4}, ErrTooFewGroups, ""},
		// scikit-learn's StratifiedGroupKFold(4) leaves fold 2 empty here.
		{"empty fold", strings.Fields("1 1 1 1 1 1 0 0 0"), strings.Fields("0 0 0 0 1 1 2 2 3"), true, Config{K: 4}, ErrEmptyFold, ""},
		{"fraction", ab, strings.Fields("p q r p q r"), false, Config{TestFraction: 1.5}, nil,
			"split: the test fraction must be between 0 and 1, not 1.5"},
		{"k of 1", ab, strings.Fields("p q r p q r"), true, Config{K: 1}, nil,
			"split: k-fold cross-validation needs k of at least 2, not 1"},
		{"every class too small", strings.Fields("a b c a b c"), strings.Fields("p q r s t u"), true, Config{K: 3}, nil,
			`split: every class has fewer than 3 examples (the largest, "a", has 2); stratified 3-fold cross-validation needs at least one class with 3`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.kfold {
				_, err = GroupKFold(tt.labels, tt.groups, tt.cfg)
			} else {
				_, err = GroupHoldOut(tt.labels, tt.groups, tt.cfg)
			}
			switch {
			case err == nil:
				t.Fatal("no error")
			case tt.is != nil && !errors.Is(err, tt.is):
				t.Errorf("err = %v, want one matching %v", err, tt.is)
			case tt.is == nil && err.Error() != tt.msg:
				t.Errorf("err = %q, want %q", err, tt.msg)
			}
		})
	}
	_, err := GroupHoldOut(ab, strings.Fields("p p p p p p"), Config{})
	if want := "split: too few groups: a group hold-out split needs at least 2 groups, and there is 1"; err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
}

// TestGroupPinned fixes the splits of one small input. The expected indices
// were printed by this package on linux/amd64 (go1.26); the same test run
// under GOOS=js GOARCH=wasm shows the browser engine splits the same way.
func TestGroupPinned(t *testing.T) {
	labels := strings.Fields("a b a b a b a b a b c c c a a b")
	groups := strings.Fields("p q r s t p q r s t p q r s u u")
	s, err := GroupHoldOut(labels, groups, Config{Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{1, 4, 6, 9, 11}; !slices.Equal(s.Test, want) {
		t.Errorf("stratified group hold-out test = %v, want %v", s.Test, want)
	}
	s, _ = GroupHoldOut(labels, groups, Config{Seed: 5, NoStratify: true})
	if want := []int{3, 4, 8, 9, 13}; !slices.Equal(s.Test, want) {
		t.Errorf("plain group hold-out test = %v, want %v", s.Test, want)
	}
	// The folds are also scikit-learn's: StratifiedGroupKFold(3) and
	// GroupKFold(3) print the same test indices.
	for _, tt := range []struct {
		noStratify bool
		want       [][]int
	}{
		{false, [][]int{{2, 3, 7, 8, 12, 13}, {0, 4, 5, 9, 10}, {1, 6, 11, 14, 15}}},
		{true, [][]int{{0, 3, 5, 8, 10, 13}, {2, 7, 12, 14, 15}, {1, 4, 6, 9, 11}}},
	} {
		folds, err := GroupKFold(labels, groups, Config{K: 3, NoStratify: tt.noStratify})
		if err != nil {
			t.Fatal(err)
		}
		for f, w := range tt.want {
			if !slices.Equal(folds[f].Test, w) {
				t.Errorf("NoStratify=%v: fold %d test = %v, want %v", tt.noStratify, f, folds[f].Test, w)
			}
		}
	}
}
