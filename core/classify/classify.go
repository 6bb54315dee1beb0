// Package classify defines what Textlab's text classifiers have in common:
// fitting on a sparse feature matrix with integer labels, scores and
// predictions per document, and, for linear models, the weights that let a
// student see which features drive each class and each decision.
package classify

import (
	"context"
	"fmt"
	"sort"

	"textlab/core/sparse"
)

// Progress receives the fraction of work done (0 to 1) and a short message.
// A nil Progress is allowed wherever one is taken.
type Progress = func(fraction float64, message string)

// Classifier is a model trained on rows of X with labels y in [0, nClasses).
type Classifier interface {
	// Fit trains the model. Every class in [0, nClasses) must have at
	// least one example, and there must be at least two classes.
	Fit(ctx context.Context, X *sparse.Matrix, y []int, nClasses int, progress Progress) error
	// DecisionFunction returns one score per document and class; the
	// predicted class has the highest score.
	DecisionFunction(X *sparse.Matrix) ([][]float64, error)
	// Predict returns the predicted class of each document.
	Predict(X *sparse.Matrix) ([]int, error)
}

// Probabilistic is a Classifier that also gives class probabilities.
type Probabilistic interface {
	Classifier
	// PredictProba returns, per document, the probability of each class.
	PredictProba(X *sparse.Matrix) ([][]float64, error)
}

// Linear is a Classifier whose score for class c is ClassWeights(c)·x +
// ClassIntercept(c) (up to a term equal for all classes).
type Linear interface {
	Classifier
	// ClassWeights returns the weight of each feature for class c (shared
	// storage: do not modify).
	ClassWeights(c int) []float64
	// ClassIntercept returns the constant term of class c's score.
	ClassIntercept(c int) float64
}

// CheckLabels validates a training call: X and y agree in length, there are
// at least two classes, every label is in [0, nClasses) and every class has
// an example. Fit implementations call it first.
func CheckLabels(X *sparse.Matrix, y []int, nClasses int) error {
	if X == nil {
		return fmt.Errorf("classify: nil feature matrix")
	}
	if X.Rows != len(y) {
		return fmt.Errorf("classify: %d documents but %d labels", X.Rows, len(y))
	}
	if nClasses < 2 {
		return fmt.Errorf("classify: need at least 2 classes, got %d", nClasses)
	}
	seen := make([]bool, nClasses)
	for i, c := range y {
		if c < 0 || c >= nClasses {
			return fmt.Errorf("classify: document %d: label %d not in [0, %d)", i, c, nClasses)
		}
		seen[c] = true
	}
	for c, ok := range seen {
		if !ok {
			return fmt.Errorf("classify: class %d has no training examples", c)
		}
	}
	return nil
}

// CheckFeatures returns an error when X does not have the number of columns
// the model was trained with (nFeatures < 0 means "not fitted").
func CheckFeatures(X *sparse.Matrix, nFeatures int) error {
	if nFeatures < 0 {
		return fmt.Errorf("classify: model is not fitted")
	}
	if X == nil || X.Cols != nFeatures {
		cols := 0
		if X != nil {
			cols = X.Cols
		}
		return fmt.Errorf("classify: matrix has %d features, model was trained on %d", cols, nFeatures)
	}
	return nil
}

// Argmax returns the index of the highest score in each row (the first one
// on ties, like NumPy's argmax).
func Argmax(scores [][]float64) []int {
	out := make([]int, len(scores))
	for i, row := range scores {
		best := 0
		for c, s := range row {
			if s > row[best] {
				best = c
			}
		}
		out[i] = best
	}
	return out
}

// Feature is one feature's part in a class score.
type Feature struct {
	Index  int     // column in the feature matrix
	Name   string  // feature name ("" when no names were given)
	Weight float64 // the class weight of the feature
	// Value is the feature's value in the document and Contribution is
	// Weight*Value (both zero in TopFeatures).
	Value, Contribution float64
}

// TopFeatures returns the k features with the highest weight for class c,
// highest first (ties by column). names, if not nil, gives feature names.
func TopFeatures(m Linear, c, k int, names []string) []Feature {
	w := m.ClassWeights(c)
	idx := make([]int, len(w))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return w[idx[a]] > w[idx[b]] })
	if k > len(idx) || k < 0 {
		k = len(idx)
	}
	out := make([]Feature, k)
	for r, j := range idx[:k] {
		out[r] = Feature{Index: j, Name: name(names, j), Weight: w[j]}
	}
	return out
}

// Contributions explains the score of class c for document row of X: each
// of the document's non-zero features with its weight x value, largest
// contribution first, at most k of them (k < 0: all). The sum of all
// contributions plus ClassIntercept(c) is the class score.
func Contributions(m Linear, X *sparse.Matrix, row, c, k int, names []string) ([]Feature, error) {
	if row < 0 || row >= X.Rows {
		return nil, fmt.Errorf("classify: document %d not in [0, %d)", row, X.Rows)
	}
	w := m.ClassWeights(c)
	if X.Cols != len(w) {
		return nil, fmt.Errorf("classify: matrix has %d features, model was trained on %d", X.Cols, len(w))
	}
	cols, vals := X.Row(row)
	out := make([]Feature, len(cols))
	for n, j := range cols {
		out[n] = Feature{Index: j, Name: name(names, j), Weight: w[j], Value: vals[n], Contribution: w[j] * vals[n]}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Contribution > out[b].Contribution })
	if k >= 0 && k < len(out) {
		out = out[:k]
	}
	return out, nil
}

func name(names []string, j int) string {
	if j < len(names) {
		return names[j]
	}
	return ""
}
