package forest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"testing"

	"textlab/core/sparse"
	"textlab/core/vectorize"
	"textlab/internal/classifytest"
)

func TestFitLearnsSyntheticCorpus(t *testing.T) {
	Xtr, ytr, Xte, yte := classifytest.Split(t, 3, 1000, 3)
	m := Model{NEstimators: 50, Seed: 1}
	var calls []float64
	if err := m.Fit(context.Background(), Xtr, ytr, 3, func(f float64, _ string) { calls = append(calls, f) }); err != nil {
		t.Fatal(err)
	}
	if len(calls) != 50 || calls[49] != 1 {
		t.Errorf("progress called %d times, last %v; want 50 ending at 1", len(calls), calls[len(calls)-1])
	}
	pred, err := m.Predict(Xte)
	if err != nil {
		t.Fatal(err)
	}
	// Chance is 1/3; the classes differ in 15% of their words.
	if acc := classifytest.Accuracy(pred, yte); acc < 0.6 {
		t.Errorf("test accuracy %.3f, want at least 0.6", acc)
	}
	P, _ := m.PredictProba(Xte)
	for i, row := range P {
		if s := row[0] + row[1] + row[2]; math.Abs(s-1) > 1e-12 {
			t.Fatalf("document %d: probabilities sum to %v", i, s)
		}
	}
	imp := m.FeatureImportances()
	s := 0.0
	for _, v := range imp {
		if v < 0 {
			t.Fatalf("negative importance %v", v)
		}
		s += v
	}
	if math.Abs(s-1) > 1e-9 {
		t.Errorf("importances sum to %v, want 1", s)
	}
}

func TestDeterministic(t *testing.T) {
	Xtr, ytr, Xte, _ := classifytest.Split(t, 4, 400, 2)
	fit := func(seed uint64, workers int) [][]float64 {
		m := Model{NEstimators: 12, Seed: seed, Workers: workers}
		if err := m.Fit(context.Background(), Xtr, ytr, 2, nil); err != nil {
			t.Fatal(err)
		}
		P, err := m.PredictProba(Xte)
		if err != nil {
			t.Fatal(err)
		}
		return P
	}
	a, b, c := fit(7, 1), fit(7, 4), fit(8, 2)
	if !reflect.DeepEqual(a, b) {
		t.Error("same seed, different worker counts: forests differ")
	}
	if reflect.DeepEqual(a, c) {
		t.Error("different seeds gave identical forests")
	}
}

func TestTreesSeparateTrainingData(t *testing.T) {
	// XOR of two features plus negative values: no single split separates
	// the classes, a depth-2 tree does. Without bootstrap and with all
	// features, every tree fits the training set exactly.
	rows := [][]float64{{0, 0, 1}, {1, 1, 1}, {1, 0, 0}, {0, 1, 0}, {-1, -1, 0}, {-1, 0, 1}}
	y := []int{0, 0, 1, 1, 0, 1}
	X, err := sparse.FromDense(rows)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		model Model
		want  float64 // training accuracy at least
	}{
		{"full trees", Model{NEstimators: 5, NoBootstrap: true, MaxFeatures: 3}, 1},
		{"stumps", Model{NEstimators: 5, NoBootstrap: true, MaxFeatures: 3, MaxDepth: 1}, 0},
		{"big leaves", Model{NEstimators: 5, NoBootstrap: true, MaxFeatures: 3, MinSamplesLeaf: 3}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.model
			if err := m.Fit(context.Background(), X, y, 2, nil); err != nil {
				t.Fatal(err)
			}
			pred, _ := m.Predict(X)
			if acc := classifytest.Accuracy(pred, y); acc < tc.want {
				t.Errorf("training accuracy %.3f, want %v", acc, tc.want)
			}
			for _, tr := range m.trees {
				depth := treeDepth(tr, 0)
				if m.MaxDepth > 0 && depth > m.MaxDepth {
					t.Errorf("tree depth %d exceeds MaxDepth %d", depth, m.MaxDepth)
				}
				if m.MinSamplesLeaf == 3 && depth > 1 {
					t.Errorf("6 documents with MinSamplesLeaf 3 allow one split, tree has depth %d", depth)
				}
			}
		})
	}
}

func treeDepth(t *tree, n int32) int {
	if t.feature[n] < 0 {
		return 0
	}
	return 1 + max(treeDepth(t, t.left[n]), treeDepth(t, t.right[n]))
}

func TestErrors(t *testing.T) {
	X, _ := sparse.FromDense([][]float64{{1, 0}, {0, 1}, {1, 1}})
	y := []int{0, 1, 0}
	var unfitted Model
	if _, err := unfitted.Predict(X); err == nil {
		t.Error("Predict before Fit: no error")
	}
	tests := []struct {
		name  string
		model Model
		y     []int
		k     int
	}{
		{"negative trees", Model{NEstimators: -1}, y, 2},
		{"min split 1", Model{MinSamplesSplit: 1}, y, 2},
		{"label out of range", Model{}, []int{0, 1, 2}, 2},
		{"too few labels", Model{}, []int{0, 1}, 2},
		{"one class", Model{}, []int{0, 0, 0}, 1},
	}
	for _, tc := range tests {
		m := tc.model
		if err := m.Fit(context.Background(), X, tc.y, tc.k, nil); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	m := Model{NEstimators: 3}
	if err := m.Fit(context.Background(), X, y, 2, nil); err != nil {
		t.Fatal(err)
	}
	wide, _ := sparse.FromDense([][]float64{{1, 0, 0}})
	if _, err := m.PredictProba(wide); err == nil {
		t.Error("3 features for a 2-feature model: no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := m.Fit(ctx, X, y, 2, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Fit returned %v", err)
	}
	if _, err := m.Predict(X); err == nil {
		t.Error("a cancelled Fit left a usable model")
	}
}

func ExampleModel() {
	docs := []string{"great fun film", "loved it, great", "boring and dull", "dull plot, awful",
		"fun and great", "awful boring film", "great great fun", "dull dull awful"}
	labels := []int{1, 1, 0, 0, 1, 0, 1, 0}
	var v vectorize.Tfidf
	X, _ := v.FitTransform(context.Background(), docs, nil)
	m := Model{NEstimators: 25, Seed: 1}
	if err := m.Fit(context.Background(), X, labels, 2, nil); err != nil {
		panic(err)
	}
	Xn, _ := v.Transform(context.Background(), []string{"a great film", "so dull"})
	pred, _ := m.Predict(Xn)
	fmt.Println(pred)
	// Output:
	// [1 0]
}

func BenchmarkForestFit(b *testing.B) {
	Xtr, ytr, _, _ := classifytest.Split(b, 5, 3000, 3)
	b.ReportMetric(float64(Xtr.Cols), "features")
	for b.Loop() {
		m := Model{Seed: 1}
		if err := m.Fit(context.Background(), Xtr, ytr, 3, nil); err != nil {
			b.Fatal(err)
		}
	}
}
