package sparse

import (
	"fmt"
	"reflect"
	"testing"
)

func TestFromRows(t *testing.T) {
	tests := []struct {
		name    string
		rows    [][]Entry
		cols    int
		want    [][]float64
		wantNNZ int
		wantErr bool
	}{
		{"empty", nil, 3, [][]float64{}, 0, false},
		{"unsorted and duplicate", [][]Entry{{{2, 1}, {0, 2}, {2, 3}}, {}, {{1, 5}}}, 3,
			[][]float64{{2, 0, 4}, {0, 0, 0}, {0, 5, 0}}, 3, false},
		{"explicit zero dropped", [][]Entry{{{1, 0}, {0, 1}}}, 2, [][]float64{{1, 0}}, 1, false},
		{"cancel to zero", [][]Entry{{{1, 2}, {1, -2}}}, 2, [][]float64{{0, 0}}, 0, false},
		{"column out of range", [][]Entry{{{3, 1}}}, 3, nil, 0, true},
		{"negative column", [][]Entry{{{-1, 1}}}, 3, nil, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := FromRows(tc.rows, tc.cols)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			if err := m.Validate(); err != nil {
				t.Fatal(err)
			}
			if got := m.Dense(); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Dense = %v, want %v", got, tc.want)
			}
			if m.NNZ() != tc.wantNNZ {
				t.Errorf("NNZ = %d, want %d", m.NNZ(), tc.wantNNZ)
			}
		})
	}
}

func TestOps(t *testing.T) {
	m, err := FromDense([][]float64{{1, 0, 2}, {0, 3, 0}})
	if err != nil {
		t.Fatal(err)
	}
	w := []float64{1, 10, 100}
	if got := m.RowDot(0, w); got != 201 {
		t.Errorf("RowDot(0) = %v, want 201", got)
	}
	if got := m.At(0, 2); got != 2 {
		t.Errorf("At(0,2) = %v", got)
	}
	if got := m.At(1, 2); got != 0 {
		t.Errorf("At(1,2) = %v", got)
	}
	dst := make([]float64, 3)
	m.AddRowTo(dst, 0, 2)
	if !reflect.DeepEqual(dst, []float64{2, 0, 4}) {
		t.Errorf("AddRowTo = %v", dst)
	}
	s, err := m.SelectRows([]int{1, 0, 1})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]float64{{0, 3, 0}, {1, 0, 2}, {0, 3, 0}}
	if !reflect.DeepEqual(s.Dense(), want) {
		t.Errorf("SelectRows = %v", s.Dense())
	}
	if _, err := m.SelectRows([]int{2}); err == nil {
		t.Error("SelectRows out of range: no error")
	}
	if _, err := FromDense([][]float64{{1}, {1, 2}}); err == nil {
		t.Error("ragged FromDense: no error")
	}
}

func TestValidate(t *testing.T) {
	bad := []*Matrix{
		{Rows: 1, Cols: 2, Indptr: []int{0, 2}, Indices: []int{1, 0}, Data: []float64{1, 1}},
		{Rows: 1, Cols: 2, Indptr: []int{0, 1}, Indices: []int{2}, Data: []float64{1}},
		{Rows: 2, Cols: 2, Indptr: []int{0, 1}, Indices: []int{0}, Data: []float64{1}},
		{Rows: 1, Cols: 2, Indptr: []int{0, 1}, Indices: []int{0}, Data: nil},
	}
	for i, m := range bad {
		if err := m.Validate(); err == nil {
			t.Errorf("case %d: Validate accepted a broken matrix", i)
		}
	}
	if err := (&Matrix{}).Validate(); err != nil {
		t.Errorf("zero matrix: %v", err)
	}
}

func ExampleFromRows() {
	m, _ := FromRows([][]Entry{{{Col: 2, Value: 1}, {Col: 0, Value: 3}}, {{Col: 1, Value: 2}}}, 3)
	fmt.Println(m.Indptr, m.Indices, m.Data)
	fmt.Println(m.Dense())
	// Output:
	// [0 2 3] [0 2 1] [3 1 2]
	// [[3 0 1] [0 2 0]]
}
