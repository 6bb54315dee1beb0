package logreg

import (
	"fmt"

	"textlab/core/classify"
)

// Coef returns the fitted weights and intercepts as scikit-learn stores them
// (coef_ and intercept_): one row for two classes (class 1's log-odds),
// else one row per class. Both are nil before Fit; they share storage with
// the model (do not modify).
func (m *Model) Coef() (coef [][]float64, intercept []float64) { return m.coef, m.intercept }

// SetCoef makes m a fitted model for nClasses classes with the given coef_
// and intercept_ (shaped as Coef returns them), for example read back from a
// saved model. The slices are copied.
func (m *Model) SetCoef(coef [][]float64, intercept []float64, nClasses int) error {
	c, b, err := classify.CheckCoef(coef, intercept, nClasses)
	if err != nil {
		return fmt.Errorf("logreg: %w", err)
	}
	m.nClasses, m.nFeatures, m.coef, m.intercept, m.neg = nClasses, len(c[0]), c, b, nil
	if len(c) == 1 {
		m.neg = make([]float64, m.nFeatures)
		for j, w := range c[0] {
			m.neg[j] = -w
		}
	}
	return nil
}
