package naivebayes

import (
	"fmt"
	"math"
)

// LogProbs returns the fitted log-probabilities as scikit-learn stores them:
// feature_log_prob_ (one row per class) and class_log_prior_. Both are nil
// before Fit; they share storage with the model (do not modify).
func (m *Model) LogProbs() (featureLogProb [][]float64, classLogPrior []float64) {
	return m.featureLogProb, m.classLogPrior
}

// SetLogProbs makes m a fitted model with the given feature_log_prob_ (one
// row per class, all of the same length) and class_log_prior_, for example
// read back from a saved model. Values must be finite and not positive
// (logarithms of probabilities). The slices are copied.
func (m *Model) SetLogProbs(featureLogProb [][]float64, classLogPrior []float64) error {
	n := len(classLogPrior)
	if n < 2 || len(featureLogProb) != n {
		return fmt.Errorf("naivebayes: need at least 2 classes with one feature row each, got %d priors and %d rows", n, len(featureLogProb))
	}
	check := func(v float64, what string, i, j int) error {
		if math.IsNaN(v) || math.IsInf(v, 0) || v > 0 {
			return fmt.Errorf("naivebayes: %s [%d][%d] is %v, not a finite log-probability", what, i, j, v)
		}
		return nil
	}
	fl := make([][]float64, n)
	for c, row := range featureLogProb {
		if len(row) == 0 || len(row) != len(featureLogProb[0]) {
			return fmt.Errorf("naivebayes: feature row %d has %d features, want %d (at least 1)", c, len(row), len(featureLogProb[0]))
		}
		for j, v := range row {
			if err := check(v, "feature log-probability", c, j); err != nil {
				return err
			}
		}
		if err := check(classLogPrior[c], "class log-prior", c, 0); err != nil {
			return err
		}
		fl[c] = append([]float64(nil), row...)
	}
	m.featureLogProb = fl
	m.classLogPrior = append([]float64(nil), classLogPrior...)
	m.nFeatures = len(fl[0])
	return nil
}
