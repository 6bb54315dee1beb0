package logreg

import (
	"context"
	"fmt"
	"math"
	"testing"

	"textlab/core/classify"
	"textlab/core/sparse"
	"textlab/core/vectorize"
	"textlab/internal/synth"
)

func toyMatrix(t testing.TB, rows [][]float64) *sparse.Matrix {
	t.Helper()
	m, err := sparse.FromDense(rows)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// penalisedGradient returns the gradient of the objective at the fitted
// model, computed independently from the fitted weights.
func penalisedGradient(m *Model, X *sparse.Matrix, y []int, C float64) float64 {
	P, _ := m.PredictProba(X)
	worst := 0.0
	coef, _ := m.Coef()
	k := len(coef)
	for c := 0; c < k; c++ {
		cls := c
		if k == 1 {
			cls = 1
		}
		g := make([]float64, X.Cols+1)
		for i := 0; i < X.Rows; i++ {
			r := P[i][cls]
			if y[i] == cls {
				r--
			}
			X.AddRowTo(g[:X.Cols], i, r)
			g[X.Cols] += r
		}
		for j, w := range coef[c] {
			g[j] += w / C
		}
		for _, v := range g {
			worst = math.Max(worst, math.Abs(v))
		}
	}
	return worst
}

func TestFitReachesOptimum(t *testing.T) {
	texts, labels := synth.Corpus(synth.Config{Seed: 4, Docs: 300, Classes: 3})
	var v vectorize.Tfidf
	X, err := v.FitTransform(context.Background(), texts, nil)
	if err != nil {
		t.Fatal(err)
	}
	y2 := make([]int, len(labels))
	for i, l := range labels {
		y2[i] = l % 2
	}
	for _, tc := range []struct {
		name string
		y    []int
		k    int
		C    float64
	}{
		{"multinomial", labels, 3, 1},
		{"binary", y2, 2, 1},
		{"binary C=10", y2, 2, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := &Model{C: tc.C, MaxIter: 500}
			if err := m.Fit(context.Background(), X, tc.y, tc.k, nil); err != nil {
				t.Fatal(err)
			}
			if g := penalisedGradient(m, X, tc.y, tc.C); g > 1e-3 {
				t.Errorf("largest gradient entry %g at the solution (iterations %d)", g, m.Iterations)
			}
			P, err := m.PredictProba(X)
			if err != nil {
				t.Fatal(err)
			}
			for i, row := range P {
				s := 0.0
				for _, p := range row {
					s += p
				}
				if math.Abs(s-1) > 1e-12 {
					t.Fatalf("row %d probabilities sum to %v", i, s)
				}
			}
		})
	}
}

func TestBinaryWeights(t *testing.T) {
	X := toyMatrix(t, [][]float64{{1, 0}, {0.9, 0.1}, {0, 1}, {0.2, 1}})
	y := []int{0, 0, 1, 1}
	var m Model
	if err := m.Fit(context.Background(), X, y, 2, nil); err != nil {
		t.Fatal(err)
	}
	w0, w1 := m.ClassWeights(0), m.ClassWeights(1)
	if w1[1] <= 0 || w1[0] >= 0 {
		t.Errorf("class 1 weights %v: want feature 1 positive, feature 0 negative", w1)
	}
	for j := range w0 {
		if w0[j] != -w1[j] {
			t.Errorf("class 0 weight %d = %v, want %v", j, w0[j], -w1[j])
		}
	}
	pred, _ := m.Predict(X)
	for i := range y {
		if pred[i] != y[i] {
			t.Errorf("document %d predicted %d, want %d", i, pred[i], y[i])
		}
	}
	top := classify.TopFeatures(&m, 1, 1, []string{"ham", "spam"})
	if top[0].Name != "spam" {
		t.Errorf("top feature of class 1: %+v", top[0])
	}
}

func TestErrors(t *testing.T) {
	X := toyMatrix(t, [][]float64{{1, 0}, {0, 1}})
	ctx := context.Background()
	var m Model
	for _, tc := range []struct {
		y []int
		k int
	}{{[]int{0}, 2}, {[]int{0, 0}, 2}, {[]int{0, 2}, 2}, {[]int{0, 1}, 1}} {
		if err := m.Fit(ctx, X, tc.y, tc.k, nil); err == nil {
			t.Errorf("Fit(y=%v, k=%d): no error", tc.y, tc.k)
		}
	}
	if _, err := m.Predict(X); err == nil {
		t.Error("Predict before a successful Fit: no error")
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := m.Fit(cctx, X, []int{0, 1}, 2, nil); err == nil {
		t.Error("cancelled Fit: no error")
	}
	if err := m.Fit(ctx, X, []int{0, 1}, 2, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Predict(toyMatrix(t, [][]float64{{1, 2, 3}})); err == nil {
		t.Error("wrong feature count: no error")
	}
}

func BenchmarkTfidfLogreg(b *testing.B) {
	texts, labels := synth.Corpus(synth.Config{Seed: 1, Docs: 4000, Classes: 3, Words: 20000})
	for b.Loop() {
		var v vectorize.Tfidf
		X, err := v.FitTransform(context.Background(), texts, nil)
		if err != nil {
			b.Fatal(err)
		}
		var m Model
		if err := m.Fit(context.Background(), X, labels, 3, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func ExampleModel() {
	docs := []string{"great fun film", "loved it, great", "boring and dull", "dull plot, awful",
		"fun and great", "awful boring film"}
	labels := []int{1, 1, 0, 0, 1, 0}
	var v vectorize.Tfidf
	X, _ := v.FitTransform(context.Background(), docs, nil)
	var m Model
	if err := m.Fit(context.Background(), X, labels, 2, nil); err != nil {
		panic(err)
	}
	Xn, _ := v.Transform(context.Background(), []string{"a great film", "so dull"})
	P, _ := m.PredictProba(Xn)
	pred, _ := m.Predict(Xn)
	fmt.Printf("%.3f %v\n", P, pred)
	for _, f := range classify.TopFeatures(&m, 1, 2, v.FeatureNames()) {
		fmt.Printf("%s %.3f\n", f.Name, f.Weight)
	}
	// Output:
	// [[0.416 0.584] [0.604 0.396]] [1 0]
	// great 0.542
	// fun 0.448
}
