package npsort

import (
	"slices"
	"testing"
)

func TestArgsort(t *testing.T) {
	tests := []struct {
		keys, want []int
	}{
		{nil, []int{}},
		{[]int{3}, []int{0}},
		// Up to 16 keys NumPy uses insertion sort: ties keep input order.
		{[]int{2, 1, 2, 1, 2, 1}, []int{1, 3, 5, 0, 2, 4}},
		// 17 equal keys: one partition step reorders them
		// (np.argsort(np.zeros(17, dtype=np.int64)) in NumPy 1.24).
		{make([]int, 17), []int{0, 14, 13, 12, 11, 10, 9, 15, 8, 6, 5, 4, 3, 2, 1, 7, 16}},
	}
	for _, tt := range tests {
		if got := Argsort(tt.keys); !slices.Equal(got, tt.want) {
			t.Errorf("Argsort(%v) = %v, want %v", tt.keys, got, tt.want)
		}
	}
	// Long inputs, and the adversary's, come out sorted.
	many := make([]int, 1000)
	for i := range many {
		many[i] = (i * 7919) % 10 // 10 distinct keys, many ties
	}
	for _, keys := range [][]int{many, antiQuicksort(2000)} {
		idx := Argsort(keys)
		seen := make([]bool, len(keys))
		for i, j := range idx {
			seen[j] = true
			if i > 0 && keys[idx[i-1]] > keys[j] {
				t.Fatalf("not sorted at %d", i)
			}
		}
		if slices.Contains(seen, false) {
			t.Fatal("not a permutation")
		}
	}
}

// antiQuicksort returns n keys on which Argsort's quicksort
// partitions badly enough to exhaust its depth budget and fall back to
// heapsort: M. D. McIlroy's adversary ("A killer adversary for quicksort",
// 1999) answers the sort's comparisons lazily, freezing values so that
// each pivot turns out to be nearly the smallest of its span.
func antiQuicksort(n int) []int {
	gas := n
	val := make([]int, n)
	for i := range val {
		val[i] = gas
	}
	solid, candidate := 0, 0
	freeze := func(i int) {
		val[i] = solid
		solid++
	}
	ArgsortFunc(n, func(i, j int) bool {
		if val[i] == gas && val[j] == gas {
			if i == candidate {
				freeze(i)
			} else {
				freeze(j)
			}
		}
		if val[i] == gas {
			candidate = i
		} else if val[j] == gas {
			candidate = j
		}
		return val[i] < val[j]
	})
	return val
}
