package classify

import "textlab/core/sparse"

// LinearParams holds a fitted linear model's parameters as scikit-learn
// stores them (coef_ and intercept_: one row for two classes, holding
// class 1's score, else one row per class), and computes what every linear
// model derives from them: class weights and intercepts, and the decision
// scores. logreg and linearsvc keep one each; the zero value is unfitted.
type LinearParams struct {
	nClasses, nFeatures int
	coef                [][]float64
	intercept           []float64
	neg                 []float64 // -coef[0], class 0's weights in the binary case
}

// Reset makes p unfitted.
func (p *LinearParams) Reset() { *p = LinearParams{} }

// Adopt makes p fitted with coef and intercept (shaped as scikit-learn's),
// taking ownership of the slices without checking them: for a Fit that has
// just computed them. Parameters from elsewhere go through Set.
func (p *LinearParams) Adopt(coef [][]float64, intercept []float64, nClasses, nFeatures int) {
	*p = LinearParams{nClasses: nClasses, nFeatures: nFeatures, coef: coef, intercept: intercept}
	if len(coef) == 1 {
		p.neg = make([]float64, nFeatures)
		for j, w := range coef[0] {
			p.neg[j] = -w
		}
	}
}

// Set checks coef and intercept with CheckCoef and makes p fitted with
// copies of them.
func (p *LinearParams) Set(coef [][]float64, intercept []float64, nClasses int) error {
	c, b, err := CheckCoef(coef, intercept, nClasses)
	if err != nil {
		return err
	}
	p.Adopt(c, b, nClasses, len(c[0]))
	return nil
}

// Binary reports whether p holds one row of weights (two classes).
func (p *LinearParams) Binary() bool { return len(p.coef) == 1 }

// Coef returns coef_ and intercept_, nil when unfitted; they share storage
// with p (do not modify).
func (p *LinearParams) Coef() ([][]float64, []float64) { return p.coef, p.intercept }

// Features returns the number of features p was fitted on, or -1 when it
// is unfitted (the argument CheckFeatures expects).
func (p *LinearParams) Features() int {
	if p.coef == nil {
		return -1
	}
	return p.nFeatures
}

// ClassWeights returns the feature weights of class c. For two classes,
// class 1 has coef_[0] and class 0 its negative.
func (p *LinearParams) ClassWeights(c int) []float64 {
	if len(p.coef) == 1 {
		if c == 0 {
			return p.neg
		}
		return p.coef[0]
	}
	return p.coef[c]
}

// ClassIntercept returns the intercept of class c (negated for class 0 of
// a binary model).
func (p *LinearParams) ClassIntercept(c int) float64 {
	if len(p.intercept) == 1 {
		if c == 0 {
			return -p.intercept[0]
		}
		return p.intercept[0]
	}
	return p.intercept[c]
}

// Scores returns the class scores w_c·x + b_c of each document. For two
// classes the row is [-s, s] where s is scikit-learn's decision_function.
func (p *LinearParams) Scores(X *sparse.Matrix) ([][]float64, error) {
	if err := CheckFeatures(X, p.Features()); err != nil {
		return nil, err
	}
	out := make([][]float64, X.Rows)
	for i := range out {
		if len(p.coef) == 1 {
			s := X.RowDot(i, p.coef[0]) + p.intercept[0]
			out[i] = []float64{-s, s}
			continue
		}
		out[i] = make([]float64, p.nClasses)
		for c := range out[i] {
			out[i][c] = X.RowDot(i, p.coef[c]) + p.intercept[c]
		}
	}
	return out, nil
}
