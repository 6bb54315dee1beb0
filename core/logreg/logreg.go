// Package logreg is logistic regression as scikit-learn 1.2's
// LogisticRegression(solver="lbfgs") fits it: the binary logistic loss for
// two classes and the multinomial (softmax) loss for more, summed over the
// documents, plus the L2 penalty ||W||²/(2C) on the weights but not on the
// intercepts, minimised with L-BFGS (gonum's optimize package).
package logreg

import (
	"context"
	"errors"
	"math"

	"gonum.org/v1/gonum/optimize"

	"textlab/core/classify"
	"textlab/core/sparse"
)

// Model is a logistic regression classifier. The zero Model uses
// scikit-learn's defaults.
type Model struct {
	// C is the inverse regularisation strength. Default 1.0.
	C float64
	// MaxIter is the largest number of L-BFGS iterations. Default 100.
	MaxIter int
	// Tol stops the optimisation when the largest absolute gradient entry
	// falls below it. Default 1e-4.
	Tol float64

	fit classify.LinearParams // coef_ and intercept_ once fitted

	// Iterations is the number of L-BFGS iterations the last Fit took.
	Iterations int
	// Converged reports whether the last Fit met Tol within MaxIter.
	Converged bool
}

var (
	_ classify.Probabilistic = (*Model)(nil)
	_ classify.Linear        = (*Model)(nil)
)

func (m *Model) params() (c float64, maxIter int, tol float64) {
	c, maxIter, tol = m.C, m.MaxIter, m.Tol
	if c == 0 {
		c = 1
	}
	if maxIter == 0 {
		maxIter = 100
	}
	if tol == 0 {
		tol = 1e-4
	}
	return
}

// Fit trains the model on X and labels y in [0, nClasses). progress (may be
// nil) is called once per L-BFGS iteration.
func (m *Model) Fit(ctx context.Context, X *sparse.Matrix, y []int, nClasses int, progress classify.Progress) error {
	m.fit.Reset()
	if err := classify.CheckLabels(X, y, nClasses); err != nil {
		return err
	}
	C, maxIter, tol := m.params()
	if C < 0 || maxIter < 0 || tol < 0 || math.IsNaN(C) || math.IsNaN(tol) {
		return errors.New("logreg: C, MaxIter and Tol must be positive")
	}
	k := nClasses
	if k == 2 {
		k = 1
	}
	d := X.Cols + 1 // weights then intercept, per class row
	obj := &objective{X: X, y: y, k: k, invC: 1 / C, d: d}
	if k > 1 {
		obj.z = make([]float64, k)
		obj.e = make([]float64, k)
	}
	// Func and Grad are called with the same point in turn: evaluate both
	// at once and cache them.
	problem := optimize.Problem{
		Func: func(w []float64) float64 { return obj.cached(w) },
		Grad: func(g, w []float64) { obj.cached(w); copy(g, obj.grad) },
	}
	rec := &recorder{ctx: ctx, progress: progress, maxIter: maxIter}
	settings := &optimize.Settings{
		GradientThreshold: tol,
		MajorIterations:   maxIter,
		// Stop when the loss stalls: 3 iterations in a row that lower it by
		// a relative 1e-12 or less. This is stricter than scipy's L-BFGS-B
		// (ftol 2.2e-9 for one iteration), so Textlab gets at least as
		// close to the optimum as scikit-learn.
		Converger: &optimize.FunctionConverge{Relative: 1e-12, Iterations: 3},
		Recorder:  rec,
	}
	w0 := make([]float64, k*d)
	res, err := optimize.Minimize(problem, w0, settings, &optimize.LBFGS{Store: 10})
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	if res == nil {
		return err
	}
	// A line search that can make no more progress is not a failure:
	// keep the best point, as scipy does, and report non-convergence.
	m.Iterations = res.Stats.MajorIterations
	m.Converged = err == nil && res.Status != optimize.IterationLimit
	w := res.X
	coef := make([][]float64, k)
	intercept := make([]float64, k)
	for c := 0; c < k; c++ {
		coef[c] = append([]float64(nil), w[c*d:c*d+X.Cols]...)
		intercept[c] = w[c*d+X.Cols]
	}
	m.fit.Adopt(coef, intercept, nClasses, X.Cols)
	if progress != nil {
		progress(1, "fitted")
	}
	return nil
}

// objective is the penalised loss of scikit-learn's LinearModelLoss.
type objective struct {
	X    *sparse.Matrix
	y    []int
	k    int // weight rows: 1 for binary, else the number of classes
	d    int // features + 1
	invC float64
	z    []float64 // scratch: class scores of one document
	e    []float64 // scratch: their exponentials, less the largest score

	last []float64
	f    float64
	grad []float64
}

func (o *objective) cached(w []float64) float64 {
	if o.last != nil && equal(o.last, w) {
		return o.f
	}
	if o.grad == nil {
		o.grad = make([]float64, len(w))
	}
	o.f = o.eval(w, o.grad)
	o.last = append(o.last[:0], w...)
	return o.f
}

func equal(a, b []float64) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// eval returns the loss at w and, when g is not nil, writes its gradient.
func (o *objective) eval(w, g []float64) float64 {
	nf := o.d - 1
	loss := 0.0
	for i := range g {
		g[i] = 0
	}
	for i := 0; i < o.X.Rows; i++ {
		if o.k == 1 {
			z := o.X.RowDot(i, w[:nf]) + w[nf]
			yi := float64(o.y[i])
			// log(1+exp(z)) - y*z and the residual sigmoid(z) - y,
			// computed stably from the one exponential e = exp(-|z|).
			r := -yi
			if z > 0 {
				e := math.Exp(-z)
				loss += z + math.Log1p(e) - yi*z
				r += 1 / (1 + e)
			} else {
				e := math.Exp(z)
				loss += math.Log1p(e) - yi*z
				r += e / (1 + e)
			}
			o.X.AddRowTo(g[:nf], i, r)
			g[nf] += r
			continue
		}
		zmax := math.Inf(-1)
		for c := 0; c < o.k; c++ {
			row := w[c*o.d : (c+1)*o.d]
			o.z[c] = o.X.RowDot(i, row[:nf]) + row[nf]
			zmax = math.Max(zmax, o.z[c])
		}
		// Softmax: each exponential once, then the probabilities as
		// exp(z_c - zmax) / sum.
		sum := 0.0
		for c := range o.e {
			o.e[c] = math.Exp(o.z[c] - zmax)
			sum += o.e[c]
		}
		loss += zmax + math.Log(sum) - o.z[o.y[i]]
		for c := 0; c < o.k; c++ {
			r := o.e[c] / sum
			if c == o.y[i] {
				r--
			}
			o.X.AddRowTo(g[c*o.d:c*o.d+nf], i, r)
			g[c*o.d+nf] += r
		}
	}
	for c := 0; c < o.k; c++ {
		row := w[c*o.d : c*o.d+nf]
		for j, v := range row {
			loss += 0.5 * o.invC * v * v
			g[c*o.d+j] += o.invC * v
		}
	}
	return loss
}

func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// recorder stops the optimisation when ctx is cancelled and reports progress.
type recorder struct {
	ctx      context.Context
	progress classify.Progress
	maxIter  int
}

// Init fails at once when ctx is already cancelled.
func (r *recorder) Init() error { return r.ctx.Err() }

// Record stops the optimisation on cancellation and reports each iteration.
func (r *recorder) Record(_ *optimize.Location, op optimize.Operation, st *optimize.Stats) error {
	if err := r.ctx.Err(); err != nil {
		return err
	}
	if op == optimize.MajorIteration && r.progress != nil {
		r.progress(float64(st.MajorIterations)/float64(r.maxIter), "L-BFGS iteration")
	}
	return nil
}

// DecisionFunction returns the class scores of each document. For two
// classes the row is [-s, s] where s is scikit-learn's decision_function
// (the log-odds of class 1).
func (m *Model) DecisionFunction(X *sparse.Matrix) ([][]float64, error) {
	return m.fit.Scores(X)
}

// PredictProba returns the class probabilities of each document: the
// logistic function of the score for two classes, the softmax otherwise.
func (m *Model) PredictProba(X *sparse.Matrix) ([][]float64, error) {
	scores, err := m.DecisionFunction(X)
	if err != nil {
		return nil, err
	}
	for _, row := range scores {
		if m.fit.Binary() {
			p := sigmoid(row[1])
			row[0], row[1] = 1-p, p
			continue
		}
		zmax := math.Inf(-1)
		for _, z := range row {
			zmax = math.Max(zmax, z)
		}
		sum := 0.0
		for c, z := range row {
			row[c] = math.Exp(z - zmax)
			sum += row[c]
		}
		for c := range row {
			row[c] /= sum
		}
	}
	return scores, nil
}

// Predict returns the most probable class of each document.
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
