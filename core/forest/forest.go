// Package forest is a random forest classifier as scikit-learn 1.2's
// RandomForestClassifier defines it: many decision trees, each grown on a
// bootstrap sample of the documents, choosing every split by the Gini
// impurity among a random subset of sqrt(features) features, and voting by
// averaging the class frequencies of the leaves the document falls in.
//
// The trees work directly on sparse (CSR) feature matrices: a split on
// feature f sends a document left when x[f] <= threshold, where a feature
// the document does not contain counts as 0.
//
// The forest is seeded and reproducible, but it uses Go's math/rand/v2 PCG
// generator, so it cannot reproduce scikit-learn's exact trees (which come
// from NumPy's and scikit-learn's own random streams); only its accuracy is
// comparable.
package forest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"

	"textlab/core/classify"
	"textlab/core/sparse"
)

// Model is a random forest classifier. The zero Model uses scikit-learn's
// defaults.
type Model struct {
	// NEstimators is the number of trees. Default 100.
	NEstimators int
	// MaxDepth limits the depth of each tree (the root has depth 0).
	// Default 0: grow until the leaves are pure or too small to split.
	MaxDepth int
	// MinSamplesSplit is the fewest documents a node needs to be split.
	// Default 2.
	MinSamplesSplit int
	// MinSamplesLeaf is the fewest documents each side of a split must
	// keep. Default 1.
	MinSamplesLeaf int
	// MaxFeatures is the number of features drawn at random as split
	// candidates at each node. Default 0: max(1, floor(sqrt(features))),
	// scikit-learn's "sqrt". Values above the number of features use all.
	MaxFeatures int
	// NoBootstrap grows every tree on all documents instead of a bootstrap
	// sample (scikit-learn's bootstrap=False). Default false.
	NoBootstrap bool
	// Seed seeds the random choices; equal seeds give equal forests.
	Seed uint64
	// Workers is the number of trees trained at once. Default 0:
	// runtime.GOMAXPROCS(0).
	Workers int

	nClasses    int
	nFeatures   int
	trees       []*tree
	importances []float64
}

var _ classify.Probabilistic = (*Model)(nil)

// tree is one fitted decision tree in flat arrays, one entry per node.
type tree struct {
	feature     []int32   // split feature, -1 for a leaf
	threshold   []float64 // go left when x[feature] <= threshold
	left, right []int32   // child nodes
	value       []float64 // per node, nClasses class frequencies (sum 1)
}

type params struct {
	nTrees, maxDepth, minSplit, minLeaf, maxFeatures, workers int
}

func (m *Model) params(nFeatures int) (params, error) {
	p := params{m.NEstimators, m.MaxDepth, m.MinSamplesSplit, m.MinSamplesLeaf, m.MaxFeatures, m.Workers}
	if p.nTrees < 0 || p.maxDepth < 0 || p.minSplit < 0 || p.minLeaf < 0 || p.maxFeatures < 0 || p.workers < 0 {
		return p, errors.New("forest: NEstimators, MaxDepth, MinSamplesSplit, MinSamplesLeaf, MaxFeatures and Workers must not be negative")
	}
	if p.minSplit == 1 {
		return p, errors.New("forest: MinSamplesSplit must be at least 2")
	}
	if p.nTrees == 0 {
		p.nTrees = 100
	}
	if p.maxDepth == 0 {
		p.maxDepth = math.MaxInt
	}
	if p.minSplit == 0 {
		p.minSplit = 2
	}
	if p.minLeaf == 0 {
		p.minLeaf = 1
	}
	if p.maxFeatures == 0 {
		p.maxFeatures = max(1, int(math.Sqrt(float64(nFeatures))))
	}
	p.maxFeatures = min(p.maxFeatures, nFeatures)
	if p.workers == 0 {
		p.workers = runtime.GOMAXPROCS(0)
	}
	p.workers = max(1, min(p.workers, p.nTrees))
	return p, nil
}

// Fit grows the forest on X and labels y in [0, nClasses). Trees grow in
// parallel on Workers goroutines; progress (may be nil) is called after
// each tree, always from the calling goroutine. Fit stops with ctx's error
// when ctx is cancelled.
func (m *Model) Fit(ctx context.Context, X *sparse.Matrix, y []int, nClasses int, progress classify.Progress) error {
	m.nFeatures, m.trees, m.importances = -1, nil, nil
	if err := classify.CheckLabels(X, y, nClasses); err != nil {
		return err
	}
	if err := X.Validate(); err != nil {
		return err
	}
	if X.Cols == 0 {
		return errors.New("forest: matrix has no features")
	}
	p, err := m.params(X.Cols)
	if err != nil {
		return err
	}
	data := &trainData{X: X, colPtr: nil, y: y, k: nClasses}
	data.buildColumns()

	// One seed per tree, drawn in order, so the forest does not depend on
	// which goroutine grows which tree.
	seeder := rand.New(rand.NewPCG(m.Seed, 0x5eed))
	seeds := make([]uint64, p.nTrees)
	for i := range seeds {
		seeds[i] = seeder.Uint64()
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	trees := make([]*tree, p.nTrees)
	imps := make([][]float64, p.nTrees)
	jobs := make(chan int)
	done := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < p.workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := newBuilder(data, p)
			for i := range jobs {
				t, imp, err := b.grow(ctx, seeds[i], !m.NoBootstrap)
				if err != nil {
					return
				}
				trees[i], imps[i] = t, imp
				select {
				case done <- i:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for i := range trees {
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(done) }()
	finished := 0
	for range done {
		finished++
		if progress != nil {
			progress(float64(finished)/float64(p.nTrees), fmt.Sprintf("tree %d of %d", finished, p.nTrees))
		}
	}
	if err := ctx.Err(); err != nil || finished < p.nTrees {
		if err == nil {
			err = errors.New("forest: training stopped early")
		}
		return err
	}
	m.nClasses, m.nFeatures, m.trees = nClasses, X.Cols, trees
	m.importances = averageImportances(imps, X.Cols)
	return nil
}

// averageImportances averages the per-tree normalised importances over the
// trees that split at least once, and normalises the result, as
// scikit-learn's feature_importances_ does.
func averageImportances(imps [][]float64, nFeatures int) []float64 {
	out := make([]float64, nFeatures)
	n := 0
	for _, imp := range imps {
		if imp == nil {
			continue
		}
		n++
		for j, v := range imp {
			out[j] += v
		}
	}
	s := 0.0
	for _, v := range out {
		s += v
	}
	if n > 0 && s > 0 {
		for j := range out {
			out[j] /= s
		}
	}
	return out
}

// FeatureImportances returns the mean decrease in Gini impurity that each
// feature brings, averaged over the trees and normalised to sum 1
// (scikit-learn's feature_importances_). It is nil before Fit; all zero when
// no tree could split. Shared storage: do not modify.
func (m *Model) FeatureImportances() []float64 { return m.importances }

// NTrees returns the number of fitted trees.
func (m *Model) NTrees() int { return len(m.trees) }

func (m *Model) fitted() int {
	if m.trees == nil {
		return -1
	}
	return m.nFeatures
}

// PredictProba returns, per document, the mean over the trees of the class
// frequencies in the leaf the document reaches.
func (m *Model) PredictProba(X *sparse.Matrix) ([][]float64, error) {
	if err := classify.CheckFeatures(X, m.fitted()); err != nil {
		return nil, err
	}
	if err := X.Validate(); err != nil {
		return nil, err
	}
	dense := make([]float64, m.nFeatures)
	out := make([][]float64, X.Rows)
	inv := 1 / float64(len(m.trees))
	for i := range out {
		cols, vals := X.Row(i)
		for k, j := range cols {
			dense[j] = vals[k]
		}
		p := make([]float64, m.nClasses)
		for _, t := range m.trees {
			leaf := t.apply(dense)
			for c, v := range t.value[leaf*m.nClasses : (leaf+1)*m.nClasses] {
				p[c] += v
			}
		}
		for c := range p {
			p[c] *= inv
		}
		out[i] = p
		for _, j := range cols {
			dense[j] = 0
		}
	}
	return out, nil
}

// DecisionFunction returns the class probabilities (PredictProba): a
// forest has no other score.
func (m *Model) DecisionFunction(X *sparse.Matrix) ([][]float64, error) {
	return m.PredictProba(X)
}

// Predict returns the class with the highest mean probability (the first
// on ties).
func (m *Model) Predict(X *sparse.Matrix) ([]int, error) {
	p, err := m.PredictProba(X)
	if err != nil {
		return nil, err
	}
	return classify.Argmax(p), nil
}

// apply returns the leaf that the dense feature vector x reaches.
func (t *tree) apply(x []float64) int {
	n := int32(0)
	for t.feature[n] >= 0 {
		if x[t.feature[n]] <= t.threshold[n] {
			n = t.left[n]
		} else {
			n = t.right[n]
		}
	}
	return int(n)
}
