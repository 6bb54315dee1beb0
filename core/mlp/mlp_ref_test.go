//go:build ref && !js

package mlp

import (
	"context"
	"encoding/json"
	"math"
	"testing"

	"textlab/core/metrics"
	"textlab/internal/classifytest"
	"textlab/internal/reftest"
)

// mlpScript runs scikit-learn's MLPClassifier in two ways on the CSR
// matrices it is given:
//
//   - "exact": hidden size H, no shuffling, starting from the initial
//     weights Textlab drew (set through warm_start after a one-epoch fit
//     that only builds the attributes), for E epochs; it returns the loss
//     curve and the test probabilities;
//   - "seeds": default parameters, once per random_state; it returns test
//     accuracy, macro-F1, the final training loss and the number of epochs.
const mlpScript = `
import json, sys, warnings
import numpy as np
from scipy.sparse import csr_matrix
from sklearn.neural_network import MLPClassifier
from sklearn.metrics import f1_score, accuracy_score
warnings.simplefilter("ignore")
req = json.load(sys.stdin)
def mat(m):
    return csr_matrix((np.array(m["data"]), np.array(m["indices"]), np.array(m["indptr"])), shape=(m["rows"], m["cols"]))
Xtr, Xte = mat(req["train"]), mat(req["test"])
ytr, yte = np.array(req["ytr"]), np.array(req["yte"])
H, E, init = req["hidden"], req["epochs"], req["init"]
d = Xtr.shape[1]
m = MLPClassifier(hidden_layer_sizes=(H,), max_iter=1, shuffle=False, random_state=0).fit(Xtr, ytr)
K = m.coefs_[1].shape[1]
m.coefs_ = [np.array(init[0]).reshape(d, H), np.array(init[2]).reshape(H, K)]
m.intercepts_ = [np.array(init[1]), np.array(init[3])]
m.warm_start, m.max_iter = True, E
m.loss_curve_, m.best_loss_, m._no_improvement_count, m.n_iter_, m.t_ = [], np.inf, 0, 0, 0
m.fit(Xtr, ytr)
out = {"exact_loss": m.loss_curve_, "exact_proba": m.predict_proba(Xte).tolist(), "seeds": []}
for seed in req["seeds"]:
    m = MLPClassifier(random_state=seed).fit(Xtr, ytr)
    p = m.predict(Xte)
    out["seeds"].append({"acc": accuracy_score(yte, p), "f1": f1_score(yte, p, average="macro"),
                         "loss": m.loss_, "epochs": m.n_iter_})
json.dump(out, sys.stdout)
`

// TestParityWithScikitLearn checks two things against scikit-learn 1.2:
//
//  1. From the same initial weights and without shuffling, the training is
//     the same computation, so the loss curves and test probabilities
//     agree to rounding (tolerance 1e-10 relative on the losses and 1e-10
//     on the probabilities; measured with scikit-learn 1.2.1: at most
//     1.2e-15 and 6.7e-16).
//  2. With default settings and three seeds each, mean test accuracy and
//     macro-F1 agree within 0.03 and the final training loss within a
//     factor 1.5 (the RNGs differ, so single runs differ). Measured
//     (Textlab vs scikit-learn): 3 classes accuracy 0.8667 vs 0.8548,
//     final loss 0.00528 vs 0.00527; 2 classes accuracy 0.9000 vs 0.8867,
//     final loss 0.00605 vs 0.00620.
func TestParityWithScikitLearn(t *testing.T) {
	seeds := []int{0, 1, 2}
	for _, tc := range []struct {
		name          string
		seed          uint64
		docs, classes int
	}{
		{"3 classes", 51, 700, 3},
		{"2 classes", 52, 500, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			Xtr, ytr, Xte, yte := classifytest.Split(t, tc.seed, tc.docs, tc.classes)
			const hidden, epochs = 16, 15
			exact := Model{Hidden: hidden, MaxIter: epochs, NoShuffle: true, Seed: 9}
			var init [4][]float64
			exact.initHook = func(w1, b1, w2, b2 []float64) {
				init = [4][]float64{append([]float64(nil), w1...), append([]float64(nil), b1...), append([]float64(nil), w2...), append([]float64(nil), b2...)}
			}
			if err := exact.Fit(context.Background(), Xtr, ytr, tc.classes, nil); err != nil {
				t.Fatal(err)
			}
			req, _ := json.Marshal(map[string]any{"train": classifytest.ToCSR(Xtr), "test": classifytest.ToCSR(Xte), "ytr": ytr, "yte": yte,
				"hidden": hidden, "epochs": epochs, "init": init, "seeds": seeds})
			var ref struct {
				ExactLoss  []float64   `json:"exact_loss"`
				ExactProba [][]float64 `json:"exact_proba"`
				Seeds      []struct{ Acc, F1, Loss, Epochs float64 }
			}
			if err := json.Unmarshal(reftest.RunPython(t, mlpScript, req), &ref); err != nil {
				t.Fatal(err)
			}

			// 1. Same start, same computation.
			if len(ref.ExactLoss) != len(exact.LossCurve) {
				t.Fatalf("%d epochs, scikit-learn ran %d", len(exact.LossCurve), len(ref.ExactLoss))
			}
			maxRel := 0.0
			for e, l := range ref.ExactLoss {
				maxRel = max(maxRel, math.Abs(exact.LossCurve[e]-l)/l)
			}
			P, _ := exact.PredictProba(Xte)
			maxP := 0.0
			for i := range P {
				for c := range P[i] {
					maxP = max(maxP, math.Abs(P[i][c]-ref.ExactProba[i][c]))
				}
			}
			t.Logf("same start: loss %.6f -> %.6f; max relative loss difference %.2g, max probability difference %.2g",
				ref.ExactLoss[0], ref.ExactLoss[len(ref.ExactLoss)-1], maxRel, maxP)
			if maxRel > 1e-10 || maxP > 1e-10 {
				t.Errorf("same start: loss curves differ by %.3g (relative), probabilities by %.3g", maxRel, maxP)
			}

			// 2. Default settings, different RNGs.
			var refAcc, refF1, refLoss, refEpochs, acc, f1, loss, ep float64
			n := float64(len(seeds))
			for _, r := range ref.Seeds {
				refAcc += r.Acc / n
				refF1 += r.F1 / n
				refLoss += r.Loss / n
				refEpochs += r.Epochs / n
			}
			for _, s := range seeds {
				m := Model{Seed: uint64(s)}
				if err := m.Fit(context.Background(), Xtr, ytr, tc.classes, nil); err != nil {
					t.Fatal(err)
				}
				pred, _ := m.Predict(Xte)
				rep, err := metrics.Evaluate(yte, pred, nil)
				if err != nil {
					t.Fatal(err)
				}
				acc += rep.Accuracy / n
				f1 += rep.Macro.F1 / n
				loss += m.LossCurve[len(m.LossCurve)-1] / n
				ep += float64(len(m.LossCurve)) / n
			}
			t.Logf("defaults: accuracy %.4f (scikit-learn %.4f), macro-F1 %.4f (%.4f), final loss %.5f (%.5f), epochs %.1f (%.1f)",
				acc, refAcc, f1, refF1, loss, refLoss, ep, refEpochs)
			if math.Abs(acc-refAcc) > 0.03 || math.Abs(f1-refF1) > 0.03 {
				t.Errorf("accuracy %.4f vs %.4f, macro-F1 %.4f vs %.4f: gap above 0.03", acc, refAcc, f1, refF1)
			}
			if loss > 1.5*refLoss || refLoss > 1.5*loss {
				t.Errorf("final training loss %.5f vs scikit-learn's %.5f: more than a factor 1.5 apart", loss, refLoss)
			}
		})
	}
}
