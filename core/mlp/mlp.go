// Package mlp is a small neural network classifier: scikit-learn 1.2's
// MLPClassifier with one hidden layer of ReLU units, trained with Adam on
// mini-batches.
//
// For more than two classes the output is a softmax layer and the loss is
// the cross-entropy (log-loss); for two classes, as in scikit-learn, the
// output is a single logistic unit with the binary log-loss. The loss of a
// mini-batch of B documents is the mean log-loss plus alpha/(2B) times the
// sum of the squared weights (not the biases). Training runs for at most
// MaxIter epochs over the shuffled documents and stops early when the
// epoch's mean training loss has not fallen by Tol below the best loss so
// far for more than NIterNoChange epochs in a row, scikit-learn's rule.
//
// Weights start Glorot-uniform, as scikit-learn's _init_coef draws them:
// uniform in ±sqrt(6/(fan_in+fan_out)) for both layers and their biases
// (scikit-learn uses the factor 2 instead of 6 only when the hidden
// activation is logistic, never for the output unit of a ReLU network).
//
// The input layer reads the sparse (CSR) feature matrix directly. The
// network is seeded with Go's math/rand/v2 PCG generator, so it cannot
// reproduce scikit-learn's exact weights, only its behaviour.
package mlp

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"textlab/core/classify"
	"textlab/core/sparse"
)

// Model is a one-hidden-layer perceptron classifier. The zero Model uses
// scikit-learn's defaults.
type Model struct {
	// Hidden is the number of hidden ReLU units. Default 100.
	Hidden int
	// Alpha is the L2 penalty strength. Default 1e-4.
	Alpha float64
	// LearningRate is Adam's step size. Default 1e-3.
	LearningRate float64
	// Beta1, Beta2 and Epsilon are Adam's moment decays and its
	// denominator guard. Defaults 0.9, 0.999 and 1e-8.
	Beta1, Beta2, Epsilon float64
	// BatchSize is the number of documents per update. Default
	// min(200, documents); larger values are clipped to the documents.
	BatchSize int
	// MaxIter is the largest number of epochs. Default 200.
	MaxIter int
	// Tol is the least loss improvement that counts. Default 1e-4.
	Tol float64
	// NIterNoChange is how many epochs without improvement are tolerated
	// before stopping (training stops at the next one). Default 10.
	NIterNoChange int
	// NoShuffle keeps the documents in order instead of shuffling them
	// every epoch. Default false.
	NoShuffle bool
	// Seed seeds the initial weights and the shuffling.
	Seed uint64

	// LossCurve holds the mean training loss of each epoch of the last
	// Fit (penalty included), scikit-learn's loss_curve_.
	LossCurve []float64
	// Converged reports whether the last Fit stopped by the Tol rule
	// rather than by MaxIter.
	Converged bool

	nFeatures int
	nClasses  int
	out       int       // output units: 1 for two classes, else nClasses
	w1        []float64 // nFeatures x Hidden, row j: weights of feature j
	b1        []float64 // Hidden
	w2        []float64 // Hidden x out
	b2        []float64 // out

	// initHook, when set (by tests), sees the initial weights.
	initHook func(w1, b1, w2, b2 []float64)
}

var _ classify.Probabilistic = (*Model)(nil)

type config struct {
	hidden, batch, maxIter, noChange      int
	alpha, lr, beta1, beta2, epsilon, tol float64
}

func (m *Model) config(n int) (config, error) {
	c := config{m.Hidden, m.BatchSize, m.MaxIter, m.NIterNoChange, m.Alpha, m.LearningRate, m.Beta1, m.Beta2, m.Epsilon, m.Tol}
	if c.hidden < 0 || c.batch < 0 || c.maxIter < 0 || c.noChange < 0 {
		return c, errors.New("mlp: Hidden, BatchSize, MaxIter and NIterNoChange must not be negative")
	}
	for _, v := range []float64{c.alpha, c.lr, c.beta1, c.beta2, c.epsilon, c.tol} {
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return c, errors.New("mlp: Alpha, LearningRate, Beta1, Beta2, Epsilon and Tol must be finite and not negative")
		}
	}
	if c.beta1 >= 1 || c.beta2 >= 1 {
		return c, errors.New("mlp: Beta1 and Beta2 must be below 1")
	}
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&c.alpha, 1e-4)
	def(&c.lr, 1e-3)
	def(&c.beta1, 0.9)
	def(&c.beta2, 0.999)
	def(&c.epsilon, 1e-8)
	def(&c.tol, 1e-4)
	if c.hidden == 0 {
		c.hidden = 100
	}
	if c.batch == 0 {
		c.batch = 200
	}
	c.batch = min(c.batch, n)
	if c.maxIter == 0 {
		c.maxIter = 200
	}
	if c.noChange == 0 {
		c.noChange = 10
	}
	return c, nil
}

// adam holds one parameter array with its gradient moments.
type adam struct {
	w, m, v []float64
}

func newAdam(w []float64) *adam {
	return &adam{w: w, m: make([]float64, len(w)), v: make([]float64, len(w))}
}

// update applies one Adam step to w[off:off+n] with the gradient
// (g[k] + alpha*w[k]) / nb, where g may be nil (all zero), lr already
// bias-corrected. It returns the sum of the squared weights before the
// step.
func (a *adam) update(off, n int, g []float64, alpha, nb, lr float64, c *config) (sq float64) {
	w, m, v := a.w[off:off+n], a.m[off:off+n], a.v[off:off+n]
	b1, b2, eps := c.beta1, c.beta2, c.epsilon
	for k, wv := range w {
		sq += wv * wv
		gr := alpha * wv
		if g != nil {
			gr += g[k]
		}
		gr /= nb
		mk := b1*m[k] + (1-b1)*gr
		vk := b2*v[k] + (1-b2)*gr*gr
		m[k], v[k] = mk, vk
		w[k] = wv - lr*mk/(math.Sqrt(vk)+eps)
	}
	return sq
}

// Fit trains the network on X and labels y in [0, nClasses). progress (may
// be nil) is called after every epoch with the epoch's loss. Fit returns
// ctx's error when ctx is cancelled.
func (m *Model) Fit(ctx context.Context, X *sparse.Matrix, y []int, nClasses int, progress classify.Progress) error {
	m.nFeatures, m.LossCurve, m.Converged = -1, nil, false
	if err := classify.CheckLabels(X, y, nClasses); err != nil {
		return err
	}
	if err := X.Validate(); err != nil {
		return err
	}
	n, d := X.Rows, X.Cols
	c, err := m.config(n)
	if err != nil {
		return err
	}
	H := c.hidden
	K := nClasses
	if K == 2 {
		K = 1
	}
	rng := rand.New(rand.NewPCG(m.Seed, 0x3a7))
	uniform := func(w []float64, bound float64) {
		for i := range w {
			w[i] = bound * (2*rng.Float64() - 1)
		}
	}
	w1, b1 := make([]float64, d*H), make([]float64, H)
	w2, b2 := make([]float64, H*K), make([]float64, K)
	bound1 := math.Sqrt(6 / float64(d+H))
	bound2 := math.Sqrt(6 / float64(H+K))
	uniform(w1, bound1)
	uniform(b1, bound1)
	uniform(w2, bound2)
	uniform(b2, bound2)
	if m.initHook != nil {
		m.initHook(w1, b1, w2, b2)
	}
	m.out, m.nClasses, m.w1, m.b1, m.w2, m.b2 = K, nClasses, w1, b1, w2, b2
	opt := [4]*adam{newAdam(w1), newAdam(b1), newAdam(w2), newAdam(b2)}

	B := c.batch
	net := newScratch(m, B)
	slot := make([]int32, d) // feature -> row of g1 in this batch, or -1
	for j := range slot {
		slot[j] = -1
	}
	var touched []int32 // features present in the batch
	g1 := make([]float64, 0, 64*H)
	gb1, g2, gb2 := make([]float64, H), make([]float64, H*K), make([]float64, K)
	delta1 := make([]float64, B*H)

	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	best, noImprove := math.Inf(1), 0
	t := 0 // Adam time step
	for epoch := 0; epoch < c.maxIter; epoch++ {
		if !m.NoShuffle {
			rng.Shuffle(n, func(a, b int) { order[a], order[b] = order[b], order[a] })
		}
		total := 0.0
		for start := 0; start < n; start += B {
			if err := ctx.Err(); err != nil {
				return err
			}
			rows := order[start:min(start+B, n)]
			nb := float64(len(rows))
			// Forward pass and the log-loss of the batch.
			net.forward(X, rows)
			loss := 0.0
			for k, i := range rows {
				p := net.prob[k*K : (k+1)*K]
				if K == 1 {
					yi := float64(y[i])
					q := clip(p[0])
					loss -= yi*math.Log(q) + (1-yi)*math.Log(1-q)
					net.prob[k] -= yi // delta of the output unit
				} else {
					loss -= math.Log(clip(p[y[i]]))
					p[y[i]]--
				}
			}
			delta2 := net.prob[:len(rows)*K]
			// Backward pass: output layer gradients (penalty added below).
			clear(g2)
			clear(gb2)
			for k := range rows {
				a := net.hid[k*H : (k+1)*H]
				dk := delta2[k*K : (k+1)*K]
				for o, v := range dk {
					gb2[o] += v
				}
				for h, av := range a {
					if av == 0 {
						continue
					}
					row := g2[h*K : (h+1)*K]
					for o, v := range dk {
						row[o] += av * v
					}
				}
			}
			// Hidden deltas through ReLU, then input layer gradients on
			// the features present in the batch.
			clear(gb1)
			for k := range rows {
				a := net.hid[k*H : (k+1)*H]
				dk := delta2[k*K : (k+1)*K]
				d1 := delta1[k*H : (k+1)*H]
				for h := range d1 {
					if a[h] == 0 {
						d1[h] = 0
						continue
					}
					s := 0.0
					for o, v := range dk {
						s += v * w2[h*K+o]
					}
					d1[h] = s
					gb1[h] += s
				}
			}
			touched = touched[:0]
			g1 = g1[:0]
			for k, i := range rows {
				cols, vals := X.Row(i)
				d1 := delta1[k*H : (k+1)*H]
				for q, j := range cols {
					if slot[j] < 0 {
						slot[j] = int32(len(touched))
						touched = append(touched, int32(j))
						g1 = append(g1, make([]float64, H)...)
					}
					row := g1[int(slot[j])*H : int(slot[j]+1)*H]
					v := vals[q]
					for h, dv := range d1 {
						row[h] += v * dv
					}
				}
			}
			// Adam updates, with the L2 penalty's gradient alpha*W/B and
			// its loss alpha/(2B)*||W||² taken on the weights before the
			// update.
			t++
			lr := c.lr * math.Sqrt(1-math.Pow(c.beta2, float64(t))) / (1 - math.Pow(c.beta1, float64(t)))
			sq := 0.0
			for j := 0; j < d; j++ {
				var g []float64
				if s := slot[j]; s >= 0 {
					g = g1[int(s)*H : int(s+1)*H]
				}
				sq += opt[0].update(j*H, H, g, c.alpha, nb, lr, &c)
			}
			opt[1].update(0, H, gb1, 0, nb, lr, &c)
			sq += opt[2].update(0, H*K, g2, c.alpha, nb, lr, &c)
			opt[3].update(0, K, gb2, 0, nb, lr, &c)
			for _, j := range touched {
				slot[j] = -1
			}
			loss += 0.5 * c.alpha * sq
			total += loss // the batch's mean loss times its size
		}
		epochLoss := total / float64(n)
		m.LossCurve = append(m.LossCurve, epochLoss)
		if progress != nil {
			progress(float64(epoch+1)/float64(c.maxIter), fmt.Sprintf("epoch %d, loss %.6f", epoch+1, epochLoss))
		}
		if epochLoss > best-c.tol {
			noImprove++
		} else {
			noImprove = 0
		}
		best = min(best, epochLoss)
		if noImprove > c.noChange {
			m.Converged = true
			break
		}
	}
	m.nFeatures = d
	if progress != nil {
		progress(1, "fitted")
	}
	return nil
}

// clip keeps a probability inside [eps, 1-eps] before its logarithm, as
// scikit-learn's log-loss does (eps is float64's machine epsilon).
func clip(p float64) float64 {
	const eps = 0x1p-52
	return min(max(p, eps), 1-eps)
}

// scratch holds the activations of one batch.
type scratch struct {
	m    *Model
	hid  []float64 // batch x Hidden: ReLU outputs
	prob []float64 // batch x out: output probabilities
}

func newScratch(m *Model, batch int) *scratch {
	return &scratch{m: m, hid: make([]float64, batch*len(m.b1)), prob: make([]float64, batch*m.out)}
}

// forward computes the hidden activations and output probabilities of the
// given rows of X into s.hid and s.prob.
func (s *scratch) forward(X *sparse.Matrix, rows []int) {
	m := s.m
	H, K := len(m.b1), m.out
	for k, i := range rows {
		a := s.hid[k*H : (k+1)*H]
		copy(a, m.b1)
		cols, vals := X.Row(i)
		for q, j := range cols {
			v := vals[q]
			for h, w := range m.w1[j*H : (j+1)*H] {
				a[h] += v * w
			}
		}
		for h, z := range a {
			if z < 0 {
				a[h] = 0
			}
		}
		p := s.prob[k*K : (k+1)*K]
		copy(p, m.b2)
		for h, av := range a {
			if av == 0 {
				continue
			}
			for o, w := range m.w2[h*K : (h+1)*K] {
				p[o] += av * w
			}
		}
		if K == 1 {
			p[0] = sigmoid(p[0])
			continue
		}
		zmax := math.Inf(-1)
		for _, z := range p {
			zmax = max(zmax, z)
		}
		sum := 0.0
		for o, z := range p {
			p[o] = math.Exp(z - zmax)
			sum += p[o]
		}
		for o := range p {
			p[o] /= sum
		}
	}
}

func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

func (m *Model) fitted() int {
	if m.w1 == nil {
		return -1
	}
	return m.nFeatures
}

// PredictProba returns, per document, the probability of each class.
func (m *Model) PredictProba(X *sparse.Matrix) ([][]float64, error) {
	if err := classify.CheckFeatures(X, m.fitted()); err != nil {
		return nil, err
	}
	if err := X.Validate(); err != nil {
		return nil, err
	}
	s := newScratch(m, 1)
	out := make([][]float64, X.Rows)
	for i := range out {
		s.forward(X, []int{i})
		if m.out == 1 {
			out[i] = []float64{1 - s.prob[0], s.prob[0]}
		} else {
			out[i] = append([]float64(nil), s.prob...)
		}
	}
	return out, nil
}

// DecisionFunction returns the class probabilities (PredictProba).
func (m *Model) DecisionFunction(X *sparse.Matrix) ([][]float64, error) {
	return m.PredictProba(X)
}

// Predict returns the most probable class of each document (the first on
// ties).
func (m *Model) Predict(X *sparse.Matrix) ([]int, error) {
	p, err := m.PredictProba(X)
	if err != nil {
		return nil, err
	}
	return classify.Argmax(p), nil
}
