package metrics

import (
	"fmt"
	"math"
	"reflect"
	"testing"
)

func TestEvaluateByHand(t *testing.T) {
	// Class 0: tp 1, predicted 1, true 2; class 1: tp 2, predicted 3,
	// true 3; class 2: never true, predicted once.
	yTrue := []int{0, 0, 1, 1, 1}
	yPred := []int{0, 1, 1, 1, 2}
	r, err := Evaluate(yTrue, yPred, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []Scores{
		{1, 0.5, 2.0 / 3},
		{2.0 / 3, 2.0 / 3, 2.0 / 3},
		{0, 0, 0},
	}
	for c, w := range want {
		g := r.PerClass[c]
		if math.Abs(g.Precision-w.Precision)+math.Abs(g.Recall-w.Recall)+math.Abs(g.F1-w.F1) > 1e-15 {
			t.Errorf("class %d: %+v, want %+v", c, g, w)
		}
	}
	if !reflect.DeepEqual(r.Support, []int{2, 3, 0}) {
		t.Errorf("support %v", r.Support)
	}
	if r.Accuracy != 0.6 || math.Abs(r.Micro.F1-0.6) > 1e-15 {
		t.Errorf("accuracy %v, micro F1 %v; want 0.6", r.Accuracy, r.Micro.F1)
	}
	if got, want := r.Macro.F1, (2.0/3+2.0/3+0)/3; math.Abs(got-want) > 1e-15 {
		t.Errorf("macro F1 %v, want %v", got, want)
	}
	if got, want := r.Weighted.F1, (2.0/3*2+2.0/3*3)/5; math.Abs(got-want) > 1e-15 {
		t.Errorf("weighted F1 %v, want %v", got, want)
	}
	wantZD := []ZeroDivision{{Label: 2, Metric: "recall"}}
	if !reflect.DeepEqual(r.ZeroDivisions, wantZD) {
		t.Errorf("zero divisions %+v, want %+v", r.ZeroDivisions, wantZD)
	}
}

func TestErrors(t *testing.T) {
	if _, err := Evaluate([]int{1}, []int{1, 2}, nil); err == nil {
		t.Error("length mismatch: no error")
	}
	if _, err := Accuracy(nil, nil); err == nil {
		t.Error("empty: no error")
	}
	if _, err := ConfusionMatrix([]int{1}, []int{1}, []int{1, 1}); err == nil {
		t.Error("duplicate label: no error")
	}
	if _, err := ROCCurve([]int{1, 1}, []float64{0.1, 0.2}, 1); err == nil {
		t.Error("one class: no error")
	}
	if _, err := ROCCurve([]int{1, 0}, []float64{0.1, math.NaN()}, 1); err == nil {
		t.Error("NaN score: no error")
	}
}

func TestROCByHand(t *testing.T) {
	// Perfect separation: AUC 1; reversed scores: AUC 0.
	y := []int{0, 0, 1, 1}
	for _, tc := range []struct {
		scores []float64
		auc    float64
	}{
		{[]float64{0.1, 0.2, 0.8, 0.9}, 1},
		{[]float64{0.9, 0.8, 0.2, 0.1}, 0},
		{[]float64{0.5, 0.5, 0.5, 0.5}, 0.5},
	} {
		got, err := ROCAUC(y, tc.scores, 1)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-tc.auc) > 1e-15 {
			t.Errorf("AUC(%v) = %v, want %v", tc.scores, got, tc.auc)
		}
	}
}

func TestMeanStd(t *testing.T) {
	m, s := MeanStd([]float64{2, 4, 4, 4, 5, 5, 7, 9})
	if m != 5 || s != 2 { // the textbook population-std example
		t.Errorf("MeanStd = %v, %v; want 5, 2", m, s)
	}
	if m, _ := MeanStd(nil); !math.IsNaN(m) {
		t.Errorf("empty mean = %v", m)
	}
}

func ExampleEvaluate() {
	yTrue := []int{0, 0, 1, 1, 1, 2}
	yPred := []int{0, 1, 1, 1, 0, 0}
	r, _ := Evaluate(yTrue, yPred, nil)
	for c, s := range r.PerClass {
		fmt.Printf("class %d: precision %.3f recall %.3f f1 %.3f support %d\n", r.Labels[c], s.Precision, s.Recall, s.F1, r.Support[c])
	}
	fmt.Printf("accuracy %.3f, macro F1 %.3f, weighted F1 %.3f\n", r.Accuracy, r.Macro.F1, r.Weighted.F1)
	fmt.Println("zero divisions:", r.ZeroDivisions)
	cm, _ := ConfusionMatrix(yTrue, yPred, nil)
	fmt.Println(cm)
	// Output:
	// class 0: precision 0.333 recall 0.500 f1 0.400 support 2
	// class 1: precision 0.667 recall 0.667 f1 0.667 support 3
	// class 2: precision 0.000 recall 0.000 f1 0.000 support 1
	// accuracy 0.500, macro F1 0.356, weighted F1 0.467
	// zero divisions: [{2  precision}]
	// [[1 1 0] [1 2 0] [1 0 0]]
}

func ExampleROCCurve() {
	r, _ := ROCCurve([]int{0, 0, 1, 1}, []float64{0.1, 0.4, 0.35, 0.8}, 1)
	fmt.Println(r.FPR, r.TPR, r.Thresholds)
	fmt.Println(r.AUC())
	// Output:
	// [0 0 0.5 0.5 1] [0 0.5 0.5 1 1] [1.8 0.8 0.4 0.35 0.1]
	// 0.75
}

func ExampleMeanStd() {
	// Macro-F1 of five cross-validation folds.
	m, s := MeanStd([]float64{0.80, 0.82, 0.78, 0.85, 0.75})
	fmt.Printf("%.3f ± %.3f\n", m, s)
	// Output: 0.800 ± 0.034
}
