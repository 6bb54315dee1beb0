// Package npsort reproduces the order in which NumPy 1.24's np.argsort
// (kind="quicksort", the default) returns indices, ties included. That
// sort is not stable, so the order of equal keys is defined only by the
// algorithm; scikit-learn depends on it (CountVectorizer's max_features,
// GroupKFold's groups by size), and so do Textlab's parity with it.
package npsort

import (
	"cmp"
	"math/bits"
)

// small is the span length up to which NumPy's quicksort finishes
// with insertion sort: a span l..r is partitioned only while r-l > 15.
const small = 15

// Argsort returns the permutation that sorts keys ascending, in the order
// NumPy 1.24's np.argsort(keys) (kind="quicksort") returns it for integer
// keys (and for other ordered keys without NaNs).
//
// The algorithm is NumPy's introsort for indices: while a span holds more
// than 16 entries it is partitioned around the median of its first, middle
// and last keys (the pivot parked one before the end, scans from both ends
// that stop on keys equal to the pivot); the larger part waits on a stack
// and the smaller part is partitioned next. A span of at most 16 entries is
// finished by insertion sort (stable: a short array keeps ties in input
// order). Each partition lowers a depth budget, which starts at twice the
// floor of log2(n); a waiting span taken from the stack with a negative
// budget is heapsorted instead, the guard against quadratic inputs.
func Argsort[T cmp.Ordered](keys []T) []int {
	return ArgsortFunc(len(keys), func(a, b int) bool { return keys[a] < keys[b] })
}

// ArgsortFunc is Argsort of n items compared by less(i, j), which says
// whether item i's key is smaller than item j's.
func ArgsortFunc(n int, less func(i, j int) bool) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	if n < 2 {
		return idx
	}
	type span struct{ lo, hi, budget int } // inclusive bounds
	var waiting []span
	lo, hi := 0, len(idx)-1
	budget := 2 * (bits.Len(uint(len(idx))) - 1)
	for {
		if budget < 0 {
			heapsort(idx[lo:hi+1], less)
		} else {
			for hi-lo > small {
				// Median of three: order idx[lo], idx[mid], idx[hi].
				mid := lo + (hi-lo)/2
				if less(idx[mid], idx[lo]) {
					idx[mid], idx[lo] = idx[lo], idx[mid]
				}
				if less(idx[hi], idx[mid]) {
					idx[hi], idx[mid] = idx[mid], idx[hi]
				}
				if less(idx[mid], idx[lo]) {
					idx[mid], idx[lo] = idx[lo], idx[mid]
				}
				pivot := idx[mid]
				// Park the pivot at hi-1; idx[lo] and idx[hi] are sentinels.
				idx[mid], idx[hi-1] = idx[hi-1], idx[mid]
				i, j := lo, hi-1
				for {
					i++
					for less(idx[i], pivot) {
						i++
					}
					j--
					for less(pivot, idx[j]) {
						j--
					}
					if i >= j {
						break
					}
					idx[i], idx[j] = idx[j], idx[i]
				}
				idx[i], idx[hi-1] = idx[hi-1], idx[i]
				budget--
				// The larger part waits; the smaller one goes on.
				if i-lo < hi-i {
					waiting = append(waiting, span{i + 1, hi, budget})
					hi = i - 1
				} else {
					waiting = append(waiting, span{lo, i - 1, budget})
					lo = i + 1
				}
			}
			// Insertion sort of the short span lo..hi.
			for i := lo + 1; i <= hi; i++ {
				v := idx[i]
				j := i
				for j > lo && less(v, idx[j-1]) {
					idx[j] = idx[j-1]
					j--
				}
				idx[j] = v
			}
		}
		if len(waiting) == 0 {
			return idx
		}
		top := waiting[len(waiting)-1]
		waiting = waiting[:len(waiting)-1]
		lo, hi, budget = top.lo, top.hi, top.budget
	}
}

// heapsort sorts a in place with NumPy's heapsort: build a max-heap
// (children of position p are 2p and 2p+1, counting from 1) by sifting
// down from the middle, then repeatedly swap the root to the end.
func heapsort(a []int, less func(a, b int) bool) {
	at := func(p int) int { return a[p-1] } // 1-based positions
	set := func(p, v int) { a[p-1] = v }
	siftDown := func(p, n, v int) {
		for c := 2 * p; c <= n; c = 2 * p {
			if c < n && less(at(c), at(c+1)) {
				c++
			}
			if !less(v, at(c)) {
				break
			}
			set(p, at(c))
			p = c
		}
		set(p, v)
	}
	n := len(a)
	for p := n / 2; p > 0; p-- {
		siftDown(p, n, at(p))
	}
	for ; n > 1; n-- {
		v := at(n)
		set(n, at(1))
		siftDown(1, n-1, v)
	}
}
