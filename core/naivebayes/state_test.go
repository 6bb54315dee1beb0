package naivebayes

import (
	"context"
	"math"
	"reflect"
	"strings"
	"testing"

	"textlab/core/sparse"
)

func TestSetLogProbsRoundTrip(t *testing.T) {
	X, _ := sparse.FromDense([][]float64{{1, 0, 2}, {0, 1, 0}, {2, 1, 0}, {0, 0, 1}})
	var m Model
	if err := m.Fit(context.Background(), X, []int{0, 1, 2, 0}, 3, nil); err != nil {
		t.Fatal(err)
	}
	var back Model
	if err := back.SetLogProbs(m.LogProbs()); err != nil {
		t.Fatal(err)
	}
	want, _ := m.PredictProba(X)
	got, err := back.PredictProba(X)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("probabilities differ after SetLogProbs: %v %v", got, err)
	}
}

func TestSetLogProbsRejects(t *testing.T) {
	for _, tc := range []struct {
		name  string
		flp   [][]float64
		prior []float64
		want  string
	}{
		{"one class", [][]float64{{-1}}, []float64{0}, "at least 2"},
		{"rows and priors differ", [][]float64{{-1}, {-1}}, []float64{-1, -1, -1}, "3 priors and 2 rows"},
		{"ragged", [][]float64{{-1, -2}, {-1}}, []float64{-1, -1}, "row 1"},
		{"positive", [][]float64{{-1}, {0.5}}, []float64{-1, -1}, "0.5"},
		{"NaN prior", [][]float64{{-1}, {-1}}, []float64{-1, math.NaN()}, "NaN"},
	} {
		var m Model
		if err := m.SetLogProbs(tc.flp, tc.prior); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
}
