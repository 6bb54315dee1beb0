// Package metrics computes classification metrics with scikit-learn 1.2's
// definitions: accuracy, per-class precision, recall, F1 and support with
// macro, micro and weighted averages (0/0 counts as 0 and is reported), the
// confusion matrix, the ROC curve and its area for two classes, and the
// mean and standard deviation of a score across folds.
package metrics

import (
	"fmt"
	"math"
	"sort"
)

// Accuracy returns the fraction of predictions equal to the truth
// (accuracy_score). It returns an error when the lengths differ or are 0.
func Accuracy(yTrue, yPred []int) (float64, error) {
	if err := checkPair(yTrue, yPred); err != nil {
		return 0, err
	}
	ok := 0
	for i := range yTrue {
		if yTrue[i] == yPred[i] {
			ok++
		}
	}
	return float64(ok) / float64(len(yTrue)), nil
}

func checkPair(yTrue, yPred []int) error {
	if len(yTrue) != len(yPred) {
		return fmt.Errorf("metrics: %d true labels but %d predictions", len(yTrue), len(yPred))
	}
	if len(yTrue) == 0 {
		return fmt.Errorf("metrics: no labels")
	}
	return nil
}

// Labels returns the sorted distinct labels of yTrue and yPred together,
// the order scikit-learn uses when labels=None (unique_labels).
func Labels(yTrue, yPred []int) []int {
	seen := map[int]bool{}
	var out []int
	for _, s := range [][]int{yTrue, yPred} {
		for _, c := range s {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	sort.Ints(out)
	return out
}

// ConfusionMatrix returns counts with true labels in rows and predicted
// labels in columns, both in the order of labels (nil: Labels(yTrue,
// yPred)). Pairs whose labels are not listed are ignored, as in
// confusion_matrix.
func ConfusionMatrix(yTrue, yPred, labels []int) ([][]int, error) {
	if err := checkPair(yTrue, yPred); err != nil {
		return nil, err
	}
	if labels == nil {
		labels = Labels(yTrue, yPred)
	}
	pos := make(map[int]int, len(labels))
	for k, c := range labels {
		if _, dup := pos[c]; dup {
			return nil, fmt.Errorf("metrics: label %d listed twice", c)
		}
		pos[c] = k
	}
	cm := make([][]int, len(labels))
	for k := range cm {
		cm[k] = make([]int, len(labels))
	}
	for i := range yTrue {
		a, ok1 := pos[yTrue[i]]
		b, ok2 := pos[yPred[i]]
		if ok1 && ok2 {
			cm[a][b]++
		}
	}
	return cm, nil
}

// Scores are precision, recall and F1.
type Scores struct {
	Precision, Recall, F1 float64
}

// ZeroDivision records a metric that was 0/0 and so was set to 0, as
// scikit-learn does with zero_division="warn".
type ZeroDivision struct {
	// Label is the class, or -1 for an average (see Average).
	Label int
	// Average is "" for a per-class value, else "micro" or "weighted".
	Average string
	// Metric is "precision", "recall" or "f1".
	Metric string
}

// Report holds precision_recall_fscore_support for every label and all
// averages, plus accuracy.
type Report struct {
	Labels   []int    // classes, in row order
	PerClass []Scores // one per label
	Support  []int    // number of true examples per label
	// Macro is the unweighted mean over labels; Weighted is weighted by
	// support; Micro pools the counts of all labels (equal to accuracy
	// when every label is included).
	Macro, Micro, Weighted Scores
	Accuracy               float64
	// ZeroDivisions lists every 0/0 that was set to 0, in label order.
	ZeroDivisions []ZeroDivision
}

// Evaluate computes the Report of predictions yPred against yTrue for the
// given labels (nil: Labels(yTrue, yPred)).
func Evaluate(yTrue, yPred, labels []int) (*Report, error) {
	if _, err := ConfusionMatrix(yTrue, yPred, labels); err != nil {
		return nil, err
	}
	if labels == nil {
		labels = Labels(yTrue, yPred)
	}
	r := &Report{Labels: append([]int(nil), labels...)}
	r.Accuracy, _ = Accuracy(yTrue, yPred)
	// Counts per label include pairs with an unlisted label on the other
	// side, as multilabel_confusion_matrix counts them.
	pos := make(map[int]int, len(labels))
	for k, c := range labels {
		pos[c] = k
	}
	k := len(labels)
	tp, predSum, trueSum := make([]float64, k), make([]float64, k), make([]float64, k)
	for i := range yTrue {
		a, okT := pos[yTrue[i]]
		b, okP := pos[yPred[i]]
		if okT {
			trueSum[a]++
		}
		if okP {
			predSum[b]++
		}
		if okT && okP && a == b {
			tp[a]++
		}
	}
	r.Support = make([]int, k)
	r.PerClass = make([]Scores, k)
	for c := 0; c < k; c++ {
		r.Support[c] = int(trueSum[c])
		s, zd := prf(tp[c], predSum[c], trueSum[c])
		r.PerClass[c] = s
		for _, m := range zd {
			r.ZeroDivisions = append(r.ZeroDivisions, ZeroDivision{Label: labels[c], Metric: m})
		}
	}
	// Means as np.average computes them: a sum, then one division.
	r.Macro = Scores{mean(r.PerClass, func(s Scores) float64 { return s.Precision }),
		mean(r.PerClass, func(s Scores) float64 { return s.Recall }),
		mean(r.PerClass, func(s Scores) float64 { return s.F1 })}
	var stp, spred, strue float64
	for c := 0; c < k; c++ {
		stp += tp[c]
		spred += predSum[c]
		strue += trueSum[c]
	}
	var zd []string
	r.Micro, zd = prf(stp, spred, strue)
	for _, m := range zd {
		r.ZeroDivisions = append(r.ZeroDivisions, ZeroDivision{Label: -1, Average: "micro", Metric: m})
	}
	if strue == 0 {
		// No true examples of any listed label: scikit-learn returns the
		// zero-division value for recall, and precision and F1 are 0.
		r.ZeroDivisions = append(r.ZeroDivisions,
			ZeroDivision{Label: -1, Average: "weighted", Metric: "recall"})
		if spred == 0 {
			r.ZeroDivisions = append(r.ZeroDivisions,
				ZeroDivision{Label: -1, Average: "weighted", Metric: "precision"},
				ZeroDivision{Label: -1, Average: "weighted", Metric: "f1"})
		}
	} else {
		var p, rc, f float64
		for c := 0; c < k; c++ {
			p += r.PerClass[c].Precision * trueSum[c]
			rc += r.PerClass[c].Recall * trueSum[c]
			f += r.PerClass[c].F1 * trueSum[c]
		}
		r.Weighted = Scores{p / strue, rc / strue, f / strue}
	}
	return r, nil
}

func mean(s []Scores, f func(Scores) float64) float64 {
	if len(s) == 0 {
		return 0
	}
	sum := 0.0
	for _, x := range s {
		sum += f(x)
	}
	return sum / float64(len(s))
}

// prf returns precision, recall and F1 from the counts, with 0 for 0/0 and
// the names of the metrics that were 0/0. F1 is 0/0 when both the true and
// the predicted counts are 0.
func prf(tp, pred, true_ float64) (Scores, []string) {
	var s Scores
	var zd []string
	if pred == 0 {
		zd = append(zd, "precision")
	} else {
		s.Precision = tp / pred
	}
	if true_ == 0 {
		zd = append(zd, "recall")
	} else {
		s.Recall = tp / true_
	}
	if pred == 0 && true_ == 0 {
		zd = append(zd, "f1")
	}
	if d := s.Precision + s.Recall; d != 0 {
		s.F1 = 2 * s.Precision * s.Recall / d
	}
	return s, zd
}

// MeanStd returns the mean and the population standard deviation (ddof=0,
// NumPy's default for np.std) of values, for example a score across folds.
// Both are NaN for an empty slice.
func MeanStd(values []float64) (mean, std float64) {
	if len(values) == 0 {
		return math.NaN(), math.NaN()
	}
	for _, v := range values {
		mean += v
	}
	mean /= float64(len(values))
	for _, v := range values {
		std += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(std / float64(len(values)))
}
