package mlp

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
	for _, classes := range []int{2, 3} {
		t.Run(fmt.Sprint(classes, " classes"), func(t *testing.T) {
			Xtr, ytr, Xte, yte := classifytest.Split(t, uint64(30+classes), 600, classes)
			m := Model{Hidden: 20, MaxIter: 30, Seed: 1}
			epochs := 0
			if err := m.Fit(context.Background(), Xtr, ytr, classes, func(f float64, msg string) { epochs++ }); err != nil {
				t.Fatal(err)
			}
			if epochs != len(m.LossCurve)+1 {
				t.Errorf("progress called %d times for %d epochs", epochs, len(m.LossCurve))
			}
			// The loss must fall overall, and the first epochs steadily.
			lc := m.LossCurve
			if lc[len(lc)-1] >= lc[0]/2 {
				t.Errorf("loss went from %.4f to %.4f, want at least halved", lc[0], lc[len(lc)-1])
			}
			for e := 1; e < 5; e++ {
				if lc[e] >= lc[e-1] {
					t.Errorf("epoch %d loss %.5f not below epoch %d's %.5f", e+1, lc[e], e, lc[e-1])
				}
			}
			pred, err := m.Predict(Xte)
			if err != nil {
				t.Fatal(err)
			}
			if acc := classifytest.Accuracy(pred, yte); acc < 0.8 {
				t.Errorf("test accuracy %.3f, want at least 0.8", acc)
			}
			P, _ := m.PredictProba(Xte)
			for i, row := range P {
				if len(row) != classes {
					t.Fatalf("document %d: %d probabilities, want %d", i, len(row), classes)
				}
				s := 0.0
				for _, p := range row {
					s += p
				}
				if math.Abs(s-1) > 1e-12 {
					t.Fatalf("document %d: probabilities sum to %v", i, s)
				}
			}
		})
	}
}

func TestEarlyStopping(t *testing.T) {
	// Two separable documents: the loss keeps shrinking, but by less than
	// a large Tol, so training stops after 1 + NIterNoChange + 1 epochs.
	X, _ := sparse.FromDense([][]float64{{1, 0}, {0, 1}})
	y := []int{0, 1}
	m := Model{Hidden: 4, Tol: 10, NIterNoChange: 3, MaxIter: 50}
	if err := m.Fit(context.Background(), X, y, 2, nil); err != nil {
		t.Fatal(err)
	}
	if len(m.LossCurve) != 5 || !m.Converged {
		t.Errorf("ran %d epochs (converged %v), want 5 and true", len(m.LossCurve), m.Converged)
	}
	m = Model{Hidden: 4, MaxIter: 7}
	if err := m.Fit(context.Background(), X, y, 2, nil); err != nil {
		t.Fatal(err)
	}
	if len(m.LossCurve) != 7 || m.Converged {
		t.Errorf("ran %d epochs (converged %v), want 7 and false", len(m.LossCurve), m.Converged)
	}
}

func TestDeterministic(t *testing.T) {
	Xtr, ytr, Xte, _ := classifytest.Split(t, 40, 300, 3)
	fit := func(seed uint64) [][]float64 {
		m := Model{Hidden: 8, MaxIter: 5, Seed: seed}
		if err := m.Fit(context.Background(), Xtr, ytr, 3, nil); err != nil {
			t.Fatal(err)
		}
		P, err := m.PredictProba(Xte)
		if err != nil {
			t.Fatal(err)
		}
		return P
	}
	a, b, c := fit(3), fit(3), fit(4)
	if !reflect.DeepEqual(a, b) {
		t.Error("same seed gave different networks")
	}
	if reflect.DeepEqual(a, c) {
		t.Error("different seeds gave identical networks")
	}
}

func TestInitialWeights(t *testing.T) {
	// Glorot-uniform bounds sqrt(6/(fan_in+fan_out)), as scikit-learn's
	// _init_coef for a ReLU network.
	X, _ := sparse.FromDense([][]float64{{1, 0, 0, 2}, {0, 1, 0, 0}, {0, 0, 3, 0}})
	for _, k := range []int{2, 3} {
		var got [4][]float64
		m := Model{Hidden: 50, MaxIter: 1}
		m.initHook = func(w1, b1, w2, b2 []float64) {
			got = [4][]float64{append([]float64(nil), w1...), append([]float64(nil), b1...), append([]float64(nil), w2...), append([]float64(nil), b2...)}
		}
		if err := m.Fit(context.Background(), X, []int{0, 1, k - 1}, k, nil); err != nil {
			t.Fatal(err)
		}
		out := k
		if k == 2 {
			out = 1
		}
		bounds := []float64{math.Sqrt(6.0 / 54), math.Sqrt(6.0 / 54), math.Sqrt(6 / float64(50+out)), math.Sqrt(6 / float64(50+out))}
		sizes := []int{4 * 50, 50, 50 * out, out}
		for p, w := range got {
			if len(w) != sizes[p] {
				t.Fatalf("%d classes: parameter %d has %d values, want %d", k, p, len(w), sizes[p])
			}
			hi := 0.0
			for _, v := range w {
				hi = max(hi, math.Abs(v))
			}
			if hi > bounds[p] || (len(w) >= 50 && hi < 0.8*bounds[p]) {
				t.Errorf("%d classes: parameter %d: largest |w| %.4f, bound %.4f", k, p, hi, bounds[p])
			}
		}
	}
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
		{"negative hidden", Model{Hidden: -1}, y, 2},
		{"negative alpha", Model{Alpha: -1}, y, 2},
		{"NaN tol", Model{Tol: math.NaN()}, y, 2},
		{"beta1 1", Model{Beta1: 1}, y, 2},
		{"label out of range", Model{}, []int{0, 1, 2}, 2},
		{"one class", Model{}, []int{0, 0, 0}, 1},
	}
	for _, tc := range tests {
		m := tc.model
		if err := m.Fit(context.Background(), X, tc.y, tc.k, nil); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	m := Model{MaxIter: 2}
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
		"fun and great", "awful boring film"}
	labels := []int{1, 1, 0, 0, 1, 0}
	var v vectorize.Tfidf
	X, _ := v.FitTransform(context.Background(), docs, nil)
	m := Model{Seed: 1}
	if err := m.Fit(context.Background(), X, labels, 2, nil); err != nil {
		panic(err)
	}
	Xn, _ := v.Transform(context.Background(), []string{"a great film", "so dull"})
	pred, _ := m.Predict(Xn)
	fmt.Println(pred, len(m.LossCurve) > 0)
	// Output:
	// [1 0] true
}

func BenchmarkMLPFit(b *testing.B) {
	Xtr, ytr, _, _ := classifytest.Split(b, 5, 3000, 3)
	b.ReportMetric(float64(Xtr.Cols), "features")
	for b.Loop() {
		m := Model{Seed: 1}
		if err := m.Fit(context.Background(), Xtr, ytr, 3, nil); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(m.LossCurve)), "epochs")
	}
}
