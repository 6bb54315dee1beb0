package nn_test

import (
	"fmt"

	"textlab/core/nn"
)

// Three steps of gradient descent on a two-class linear classifier: the
// forward pass, the loss and its gradient, the backward pass, the update.
func Example() {
	layer, _ := nn.NewLinear(2, 2, true) // weights start at zero
	grad, _ := nn.NewLinear(2, 2, true)  // same shapes, holding gradients
	x := []float32{1, 0, 0, 1}           // two examples of two features
	labels := []int{0, 1}
	logits, dlogits := make([]float32, 4), make([]float32, 4)
	for step := 0; step < 3; step++ {
		layer.Forward(logits, x, 2)
		loss := nn.CrossEntropy(dlogits, logits, labels, nil, 2, 2)
		clear(grad.W)
		clear(grad.B)
		layer.Backward(nil, dlogits, x, 2, &grad)
		for i := range layer.W {
			layer.W[i] -= grad.W[i]
		}
		for i := range layer.B {
			layer.B[i] -= grad.B[i]
		}
		fmt.Printf("step %d: loss %.4f\n", step, loss)
	}
	// Output:
	// step 0: loss 0.6931
	// step 1: loss 0.4741
	// step 2: loss 0.3477
}

// With zero weights every score is equal, so a causal layer spreads each
// query's attention evenly over the positions up to its own.
func ExampleAttention() {
	att, _ := nn.NewAttention(nn.AttentionConfig{Dim: 4, Heads: 1, Causal: true})
	batch := nn.Seqs{Batch: 1, Len: 3}
	x := make([]float32, batch.Rows()*4)
	out := make([]float32, len(x))
	var st nn.AttentionState
	att.Forward(out, x, batch, &st)
	for i := 0; i < 3; i++ {
		fmt.Printf("query %d: %.3f\n", i, st.Probs[i*3:(i+1)*3])
	}
	// Output:
	// query 0: [1.000 0.000 0.000]
	// query 1: [0.500 0.500 0.000]
	// query 2: [0.333 0.333 0.333]
}
