package classify

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"testing"

	"textlab/core/sparse"
)

// fixed is a Linear model with given weights, for testing the helpers.
type fixed struct {
	w [][]float64
	b []float64
}

func (f *fixed) Fit(context.Context, *sparse.Matrix, []int, int, Progress) error { return nil }
func (f *fixed) DecisionFunction(X *sparse.Matrix) ([][]float64, error) {
	out := make([][]float64, X.Rows)
	for i := range out {
		for c := range f.w {
			out[i] = append(out[i], X.RowDot(i, f.w[c])+f.b[c])
		}
	}
	return out, nil
}
func (f *fixed) Predict(X *sparse.Matrix) ([]int, error) {
	s, _ := f.DecisionFunction(X)
	return Argmax(s), nil
}
func (f *fixed) ClassWeights(c int) []float64 { return f.w[c] }
func (f *fixed) ClassIntercept(c int) float64 { return f.b[c] }

var _ Linear = (*fixed)(nil)

func TestTopFeatures(t *testing.T) {
	m := &fixed{w: [][]float64{{0.5, -1, 2, 0.5}}, b: []float64{0}}
	names := []string{"a", "b", "c", "d"}
	got := TopFeatures(m, 0, 3, names)
	want := []Feature{{Index: 2, Name: "c", Weight: 2}, {Index: 0, Name: "a", Weight: 0.5}, {Index: 3, Name: "d", Weight: 0.5}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if n := len(TopFeatures(m, 0, 99, nil)); n != 4 {
		t.Errorf("k larger than the vocabulary: %d features", n)
	}
}

func TestContributions(t *testing.T) {
	m := &fixed{w: [][]float64{{1, -2, 3}, {0, 1, 0}}, b: []float64{0.5, -0.5}}
	X, _ := sparse.FromDense([][]float64{{2, 1, 0}, {0, 0, 1}})
	got, err := Contributions(m, X, 0, 0, -1, []string{"x", "y", "z"})
	if err != nil {
		t.Fatal(err)
	}
	want := []Feature{
		{Index: 0, Name: "x", Weight: 1, Value: 2, Contribution: 2},
		{Index: 1, Name: "y", Weight: -2, Value: 1, Contribution: -2},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	// Contributions plus the intercept give the class score.
	scores, _ := m.DecisionFunction(X)
	sum := m.ClassIntercept(0)
	for _, f := range got {
		sum += f.Contribution
	}
	if math.Abs(sum-scores[0][0]) > 1e-15 {
		t.Errorf("contributions sum to %v, score %v", sum, scores[0][0])
	}
	if _, err := Contributions(m, X, 2, 0, 1, nil); err == nil {
		t.Error("row out of range: no error")
	}
	short, _ := sparse.FromDense([][]float64{{1}})
	if _, err := Contributions(m, short, 0, 0, 1, nil); err == nil {
		t.Error("feature count mismatch: no error")
	}
}

func TestCheckLabels(t *testing.T) {
	X, _ := sparse.FromDense([][]float64{{1}, {2}, {3}})
	tests := []struct {
		y  []int
		k  int
		ok bool
	}{
		{[]int{0, 1, 1}, 2, true},
		{[]int{0, 1}, 2, false},
		{[]int{0, 1, 2}, 2, false},
		{[]int{0, 0, 0}, 2, false},
		{[]int{0, 1, -1}, 2, false},
		{[]int{0, 0, 0}, 1, false},
	}
	for _, tc := range tests {
		if err := CheckLabels(X, tc.y, tc.k); (err == nil) != tc.ok {
			t.Errorf("CheckLabels(%v, %d) = %v", tc.y, tc.k, err)
		}
	}
	if err := CheckLabels(nil, nil, 2); err == nil {
		t.Error("nil matrix: no error")
	}
}

func ExampleTopFeatures() {
	m := &fixed{w: [][]float64{{0.2, 1.5, -0.7}}, b: []float64{0}}
	for _, f := range TopFeatures(m, 0, 2, []string{"cat", "dog", "fish"}) {
		fmt.Println(f.Name, f.Weight)
	}
	// Output:
	// dog 1.5
	// cat 0.2
}
