package vectorize

import (
	"context"
	"fmt"
	"math"

	"textlab/core/sparse"
)

// Norm is how each row of a TF-IDF matrix is normalised.
type Norm int

const (
	// NormL2 divides each row by its Euclidean length (norm="l2", the default).
	NormL2 Norm = iota
	// NormL1 divides each row by the sum of its absolute values (norm="l1").
	NormL1
	// NormNone leaves rows as they are (norm=None).
	NormNone
)

// Tfidf is TfidfVectorizer: term counts (see Config) weighted by inverse
// document frequency and normalised per row. The zero Tfidf uses
// scikit-learn's defaults: use_idf=True, smooth_idf=True, sublinear_tf=False,
// norm="l2".
type Tfidf struct {
	Config Config
	// Norm is the row normalisation. Default NormL2.
	Norm Norm
	// NoIDF turns idf weighting off (use_idf=False).
	NoIDF bool
	// NoSmoothIDF turns idf smoothing off (smooth_idf=False): idf =
	// ln(n/df) + 1 instead of ln((1+n)/(1+df)) + 1.
	NoSmoothIDF bool
	// SublinearTF replaces each count tf by 1 + ln(tf) (sublinear_tf=True).
	SublinearTF bool

	count Count
	idf   []float64
}

// FitTransform learns the vocabulary and idf of docs and returns their
// TF-IDF matrix. progress (may be nil) receives the fraction done.
func (t *Tfidf) FitTransform(ctx context.Context, docs []string, progress func(float64, string)) (*sparse.Matrix, error) {
	if t.Norm < NormL2 || t.Norm > NormNone {
		return nil, fmt.Errorf("vectorize: unknown norm %d", t.Norm)
	}
	t.count = Count{Config: t.Config}
	X, err := t.count.FitTransform(ctx, docs, progress)
	if err != nil {
		return nil, err
	}
	t.idf = nil
	if !t.NoIDF {
		df := make([]float64, X.Cols)
		for _, j := range X.Indices {
			df[j]++
		}
		n := float64(X.Rows)
		if !t.NoSmoothIDF {
			n++
		}
		t.idf = make([]float64, X.Cols)
		for j, d := range df {
			if !t.NoSmoothIDF {
				d++
			}
			t.idf[j] = math.Log(n/d) + 1
		}
	}
	t.weight(X)
	return X, nil
}

// Fit learns the vocabulary and idf of docs.
func (t *Tfidf) Fit(ctx context.Context, docs []string, progress func(float64, string)) error {
	_, err := t.FitTransform(ctx, docs, progress)
	return err
}

// Transform returns the TF-IDF matrix of docs with the fitted vocabulary
// and idf; unknown terms are ignored.
func (t *Tfidf) Transform(ctx context.Context, docs []string) (*sparse.Matrix, error) {
	X, err := t.count.Transform(ctx, docs)
	if err != nil {
		return nil, err
	}
	t.weight(X)
	return X, nil
}

// weight turns counts into TF-IDF values in place, in scikit-learn's order:
// sublinear tf, idf, then normalisation.
func (t *Tfidf) weight(X *sparse.Matrix) {
	for k, v := range X.Data {
		if t.SublinearTF {
			v = math.Log(v) + 1
		}
		if t.idf != nil {
			v *= t.idf[X.Indices[k]]
		}
		X.Data[k] = v
	}
	for i := 0; i < X.Rows; i++ {
		_, vals := X.Row(i)
		s := 0.0
		switch t.Norm {
		case NormL2:
			for _, v := range vals {
				s += v * v
			}
			s = math.Sqrt(s)
		case NormL1:
			for _, v := range vals {
				s += math.Abs(v)
			}
		default:
			continue
		}
		if s == 0 {
			continue
		}
		for k := range vals {
			vals[k] /= s
		}
	}
}

// FeatureNames returns the vocabulary in column order (alphabetical). It is
// nil before Fit.
func (t *Tfidf) FeatureNames() []string { return t.count.FeatureNames() }

// IDF returns the idf weight of each column (idf_), or nil when NoIDF is set
// or before Fit.
func (t *Tfidf) IDF() []float64 { return t.idf }
