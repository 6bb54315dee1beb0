package vectorize

import "math/bits"

// argsortQuick returns the permutation that sorts v ascending, computed the
// way NumPy 1.24's np.argsort(kind="quicksort") does for integer keys
// (introsort: median-of-three quicksort, insertion sort below 16 elements,
// heapsort past a depth limit). The algorithm is not stable; reproducing it
// reproduces NumPy's order among equal keys, which is how scikit-learn's
// CountVectorizer breaks ties for max_features.
func argsortQuick(v []int64) []int {
	n := len(v)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	if n < 2 {
		return idx
	}
	const small = 15
	type span struct{ l, r, depth int }
	var stack []span
	l, r := 0, n-1
	depth := 2 * (bits.Len(uint(n)) - 1)
	for {
		if depth < 0 {
			aheapsort(v, idx[l:r+1])
			goto pop
		}
		for r-l > small {
			m := l + (r-l)>>1
			if v[idx[m]] < v[idx[l]] {
				idx[m], idx[l] = idx[l], idx[m]
			}
			if v[idx[r]] < v[idx[m]] {
				idx[r], idx[m] = idx[m], idx[r]
			}
			if v[idx[m]] < v[idx[l]] {
				idx[m], idx[l] = idx[l], idx[m]
			}
			vp := v[idx[m]]
			i, j := l, r-1
			idx[m], idx[j] = idx[j], idx[m]
			for {
				for i++; v[idx[i]] < vp; i++ {
				}
				for j--; vp < v[idx[j]]; j-- {
				}
				if i >= j {
					break
				}
				idx[i], idx[j] = idx[j], idx[i]
			}
			idx[i], idx[r-1] = idx[r-1], idx[i]
			depth--
			if i-l < r-i {
				stack = append(stack, span{i + 1, r, depth})
				r = i - 1
			} else {
				stack = append(stack, span{l, i - 1, depth})
				l = i + 1
			}
		}
		// insertion sort
		for i := l + 1; i <= r; i++ {
			vi := idx[i]
			vp := v[vi]
			j := i
			for j > l && vp < v[idx[j-1]] {
				idx[j] = idx[j-1]
				j--
			}
			idx[j] = vi
		}
	pop:
		if len(stack) == 0 {
			break
		}
		top := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		l, r, depth = top.l, top.r, top.depth
	}
	return idx
}

// aheapsort is NumPy's indirect heapsort on the index slice a.
func aheapsort(v []int64, a []int) {
	n := len(a)
	at := func(k int) *int { return &a[k-1] } // 1-based access
	for l := n >> 1; l > 0; l-- {
		tmp := *at(l)
		i, j := l, l<<1
		for j <= n {
			if j < n && v[*at(j)] < v[*at(j + 1)] {
				j++
			}
			if v[tmp] < v[*at(j)] {
				*at(i) = *at(j)
				i = j
				j += j
			} else {
				break
			}
		}
		*at(i) = tmp
	}
	for n > 1 {
		tmp := *at(n)
		*at(n) = *at(1)
		n--
		i, j := 1, 2
		for j <= n {
			if j < n && v[*at(j)] < v[*at(j + 1)] {
				j++
			}
			if v[tmp] < v[*at(j)] {
				*at(i) = *at(j)
				i = j
				j += j
			} else {
				break
			}
		}
		*at(i) = tmp
	}
}
