//go:build ref && !js

package naivebayes

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"testing"

	"textlab/core/classify/synth"
	"textlab/core/sparse"
	"textlab/core/vectorize"
	"textlab/internal/reftest"
)

// fitScript fits scikit-learn's model with default parameters on the CSR
// matrix and labels it is given and returns the fitted parameters.
const fitScript = `
import json, sys, warnings
import numpy as np
from scipy.sparse import csr_matrix
from sklearn.naive_bayes import MultinomialNB
warnings.simplefilter("ignore")
out = []
for r in json.load(sys.stdin):
    X = csr_matrix((r["data"], r["indices"], r["indptr"]), shape=(r["rows"], r["cols"]))
    y = np.array(r["y"])
    m = MultinomialNB().fit(X, y)
    w, b = m.feature_log_prob_, m.class_log_prior_
    out.append({"w": w.tolist(), "b": b.tolist()})
json.dump(out, sys.stdout)
`

// TestParametersMatchScikitLearn compares the fitted weights and
// intercepts with scikit-learn's on the same feature matrices.
func TestParametersMatchScikitLearn(t *testing.T) {
	type problem struct {
		Rows    int       `json:"rows"`
		Cols    int       `json:"cols"`
		Indptr  []int     `json:"indptr"`
		Indices []int     `json:"indices"`
		Data    []float64 `json:"data"`
		Y       []int     `json:"y"`
		k       int
	}
	var probs []problem
	for _, k := range []int{2, 3, 5} {
		texts, labels := synth.Corpus(synth.Config{Seed: uint64(30 + k), Docs: 600, Classes: k, Words: 1500})
		var v vectorize.Count
		X, err := v.FitTransform(context.Background(), texts, nil)
		if err != nil {
			t.Fatal(err)
		}
		probs = append(probs, problem{X.Rows, X.Cols, X.Indptr, X.Indices, X.Data, labels, k})
	}
	in, err := json.Marshal(probs)
	if err != nil {
		t.Fatal(err)
	}
	var ref []struct {
		W [][]float64
		B []float64
	}
	if err := json.Unmarshal(reftest.RunPython(t, fitScript, in), &ref); err != nil {
		t.Fatal(err)
	}
	for n, p := range probs {
		t.Run(fmt.Sprintf("%d classes", p.k), func(t *testing.T) {
			X, err := csrFrom(p.Rows, p.Cols, p.Indptr, p.Indices, p.Data)
			if err != nil {
				t.Fatal(err)
			}
			var m Model
			if err := m.Fit(context.Background(), X, p.Y, p.k, nil); err != nil {
				t.Fatal(err)
			}
			rowsOf := func(c int) int { // scikit-learn row of class c
				if len(ref[n].W) == 1 {
					return 0
				}
				return c
			}
			maxDiff := 0.0
			for c := 0; c < p.k; c++ {
				if len(ref[n].W) == 1 && c == 0 {
					continue // binary: class 1's row only
				}
				w := m.ClassWeights(c)
				for j, want := range ref[n].W[rowsOf(c)] {
					maxDiff = math.Max(maxDiff, math.Abs(w[j]-want))
				}
				maxDiff = math.Max(maxDiff, math.Abs(m.ClassIntercept(c)-ref[n].B[rowsOf(c)]))
			}
			t.Logf("max |parameter difference| %.3g", maxDiff)
			if maxDiff > 1e-12 {
				t.Errorf("parameters differ from scikit-learn's by up to %.3g > 1e-12", maxDiff)
			}
		})
	}
}

// csrFrom rebuilds the matrix sent to scikit-learn from its CSR arrays.
func csrFrom(rows, cols int, indptr, indices []int, data []float64) (*sparse.Matrix, error) {
	m := &sparse.Matrix{Rows: rows, Cols: cols, Indptr: indptr, Indices: indices, Data: data}
	return m, m.Validate()
}
