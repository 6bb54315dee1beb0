package linearsvc

import "fmt"

// Coef returns the fitted weights and intercepts as scikit-learn stores them
// (coef_ and intercept_): one row for two classes (class 1's score), else
// one row per class. Both are nil before Fit; they share storage with the
// model (do not modify).
func (m *Model) Coef() (coef [][]float64, intercept []float64) { return m.fit.Coef() }

// SetCoef makes m a fitted model for nClasses classes with the given coef_
// and intercept_ (shaped as Coef returns them), for example read back from a
// saved model. The slices are copied.
func (m *Model) SetCoef(coef [][]float64, intercept []float64, nClasses int) error {
	if err := m.fit.Set(coef, intercept, nClasses); err != nil {
		return fmt.Errorf("linearsvc: %w", err)
	}
	return nil
}
