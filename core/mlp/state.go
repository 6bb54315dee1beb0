package mlp

import (
	"errors"
	"fmt"
	"math"
)

// State is everything a fitted network predicts with, as scikit-learn's
// MLPClassifier stores it: Coefs[0] is coefs_[0], the input weights
// (features x Hidden), Coefs[1] is coefs_[1], the output weights (Hidden
// x outputs), and Intercepts are intercepts_ (Hidden and outputs long).
// There is one output unit for two classes (class 1's logit) and one per
// class otherwise.
type State struct {
	NClasses   int            `json:"n_classes"`
	Coefs      [2][][]float64 `json:"coefs"`
	Intercepts [2][]float64   `json:"intercepts"`
}

// State returns the fitted network's weights (copies), or an error before
// Fit.
func (m *Model) State() (State, error) {
	if m.fitted() < 0 {
		return State{}, errors.New("mlp: the model is not fitted")
	}
	H, K := len(m.b1), m.out
	s := State{NClasses: m.nClasses}
	s.Coefs[0] = rows(m.w1, m.nFeatures, H)
	s.Coefs[1] = rows(m.w2, H, K)
	s.Intercepts[0] = append([]float64(nil), m.b1...)
	s.Intercepts[1] = append([]float64(nil), m.b2...)
	return s, nil
}

// rows copies the n x k row-major matrix w into n rows.
func rows(w []float64, n, k int) [][]float64 {
	out := make([][]float64, n)
	for i := range out {
		out[i] = append([]float64(nil), w[i*k:(i+1)*k]...)
	}
	return out
}

// SetState makes m the fitted network s (for example read back from a
// saved model; the slices are copied), after checking that the shapes fit
// together (at least one feature and one hidden unit, one output for two
// classes and NClasses outputs for more) and that every weight is finite.
// The hyper-parameter fields of m, LossCurve and Converged are left as
// they are.
func (m *Model) SetState(s State) error {
	if s.NClasses < 2 {
		return fmt.Errorf("mlp: %d classes, need at least 2", s.NClasses)
	}
	K := s.NClasses
	if K == 2 {
		K = 1
	}
	d, H := len(s.Coefs[0]), len(s.Intercepts[0])
	if d == 0 || H == 0 {
		return fmt.Errorf("mlp: %d input weight rows and %d hidden biases, need at least 1 of each", d, H)
	}
	if len(s.Coefs[1]) != H || len(s.Intercepts[1]) != K {
		return fmt.Errorf("mlp: %d hidden units need %d output weight rows (have %d), and %d classes need %d output biases (have %d)",
			H, H, len(s.Coefs[1]), s.NClasses, K, len(s.Intercepts[1]))
	}
	w1, err := flatten(s.Coefs[0], H, "input weights")
	if err != nil {
		return err
	}
	w2, err := flatten(s.Coefs[1], K, "output weights")
	if err != nil {
		return err
	}
	for l, b := range s.Intercepts {
		if err := finite(b, fmt.Sprintf("intercepts %d", l)); err != nil {
			return err
		}
	}
	m.nFeatures, m.nClasses, m.out = d, s.NClasses, K
	m.w1, m.w2 = w1, w2
	m.b1 = append([]float64(nil), s.Intercepts[0]...)
	m.b2 = append([]float64(nil), s.Intercepts[1]...)
	return nil
}

// flatten checks that every row has k finite values and joins the rows.
func flatten(rows [][]float64, k int, what string) ([]float64, error) {
	out := make([]float64, 0, len(rows)*k)
	for i, r := range rows {
		if len(r) != k {
			return nil, fmt.Errorf("mlp: %s row %d has %d values, want %d", what, i, len(r), k)
		}
		if err := finite(r, fmt.Sprintf("%s row %d", what, i)); err != nil {
			return nil, err
		}
		out = append(out, r...)
	}
	return out, nil
}

func finite(v []float64, what string) error {
	for j, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("mlp: %s: value %d is %v", what, j, x)
		}
	}
	return nil
}
