// Package naivebayes is multinomial naive Bayes as scikit-learn 1.2's
// MultinomialNB(alpha=1.0, fit_prior=True) computes it: additively smoothed
// per-class feature log-probabilities and class log-priors from the class
// frequencies, on counts or on TF-IDF values alike.
package naivebayes

import (
	"context"
	"fmt"
	"math"

	"textlab/core/classify"
	"textlab/core/sparse"
)

// Model is a multinomial naive Bayes classifier. The zero Model uses
// scikit-learn's defaults.
type Model struct {
	// Alpha is the additive (Laplace/Lidstone) smoothing. Zero means 1.0;
	// scikit-learn clips smaller values to 1e-10, so does Textlab.
	Alpha float64
	// UniformPrior uses equal class priors (fit_prior=False). Default: the
	// priors are the class frequencies in the training data.
	UniformPrior bool

	nFeatures int
	// featureLogProb[c][j] is log P(feature j | class c).
	featureLogProb [][]float64
	classLogPrior  []float64
}

var (
	_ classify.Probabilistic = (*Model)(nil)
	_ classify.Linear        = (*Model)(nil)
)

// Fit estimates the class priors and feature probabilities. Feature values
// must be non-negative.
func (m *Model) Fit(ctx context.Context, X *sparse.Matrix, y []int, nClasses int, progress classify.Progress) error {
	m.featureLogProb = nil
	if err := classify.CheckLabels(X, y, nClasses); err != nil {
		return err
	}
	alpha := m.Alpha
	if alpha == 0 {
		alpha = 1
	}
	if alpha < 0 || math.IsNaN(alpha) {
		return fmt.Errorf("naivebayes: Alpha %v is negative", alpha)
	}
	alpha = math.Max(alpha, 1e-10)
	fc := make([][]float64, nClasses)
	for c := range fc {
		fc[c] = make([]float64, X.Cols)
	}
	classCount := make([]float64, nClasses)
	for i := 0; i < X.Rows; i++ {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if progress != nil {
				progress(float64(i)/float64(X.Rows), "counting features")
			}
		}
		_, vals := X.Row(i)
		for _, v := range vals {
			if v < 0 || math.IsNaN(v) {
				return fmt.Errorf("naivebayes: document %d has negative feature value %v", i, v)
			}
		}
		X.AddRowTo(fc[y[i]], i, 1)
		classCount[y[i]]++
	}
	m.featureLogProb = make([][]float64, nClasses)
	for c, row := range fc {
		total := 0.0
		for j := range row {
			row[j] += alpha
			total += row[j]
		}
		logTotal := math.Log(total)
		for j, v := range row {
			row[j] = math.Log(v) - logTotal
		}
		m.featureLogProb[c] = row
	}
	m.classLogPrior = make([]float64, nClasses)
	n := float64(X.Rows)
	for c, cc := range classCount {
		if m.UniformPrior {
			m.classLogPrior[c] = -math.Log(float64(nClasses))
		} else {
			m.classLogPrior[c] = math.Log(cc) - math.Log(n)
		}
	}
	m.nFeatures = X.Cols
	if progress != nil {
		progress(1, "fitted")
	}
	return nil
}

func (m *Model) fitted() int {
	if m.featureLogProb == nil {
		return -1
	}
	return m.nFeatures
}

// DecisionFunction returns the joint log-likelihood log P(c) + Σ x_j log
// P(j|c) of each document and class (scikit-learn's predict_joint_log_proba).
func (m *Model) DecisionFunction(X *sparse.Matrix) ([][]float64, error) {
	if err := classify.CheckFeatures(X, m.fitted()); err != nil {
		return nil, err
	}
	out := make([][]float64, X.Rows)
	for i := range out {
		out[i] = make([]float64, len(m.classLogPrior))
		for c := range out[i] {
			out[i][c] = X.RowDot(i, m.featureLogProb[c]) + m.classLogPrior[c]
		}
	}
	return out, nil
}

// PredictProba returns the posterior class probabilities of each document.
func (m *Model) PredictProba(X *sparse.Matrix) ([][]float64, error) {
	jll, err := m.DecisionFunction(X)
	if err != nil {
		return nil, err
	}
	for _, row := range jll {
		zmax := math.Inf(-1)
		for _, z := range row {
			zmax = math.Max(zmax, z)
		}
		sum := 0.0
		for _, z := range row {
			sum += math.Exp(z - zmax)
		}
		lse := zmax + math.Log(sum)
		for c, z := range row {
			row[c] = math.Exp(z - lse)
		}
	}
	return jll, nil
}

// Predict returns the most probable class of each document.
func (m *Model) Predict(X *sparse.Matrix) ([]int, error) {
	jll, err := m.DecisionFunction(X)
	if err != nil {
		return nil, err
	}
	return classify.Argmax(jll), nil
}

// ClassWeights returns log P(feature | class c) (feature_log_prob_[c]).
func (m *Model) ClassWeights(c int) []float64 { return m.featureLogProb[c] }

// ClassIntercept returns log P(c) (class_log_prior_[c]).
func (m *Model) ClassIntercept(c int) float64 { return m.classLogPrior[c] }
