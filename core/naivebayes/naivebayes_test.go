package naivebayes

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

func TestFitByFormula(t *testing.T) {
	// Counts of 3 features in 4 documents of 2 classes.
	X, _ := sparse.FromDense([][]float64{{2, 1, 0}, {1, 0, 0}, {0, 1, 3}, {0, 0, 1}})
	y := []int{0, 0, 1, 1}
	for _, tc := range []struct {
		name    string
		m       Model
		alpha   float64
		uniform bool
	}{
		{"default", Model{}, 1, false},
		{"alpha 0.5 uniform prior", Model{Alpha: 0.5, UniformPrior: true}, 0.5, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.m
			if err := m.Fit(context.Background(), X, y, 2, nil); err != nil {
				t.Fatal(err)
			}
			// Per-class feature totals: class 0 (3, 1, 0), class 1 (0, 1, 4).
			fc := [][]float64{{3, 1, 0}, {0, 1, 4}}
			for c := range fc {
				total := 0.0
				for _, v := range fc[c] {
					total += v + tc.alpha
				}
				for j, v := range fc[c] {
					want := math.Log((v + tc.alpha) / total)
					if got := m.ClassWeights(c)[j]; math.Abs(got-want) > 1e-14 {
						t.Errorf("log P(%d|%d) = %v, want %v", j, c, got, want)
					}
				}
				if got := m.ClassIntercept(c); math.Abs(got-math.Log(0.5)) > 1e-15 {
					t.Errorf("log prior %d = %v", c, got)
				}
			}
			P, err := m.PredictProba(X)
			if err != nil {
				t.Fatal(err)
			}
			jll, _ := m.DecisionFunction(X)
			for i := range P {
				want := 1 / (1 + math.Exp(jll[i][1]-jll[i][0]))
				if math.Abs(P[i][0]-want) > 1e-14 || math.Abs(P[i][0]+P[i][1]-1) > 1e-14 {
					t.Errorf("row %d: P = %v, want P0 = %v", i, P[i], want)
				}
			}
			pred, _ := m.Predict(X)
			for i := range y {
				if pred[i] != y[i] {
					t.Errorf("document %d predicted %d", i, pred[i])
				}
			}
		})
	}
}

func TestErrors(t *testing.T) {
	X, _ := sparse.FromDense([][]float64{{1, -1}, {0, 1}})
	var m Model
	if err := m.Fit(context.Background(), X, []int{0, 1}, 2, nil); err == nil {
		t.Error("negative feature: no error")
	}
	if _, err := m.Predict(X); err == nil {
		t.Error("Predict before Fit: no error")
	}
	if err := (&Model{Alpha: -1}).Fit(context.Background(), X, []int{0, 1}, 2, nil); err == nil {
		t.Error("negative alpha: no error")
	}
}

func ExampleModel() {
	docs := []string{"win money now", "cheap money offer", "meeting at noon", "lunch meeting today"}
	labels := []int{1, 1, 0, 0}
	var v vectorize.Count
	X, _ := v.FitTransform(context.Background(), docs, nil)
	var m Model
	if err := m.Fit(context.Background(), X, labels, 2, nil); err != nil {
		panic(err)
	}
	Xn, _ := v.Transform(context.Background(), []string{"money offer today"})
	P, _ := m.PredictProba(Xn)
	fmt.Printf("P(ham) %.3f P(spam) %.3f\n", P[0][0], P[0][1])
	c, _ := classify.Contributions(&m, Xn, 0, 1, -1, v.FeatureNames())
	for _, f := range c {
		fmt.Printf("%s %.3f\n", f.Name, f.Contribution)
	}
	// Output:
	// P(ham) 0.250 P(spam) 0.750
	// money -1.674
	// offer -2.079
	// today -2.773
}

func BenchmarkTfidfNaiveBayes(b *testing.B) {
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
