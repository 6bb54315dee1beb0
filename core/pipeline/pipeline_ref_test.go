//go:build ref && !js

package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"textlab/core/dataset"
	"textlab/internal/reftest"
)

// parityScript fits scikit-learn's TfidfVectorizer() and the requested
// classifier on exactly the training rows Textlab's pipeline used, predicts
// the same test rows, and scores Textlab's own predictions with
// scikit-learn's metrics.
const parityScript = `
import json, sys, warnings
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import MultinomialNB
from sklearn.svm import LinearSVC
from sklearn.metrics import (accuracy_score, confusion_matrix, f1_score,
    precision_recall_fscore_support, roc_auc_score)
warnings.simplefilter("ignore")
req = json.load(sys.stdin)
out = []
for job in req["jobs"]:
    ds = req["datasets"][job["dataset"]]
    texts, y = ds["texts"], ds["labels"]
    tr, te = job["train"], job["test"]
    labels = list(range(ds["classes"]))
    v = TfidfVectorizer()
    Xtr = v.fit_transform([texts[i] for i in tr])
    Xte = v.transform([texts[i] for i in te])
    m = {"logreg": LogisticRegression, "nb": MultinomialNB, "svm": LinearSVC}[job["model"]]()
    m.fit(Xtr, [y[i] for i in tr])
    pred = m.predict(Xte).tolist()
    yte = [y[i] for i in te]
    gp = job["go_pred"]
    p, r, f, s = precision_recall_fscore_support(yte, gp, labels=labels, zero_division=0)
    res = {
        "pred": pred,
        "macro_f1": f1_score(yte, pred, labels=labels, average="macro", zero_division=0),
        "go": {
            "accuracy": accuracy_score(yte, gp),
            "precision": p.tolist(), "recall": r.tolist(), "f1": f.tolist(), "support": s.tolist(),
            "macro_f1": f1_score(yte, gp, labels=labels, average="macro", zero_division=0),
            "weighted_f1": f1_score(yte, gp, labels=labels, average="weighted", zero_division=0),
            "confusion": confusion_matrix(yte, gp, labels=labels).tolist(),
        },
    }
    if ds["classes"] == 2 and len(set(yte)) == 2:
        res["go"]["auc"] = roc_auc_score(yte, job["go_score"])
    out.append(res)
json.dump(out, sys.stdout)
`

type parityData struct {
	Texts   []string `json:"texts"`
	Labels  []int    `json:"labels"`
	Classes int      `json:"classes"`
	names   []string
}

type parityJob struct {
	Dataset int       `json:"dataset"`
	Model   string    `json:"model"`
	Train   []int     `json:"train"`
	Test    []int     `json:"test"`
	GoPred  []int     `json:"go_pred"`
	GoScore []float64 `json:"go_score,omitempty"`
	name    string
	res     *Result
}

type parityOut struct {
	Pred    []int   `json:"pred"`
	MacroF1 float64 `json:"macro_f1"`
	Go      struct {
		Accuracy   float64   `json:"accuracy"`
		Precision  []float64 `json:"precision"`
		Recall     []float64 `json:"recall"`
		F1         []float64 `json:"f1"`
		Support    []int     `json:"support"`
		MacroF1    float64   `json:"macro_f1"`
		WeightedF1 float64   `json:"weighted_f1"`
		Confusion  [][]int   `json:"confusion"`
		AUC        *float64  `json:"auc"`
	} `json:"go"`
}

// readSample reads one of static/data's CSV files the way textlab train
// does: labels sorted by name.
func readSample(t *testing.T, name string) parityData {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(reftest.Root(t), "static", "data", name))
	if err != nil {
		t.Fatal(err)
	}
	tab, _, err := dataset.Read(context.Background(), raw, dataset.Options{Name: name, Columns: dataset.Columns{Text: "text", Label: "label"}})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	var names []string
	for _, ex := range tab.Examples {
		if _, ok := seen[ex.Label]; !ok {
			seen[ex.Label] = 0
			names = append(names, ex.Label)
		}
	}
	sort.Strings(names)
	for c, n := range names {
		seen[n] = c
	}
	d := parityData{Classes: len(names), names: names}
	for _, ex := range tab.Examples {
		d.Texts = append(d.Texts, ex.Text)
		d.Labels = append(d.Labels, seen[ex.Label])
	}
	return d
}

// edgeCases is a small corpus with one-word documents, documents without
// any token, a class of two examples and Unicode text.
func edgeCases() parityData {
	d := parityData{Classes: 3, names: []string{"fruit", "greek", "rare"}}
	fruit := []string{"apple", "banana", "cherry", "apple banana", "Apple", "BANANA cherry", "kiwi", "mango", "apple!", "a"}
	greek := []string{"ΣΟΦΙΑ", "σοφία λόγος", "Straße naïve", "café résumé", "ΛΌΓΟΣ", "日本語 テキスト", "naïve", "Ωμέγα ωμέγα", "ß", "İstanbul"}
	for i := 0; i < 4; i++ {
		for _, s := range fruit {
			d.Texts = append(d.Texts, s)
			d.Labels = append(d.Labels, 0)
		}
		for _, s := range greek {
			d.Texts = append(d.Texts, s)
			d.Labels = append(d.Labels, 1)
		}
	}
	d.Texts = append(d.Texts, "zebra crossing", "zebra stripes")
	d.Labels = append(d.Labels, 2, 2)
	return d
}

func TestPipelineMatchesScikitLearn(t *testing.T) {
	datasets := []parityData{readSample(t, "sotu-party.csv"), readSample(t, "spam-assassin.csv"), edgeCases()}
	dsNames := []string{"sotu-party", "spam-assassin", "edge cases"}
	var jobs []*parityJob
	for i, ds := range datasets {
		data := Data{Name: dsNames[i], Texts: ds.Texts, Labels: ds.Labels, LabelNames: ds.names}
		for _, model := range []string{"logreg", "nb", "svm"} {
			cfg := Config{Features: FeatureConfig{Kind: "tfidf"}, Model: ModelConfig{Kind: model}, Seed: 42}
			res, err := Run(context.Background(), data, cfg, nil)
			if err != nil {
				t.Fatalf("%s %s: %v", dsNames[i], model, err)
			}
			j := &parityJob{Dataset: i, Model: model, name: dsNames[i] + " " + model, res: res}
			inTest := map[int]bool{}
			for _, p := range res.Test {
				j.Test = append(j.Test, p.Index)
				j.GoPred = append(j.GoPred, p.Pred)
				if ds.Classes == 2 {
					j.GoScore = append(j.GoScore, p.Probs[1])
				}
				inTest[p.Index] = true
			}
			for k := range ds.Texts {
				if !inTest[k] {
					j.Train = append(j.Train, k)
				}
			}
			jobs = append(jobs, j)
		}
	}
	req, err := json.Marshal(map[string]any{"datasets": datasets, "jobs": jobs})
	if err != nil {
		t.Fatal(err)
	}
	var outs []parityOut
	if err := json.Unmarshal(reftest.RunPython(t, parityScript, req), &outs); err != nil {
		t.Fatal(err)
	}
	if len(outs) != len(jobs) {
		t.Fatalf("%d results for %d jobs", len(outs), len(jobs))
	}
	var table strings.Builder
	fmt.Fprintf(&table, "\n| data | model | test docs | agreement | macro-F1 Go | macro-F1 sklearn | max metric diff |\n")
	for k, j := range jobs {
		o, res := outs[k], j.res
		agree := 0
		for i := range o.Pred {
			if o.Pred[i] == j.GoPred[i] {
				agree++
			}
		}
		share := float64(agree) / float64(len(o.Pred))
		if share < 0.99 {
			t.Errorf("%s: predictions agree on %.4f of %d test documents, want >= 0.99", j.name, share, len(o.Pred))
		}
		if d := math.Abs(res.Report.Macro.F1 - o.MacroF1); d > 0.005 {
			t.Errorf("%s: macro-F1 %v, scikit-learn %v (diff %v > 0.005)", j.name, res.Report.Macro.F1, o.MacroF1, d)
		}
		// Metrics of the same (Go) predictions: within 1e-9.
		r := res.Report
		diffs := []float64{math.Abs(r.Accuracy - o.Go.Accuracy), math.Abs(r.Macro.F1 - o.Go.MacroF1), math.Abs(r.Weighted.F1 - o.Go.WeightedF1)}
		for c := range r.Labels {
			diffs = append(diffs, math.Abs(r.PerClass[c].Precision-o.Go.Precision[c]), math.Abs(r.PerClass[c].Recall-o.Go.Recall[c]), math.Abs(r.PerClass[c].F1-o.Go.F1[c]))
			if r.Support[c] != o.Go.Support[c] {
				t.Errorf("%s: support of class %d: %d, scikit-learn %d", j.name, c, r.Support[c], o.Go.Support[c])
			}
		}
		if o.Go.AUC != nil {
			diffs = append(diffs, math.Abs(res.AUC-*o.Go.AUC))
		} else if res.ROC != nil {
			t.Errorf("%s: Go computed a ROC curve, scikit-learn did not", j.name)
		}
		maxDiff := 0.0
		for _, d := range diffs {
			maxDiff = max(maxDiff, d)
		}
		if maxDiff > 1e-9 {
			t.Errorf("%s: metrics of the same predictions differ from scikit-learn's by %g", j.name, maxDiff)
		}
		if fmt.Sprint(res.Confusion) != fmt.Sprint(o.Go.Confusion) {
			t.Errorf("%s: confusion %v, scikit-learn %v", j.name, res.Confusion, o.Go.Confusion)
		}
		fmt.Fprintf(&table, "| %s | %s | %d | %.4f | %.4f | %.4f | %.2g |\n", dsNames[j.Dataset], j.Model, len(o.Pred), share, r.Macro.F1, o.MacroF1, maxDiff)
	}
	t.Log(table.String())
}
