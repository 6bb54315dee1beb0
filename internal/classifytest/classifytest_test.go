package classifytest

import (
	"reflect"
	"testing"
)

func TestSplit(t *testing.T) {
	Xtr, ytr, Xte, yte := Split(t, 1, 100, 3)
	if Xtr.Rows != 80 || len(ytr) != 80 || Xte.Rows != 20 || len(yte) != 20 {
		t.Fatalf("split %d/%d train, %d/%d test; want 80 and 20", Xtr.Rows, len(ytr), Xte.Rows, len(yte))
	}
	if Xte.Cols != Xtr.Cols {
		t.Errorf("test matrix has %d features, training %d", Xte.Cols, Xtr.Cols)
	}
}

func TestAccuracy(t *testing.T) {
	for _, tc := range []struct {
		pred, y []int
		want    float64
	}{
		{[]int{0, 1, 2, 1}, []int{0, 1, 1, 1}, 0.75},
		{[]int{1}, []int{0}, 0},
	} {
		if got := Accuracy(tc.pred, tc.y); got != tc.want {
			t.Errorf("Accuracy(%v, %v) = %v, want %v", tc.pred, tc.y, got, tc.want)
		}
	}
}

func TestThroughJSON(t *testing.T) {
	type state struct {
		W [][]float64
		N int
		x int // unexported: lost on the way
	}
	got := ThroughJSON(t, state{W: [][]float64{{1.5, -2}}, N: 3, x: 7})
	if want := (state{W: [][]float64{{1.5, -2}}, N: 3}); !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}
