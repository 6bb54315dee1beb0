package nn

import (
	"textlab/core/gemm"
	"textlab/core/quant"
)

// Linear is a fully connected layer, y = x·Wᵀ + b, with W in PyTorch's
// nn.Linear layout [Out][In].
//
// The same type holds int8 weights for inference: after Quantize (or when
// a loader sets Q), W is nil and Forward runs quant.Linear's per-output-
// channel int8 product, activations quantized per row on the fly. An int8
// layer has no backward pass: it can only sit below the layers being
// trained (a frozen lower layer while fine-tuning).
type Linear struct {
	In, Out int           // input and output features
	W       []float32     // [Out][In] weights; nil when Q is set
	B       []float32     // [Out] bias, or nil for a layer without one
	Q       *quant.Linear // int8 weights and bias (Q.Bias is B); nil for float32
}

// NewLinear returns a float32 layer mapping in features to out features,
// with a bias when bias is set. Its tensors are zero.
func NewLinear(in, out int, bias bool) (Linear, error) {
	if err := checkSizes("Linear", size{"in", in}, size{"out", out}); err != nil {
		return Linear{}, err
	}
	l := Linear{In: in, Out: out, W: make([]float32, out*in)}
	if bias {
		l.B = make([]float32, out)
	}
	return l, nil
}

// Quantize converts the weights to int8, one scale per output row (see
// package textlab/core/quant). W becomes nil; the bias stays float32.
// Forward then runs in int8 and Backward panics.
func (l *Linear) Quantize() {
	if l.Q == nil {
		l.Q = quant.NewLinear(l.W, l.B, l.Out, l.In)
		l.W = nil
	}
}

// Forward sets y = x·Wᵀ + b for n rows: x is [n][In], y is [n][Out].
func (l *Linear) Forward(y, x []float32, n int) {
	y, x = y[:n*l.Out], x[:n*l.In]
	if l.Q != nil {
		l.Q.Forward(y, x, n)
		return
	}
	gemm.Sgemm(false, true, n, l.Out, l.In, 1, x, l.In, l.W, l.In, 0, y, l.Out)
	if l.B != nil {
		for i := 0; i < n; i++ {
			row := y[i*l.Out : (i+1)*l.Out]
			for o, b := range l.B {
				row[o] += b
			}
		}
	}
}

// Backward takes dy = ∂loss/∂y for the n rows of the forward input x and
// adds dx += dy·W (unless dx is nil), grad.W += dyᵀ·x and grad.B += the
// column sums of dy (when grad.B is not nil). It panics on an int8 layer.
func (l *Linear) Backward(dx, dy, x []float32, n int, grad *Linear) {
	if l.Q != nil {
		panic("nn: Linear.Backward on int8 weights (int8 layers are for inference only)")
	}
	dy, x = dy[:n*l.Out], x[:n*l.In]
	if dx != nil {
		gemm.Sgemm(false, false, n, l.In, l.Out, 1, dy, l.Out, l.W, l.In, 1, dx[:n*l.In], l.In)
	}
	gemm.Sgemm(true, false, l.Out, l.In, n, 1, dy, l.Out, x, l.In, 1, grad.W[:l.Out*l.In], l.In)
	if grad.B != nil {
		gb := grad.B[:l.Out]
		for i := 0; i < n; i++ {
			for o, v := range dy[i*l.Out : (i+1)*l.Out] {
				gb[o] += v
			}
		}
	}
}
