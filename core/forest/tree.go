package forest

import (
	"cmp"
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"sort"

	"textlab/core/sparse"
)

// featureThreshold is the smallest difference between two feature values
// that a split separates (scikit-learn's FEATURE_THRESHOLD).
const featureThreshold = 1e-7

// trainData is the training set shared, read-only, by the tree builders:
// the CSR matrix plus a column-major (CSC) copy of it, so that the values of
// one feature can be read without touching every document.
type trainData struct {
	X      *sparse.Matrix
	colPtr []int     // column j holds colRow/colVal[colPtr[j]:colPtr[j+1]]
	colRow []int32   // row of each entry
	colVal []float64 // value of each entry
	y      []int
	k      int // number of classes
}

func (d *trainData) buildColumns() {
	X := d.X
	d.colPtr = make([]int, X.Cols+1)
	for _, j := range X.Indices {
		d.colPtr[j+1]++
	}
	for j := 0; j < X.Cols; j++ {
		d.colPtr[j+1] += d.colPtr[j]
	}
	next := append([]int(nil), d.colPtr[:X.Cols]...)
	d.colRow = make([]int32, len(X.Indices))
	d.colVal = make([]float64, len(X.Indices))
	for i := 0; i < X.Rows; i++ {
		cols, vals := X.Row(i)
		for k, j := range cols {
			d.colRow[next[j]] = int32(i)
			d.colVal[next[j]] = vals[k]
			next[j]++
		}
	}
}

// entry is one document's non-zero value of the feature being examined;
// row -1 stands for the block of all the node's documents whose value is 0.
type entry struct {
	val float64
	row int32
}

// builder grows trees one after another, reusing its scratch buffers.
type builder struct {
	d   *trainData
	p   params
	rng *rand.Rand

	samples []int32   // the tree's distinct rows; a node owns samples[start:end]
	weight  []float64 // per row: times drawn into the bootstrap sample
	where   []int32   // per row: its position in samples, -1 when not drawn
	feats   []int32   // features, partially shuffled at each node
	seq     []entry   // the node's values of one feature, sorted
	xbuf    []float64 // the node's values of the split feature, by position
	tmp     []int32   // partition buffer

	nodeW, leftW, zeroW, bestLeftW []float64 // per class weights
}

func newBuilder(d *trainData, p params) *builder {
	n := d.X.Rows
	return &builder{
		d: d, p: p,
		samples:   make([]int32, 0, n),
		weight:    make([]float64, n),
		where:     make([]int32, n),
		feats:     make([]int32, d.X.Cols),
		xbuf:      make([]float64, n),
		tmp:       make([]int32, n),
		nodeW:     make([]float64, d.k),
		leftW:     make([]float64, d.k),
		zeroW:     make([]float64, d.k),
		bestLeftW: make([]float64, d.k),
	}
}

// split is the best split found at a node.
type split struct {
	feature   int
	threshold float64
	leftN     int     // documents going left
	leftW     float64 // their total weight
}

// grow builds one tree from seed. It returns the tree and its normalised
// feature importances (nil when the tree is a single leaf).
func (b *builder) grow(ctx context.Context, seed uint64, bootstrap bool) (*tree, []float64, error) {
	d, n := b.d, b.d.X.Rows
	b.rng = rand.New(rand.NewPCG(seed, 0x7433))
	for i := range b.weight {
		b.weight[i] = 0
		b.where[i] = -1
	}
	if bootstrap {
		for i := 0; i < n; i++ {
			b.weight[b.rng.IntN(n)]++
		}
	} else {
		for i := range b.weight {
			b.weight[i] = 1
		}
	}
	b.samples = b.samples[:0]
	for i, w := range b.weight {
		if w > 0 {
			b.where[i] = int32(len(b.samples))
			b.samples = append(b.samples, int32(i))
		}
	}
	for j := range b.feats {
		b.feats[j] = int32(j)
	}

	t := &tree{}
	imp := make([]float64, d.X.Cols)
	splits := 0
	type item struct {
		start, end, depth int
		parent            int32
		isLeft            bool
	}
	stack := []item{{0, len(b.samples), 0, -1, false}}
	for len(stack) > 0 {
		if len(t.feature)%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
		}
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		id := int32(len(t.feature))
		t.feature = append(t.feature, -1)
		t.threshold = append(t.threshold, 0)
		t.left = append(t.left, -1)
		t.right = append(t.right, -1)
		if it.parent >= 0 {
			if it.isLeft {
				t.left[it.parent] = id
			} else {
				t.right[it.parent] = id
			}
		}
		// Class weights of the node, stored as frequencies.
		clear(b.nodeW)
		for _, r := range b.samples[it.start:it.end] {
			b.nodeW[d.y[r]] += b.weight[r]
		}
		wNode := sum(b.nodeW)
		for _, v := range b.nodeW {
			t.value = append(t.value, v/wNode)
		}
		m := it.end - it.start
		impurity := gini(b.nodeW, wNode)
		if it.depth >= b.p.maxDepth || m < b.p.minSplit || m < 2*b.p.minLeaf || impurity <= 0x1p-52 {
			continue
		}
		s, ok := b.findSplit(it.start, it.end, wNode)
		if !ok {
			continue
		}
		// Children's impurities for the feature importance.
		rightW := make([]float64, d.k)
		for c := range rightW {
			rightW[c] = b.nodeW[c] - b.bestLeftW[c]
		}
		wR := wNode - s.leftW
		imp[s.feature] += wNode*impurity - s.leftW*gini(b.bestLeftW, s.leftW) - wR*gini(rightW, wR)
		splits++

		mid := b.partition(it.start, it.end, s)
		t.feature[id] = int32(s.feature)
		t.threshold[id] = s.threshold
		stack = append(stack,
			item{mid, it.end, it.depth + 1, id, false},
			item{it.start, mid, it.depth + 1, id, true})
	}
	if splits == 0 {
		return t, nil, nil
	}
	total := 0.0
	for _, v := range imp {
		total += v
	}
	if total > 0 {
		for j := range imp {
			imp[j] /= total
		}
	}
	return t, imp, nil
}

func sum(w []float64) float64 {
	s := 0.0
	for _, v := range w {
		s += v
	}
	return s
}

// gini returns the Gini impurity 1 - sum_c (w_c/total)^2.
func gini(w []float64, total float64) float64 {
	if total <= 0 {
		return 0
	}
	s := 0.0
	for _, v := range w {
		p := v / total
		s += p * p
	}
	return 1 - s
}

func sumSquares(w []float64) float64 {
	s := 0.0
	for _, v := range w {
		s += v * v
	}
	return s
}

// gather fills b.seq with the node's non-zero values of feature f, sorted,
// with one entry (row -1) for the node's zeros when there are any, placed
// in value order. It returns the number of documents whose value is 0.
func (b *builder) gather(f, start, end int) int {
	d := b.d
	b.seq = b.seq[:0]
	lo, hi := d.colPtr[f], d.colPtr[f+1]
	m := end - start
	if hi-lo <= 8*m {
		// Short column: scan it and keep the rows of this node.
		for k := lo; k < hi; k++ {
			r := d.colRow[k]
			if pos := int(b.where[r]); pos >= start && pos < end && d.colVal[k] != 0 {
				b.seq = append(b.seq, entry{d.colVal[k], r})
			}
		}
	} else {
		// Small node: look the feature up in each document's row.
		for _, r := range b.samples[start:end] {
			cols, vals := d.X.Row(int(r))
			k := sort.SearchInts(cols, f)
			if k < len(cols) && cols[k] == f && vals[k] != 0 {
				b.seq = append(b.seq, entry{vals[k], r})
			}
		}
	}
	slices.SortFunc(b.seq, func(a, c entry) int {
		return cmp.Or(cmp.Compare(a.val, c.val), cmp.Compare(a.row, c.row))
	})
	zeros := m - len(b.seq)
	if zeros > 0 {
		p, _ := slices.BinarySearchFunc(b.seq, 0.0, func(e entry, v float64) int { return cmp.Compare(e.val, v) })
		b.seq = slices.Insert(b.seq, p, entry{0, -1})
	}
	return zeros
}

// findSplit draws candidate features as scikit-learn's BestSplitter does
// (without replacement, at least MaxFeatures of them, more while all drawn
// features are constant in the node) and returns the split with the lowest
// weighted Gini impurity of the children.
func (b *builder) findSplit(start, end int, wNode float64) (split, bool) {
	d := b.d
	m := end - start
	best := split{feature: -1}
	bestProxy := math.Inf(-1)
	nonConstant := 0
	F := len(b.feats)
	for i, visited := 0, 0; i < F; i++ {
		if visited >= b.p.maxFeatures && nonConstant > 0 {
			break
		}
		j := i + b.rng.IntN(F-i)
		b.feats[i], b.feats[j] = b.feats[j], b.feats[i]
		f := int(b.feats[i])
		visited++
		zeros := b.gather(f, start, end)
		seq := b.seq
		if seq[len(seq)-1].val <= seq[0].val+featureThreshold {
			continue // constant in this node
		}
		nonConstant++
		// Weights of the zero block.
		copy(b.zeroW, b.nodeW)
		for _, e := range seq {
			if e.row >= 0 {
				b.zeroW[d.y[e.row]] -= b.weight[e.row]
			}
		}
		clear(b.leftW)
		leftN, wL := 0, 0.0
		for k := 0; k < len(seq)-1; k++ {
			if e := seq[k]; e.row < 0 {
				for c, v := range b.zeroW {
					b.leftW[c] += v
					wL += v
				}
				leftN += zeros
			} else {
				b.leftW[d.y[e.row]] += b.weight[e.row]
				wL += b.weight[e.row]
				leftN++
			}
			if seq[k+1].val <= seq[k].val+featureThreshold {
				continue
			}
			if leftN < b.p.minLeaf || m-leftN < b.p.minLeaf {
				continue
			}
			wR := wNode - wL
			sqR := 0.0
			for c, v := range b.leftW {
				r := b.nodeW[c] - v
				sqR += r * r
			}
			proxy := sumSquares(b.leftW)/wL + sqR/wR
			if proxy > bestProxy {
				bestProxy = proxy
				a, c := seq[k].val, seq[k+1].val
				thr := a/2 + c/2
				if thr == c || math.IsInf(thr, 0) {
					thr = a
				}
				best = split{feature: f, threshold: thr, leftN: leftN, leftW: wL}
				copy(b.bestLeftW, b.leftW)
			}
		}
	}
	return best, best.feature >= 0
}

// partition reorders samples[start:end] so that the documents going left
// come first, keeping their order, updates where, and returns the first
// position of the right child.
func (b *builder) partition(start, end int, s split) int {
	m := end - start
	x := b.xbuf[:m]
	clear(x)
	b.gather(s.feature, start, end)
	for _, e := range b.seq {
		if e.row >= 0 {
			x[int(b.where[e.row])-start] = e.val
		}
	}
	n := 0
	for p := 0; p < m; p++ {
		if x[p] <= s.threshold {
			b.tmp[n] = b.samples[start+p]
			n++
		}
	}
	mid := n
	for p := 0; p < m; p++ {
		if x[p] > s.threshold {
			b.tmp[n] = b.samples[start+p]
			n++
		}
	}
	copy(b.samples[start:end], b.tmp[:m])
	for p := start; p < end; p++ {
		b.where[b.samples[p]] = int32(p)
	}
	return start + mid
}
