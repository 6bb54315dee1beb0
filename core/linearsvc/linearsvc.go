// Package linearsvc is the linear support vector classifier of scikit-learn
// 1.2's LinearSVC (liblinear's L2-regularised squared-hinge-loss solver in
// the dual, L2R_L2LOSS_SVC_DUAL): dual coordinate descent over the
// documents in a random order, one binary problem per class against the
// rest when there are more than two classes, and the intercept learned as
// the weight of an extra feature of constant value InterceptScaling (so it
// is penalised like the other weights).
package linearsvc

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"

	"textlab/core/classify"
	"textlab/core/sparse"
)

// Model is a linear SVM. The zero Model uses scikit-learn's defaults.
type Model struct {
	// C is the penalty on the squared hinge loss. Default 1.0.
	C float64
	// Tol stops a binary problem when the projected gradient's spread falls
	// below it. Default 1e-4.
	Tol float64
	// MaxIter is the largest number of passes over the data. Default 1000.
	MaxIter int
	// InterceptScaling is the value of the synthetic intercept feature.
	// Default 1.
	InterceptScaling float64
	// Seed seeds the order in which coordinates are visited. Default 0.
	Seed uint64

	fit classify.LinearParams // coef_ and intercept_ once fitted

	// Iterations is the largest number of passes any binary problem of the
	// last Fit took; Converged reports whether all met Tol.
	Iterations int
	Converged  bool
}

var _ classify.Linear = (*Model)(nil)

// Fit trains the model on X and labels y in [0, nClasses). progress (may be
// nil) is called after each pass over the data.
func (m *Model) Fit(ctx context.Context, X *sparse.Matrix, y []int, nClasses int, progress classify.Progress) error {
	m.fit.Reset()
	if err := classify.CheckLabels(X, y, nClasses); err != nil {
		return err
	}
	C, tol, maxIter, scale := m.C, m.Tol, m.MaxIter, m.InterceptScaling
	if C == 0 {
		C = 1
	}
	if tol == 0 {
		tol = 1e-4
	}
	if maxIter == 0 {
		maxIter = 1000
	}
	if scale == 0 {
		scale = 1
	}
	if !(C > 0) || !(tol > 0) || maxIter < 0 || !(scale > 0) {
		return errors.New("linearsvc: C, Tol, MaxIter and InterceptScaling must be positive")
	}
	problems := nClasses
	if nClasses == 2 {
		problems = 1
	}
	rng := rand.New(rand.NewPCG(m.Seed, 0x5eed))
	// Squared norms of the rows with the intercept feature, shared by all
	// binary problems.
	sq := make([]float64, X.Rows)
	for i := range sq {
		_, vals := X.Row(i)
		s := scale * scale
		for _, v := range vals {
			s += v * v
		}
		sq[i] = s
	}
	coef := make([][]float64, problems)
	intercept := make([]float64, problems)
	m.Iterations, m.Converged = 0, true
	sign := make([]float64, X.Rows)
	for p := 0; p < problems; p++ {
		pos := p
		if problems == 1 {
			pos = 1
		}
		for i, c := range y {
			sign[i] = -1
			if c == pos {
				sign[i] = 1
			}
		}
		report := func(f float64) {
			if progress != nil {
				progress((float64(p)+f)/float64(problems), "coordinate descent")
			}
		}
		w, b, iters, ok, err := solve(ctx, X, sign, sq, C, tol, maxIter, scale, rng, report)
		if err != nil {
			return err
		}
		coef[p], intercept[p] = w, b
		m.Iterations = max(m.Iterations, iters)
		m.Converged = m.Converged && ok
	}
	m.fit.Adopt(coef, intercept, nClasses, X.Cols)
	if progress != nil {
		progress(1, "fitted")
	}
	return nil
}

// solve runs liblinear's dual coordinate descent with shrinking for
//
//	min_α ½ αᵀ(Q + D)α − Σα,  α ≥ 0,  Q_ij = y_i y_j x_i·x_j,  D = I/(2C)
//
// and returns w = Σ α_i y_i x_i split into feature weights and intercept.
func solve(ctx context.Context, X *sparse.Matrix, y, sq []float64, C, tol float64, maxIter int, scale float64,
	rng *rand.Rand, report func(float64)) (w []float64, b float64, iters int, converged bool, err error) {
	n := X.Rows
	diag := 0.5 / C
	w = make([]float64, X.Cols)
	alpha := make([]float64, n)
	index := make([]int, n)
	for i := range index {
		index[i] = i
	}
	active := n
	pgMaxOld, pgMinOld := math.Inf(1), math.Inf(-1)
	for iters < maxIter {
		if err := ctx.Err(); err != nil {
			return nil, 0, iters, false, err
		}
		pgMaxNew, pgMinNew := math.Inf(-1), math.Inf(1)
		for i := 0; i < active; i++ {
			j := i + rng.IntN(active-i)
			index[i], index[j] = index[j], index[i]
		}
		for s := 0; s < active; s++ {
			i := index[s]
			yi := y[i]
			G := yi*(X.RowDot(i, w)+b*scale) - 1 + alpha[i]*diag
			pg := 0.0
			if alpha[i] == 0 {
				if G > pgMaxOld {
					// Shrink: this coordinate is likely to stay at zero.
					active--
					index[s], index[active] = index[active], index[s]
					s--
					continue
				}
				if G < 0 {
					pg = G
				}
			} else {
				pg = G
			}
			pgMaxNew = math.Max(pgMaxNew, pg)
			pgMinNew = math.Min(pgMinNew, pg)
			if math.Abs(pg) > 1e-12 {
				old := alpha[i]
				alpha[i] = math.Max(alpha[i]-G/(sq[i]+diag), 0)
				d := (alpha[i] - old) * yi
				X.AddRowTo(w, i, d)
				b += d * scale
			}
		}
		iters++
		report(float64(iters) / float64(maxIter))
		if pgMaxNew-pgMinNew <= tol {
			if active == n {
				converged = true
				break
			}
			active = n
			pgMaxOld, pgMinOld = math.Inf(1), math.Inf(-1)
			continue
		}
		pgMaxOld, pgMinOld = pgMaxNew, pgMinNew
		if pgMaxOld <= 0 {
			pgMaxOld = math.Inf(1)
		}
		if pgMinOld >= 0 {
			pgMinOld = math.Inf(-1)
		}
	}
	// b is the weight of the intercept feature; the intercept is b*scale.
	return w, b * scale, iters, converged, nil
}

// DecisionFunction returns the class scores of each document. For two
// classes the row is [-s, s] where s is scikit-learn's decision_function.
func (m *Model) DecisionFunction(X *sparse.Matrix) ([][]float64, error) {
	return m.fit.Scores(X)
}

// Predict returns the class with the highest score for each document.
func (m *Model) Predict(X *sparse.Matrix) ([]int, error) {
	scores, err := m.DecisionFunction(X)
	if err != nil {
		return nil, err
	}
	return classify.Argmax(scores), nil
}

// ClassWeights returns the feature weights of class c (coef_). For two
// classes, class 1 has coef_[0] and class 0 its negative.
func (m *Model) ClassWeights(c int) []float64 { return m.fit.ClassWeights(c) }

// ClassIntercept returns the intercept of class c (intercept_; negated for
// class 0 of a binary model).
func (m *Model) ClassIntercept(c int) float64 { return m.fit.ClassIntercept(c) }
