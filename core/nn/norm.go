package nn

import "math"

// NormState is what LayerNorm and RMSNorm keep of a forward pass for the
// backward pass: per row, the mean (LayerNorm only) and 1/σ, the inverse
// of the standard deviation (LayerNorm) or of the root mean square (RMSNorm).
type NormState struct {
	Mean, RStd []float32 // [n]
}

// resize makes room for n rows.
func (s *NormState) resize(n int) {
	s.Mean, s.RStd = resize(s.Mean, n), resize(s.RStd, n)
}

// LayerNorm normalises each row to mean 0 and variance 1, then scales and
// shifts it: y = (x - mean)/sqrt(var + Eps)·Weight + Bias, with the biased
// variance, as torch.nn.LayerNorm does.
type LayerNorm struct {
	Dim          int       // width of a row
	Eps          float32   // added to the variance
	Weight, Bias []float32 // [Dim] scale (γ) and shift (β)
}

// NewLayerNorm returns a LayerNorm over rows of dim values with the given
// epsilon (BERT uses 1e-12). Its tensors are zero: set Weight to ones
// before using it as a layer.
func NewLayerNorm(dim int, eps float32) (LayerNorm, error) {
	if err := checkSizes("LayerNorm", size{"dim", dim}); err != nil {
		return LayerNorm{}, err
	}
	return LayerNorm{Dim: dim, Eps: eps, Weight: make([]float32, dim), Bias: make([]float32, dim)}, nil
}

// Forward normalises n rows of x into y. The mean and variance are summed in
// float64, giving tensor.LayerNorm's values bit for bit. y may alias x when
// no backward pass follows; st may then be nil too.
func (l *LayerNorm) Forward(y, x []float32, n int, st *NormState) {
	d := l.Dim
	if st != nil {
		st.resize(n)
	}
	for r := 0; r < n; r++ {
		xr, yr := x[r*d:(r+1)*d], y[r*d:(r+1)*d]
		var mean float64
		for _, v := range xr {
			mean += float64(v)
		}
		mean /= float64(d)
		var variance float64
		for _, v := range xr {
			dv := float64(v) - mean
			variance += dv * dv
		}
		variance /= float64(d)
		rstd := 1 / math.Sqrt(variance+float64(l.Eps))
		if st != nil {
			st.Mean[r], st.RStd[r] = float32(mean), float32(rstd)
		}
		for i, v := range xr {
			yr[i] = float32((float64(v)-mean)*rstd)*l.Weight[i] + l.Bias[i]
		}
	}
}

// Backward takes dy for the n rows of the forward input x and adds
//
//	dx += (ĝ - mean(ĝ) - x̂·mean(ĝ·x̂)) / σ, with x̂ = (x - mean)/σ and ĝ = dy·Weight,
//
// grad.Weight += Σ dy·x̂ and grad.Bias += Σ dy over the rows.
func (l *LayerNorm) Backward(dx, dy, x []float32, n int, st *NormState, grad *LayerNorm) {
	d := l.Dim
	for r := 0; r < n; r++ {
		xr, dyr := x[r*d:(r+1)*d], dy[r*d:(r+1)*d]
		mean, rstd := float64(st.Mean[r]), float64(st.RStd[r])
		var sumG, sumGX float64 // Σ ĝ and Σ ĝ·x̂
		for i, v := range xr {
			xhat := (float64(v) - mean) * rstd
			g := float64(dyr[i]) * float64(l.Weight[i])
			sumG += g
			sumGX += g * xhat
			grad.Weight[i] += float32(float64(dyr[i]) * xhat)
			grad.Bias[i] += dyr[i]
		}
		if dx == nil {
			continue
		}
		meanG, meanGX := sumG/float64(d), sumGX/float64(d)
		dxr := dx[r*d : (r+1)*d]
		for i, v := range xr {
			xhat := (float64(v) - mean) * rstd
			g := float64(dyr[i]) * float64(l.Weight[i])
			dxr[i] += float32((g - meanG - xhat*meanGX) * rstd)
		}
	}
}

// RMSNorm scales each row by the inverse of its root mean square, then by
// Weight: y = x / sqrt(mean(x²) + Eps)·Weight, as LLaMA and llama2.c do
// (Eps 1e-5).
type RMSNorm struct {
	Dim    int       // width of a row
	Eps    float32   // added to the mean square
	Weight []float32 // [Dim] scale
}

// NewRMSNorm returns an RMSNorm over rows of dim values with the given
// epsilon. Its weight is zero: set it to ones before using it as a layer.
func NewRMSNorm(dim int, eps float32) (RMSNorm, error) {
	if err := checkSizes("RMSNorm", size{"dim", dim}); err != nil {
		return RMSNorm{}, err
	}
	return RMSNorm{Dim: dim, Eps: eps, Weight: make([]float32, dim)}, nil
}

// Forward normalises n rows of x into y, in float32 in llama2.c's order
// (tensor.RMSNorm's values bit for bit). y may alias x when no backward
// pass follows; st may then be nil too.
func (l *RMSNorm) Forward(y, x []float32, n int, st *NormState) {
	d := l.Dim
	if st != nil {
		st.resize(n)
	}
	for r := 0; r < n; r++ {
		xr, yr := x[r*d:(r+1)*d], y[r*d:(r+1)*d]
		var ss float32
		for _, v := range xr {
			ss += v * v
		}
		ss = ss/float32(d) + l.Eps
		inv := 1 / float32(math.Sqrt(float64(ss)))
		if st != nil {
			st.RStd[r] = inv
		}
		for i, v := range xr {
			yr[i] = l.Weight[i] * (inv * v)
		}
	}
}

// Backward takes dy for the n rows of the forward input x and adds, with
// r = 1/rms(x) and ĝ = dy·Weight,
//
//	dx += r·ĝ - x·r³·Σ(ĝ·x)/Dim,
//
// and grad.Weight += Σ dy·x·r over the rows.
func (l *RMSNorm) Backward(dx, dy, x []float32, n int, st *NormState, grad *RMSNorm) {
	d := l.Dim
	for r := 0; r < n; r++ {
		xr, dyr := x[r*d:(r+1)*d], dy[r*d:(r+1)*d]
		rs := float64(st.RStd[r])
		var sumGX float64 // Σ ĝ·x
		for i, v := range xr {
			sumGX += float64(dyr[i]) * float64(l.Weight[i]) * float64(v)
			grad.Weight[i] += float32(float64(dyr[i]) * float64(v) * rs)
		}
		if dx == nil {
			continue
		}
		c := rs * rs * rs * sumGX / float64(d)
		dxr := dx[r*d : (r+1)*d]
		for i, v := range xr {
			dxr[i] += float32(rs*float64(dyr[i])*float64(l.Weight[i]) - float64(v)*c)
		}
	}
}
