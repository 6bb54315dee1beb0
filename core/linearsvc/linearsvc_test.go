package linearsvc

import (
	"context"
	"fmt"
	"math"
	"testing"

	"textlab/core/sparse"
	"textlab/core/vectorize"
	"textlab/internal/synth"
)

// primalGradient returns the largest entry of the gradient of the primal
// objective ½(||w||² + b²) + C Σ max(0, 1 − y(w·x + b))² of one binary
// problem (intercept feature of value 1), from the fitted weights alone.
func primalGradient(w []float64, b float64, X *sparse.Matrix, y []float64, C float64) float64 {
	g := append([]float64(nil), w...)
	gb := b
	for i := 0; i < X.Rows; i++ {
		m := 1 - y[i]*(X.RowDot(i, w)+b)
		if m > 0 {
			X.AddRowTo(g, i, -2*C*m*y[i])
			gb += -2 * C * m * y[i]
		}
	}
	worst := math.Abs(gb)
	for _, v := range g {
		worst = math.Max(worst, math.Abs(v))
	}
	return worst
}

func TestFitReachesOptimum(t *testing.T) {
	texts, labels := synth.Corpus(synth.Config{Seed: 5, Docs: 300, Classes: 3})
	var v vectorize.Tfidf
	X, err := v.FitTransform(context.Background(), texts, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, C := range []float64{1, 0.1} {
		m := Model{C: C, Tol: 1e-6}
		if err := m.Fit(context.Background(), X, labels, 3, nil); err != nil {
			t.Fatal(err)
		}
		if !m.Converged {
			t.Errorf("C=%v: not converged in %d passes", C, m.Iterations)
		}
		for c := 0; c < 3; c++ {
			y := make([]float64, len(labels))
			for i, l := range labels {
				y[i] = -1
				if l == c {
					y[i] = 1
				}
			}
			if g := primalGradient(m.ClassWeights(c), m.ClassIntercept(c), X, y, C); g > 1e-3 {
				t.Errorf("C=%v class %d: primal gradient %g", C, c, g)
			}
		}
	}
}

func TestBinaryAndErrors(t *testing.T) {
	X, _ := sparse.FromDense([][]float64{{1, 0}, {0.8, 0.1}, {0, 1}, {0.1, 0.9}})
	y := []int{0, 0, 1, 1}
	var m Model
	if _, err := m.Predict(X); err == nil {
		t.Error("Predict before Fit: no error")
	}
	if err := m.Fit(context.Background(), X, y, 2, nil); err != nil {
		t.Fatal(err)
	}
	pred, _ := m.Predict(X)
	for i := range y {
		if pred[i] != y[i] {
			t.Errorf("document %d predicted %d", i, pred[i])
		}
	}
	if w0, w1 := m.ClassWeights(0), m.ClassWeights(1); w0[0] != -w1[0] || m.ClassIntercept(0) != -m.ClassIntercept(1) {
		t.Error("binary class 0 weights are not the negated class 1 weights")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := m.Fit(ctx, X, y, 2, nil); err == nil {
		t.Error("cancelled Fit: no error")
	}
	if err := (&Model{C: -1}).Fit(context.Background(), X, y, 2, nil); err == nil {
		t.Error("negative C: no error")
	}
}

func ExampleModel() {
	docs := []string{"goal match striker", "match referee goal", "vote senate bill", "senate election vote",
		"recipe oven bread", "bread garlic oven"}
	labels := []int{0, 0, 1, 1, 2, 2}
	var v vectorize.Tfidf
	X, _ := v.FitTransform(context.Background(), docs, nil)
	var m Model
	if err := m.Fit(context.Background(), X, labels, 3, nil); err != nil {
		panic(err)
	}
	Xn, _ := v.Transform(context.Background(), []string{"the senate vote", "garlic bread"})
	pred, _ := m.Predict(Xn)
	fmt.Println(pred)
	// Output:
	// [1 2]
}

func BenchmarkTfidfLinearSVC(b *testing.B) {
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
