// Package sparse provides a compressed sparse row (CSR) matrix of float64,
// the layout scikit-learn uses for text features: for each row, the column
// indices of its non-zero entries in increasing order and their values.
package sparse

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
)

// Matrix is a Rows x Cols matrix in compressed sparse row form. Row i holds
// the entries Indices[Indptr[i]:Indptr[i+1]] (column numbers, strictly
// increasing) with values Data[Indptr[i]:Indptr[i+1]]. Indptr has Rows+1
// entries, starting at 0. The zero Matrix is a valid 0 x 0 matrix.
type Matrix struct {
	Rows, Cols int
	Indptr     []int
	Indices    []int
	Data       []float64
}

// Entry is one non-zero value of a row: its column and value.
type Entry struct {
	Col   int
	Value float64
}

// FromRows builds a matrix with cols columns from per-row entries. Entries of
// a row may come in any order; entries with the same column are summed and
// explicit zeros are kept out. It returns an error when a column is out of
// range.
func FromRows(rows [][]Entry, cols int) (*Matrix, error) {
	m := &Matrix{Rows: len(rows), Cols: cols, Indptr: make([]int, 1, len(rows)+1)}
	var buf []Entry
	for i, r := range rows {
		buf = append(buf[:0], r...)
		slices.SortFunc(buf, func(a, b Entry) int { return cmp.Compare(a.Col, b.Col) })
		for k, e := range buf {
			if e.Col < 0 || e.Col >= cols {
				return nil, fmt.Errorf("sparse: row %d: column %d out of range [0, %d)", i, e.Col, cols)
			}
			n := len(m.Indices)
			if k > 0 && n > m.Indptr[i] && m.Indices[n-1] == e.Col {
				m.Data[n-1] += e.Value
				continue
			}
			m.Indices = append(m.Indices, e.Col)
			m.Data = append(m.Data, e.Value)
		}
		m.Indptr = append(m.Indptr, len(m.Indices))
	}
	m.dropZeros()
	return m, nil
}

// FromDense builds a matrix from dense rows, all of the same length.
func FromDense(rows [][]float64) (*Matrix, error) {
	cols := 0
	if len(rows) > 0 {
		cols = len(rows[0])
	}
	m := &Matrix{Rows: len(rows), Cols: cols, Indptr: make([]int, 1, len(rows)+1)}
	for i, r := range rows {
		if len(r) != cols {
			return nil, fmt.Errorf("sparse: row %d has %d values, row 0 has %d", i, len(r), cols)
		}
		for j, v := range r {
			if v != 0 {
				m.Indices = append(m.Indices, j)
				m.Data = append(m.Data, v)
			}
		}
		m.Indptr = append(m.Indptr, len(m.Indices))
	}
	return m, nil
}

// dropZeros removes stored entries whose value is zero.
func (m *Matrix) dropZeros() {
	w := 0
	start := 0
	for i := 0; i < m.Rows; i++ {
		end := m.Indptr[i+1]
		for k := start; k < end; k++ {
			if m.Data[k] != 0 {
				m.Indices[w] = m.Indices[k]
				m.Data[w] = m.Data[k]
				w++
			}
		}
		start = end
		m.Indptr[i+1] = w
	}
	m.Indices = m.Indices[:w]
	m.Data = m.Data[:w]
}

// NNZ returns the number of stored (non-zero) entries.
func (m *Matrix) NNZ() int { return len(m.Data) }

// Row returns the column indices and values of row i, sharing storage with m.
func (m *Matrix) Row(i int) (cols []int, vals []float64) {
	a, b := m.Indptr[i], m.Indptr[i+1]
	return m.Indices[a:b], m.Data[a:b]
}

// At returns the value at row i, column j (zero when not stored).
func (m *Matrix) At(i, j int) float64 {
	cols, vals := m.Row(i)
	k := sort.SearchInts(cols, j)
	if k < len(cols) && cols[k] == j {
		return vals[k]
	}
	return 0
}

// Dense returns the matrix as dense rows (for small matrices and tests).
func (m *Matrix) Dense() [][]float64 {
	out := make([][]float64, m.Rows)
	for i := range out {
		out[i] = make([]float64, m.Cols)
		cols, vals := m.Row(i)
		for k, j := range cols {
			out[i][j] = vals[k]
		}
	}
	return out
}

// RowDot returns the dot product of row i with the dense vector w, which
// must have at least Cols entries.
func (m *Matrix) RowDot(i int, w []float64) float64 {
	cols, vals := m.Row(i)
	vals = vals[:len(cols)] // one bounds check for the loop
	s := 0.0
	for k, j := range cols {
		s += vals[k] * w[j]
	}
	return s
}

// AddRowTo adds alpha times row i to the dense vector dst (dst += alpha*x_i).
func (m *Matrix) AddRowTo(dst []float64, i int, alpha float64) {
	cols, vals := m.Row(i)
	vals = vals[:len(cols)] // one bounds check for the loop
	for k, j := range cols {
		dst[j] += alpha * vals[k]
	}
}

// SelectRows returns a new matrix holding the given rows of m, in the order
// given. It returns an error when an index is out of range.
func (m *Matrix) SelectRows(rows []int) (*Matrix, error) {
	out := &Matrix{Rows: len(rows), Cols: m.Cols, Indptr: make([]int, 1, len(rows)+1)}
	for _, i := range rows {
		if i < 0 || i >= m.Rows {
			return nil, fmt.Errorf("sparse: row %d out of range [0, %d)", i, m.Rows)
		}
		cols, vals := m.Row(i)
		out.Indices = append(out.Indices, cols...)
		out.Data = append(out.Data, vals...)
		out.Indptr = append(out.Indptr, len(out.Indices))
	}
	return out, nil
}

// Validate checks the structure of m: Indptr length and monotonicity, column
// range and strict order within each row. Use it on matrices built by hand.
func (m *Matrix) Validate() error {
	if m.Rows < 0 || m.Cols < 0 {
		return fmt.Errorf("sparse: negative shape [%d %d]", m.Rows, m.Cols)
	}
	if m.Rows == 0 && len(m.Indptr) == 0 {
		return nil
	}
	if len(m.Indptr) != m.Rows+1 || m.Indptr[0] != 0 {
		return fmt.Errorf("sparse: indptr has %d entries for %d rows", len(m.Indptr), m.Rows)
	}
	if len(m.Indices) != len(m.Data) || m.Indptr[m.Rows] != len(m.Data) {
		return fmt.Errorf("sparse: %d indices, %d values, indptr ends at %d", len(m.Indices), len(m.Data), m.Indptr[m.Rows])
	}
	for i := 0; i < m.Rows; i++ {
		a, b := m.Indptr[i], m.Indptr[i+1]
		if a > b {
			return fmt.Errorf("sparse: row %d: indptr decreases", i)
		}
		for k := a; k < b; k++ {
			j := m.Indices[k]
			if j < 0 || j >= m.Cols {
				return fmt.Errorf("sparse: row %d: column %d out of range [0, %d)", i, j, m.Cols)
			}
			if k > a && m.Indices[k-1] >= j {
				return fmt.Errorf("sparse: row %d: columns not strictly increasing at %d", i, j)
			}
		}
	}
	return nil
}
