package nn

import "math"

// CrossEntropy computes the softmax cross-entropy of n rows of logits
// ([n][classes]) against targets (one class per row) and returns its
// weighted mean over the counted rows:
//
//	loss = Σ_i w_i·(-log softmax(logits_i)[targets_i]) / Σ_i w_i.
//
// A row is counted unless its target is negative (ignored, like PyTorch's
// ignore_index) or its weight is 0; weights nil means every weight is 1.
// Targets must be below classes. When dlogits is not nil it is set to
// ∂loss/∂logits = w_i·(softmax(logits_i) - onehot(targets_i))/Σw, and 0 on
// rows not counted; dlogits may alias logits. With no counted row the loss
// and the gradient are 0.
//
// Each row's log-sum-exp is summed in float64 after subtracting its maximum.
func CrossEntropy(dlogits, logits []float32, targets []int, weights []float32, n, classes int) float32 {
	var total float64 // Σ w_i
	for i := 0; i < n; i++ {
		total += rowWeight(targets, weights, i)
	}
	var loss float64
	for i := 0; i < n; i++ {
		row := logits[i*classes : (i+1)*classes]
		w := rowWeight(targets, weights, i)
		var drow []float32
		if dlogits != nil {
			drow = dlogits[i*classes : (i+1)*classes]
		}
		if w == 0 {
			clear(drow)
			continue
		}
		maxv := row[0]
		for _, v := range row[1:] {
			maxv = max(maxv, v)
		}
		t := targets[i]
		zt := row[t] - maxv // read before drow (which may be row) is written
		var sum float64
		if drow == nil {
			for _, v := range row {
				sum += math.Exp(float64(v - maxv))
			}
		} else {
			for j, v := range row {
				e := math.Exp(float64(v - maxv))
				drow[j] = float32(e) // softmax numerators, scaled below
				sum += e
			}
		}
		// -log p_t = log Σ exp(z - max) - (z_t - max)
		loss += w * (math.Log(sum) - float64(zt))
		if drow != nil {
			scale := float32(w / total / sum)
			for j := range drow {
				drow[j] *= scale
			}
			drow[t] -= float32(w / total)
		}
	}
	if total == 0 {
		return 0
	}
	return float32(loss / total)
}

// rowWeight returns row i's weight in the loss: 0 for a negative target,
// else weights[i] (1 when weights is nil).
func rowWeight(targets []int, weights []float32, i int) float64 {
	switch {
	case targets[i] < 0:
		return 0
	case weights == nil:
		return 1
	default:
		return float64(weights[i])
	}
}
