package logreg

import (
	"fmt"
	"math"
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
	rows, err := checkCoef(coef, intercept, nClasses)
	if err != nil {
		return err
	}
	m.nClasses, m.nFeatures = nClasses, len(coef[0])
	m.coef = make([][]float64, rows)
	for i := range coef {
		m.coef[i] = append([]float64(nil), coef[i]...)
	}
	m.intercept = append([]float64(nil), intercept...)
	m.neg = nil
	if rows == 1 {
		m.neg = make([]float64, m.nFeatures)
		for j, w := range m.coef[0] {
			m.neg[j] = -w
		}
	}
	return nil
}

// checkCoef validates the shape and values of coef_ and intercept_ and
// returns the number of rows they must have.
func checkCoef(coef [][]float64, intercept []float64, nClasses int) (int, error) {
	if nClasses < 2 {
		return 0, fmt.Errorf("logreg: %d classes, need at least 2", nClasses)
	}
	rows := nClasses
	if nClasses == 2 {
		rows = 1
	}
	if len(coef) != rows || len(intercept) != rows {
		return 0, fmt.Errorf("logreg: %d classes need %d weight rows and intercepts, got %d and %d", nClasses, rows, len(coef), len(intercept))
	}
	for i, row := range coef {
		if len(row) == 0 || len(row) != len(coef[0]) {
			return 0, fmt.Errorf("logreg: weight row %d has %d features, want %d (at least 1)", i, len(row), len(coef[0]))
		}
		for j, w := range row {
			if math.IsNaN(w) || math.IsInf(w, 0) {
				return 0, fmt.Errorf("logreg: weight [%d][%d] is %v", i, j, w)
			}
		}
		if b := intercept[i]; math.IsNaN(b) || math.IsInf(b, 0) {
			return 0, fmt.Errorf("logreg: intercept %d is %v", i, b)
		}
	}
	return rows, nil
}
