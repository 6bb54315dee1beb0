package classify

import (
	"reflect"
	"testing"

	"textlab/core/sparse"
)

func TestLinearParams(t *testing.T) {
	X, err := sparse.FromDense([][]float64{{1, 0}, {0, 2}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		coef       [][]float64
		intercept  []float64
		nClasses   int
		wantScores [][]float64
		wantW0     []float64
		wantB0     float64
	}{
		{"binary: class 0 is the negation", [][]float64{{1, -1}}, []float64{0.5}, 2,
			[][]float64{{-1.5, 1.5}, {1.5, -1.5}}, []float64{-1, 1}, -0.5},
		{"three classes: one row each", [][]float64{{1, 0}, {0, 1}, {2, 2}}, []float64{0, 1, -1}, 3,
			[][]float64{{1, 1, 1}, {0, 3, 3}}, []float64{1, 0}, 0},
	}
	for _, tc := range tests {
		var p LinearParams
		if p.Features() != -1 {
			t.Fatalf("%s: zero value not unfitted", tc.name)
		}
		if _, err := p.Scores(X); err == nil {
			t.Fatalf("%s: unfitted Scores did not fail", tc.name)
		}
		if err := p.Set(tc.coef, tc.intercept, tc.nClasses); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		tc.coef[0][0] = 99 // Set copies
		got, err := p.Scores(X)
		if err != nil || !reflect.DeepEqual(got, tc.wantScores) {
			t.Errorf("%s: Scores = %v, %v; want %v", tc.name, got, err, tc.wantScores)
		}
		if w := p.ClassWeights(0); !reflect.DeepEqual(w, tc.wantW0) || p.ClassIntercept(0) != tc.wantB0 {
			t.Errorf("%s: class 0 = %v, %v; want %v, %v", tc.name, w, p.ClassIntercept(0), tc.wantW0, tc.wantB0)
		}
		if p.Binary() != (tc.nClasses == 2) || p.Features() != 2 {
			t.Errorf("%s: Binary %v Features %d", tc.name, p.Binary(), p.Features())
		}
		p.Reset()
		if p.Features() != -1 {
			t.Errorf("%s: Reset left the model fitted", tc.name)
		}
	}
}
