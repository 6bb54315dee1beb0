package split

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"textlab/core/npsort"
)

// ErrTooFewGroups is matched (errors.Is) by the error of a group split that
// has fewer groups than it needs: two for GroupHoldOut, K for GroupKFold.
var ErrTooFewGroups = errors.New("split: too few groups")

// ErrGroupsLength is matched (errors.Is) by the error of a group split given
// a different number of group values than labels.
var ErrGroupsLength = errors.New("split: one group value per example needed")

// ErrEmptyFold is matched (errors.Is) by the error of GroupKFold when its
// assignment leaves a fold with no test examples (scikit-learn's
// StratifiedGroupKFold would yield an empty test set there).
var ErrEmptyFold = errors.New("split: a fold has no test examples")

// GroupHoldOut divides the examples into one training and one test set,
// keeping each group (groups[i] is the group of example i; every distinct
// string, the empty one included, is a group) entirely on one side. At
// least two groups are needed, and both sides get at least one group.
//
// The target is HoldOut's: round(n * TestFraction) test examples, divided
// among the classes by largest remainder when stratified (the default), or
// one count over all examples with NoStratify. The distance from the target
// is the sum over classes of (test count - target)². The groups are
// shuffled with the seed, and a local search starts from an empty test set:
// visiting the groups in shuffled order, it moves a group into the test set,
// or back out, whenever that shortens the distance, round after round; when
// a round moves nothing it looks (again in shuffled order) for a test group
// and a training group whose swap shortens it, makes the first such swap,
// and goes back to single moves. It stops when neither helps. If the test
// set is then empty (or holds every group), the move that lengthens the
// distance least is made. All arithmetic is on integers, so the same labels,
// groups and seed give the same split on every platform.
//
// How close the test set comes depends on the group sizes, and the end state
// bounds it (unless keeping both sides non-empty forced a move). With
// NoStratify, a test set short of the target by d means
// every training group has at least 2d examples (else moving it in would
// help), and one over by d means every test group has at least 2d: the test
// set is within half a group of round(n * TestFraction), half the largest
// group at worst. Stratified, the same holds class by class when every group
// has one class (passages by one president have one party): each class's
// test count is within half of its largest group of its target, and the
// total within the sum of those halves; swaps usually bring both much
// closer. Groups that mix classes are placed by the same distance, with no
// such bound.
//
// scikit-learn's GroupShuffleSplit(test_size=f) gives the same guarantee
// that no group is on both sides, but it draws ceil(f * number of groups)
// groups at random with NumPy's generator (which a Go program does not
// reproduce), whatever their sizes, so the share of test EXAMPLES varies
// with the groups drawn: on the State of the Union sample at 0.2, from 0.20
// to 0.41 for random_state 1 to 5. GroupHoldOut targets the share of
// examples instead, and stratifies.
func GroupHoldOut(labels, groups []string, cfg Config) (Split, error) {
	frac := cfg.TestFraction
	if frac == 0 {
		frac = DefaultTestFraction
	}
	if !(frac > 0 && frac < 1) {
		return Split{}, fmt.Errorf("split: the test fraction must be between 0 and 1, not %g", frac)
	}
	if len(groups) != len(labels) {
		return Split{}, fmt.Errorf("%w: %d labels but %d group values", ErrGroupsLength, len(labels), len(groups))
	}
	names, members := byClass(groups)
	if len(names) < 2 {
		return Split{}, fmt.Errorf("%w: a group hold-out split needs at least 2 groups, and there %s", ErrTooFewGroups, groupCount(len(names)))
	}
	n := len(labels)
	nTest := int(float64(n)*frac + 0.5)

	// The target: test examples per class (one class if not stratified).
	classOf := make([]int, n)
	var target []int
	if cfg.NoStratify {
		target = []int{nTest}
	} else {
		_, classes := byClass(labels)
		for c, idx := range classes {
			for _, i := range idx {
				classOf[i] = c
			}
		}
		target = allocate(classes, nTest)
	}
	counts := make([][]int, len(members)) // counts[g][c]: examples of class c in group g
	for g, idx := range members {
		counts[g] = make([]int, len(target))
		for _, i := range idx {
			counts[g][classOf[i]]++
		}
	}

	inTest := searchTestGroups(counts, target, shuffled(newRand(cfg.Seed), seq(len(members))))
	var s Split
	for g, idx := range members {
		if inTest[g] {
			s.Test = append(s.Test, idx...)
		} else {
			s.Train = append(s.Train, idx...)
		}
	}
	slices.Sort(s.Train)
	slices.Sort(s.Test)
	return s, nil
}

// searchTestGroups is GroupHoldOut's local search: counts[g][c] is the
// number of examples of class c in group g, target[c] the test count
// wanted, order the groups in shuffled order. It returns which groups go
// to the test set, at least one and not all (len(counts) >= 2).
func searchTestGroups(counts [][]int, target []int, order []int) []bool {
	// off[c] is the test count of class c minus its target.
	off := make([]int, len(target))
	for c, q := range target {
		off[c] = -q
	}
	inTest := make([]bool, len(counts))
	nIn := 0
	// change is how much the distance sum((off[c])²) changes when the
	// test set gains add[c] examples of each class c (negative: loses),
	// in int64 so that no platform's int overflows.
	change := func(add []int) int64 {
		var d int64
		for c, v := range add {
			d += int64(v) * (2*int64(off[c]) + int64(v))
		}
		return d
	}
	delta := make([]int, len(target))
	moveChange := func(g int) int64 { // moving g to the other side
		for c, v := range counts[g] {
			delta[c] = v
			if inTest[g] {
				delta[c] = -v
			}
		}
		return change(delta)
	}
	move := func(g int) {
		sign := 1
		if inTest[g] {
			sign = -1
		}
		for c, v := range counts[g] {
			off[c] += sign * v
		}
		inTest[g] = !inTest[g]
		nIn += sign
	}

	// Groups with the same class counts are interchangeable in a swap:
	// each kind of group is tried once per side.
	kindOf := make([]int, len(counts))
	kinds := map[string]int{}
	for g, row := range counts {
		key := fmt.Sprint(row)
		if _, ok := kinds[key]; !ok {
			kinds[key] = len(kinds)
		}
		kindOf[g] = kinds[key]
	}
	triedOut := make([]bool, len(kinds))
	triedIn := make([]int, len(kinds)) // the stamp of the test group it was tried with
	swapOnce := func() bool {
		clear(triedOut)
		clear(triedIn)
		stamp := 0
		for _, g := range order {
			if !inTest[g] || triedOut[kindOf[g]] {
				continue
			}
			triedOut[kindOf[g]] = true
			stamp++
			for _, h := range order {
				if inTest[h] || triedIn[kindOf[h]] == stamp {
					continue
				}
				triedIn[kindOf[h]] = stamp
				for c := range delta {
					delta[c] = counts[h][c] - counts[g][c]
				}
				if change(delta) < 0 {
					move(g)
					move(h)
					return true
				}
			}
		}
		return false
	}

	for {
		for moved := true; moved; {
			moved = false
			for _, g := range order {
				if moveChange(g) < 0 {
					move(g)
					moved = true
				}
			}
		}
		if !swapOnce() {
			break
		}
	}
	// Both sides need a group: if one is empty, make the move that costs
	// least (the first such group in the shuffled order).
	if nIn == 0 || nIn == len(counts) {
		best, bestChange := -1, int64(0)
		for _, g := range order {
			if d := moveChange(g); best < 0 || d < bestChange {
				best, bestChange = g, d
			}
		}
		move(best)
	}
	return inTest
}

// GroupKFold divides the examples into K folds of whole groups and returns
// K splits: in split i, fold i is the test set and the other folds the
// training set. Every group is in exactly one test set. It is
// deterministic and ignores cfg.Seed: the same labels and groups always
// give the same folds, the ones scikit-learn 1.2 gives.
//
// Stratified (the default), it is scikit-learn's
// StratifiedGroupKFold(n_splits=K, shuffle=False). The groups (in sorted
// order of their names) are taken by how unevenly their examples spread
// over the classes, most uneven first (population standard deviation of
// the group's class counts, ties in name order), and each goes to the fold
// where it keeps the class shares most even: for every candidate fold, each
// class's shares of its examples in the K folds have a standard deviation,
// and the fold whose mean of those over the classes is lowest wins; a
// mean within NumPy's isclose of the best so far wins too if its fold has
// fewer examples; remaining ties go to the lower fold number. It is an error
// if every class has fewer than K examples (a class with fewer is allowed,
// scikit-learn warns), and if a fold ends up with no examples.
//
// With NoStratify, it is scikit-learn's GroupKFold(n_splits=K): the
// groups, sorted by size with np.argsort (groups of equal size in the order
// NumPy's quicksort leaves them, reproduced here) and taken largest first, each go to the fold with the fewest examples so far (the lowest
// numbered among equals). Fold sizes are as even as that greedy rule makes
// them, ignoring classes.
//
// Fewer groups than K is an error (ErrTooFewGroups).
func GroupKFold(labels, groups []string, cfg Config) ([]Split, error) {
	k := cfg.K
	if k == 0 {
		k = DefaultK
	}
	if k < 2 {
		return nil, fmt.Errorf("split: k-fold cross-validation needs k of at least 2, not %d", k)
	}
	if len(groups) != len(labels) {
		return nil, fmt.Errorf("%w: %d labels but %d group values", ErrGroupsLength, len(labels), len(groups))
	}
	names, members := byClass(groups)
	if len(names) < k {
		return nil, fmt.Errorf("%w: %d-fold group cross-validation needs at least %d groups, and there %s", ErrTooFewGroups, k, k, groupCount(len(names)))
	}
	var foldOf []int // fold of each group
	if cfg.NoStratify {
		sizes := make([]int, len(members))
		for g, idx := range members {
			sizes[g] = len(idx)
		}
		foldOf = sizeBalancedFolds(sizes, k)
	} else {
		classNames, classes := byClass(labels)
		totals := make([]float64, len(classes))
		largest := 0
		for c, idx := range classes {
			totals[c] = float64(len(idx))
			largest = max(largest, len(idx))
		}
		if largest < k {
			return nil, fmt.Errorf("split: every class has fewer than %d examples (the largest, %q, has %d); stratified %d-fold cross-validation needs at least one class with %d", k, classNames[slices.Index(totals, float64(largest))], largest, k, k)
		}
		classOf := make([]int, len(labels))
		for c, idx := range classes {
			for _, i := range idx {
				classOf[i] = c
			}
		}
		counts := make([][]float64, len(members))
		for g, idx := range members {
			counts[g] = make([]float64, len(classes))
			for _, i := range idx {
				counts[g][classOf[i]]++
			}
		}
		foldOf = classBalancedFolds(counts, totals, k)
	}

	fold := make([]int, len(labels)) // fold of each example
	for g, idx := range members {
		for _, i := range idx {
			fold[i] = foldOf[g]
		}
	}
	splits := make([]Split, k)
	for i, f := range fold {
		for j := range splits {
			if j == f {
				splits[j].Test = append(splits[j].Test, i)
			} else {
				splits[j].Train = append(splits[j].Train, i)
			}
		}
	}
	for j, s := range splits {
		if len(s.Test) == 0 {
			return nil, fmt.Errorf("%w: fold %d of %d (the groups' class mixes leave it empty; try fewer folds)", ErrEmptyFold, j+1, k)
		}
	}
	return splits, nil
}

// groupCount says how many groups there are, as the end of a sentence.
func groupCount(n int) string {
	if n == 1 {
		return "is 1"
	}
	return fmt.Sprintf("are %d", n)
}

// sizeBalancedFolds assigns groups of the given sizes to k folds as
// scikit-learn 1.2's GroupKFold does: in the reverse of np.argsort's order
// (largest first), each group to the fold with the fewest examples so far,
// the first such fold on ties (np.argmin).
func sizeBalancedFolds(sizes []int, k int) []int {
	order := npsort.Argsort(sizes)
	slices.Reverse(order)
	load := make([]int, k)
	foldOf := make([]int, len(sizes))
	for _, g := range order {
		f := 0
		for j := range load {
			if load[j] < load[f] {
				f = j
			}
		}
		load[f] += sizes[g]
		foldOf[g] = f
	}
	return foldOf
}

// classBalancedFolds assigns groups to k folds as scikit-learn 1.2's
// StratifiedGroupKFold(shuffle=False) does. counts[g][c] is the number of
// examples of class c in group g and totals[c] the number in all groups.
//
// The float arithmetic follows NumPy's operation by operation (see npStd),
// because the rule compares floating-point scores and a last-bit
// difference could change a tie.
func classBalancedFolds(counts [][]float64, totals []float64, k int) []int {
	// Most uneven class mix first; a stable sort keeps name order on ties.
	spread := make([]float64, len(counts))
	for g, row := range counts {
		spread[g] = npStd(row, true)
	}
	order := seq(len(counts))
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case spread[a] > spread[b]:
			return -1
		case spread[a] < spread[b]:
			return 1
		}
		return 0
	})
	nClass := len(totals)
	folds := make([][]float64, k) // folds[f][c]: examples of class c in fold f
	for f := range folds {
		folds[f] = make([]float64, nClass)
	}
	foldOf := make([]int, len(counts))
	shares := make([]float64, k)          // one class's shares, fold by fold
	unevenness := make([]float64, nClass) // per class: std of its shares over the folds
	for _, g := range order {
		best, bestScore, bestSize := -1, math.Inf(1), math.Inf(1)
		for cand := range folds {
			for c := range nClass {
				for f := range folds {
					v := folds[f][c]
					if f == cand {
						v += counts[g][c]
					}
					shares[f] = v / totals[c]
				}
				// NumPy reduces a (k, classes) array over axis 0 row by
				// row, unless a single class makes it one column.
				unevenness[c] = npStd(shares, nClass == 1)
			}
			score := npSum(unevenness) / float64(nClass)
			size := 0.0 // the candidate fold's examples before the group
			for _, v := range folds[cand] {
				size += v
			}
			if score < bestScore || isClose(score, bestScore) && size < bestSize {
				best, bestScore, bestSize = cand, score, size
			}
		}
		for c, v := range counts[g] {
			folds[best][c] += v
		}
		foldOf[g] = best
	}
	return foldOf
}

// npStd is NumPy's np.std(x) (population standard deviation) computed in
// NumPy's order of operations: the mean as a sum divided by len(x), then
// the sum of squared deviations divided by len(x), then the square root.
// pairwise says how NumPy sums: pairwise (npSum) when the values lie along
// the reduced axis of the inner loop, one after another otherwise. Each
// product is rounded on its own (the float64 conversion), so no platform
// fuses it into a multiply-add that NumPy does not do.
func npStd(x []float64, pairwise bool) float64 {
	sum := npSum
	if !pairwise {
		sum = seqSum
	}
	n := float64(len(x))
	mean := sum(x) / n
	sq := make([]float64, len(x))
	for i, v := range x {
		d := v - mean
		sq[i] = float64(d * d)
	}
	return math.Sqrt(sum(sq) / n)
}

// seqSum adds x from first to last.
func seqSum(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s
}

// npSum is NumPy's pairwise summation of float64 (np.add.reduce along a
// contiguous axis): fewer than 8 values are added in order; up to 128 go
// to 8 running sums (value i to sum i mod 8) combined as
// ((s0+s1)+(s2+s3))+((s4+s5)+(s6+s7)), then the values past the last
// multiple of 8 are added in order; longer runs are split in two (the
// first half a multiple of 8 long) and the halves' sums added.
func npSum(x []float64) float64 {
	n := len(x)
	switch {
	case n < 8:
		return seqSum(x)
	case n <= 128:
		var r [8]float64
		copy(r[:], x[:8])
		i := 8
		for ; i < n-n%8; i += 8 {
			for j := range r {
				r[j] += x[i+j]
			}
		}
		s := ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
		for ; i < n; i++ {
			s += x[i]
		}
		return s
	}
	half := n / 2
	half -= half % 8
	return npSum(x[:half]) + npSum(x[half:])
}

// isClose is NumPy's np.isclose(a, b) with its default tolerances
// (|a - b| <= 1e-8 + 1e-5 * |b|); an infinite b is close only to itself.
func isClose(a, b float64) bool {
	if math.IsInf(a, 0) || math.IsInf(b, 0) {
		return a == b
	}
	return math.Abs(a-b) <= 1e-8+float64(1e-5*math.Abs(b))
}
