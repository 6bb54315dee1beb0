//go:build ref && !js

package metrics

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"textlab/internal/reftest"
)

// metricsScript computes scikit-learn's metrics for each case.
const metricsScript = `
import json, sys, warnings
import numpy as np
from sklearn.metrics import (accuracy_score, confusion_matrix, precision_recall_fscore_support,
    roc_curve, roc_auc_score)
warnings.simplefilter("ignore")
out = []
for c in json.load(sys.stdin):
    t, p = c["true"], c["pred"]
    r = {"accuracy": accuracy_score(t, p), "confusion": confusion_matrix(t, p).tolist()}
    pc = precision_recall_fscore_support(t, p, average=None)
    r["per_class"] = [a.tolist() for a in pc]
    for avg in ["macro", "micro", "weighted"]:
        r[avg] = list(precision_recall_fscore_support(t, p, average=avg)[:3])
    if c.get("scores"):
        yt = [1 if v == c["positive"] else 0 for v in t]
        fpr, tpr, thr = roc_curve(yt, c["scores"])
        r["roc"] = [fpr.tolist(), tpr.tolist(), thr.tolist()]
        r["auc"] = roc_auc_score(yt, c["scores"])
    out.append(r)
json.dump(out, sys.stdout)
`

type metricsCase struct {
	True     []int     `json:"true"`
	Pred     []int     `json:"pred"`
	Scores   []float64 `json:"scores,omitempty"`
	Positive int       `json:"positive"`
}

func TestMetricsMatchScikitLearn(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 1))
	noisy := func(n, k int, acc float64) metricsCase {
		c := metricsCase{True: make([]int, n), Pred: make([]int, n)}
		for i := range c.True {
			c.True[i] = rng.IntN(k)
			c.Pred[i] = c.True[i]
			if rng.Float64() > acc {
				c.Pred[i] = rng.IntN(k)
			}
		}
		return c
	}
	withScores := func(c metricsCase, round float64) metricsCase {
		c.Scores = make([]float64, len(c.True))
		for i, y := range c.True {
			s := rng.NormFloat64() + float64(y)
			if round > 0 {
				s = math.Round(s*round) / round // ties in the scores
			}
			c.Scores[i] = s
		}
		c.Positive = 1
		return c
	}
	cases := []metricsCase{
		noisy(500, 3, 0.7),
		noisy(300, 5, 0.5),
		withScores(noisy(400, 2, 0.8), 0),
		withScores(noisy(400, 2, 0.8), 2),
		withScores(noisy(12, 2, 0.6), 1),
		// Zero division: class 2 is never predicted, class 3 never true.
		{True: []int{0, 1, 2, 2, 0, 1}, Pred: []int{0, 1, 0, 1, 3, 1}},
		// Labels that are not 0..k-1.
		{True: []int{5, 7, 7, 9, 5}, Pred: []int{7, 7, 9, 9, 5}},
		// A perfect constant predictor.
		{True: []int{4, 4, 4}, Pred: []int{4, 4, 4}},
	}
	in, _ := json.Marshal(cases)
	var ref []struct {
		Accuracy               float64
		Confusion              [][]int
		PerClass               [4][]float64 `json:"per_class"`
		Macro, Micro, Weighted []float64
		Roc                    [3][]float64
		Auc                    float64
	}
	if err := json.Unmarshal(reftest.RunPython(t, metricsScript, in), &ref); err != nil {
		t.Fatal(err)
	}
	const tol = 1e-9
	near := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > tol {
			t.Errorf("%s = %.17g, scikit-learn %.17g", what, got, want)
		}
	}
	for k, c := range cases {
		t.Run(fmt.Sprint(k), func(t *testing.T) {
			r, err := Evaluate(c.True, c.Pred, nil)
			if err != nil {
				t.Fatal(err)
			}
			w := ref[k]
			near("accuracy", r.Accuracy, w.Accuracy)
			cm, err := ConfusionMatrix(c.True, c.Pred, nil)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(cm) != fmt.Sprint(w.Confusion) {
				t.Errorf("confusion %v, scikit-learn %v", cm, w.Confusion)
			}
			for l := range r.Labels {
				near(fmt.Sprintf("precision[%d]", l), r.PerClass[l].Precision, w.PerClass[0][l])
				near(fmt.Sprintf("recall[%d]", l), r.PerClass[l].Recall, w.PerClass[1][l])
				near(fmt.Sprintf("f1[%d]", l), r.PerClass[l].F1, w.PerClass[2][l])
				near(fmt.Sprintf("support[%d]", l), float64(r.Support[l]), w.PerClass[3][l])
			}
			for _, a := range []struct {
				name string
				got  Scores
				want []float64
			}{{"macro", r.Macro, w.Macro}, {"micro", r.Micro, w.Micro}, {"weighted", r.Weighted, w.Weighted}} {
				near(a.name+" precision", a.got.Precision, a.want[0])
				near(a.name+" recall", a.got.Recall, a.want[1])
				near(a.name+" f1", a.got.F1, a.want[2])
			}
			if c.Scores == nil {
				return
			}
			roc, err := ROCCurve(c.True, c.Scores, c.Positive)
			if err != nil {
				t.Fatal(err)
			}
			for i, got := range [][]float64{roc.FPR, roc.TPR, roc.Thresholds} {
				if len(got) != len(w.Roc[i]) {
					t.Fatalf("roc_curve array %d has %d points, scikit-learn %d", i, len(got), len(w.Roc[i]))
				}
				for j := range got {
					near(fmt.Sprintf("roc[%d][%d]", i, j), got[j], w.Roc[i][j])
				}
			}
			auc, err := ROCAUC(c.True, c.Scores, c.Positive)
			if err != nil {
				t.Fatal(err)
			}
			near("roc_auc_score", auc, w.Auc)
		})
	}
}
