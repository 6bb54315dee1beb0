package classify_test

import (
	"reflect"
	"testing"

	"textlab/core/classify"
	"textlab/internal/classifytest"
)

func TestCheckCoefRejects(t *testing.T) {
	classifytest.CheckCoefRejects(t, func(coef [][]float64, intercept []float64, nClasses int) error {
		_, _, err := classify.CheckCoef(coef, intercept, nClasses)
		return err
	})
}

func TestCheckCoefCopies(t *testing.T) {
	for _, tc := range []struct {
		name      string
		coef      [][]float64
		intercept []float64
		n         int
	}{
		{"binary", [][]float64{{1, -2}}, []float64{0.5}, 2},
		{"three classes", [][]float64{{1, 2}, {3, 4}, {5, 6}}, []float64{1, 2, 3}, 3},
	} {
		c, b, err := classify.CheckCoef(tc.coef, tc.intercept, tc.n)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !reflect.DeepEqual(c, tc.coef) || !reflect.DeepEqual(b, tc.intercept) {
			t.Errorf("%s: got %v %v, want %v %v", tc.name, c, b, tc.coef, tc.intercept)
		}
		c[0][0], b[0] = 99, 99
		if tc.coef[0][0] == 99 || tc.intercept[0] == 99 {
			t.Errorf("%s: result shares storage with the input", tc.name)
		}
	}
}
