package split

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// labelsOf returns n labels with the given class sizes, interleaved.
func labelsOf(sizes map[string]int) []string {
	var names []string
	for k := range sizes {
		names = append(names, k)
	}
	slices.Sort(names)
	left := map[string]int{}
	total := 0
	for k, v := range sizes {
		left[k] = v
		total += v
	}
	var out []string
	for len(out) < total {
		for _, k := range names {
			if left[k] > 0 {
				out = append(out, k)
				left[k]--
			}
		}
	}
	return out
}

// checkPartition fails unless train and test are sorted, disjoint and cover 0..n-1.
func checkPartition(t *testing.T, s Split, n int) {
	t.Helper()
	if !slices.IsSorted(s.Train) || !slices.IsSorted(s.Test) {
		t.Errorf("indices not sorted")
	}
	seen := make([]int, n)
	for _, i := range append(slices.Clone(s.Train), s.Test...) {
		seen[i]++
	}
	for i, c := range seen {
		if c != 1 {
			t.Fatalf("index %d appears %d times", i, c)
		}
	}
}

func count(labels []string, idx []int) map[string]int {
	m := map[string]int{}
	for _, i := range idx {
		m[labels[i]]++
	}
	return m
}

func TestHoldOut(t *testing.T) {
	tests := []struct {
		name  string
		sizes map[string]int
		cfg   Config
		slack float64 // how far a class's test count may be from its exact share; 0 means 1
	}{
		{"default 7:3", map[string]int{"pos": 70, "neg": 30}, Config{}, 0},
		{"8:2", map[string]int{"a": 500, "b": 300, "c": 7}, Config{TestFraction: 0.2, Seed: 9}, 0},
		{"unbalanced", map[string]int{"spam": 1396, "ham": 3900}, Config{TestFraction: 0.25, Seed: 1}, 0},
		// a and b get one test example each (exact 0.37), so c gives up two of its 4.63.
		{"tiny classes", map[string]int{"a": 2, "b": 2, "c": 50}, Config{TestFraction: 0.1}, 2},
		{"not stratified", map[string]int{"a": 41, "b": 60}, Config{NoStratify: true, Seed: 3}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			labels := labelsOf(tt.sizes)
			s, err := HoldOut(labels, tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			checkPartition(t, s, len(labels))
			frac := tt.cfg.TestFraction
			if frac == 0 {
				frac = DefaultTestFraction
			}
			want := int(math.Round(float64(len(labels)) * frac))
			if len(s.Test) != want {
				t.Errorf("test size %d, want %d", len(s.Test), want)
			}
			if tt.cfg.NoStratify {
				return
			}
			slack := tt.slack
			if slack == 0 {
				slack = 1
			}
			tc, trc := count(labels, s.Test), count(labels, s.Train)
			for c, n := range tt.sizes {
				exact := float64(n) * frac
				if tc[c] < 1 || trc[c] < 1 || math.Abs(float64(tc[c])-exact) > slack {
					t.Errorf("class %s: %d of %d in test (exact share %.2f), %d in train", c, tc[c], n, exact, trc[c])
				}
			}
		})
	}
}

func TestHoldOutDeterministic(t *testing.T) {
	labels := labelsOf(map[string]int{"a": 40, "b": 25, "c": 10})
	a, _ := HoldOut(labels, Config{Seed: 7})
	b, _ := HoldOut(labels, Config{Seed: 7})
	c, _ := HoldOut(labels, Config{Seed: 8})
	if !slices.Equal(a.Test, b.Test) {
		t.Error("same seed, different splits")
	}
	if slices.Equal(a.Test, c.Test) {
		t.Error("seeds 7 and 8 give the same split")
	}
}

// TestPinned fixes the splits of one small input. The expected indices were
// printed by this package on linux/amd64 (go1.26.8); the same test run under
// GOOS=js GOARCH=wasm proves the split is the same in the browser engine.
func TestPinned(t *testing.T) {
	labels := strings.Split("a b a b a b a b a b c c c a", " ")
	s, err := HoldOut(labels, Config{Seed: 42})
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{0, 1, 2, 11}; !slices.Equal(s.Test, want) {
		t.Errorf("stratified hold-out test = %v, want %v", s.Test, want)
	}
	s, _ = HoldOut(labels, Config{Seed: 42, NoStratify: true})
	if want := []int{0, 3, 11, 13}; !slices.Equal(s.Test, want) {
		t.Errorf("plain hold-out test = %v, want %v", s.Test, want)
	}
	folds, err := KFold(labels, Config{Seed: 42, K: 3})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]int{{1, 2, 3, 4, 12}, {0, 5, 7, 10, 13}, {6, 8, 9, 11}}
	for i, f := range folds {
		if !slices.Equal(f.Test, want[i]) {
			t.Errorf("fold %d test = %v, want %v", i, f.Test, want[i])
		}
	}
}

func TestKFold(t *testing.T) {
	tests := []struct {
		name  string
		sizes map[string]int
		cfg   Config
	}{
		{"default 5", map[string]int{"pos": 53, "neg": 21}, Config{}},
		{"10 folds", map[string]int{"a": 10, "b": 100, "c": 33}, Config{K: 10, Seed: 5}},
		{"not stratified", map[string]int{"a": 1, "b": 12}, Config{K: 4, NoStratify: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			labels := labelsOf(tt.sizes)
			folds, err := KFold(labels, tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			k := tt.cfg.K
			if k == 0 {
				k = DefaultK
			}
			if len(folds) != k {
				t.Fatalf("%d folds, want %d", len(folds), k)
			}
			inTest := make([]int, len(labels))
			minSize, maxSize := len(labels), 0
			for _, f := range folds {
				checkPartition(t, f, len(labels))
				for _, i := range f.Test {
					inTest[i]++
				}
				minSize, maxSize = min(minSize, len(f.Test)), max(maxSize, len(f.Test))
				if tt.cfg.NoStratify {
					continue
				}
				for c, n := range count(labels, f.Test) {
					if exact := float64(tt.sizes[c]) / float64(k); math.Abs(float64(n)-exact) >= 1 {
						t.Errorf("class %s: %d in a test fold, exact share %.2f", c, n, exact)
					}
				}
			}
			for i, c := range inTest {
				if c != 1 {
					t.Fatalf("example %d is in %d test folds", i, c)
				}
			}
			if maxSize-minSize > 1 {
				t.Errorf("fold sizes from %d to %d", minSize, maxSize)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name   string
		labels []string
		kfold  bool
		cfg    Config
		msg    string
	}{
		{"singleton class", strings.Split("a a a b b rare", " "), false, Config{}, `class "rare" has 1 example`},
		{"fraction too big", strings.Split("a b a b", " "), false, Config{TestFraction: 1}, "between 0 and 1"},
		{"fraction negative", strings.Split("a b a b", " "), false, Config{TestFraction: -0.2}, "between 0 and 1"},
		{"too few", []string{"a"}, false, Config{NoStratify: true}, "too few"},
		{"fold class too small", strings.Split("a a a a a b b b", " "), true, Config{}, `class "b" has 3 examples; stratified 5-fold`},
		{"k of 1", strings.Split("a b", " "), true, Config{K: 1}, "k of at least 2"},
		{"fewer than k", strings.Split("a b", " "), true, Config{K: 3, NoStratify: true}, "too few for 3 folds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.kfold {
				_, err = KFold(tt.labels, tt.cfg)
			} else {
				_, err = HoldOut(tt.labels, tt.cfg)
			}
			if err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %v, want one containing %q", err, tt.msg)
			}
		})
	}
}

func TestAllocate(t *testing.T) {
	groups := func(sizes ...int) [][]int {
		var g [][]int
		for _, n := range sizes {
			g = append(g, make([]int, n))
		}
		return g
	}
	tests := []struct {
		sizes []int
		total int
		want  []int
	}{
		{[]int{6, 5, 3}, 4, []int{2, 1, 1}},        // exact 1.71, 1.43, 0.86: remainders .86 and .71 win
		{[]int{50, 50}, 31, []int{16, 15}},         // tie goes to the earlier group
		{[]int{2, 98}, 10, []int{1, 9}},            // exact 0.2 and 9.8: lifted to 1, the other gives one back
		{[]int{2, 2, 2, 94}, 3, []int{1, 1, 1, 1}}, // at least one each, even over the total
	}
	for _, tt := range tests {
		if got := allocate(groups(tt.sizes...), tt.total); !slices.Equal(got, tt.want) {
			t.Errorf("allocate(%v, %d) = %v, want %v", tt.sizes, tt.total, got, tt.want)
		}
	}
}

func ExampleHoldOut() {
	labels := []string{"spam", "ham", "ham", "spam", "ham", "ham", "ham", "spam", "ham", "ham"}
	s, err := HoldOut(labels, Config{TestFraction: 0.2, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(s.Train), "train,", len(s.Test), "test")
	for _, i := range s.Test {
		fmt.Println(labels[i])
	}
	// Output:
	// 8 train, 2 test
	// spam
	// ham
}

func ExampleKFold() {
	labels := []string{"a", "b", "a", "b", "a", "b", "a", "b", "a", "b"}
	folds, err := KFold(labels, Config{Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, f := range folds {
		fmt.Printf("fold %d: %d train, %d test\n", i, len(f.Train), len(f.Test))
	}
	// Output:
	// fold 0: 8 train, 2 test
	// fold 1: 8 train, 2 test
	// fold 2: 8 train, 2 test
	// fold 3: 8 train, 2 test
	// fold 4: 8 train, 2 test
}
