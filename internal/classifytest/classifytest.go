// Package classifytest holds the test helpers that Textlab's classifier
// packages share: TF-IDF features of a synthetic corpus split into training
// and test documents, accuracy, checks of SetCoef for linear models, and
// (with the build tag ref) the comparison of a linear model's fitted
// parameters with scikit-learn's.
package classifytest

import (
	"context"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"

	"textlab/core/classify"
	"textlab/core/sparse"
	"textlab/core/vectorize"
	"textlab/internal/synth"
)

// Split returns TF-IDF features of a synthetic corpus (synth.Corpus with
// the given seed, number of documents and classes) split 4:1: every fifth
// document goes to the test set, which is transformed with the vocabulary
// fitted on the training set.
func Split(t testing.TB, seed uint64, docs, classes int) (Xtr *sparse.Matrix, ytr []int, Xte *sparse.Matrix, yte []int) {
	t.Helper()
	texts, labels := synth.Corpus(synth.Config{Seed: seed, Docs: docs, Classes: classes})
	var trT, teT []string
	for i := range texts {
		if i%5 == 4 {
			teT, yte = append(teT, texts[i]), append(yte, labels[i])
		} else {
			trT, ytr = append(trT, texts[i]), append(ytr, labels[i])
		}
	}
	var v vectorize.Tfidf
	Xtr, err := v.FitTransform(context.Background(), trT, nil)
	if err != nil {
		t.Fatal(err)
	}
	Xte, err = v.Transform(context.Background(), teT)
	if err != nil {
		t.Fatal(err)
	}
	return Xtr, ytr, Xte, yte
}

// Accuracy returns the fraction of pred equal to y (both the same length).
func Accuracy(pred, y []int) float64 {
	n := 0
	for i := range y {
		if pred[i] == y[i] {
			n++
		}
	}
	return float64(n) / float64(len(y))
}

// ThroughJSON returns a copy of v made by encoding it to JSON and decoding
// the result, as a saved model's state goes to a file and back.
func ThroughJSON[T any](t testing.TB, v T) T {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var back T
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	return back
}

// CoefModel is a linear model whose parameters can be read and set in
// scikit-learn's coef_/intercept_ layout (logreg.Model, linearsvc.Model).
type CoefModel interface {
	classify.Linear
	// Coef returns coef_ and intercept_.
	Coef() (coef [][]float64, intercept []float64)
	// SetCoef makes the model a fitted one with the given parameters.
	SetCoef(coef [][]float64, intercept []float64, nClasses int) error
}

// CheckCoefRoundTrip fits models made by newModel on a small binary and a
// three-class problem, copies their parameters into fresh models with
// SetCoef and checks that the copies give the same decision scores,
// probabilities (when the model is classify.Probabilistic) and class 0
// weights.
func CheckCoefRoundTrip(t *testing.T, newModel func() CoefModel) {
	t.Helper()
	X, _ := sparse.FromDense([][]float64{{1, 0, 2}, {0, 1, 0}, {2, 1, 0}, {0, 0, 1}, {1, 1, 1}, {0, 2, 0}})
	for _, tc := range []struct {
		name string
		y    []int
		n    int
	}{{"binary", []int{0, 1, 0, 1, 0, 1}, 2}, {"three classes", []int{0, 1, 2, 0, 1, 2}, 3}} {
		t.Run(tc.name, func(t *testing.T) {
			m := newModel()
			if err := m.Fit(context.Background(), X, tc.y, tc.n, nil); err != nil {
				t.Fatal(err)
			}
			coef, intercept := m.Coef()
			back := newModel()
			if err := back.SetCoef(coef, intercept, tc.n); err != nil {
				t.Fatal(err)
			}
			want, _ := m.DecisionFunction(X)
			got, err := back.DecisionFunction(X)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("scores differ after SetCoef: %v %v", got, err)
			}
			if p, ok := m.(classify.Probabilistic); ok {
				want, _ := p.PredictProba(X)
				got, err := back.(classify.Probabilistic).PredictProba(X)
				if err != nil || !reflect.DeepEqual(got, want) {
					t.Fatalf("probabilities differ after SetCoef: %v %v", got, err)
				}
			}
			if !reflect.DeepEqual(back.ClassWeights(0), m.ClassWeights(0)) {
				t.Error("class 0 weights differ")
			}
		})
	}
}

// CheckCoefRejects checks that setCoef (a model's SetCoef, or
// classify.CheckCoef) refuses parameters of the wrong shape or with values
// that are not finite, with an error that says what is wrong.
func CheckCoefRejects(t *testing.T, setCoef func(coef [][]float64, intercept []float64, nClasses int) error) {
	t.Helper()
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
		if err := setCoef(tc.coef, tc.intercept, tc.n); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
}
