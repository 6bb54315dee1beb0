package linearsvc

import (
	"context"
	"math"
	"reflect"
	"strings"
	"testing"

	"textlab/core/sparse"
)

func TestSetCoefRoundTrip(t *testing.T) {
	X, _ := sparse.FromDense([][]float64{{1, 0, 2}, {0, 1, 0}, {2, 1, 0}, {0, 0, 1}, {1, 1, 1}, {0, 2, 0}})
	for _, tc := range []struct {
		name string
		y    []int
		n    int
	}{{"binary", []int{0, 1, 0, 1, 0, 1}, 2}, {"three classes", []int{0, 1, 2, 0, 1, 2}, 3}} {
		t.Run(tc.name, func(t *testing.T) {
			var m Model
			if err := m.Fit(context.Background(), X, tc.y, tc.n, nil); err != nil {
				t.Fatal(err)
			}
			coef, intercept := m.Coef()
			var back Model
			if err := back.SetCoef(coef, intercept, tc.n); err != nil {
				t.Fatal(err)
			}
			want, _ := m.DecisionFunction(X)
			got, err := back.DecisionFunction(X)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("scores differ after SetCoef: %v %v", got, err)
			}
			if !reflect.DeepEqual(back.ClassWeights(0), m.ClassWeights(0)) {
				t.Error("class 0 weights differ")
			}
		})
	}
}

func TestSetCoefRejects(t *testing.T) {
	for _, tc := range []struct {
		name      string
		coef      [][]float64
		intercept []float64
		n         int
		want      string
	}{
		{"one class", [][]float64{{1}}, []float64{0}, 1, "at least 2"},
		{"binary needs one row", [][]float64{{1}, {2}}, []float64{0, 0}, 2, "need 1 weight rows"},
		{"ragged", [][]float64{{1, 2}, {3}, {4, 5}}, []float64{0, 0, 0}, 3, "row 1"},
		{"empty row", [][]float64{{}}, []float64{0}, 2, "at least 1"},
		{"NaN", [][]float64{{math.NaN()}}, []float64{0}, 2, "NaN"},
		{"infinite intercept", [][]float64{{1}}, []float64{math.Inf(1)}, 2, "intercept"},
	} {
		var m Model
		if err := m.SetCoef(tc.coef, tc.intercept, tc.n); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
}
