//go:build ref && !js

package pipeline

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"textlab/core/dataset"
	"textlab/core/split"
	"textlab/internal/reftest"
)

// groupParityScript runs the whole grouped evaluation in scikit-learn 1.2:
// StratifiedGroupKFold(n_splits=5) folds of the State of the Union sample
// with presidents as groups, TfidfVectorizer() and LogisticRegression()
// fitted on each fold's training part; it returns each fold's test
// indices, accuracy and macro-F1.
const groupParityScript = `
import json, sys, warnings
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
warnings.simplefilter("ignore")
req = json.load(sys.stdin)
texts, y, groups = req["texts"], req["labels"], req["groups"]
out = []
for tr, te in StratifiedGroupKFold(n_splits=req["k"]).split(texts, y, groups):
    v = TfidfVectorizer()
    m = LogisticRegression().fit(v.fit_transform([texts[i] for i in tr]), [y[i] for i in tr])
    pred = m.predict(v.transform([texts[i] for i in te]))
    yte = [y[i] for i in te]
    out.append({"test": te.tolist(), "accuracy": accuracy_score(yte, pred), "macro_f1": f1_score(yte, pred, average="macro")})
json.dump(out, sys.stdout)
`

// Grouped 5-fold cross-validation of TF-IDF + logistic regression on the
// SOTU sample, presidents kept together, gives scikit-learn's folds and,
// within 0.005, its fold scores.
func TestGroupedKFoldMatchesScikitLearn(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(reftest.Root(t), "static", "data", "sotu-party.csv"))
	if err != nil {
		t.Fatal(err)
	}
	cols := dataset.Columns{Text: "text", Label: "label", Group: "president"}
	tab, _, err := dataset.Read(context.Background(), raw, dataset.Options{Name: "sotu-party.csv", Columns: cols})
	if err != nil {
		t.Fatal(err)
	}
	d := FromExamples("sotu-party.csv", tab.Examples)
	res, err := Run(context.Background(), d, Config{Features: FeatureConfig{Kind: FeaturesTfidf}, Eval: EvalConfig{Kind: EvalKFold, Group: "president"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := json.Marshal(map[string]any{"texts": d.Texts, "labels": d.Labels, "groups": d.Groups, "k": 5})
	var folds []struct {
		Test     []int   `json:"test"`
		Accuracy float64 `json:"accuracy"`
		MacroF1  float64 `json:"macro_f1"`
	}
	if err := json.Unmarshal(reftest.RunPython(t, groupParityScript, req), &folds); err != nil {
		t.Fatal(err)
	}
	if len(folds) != len(res.Folds) {
		t.Fatalf("%d folds, scikit-learn %d", len(res.Folds), len(folds))
	}
	for f, want := range folds {
		got := res.Folds[f]
		n := 0
		for _, s := range got.Support {
			n += s
		}
		if n != len(want.Test) {
			t.Errorf("fold %d: %d test documents, scikit-learn %d", f+1, n, len(want.Test))
		}
		if math.Abs(got.Accuracy-want.Accuracy) > 0.005 || math.Abs(got.Macro.F1-want.MacroF1) > 0.005 {
			t.Errorf("fold %d: accuracy %.4f macro-F1 %.4f, scikit-learn %.4f and %.4f", f+1, got.Accuracy, got.Macro.F1, want.Accuracy, want.MacroF1)
		}
		t.Logf("fold %d: %d documents, accuracy %.4f (scikit-learn %.4f), macro-F1 %.4f (%.4f)", f+1, n, got.Accuracy, want.Accuracy, got.Macro.F1, want.MacroF1)
	}
	// The documents each fold tests are scikit-learn's: those of
	// split.GroupKFold, the split Run makes (TestRunGrouped).
	splits, err := split.GroupKFold(splitLabels(d), d.Groups, split.Config{K: 5})
	if err != nil {
		t.Fatal(err)
	}
	for f, want := range folds {
		if !slices.Equal(splits[f].Test, want.Test) {
			t.Errorf("fold %d tests other documents than scikit-learn's", f+1)
		}
	}
}
