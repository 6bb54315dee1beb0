package classify

import (
	"fmt"
	"math"
)

// CheckCoef validates a linear model's parameters as scikit-learn stores
// them (coef_ and intercept_: one row for two classes, holding class 1's
// score, else one row per class; every row as long and at least 1 wide;
// every value finite) and returns copies of them, for a model's SetCoef.
// Its errors do not name the model: callers prefix their package name.
func CheckCoef(coef [][]float64, intercept []float64, nClasses int) ([][]float64, []float64, error) {
	if nClasses < 2 {
		return nil, nil, fmt.Errorf("%d classes, need at least 2", nClasses)
	}
	rows := nClasses
	if nClasses == 2 {
		rows = 1
	}
	if len(coef) != rows || len(intercept) != rows {
		return nil, nil, fmt.Errorf("%d classes need %d weight rows and intercepts, got %d and %d", nClasses, rows, len(coef), len(intercept))
	}
	for i, row := range coef {
		if len(row) == 0 || len(row) != len(coef[0]) {
			return nil, nil, fmt.Errorf("weight row %d has %d features, want %d (at least 1)", i, len(row), len(coef[0]))
		}
		for j, w := range row {
			if math.IsNaN(w) || math.IsInf(w, 0) {
				return nil, nil, fmt.Errorf("weight [%d][%d] is %v", i, j, w)
			}
		}
		if b := intercept[i]; math.IsNaN(b) || math.IsInf(b, 0) {
			return nil, nil, fmt.Errorf("intercept %d is %v", i, b)
		}
	}
	c := make([][]float64, rows)
	for i := range coef {
		c[i] = append([]float64(nil), coef[i]...)
	}
	return c, append([]float64(nil), intercept...), nil
}
