//go:build ref && !js

package classifytest

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"testing"

	"textlab/core/classify"
	"textlab/core/sparse"
	"textlab/core/vectorize"
	"textlab/internal/reftest"
	"textlab/internal/synth"
)

// Features names the features a Parity check fits on.
type Features int

const (
	// Tfidf is vectorize.Tfidf with its defaults (the zero Features).
	Tfidf Features = iota
	// Count is vectorize.Count with its defaults.
	Count
)

// CSR is a sparse matrix in the JSON form the Python scripts read: pass it
// to scipy's csr_matrix((data, indices, indptr), shape=(rows, cols)).
type CSR struct {
	Rows    int       `json:"rows"`
	Cols    int       `json:"cols"`
	Indptr  []int     `json:"indptr"`
	Indices []int     `json:"indices"`
	Data    []float64 `json:"data"`
}

// ToCSR returns m's arrays as a CSR (sharing storage).
func ToCSR(m *sparse.Matrix) CSR {
	return CSR{m.Rows, m.Cols, m.Indptr, m.Indices, m.Data}
}

// Matrix returns the CSR as a sparse.Matrix (sharing storage), checked with
// Validate.
func (c CSR) Matrix() (*sparse.Matrix, error) {
	m := &sparse.Matrix{Rows: c.Rows, Cols: c.Cols, Indptr: c.Indptr, Indices: c.Indices, Data: c.Data}
	return m, m.Validate()
}

// Parity describes how to compare a linear model's fitted parameters with
// scikit-learn's.
type Parity struct {
	// Import is the Python statement that imports the estimator, for
	// example "from sklearn.svm import LinearSVC".
	Import string
	// Estimator is the Python expression that makes the estimator, for
	// example "LinearSVC()".
	Estimator string
	// Weights and Intercepts name the fitted attributes that ClassWeights
	// and ClassIntercept are compared with, for example "coef_" and
	// "intercept_". A Weights attribute of one row (scikit-learn's binary
	// layout) holds class 1's parameters and class 0's are not compared.
	Weights, Intercepts string
	// Features are the features both fit on (default Tfidf).
	Features Features
	// Tolerance is the largest absolute parameter difference allowed.
	Tolerance float64
	// New returns an unfitted model with the settings that match Estimator.
	New func() classify.Linear
}

// fitScript fits the estimator on each CSR matrix and labels it is given
// and returns the two fitted attributes; %s are the import statement, the
// estimator expression and the two attribute names.
const fitScript = `
import json, sys, warnings
import numpy as np
from scipy.sparse import csr_matrix
%s
warnings.simplefilter("ignore")
out = []
for r in json.load(sys.stdin):
    X = csr_matrix((r["data"], r["indices"], r["indptr"]), shape=(r["rows"], r["cols"]))
    y = np.array(r["y"])
    m = %s.fit(X, y)
    w, b = m.%s, m.%s
    out.append({"w": w.tolist(), "b": b.tolist()})
json.dump(out, sys.stdout)
`

// CheckParameters fits p's model and scikit-learn's estimator on the
// features of synthetic corpora of 600 documents in 2, 3 and 5 classes and
// fails the test when a weight or intercept differs by more than
// p.Tolerance.
func CheckParameters(t *testing.T, p Parity) {
	t.Helper()
	type problem struct {
		CSR
		Y []int `json:"y"`
		k int
	}
	var probs []problem
	for _, k := range []int{2, 3, 5} {
		texts, labels := synth.Corpus(synth.Config{Seed: uint64(30 + k), Docs: 600, Classes: k, Words: 1500})
		X, err := features(p.Features, texts)
		if err != nil {
			t.Fatal(err)
		}
		probs = append(probs, problem{ToCSR(X), labels, k})
	}
	in, err := json.Marshal(probs)
	if err != nil {
		t.Fatal(err)
	}
	script := fmt.Sprintf(fitScript, p.Import, p.Estimator, p.Weights, p.Intercepts)
	var ref []struct {
		W [][]float64
		B []float64
	}
	if err := json.Unmarshal(reftest.RunPython(t, script, in), &ref); err != nil {
		t.Fatal(err)
	}
	for n, pr := range probs {
		t.Run(fmt.Sprintf("%d classes", pr.k), func(t *testing.T) {
			X, err := pr.Matrix()
			if err != nil {
				t.Fatal(err)
			}
			m := p.New()
			if err := m.Fit(context.Background(), X, pr.Y, pr.k, nil); err != nil {
				t.Fatal(err)
			}
			rowsOf := func(c int) int { // scikit-learn row of class c
				if len(ref[n].W) == 1 {
					return 0
				}
				return c
			}
			maxDiff := 0.0
			for c := 0; c < pr.k; c++ {
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
			if maxDiff > p.Tolerance {
				t.Errorf("parameters differ from scikit-learn's by up to %.3g > %g", maxDiff, p.Tolerance)
			}
		})
	}
}

// features fits the named vectorizer, with its defaults, on texts.
func features(f Features, texts []string) (*sparse.Matrix, error) {
	switch f {
	case Tfidf:
		var v vectorize.Tfidf
		return v.FitTransform(context.Background(), texts, nil)
	case Count:
		var v vectorize.Count
		return v.FitTransform(context.Background(), texts, nil)
	}
	return nil, fmt.Errorf("classifytest: unknown features %d", f)
}
