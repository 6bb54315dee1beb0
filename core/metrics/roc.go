package metrics

import (
	"fmt"
	"math"
	"sort"
)

// ROC is a receiver operating characteristic curve: for each threshold
// (decreasing), the false and true positive rates of predicting positive
// when the score is >= the threshold. The first point is (0, 0) with
// threshold Thresholds[1]+1, as in scikit-learn 1.2's roc_curve.
type ROC struct {
	FPR, TPR, Thresholds []float64
}

// ROCCurve computes roc_curve(yTrue == positive, scores,
// drop_intermediate=True): points where the curve does not change
// direction are dropped. yTrue must hold both the positive class and
// another one.
func ROCCurve(yTrue []int, scores []float64, positive int) (*ROC, error) {
	if len(yTrue) != len(scores) {
		return nil, fmt.Errorf("metrics: %d labels but %d scores", len(yTrue), len(scores))
	}
	var nPos, nNeg int
	for i, c := range yTrue {
		if math.IsNaN(scores[i]) || math.IsInf(scores[i], 0) {
			return nil, fmt.Errorf("metrics: score %d is %v", i, scores[i])
		}
		if c == positive {
			nPos++
		} else {
			nNeg++
		}
	}
	if nPos == 0 || nNeg == 0 {
		return nil, fmt.Errorf("metrics: ROC needs positive and negative examples (have %d and %d)", nPos, nNeg)
	}
	// Scores in decreasing order (stable, as scikit-learn's mergesort).
	order := make([]int, len(scores))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return scores[order[a]] > scores[order[b]] })
	// Cumulative true and false positives at the last index of each
	// distinct score.
	var tps, fps, thr []float64
	tp := 0.0
	for k, i := range order {
		if yTrue[i] == positive {
			tp++
		}
		if k == len(order)-1 || scores[order[k+1]] != scores[i] {
			tps = append(tps, tp)
			fps = append(fps, float64(k+1)-tp)
			thr = append(thr, scores[i])
		}
	}
	// Drop points collinear with their neighbours: keep the ends and every
	// point where the second difference of fps or tps is non-zero.
	if len(fps) > 2 {
		keep := []int{0}
		for k := 1; k < len(fps)-1; k++ {
			if fps[k-1]-2*fps[k]+fps[k+1] != 0 || tps[k-1]-2*tps[k]+tps[k+1] != 0 {
				keep = append(keep, k)
			}
		}
		keep = append(keep, len(fps)-1)
		nt, nf, nth := make([]float64, len(keep)), make([]float64, len(keep)), make([]float64, len(keep))
		for a, k := range keep {
			nt[a], nf[a], nth[a] = tps[k], fps[k], thr[k]
		}
		tps, fps, thr = nt, nf, nth
	}
	r := &ROC{
		FPR:        make([]float64, len(fps)+1),
		TPR:        make([]float64, len(tps)+1),
		Thresholds: append([]float64{thr[0] + 1}, thr...),
	}
	lastF, lastT := fps[len(fps)-1], tps[len(tps)-1]
	for k := range fps {
		r.FPR[k+1] = fps[k] / lastF
		r.TPR[k+1] = tps[k] / lastT
	}
	return r, nil
}

// AUC returns the area under the curve by the trapezoidal rule, as
// auc(fpr, tpr).
func (r *ROC) AUC() float64 {
	a := 0.0
	for k := 1; k < len(r.FPR); k++ {
		a += (r.FPR[k] - r.FPR[k-1]) * (r.TPR[k] + r.TPR[k-1]) / 2
	}
	return a
}

// ROCAUC is roc_auc_score for two classes: the area under ROCCurve.
func ROCAUC(yTrue []int, scores []float64, positive int) (float64, error) {
	r, err := ROCCurve(yTrue, scores, positive)
	if err != nil {
		return 0, err
	}
	return r.AUC(), nil
}
