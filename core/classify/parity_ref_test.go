//go:build ref && !js

package classify_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"textlab/core/classify"
	"textlab/core/linearsvc"
	"textlab/core/logreg"
	"textlab/core/metrics"
	"textlab/core/naivebayes"
	"textlab/core/vectorize"
	"textlab/internal/reftest"
	"textlab/internal/synth"
)

// pipelineScript fits TfidfVectorizer() and the requested scikit-learn
// classifier, with default parameters, on each data set's training part and
// returns its test predictions, scores and macro-F1.
const pipelineScript = `
import json, sys, warnings
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import MultinomialNB
from sklearn.svm import LinearSVC
from sklearn.metrics import f1_score
warnings.simplefilter("ignore")
req = json.load(sys.stdin)
out = []
for ds in req["datasets"]:
    v = TfidfVectorizer()
    Xtr = v.fit_transform(ds["train_texts"])
    Xte = v.transform(ds["test_texts"])
    m = {"logreg": LogisticRegression, "nb": MultinomialNB, "svc": LinearSVC}[req["model"]]()
    m.fit(Xtr, ds["train_labels"])
    pred = m.predict(Xte)
    res = {"pred": pred.tolist(), "macro_f1": f1_score(ds["test_labels"], pred, average="macro"),
        "features": list(v.get_feature_names_out())}
    if hasattr(m, "predict_proba"):
        res["scores"] = m.predict_proba(Xte).tolist()
    else:
        d = m.decision_function(Xte)
        res["scores"] = (d.reshape(-1, 1) if d.ndim == 1 else d).tolist()
    out.append(res)
json.dump(out, sys.stdout)
`

type dataset struct {
	Name        string   `json:"-"`
	TrainTexts  []string `json:"train_texts"`
	TrainLabels []int    `json:"train_labels"`
	TestTexts   []string `json:"test_texts"`
	TestLabels  []int    `json:"test_labels"`
	NClasses    int      `json:"-"`
}

// splitByIndex puts every fifth document (index % 5 == 4) in the test set.
func splitByIndex(name string, texts []string, labels []int, nClasses int) dataset {
	d := dataset{Name: name, NClasses: nClasses}
	for i := range texts {
		if i%5 == 4 {
			d.TestTexts = append(d.TestTexts, texts[i])
			d.TestLabels = append(d.TestLabels, labels[i])
		} else {
			d.TrainTexts = append(d.TrainTexts, texts[i])
			d.TrainLabels = append(d.TrainLabels, labels[i])
		}
	}
	return d
}

func datasets() []dataset {
	medium, ml := synth.Corpus(synth.Config{Seed: 11, Docs: 2000, Classes: 3})
	binary, bl := synth.Corpus(synth.Config{Seed: 12, Docs: 1500, Classes: 2, Signal: 0.08})
	// Edge cases: one-word documents, a class with two examples, unicode
	// text, four classes.
	edgeTexts := []string{
		"goal", "football match tonight", "the striker scored a goal", "referee", "stadium crowd cheered",
		"election", "the senate passed the bill", "vote", "parliament debate on taxes", "minister resigned",
		"Ωραίο γήπεδο ποδόσφαιρο", "εκλογές ΣΗΜΕΡΑ", "東京 選挙", "サッカー 試合",
		"recipe", "bake the bread slowly", "soup with garlic", "oven temperature",
		"quantum", "photon spin",
		"goal keeper", "the vote count", "garlic bread", "striker", "senate vote", "bread oven",
	}
	edgeLabels := []int{
		0, 0, 0, 0, 0,
		1, 1, 1, 1, 1,
		0, 1, 1, 0,
		2, 2, 2, 2,
		3, 3,
		0, 1, 2, 0, 1, 2,
	}
	edge := dataset{Name: "edge", NClasses: 4,
		TrainTexts: edgeTexts[:20], TrainLabels: edgeLabels[:20],
		TestTexts: edgeTexts[20:], TestLabels: edgeLabels[20:]}
	return []dataset{
		splitByIndex("synthetic 3 classes", medium, ml, 3),
		splitByIndex("synthetic 2 classes", binary, bl, 2),
		edge,
	}
}

type refResult struct {
	Pred     []int
	MacroF1  float64 `json:"macro_f1"`
	Scores   [][]float64
	Features []string
}

func TestPipelinesMatchScikitLearn(t *testing.T) {
	comparePipelines(t, datasets())
}

// TestSampleDataMatchScikitLearn runs the same comparison on the sample
// data sets the app offers (static/data, columns text and label), with
// every fifth row (index % 5 == 4) as the test set.
func TestSampleDataMatchScikitLearn(t *testing.T) {
	var ds []dataset
	for _, name := range []string{"sotu-party.csv", "spam-assassin.csv"} {
		f, err := os.Open(filepath.Join(reftest.Root(t), "static", "data", name))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		textCol, labelCol := slices.Index(rows[0], "text"), slices.Index(rows[0], "label")
		if textCol < 0 || labelCol < 0 {
			t.Fatalf("%s: no text or label column in %v", name, rows[0])
		}
		// Label names in sorted order, as scikit-learn's classes_.
		var names []string
		for _, r := range rows[1:] {
			if !slices.Contains(names, r[labelCol]) {
				names = append(names, r[labelCol])
			}
		}
		slices.Sort(names)
		var texts []string
		var labels []int
		for _, r := range rows[1:] {
			texts = append(texts, r[textCol])
			labels = append(labels, slices.Index(names, r[labelCol]))
		}
		ds = append(ds, splitByIndex(name, texts, labels, len(names)))
	}
	comparePipelines(t, ds)
}

func comparePipelines(t *testing.T, ds []dataset) {
	models := []struct {
		name string
		new  func() classify.Classifier
		// scoreTol bounds the largest difference of predict_proba (or
		// decision_function) from scikit-learn's; the optimisers differ,
		// so only MultinomialNB is held to rounding error.
		scoreTol float64
	}{
		{"nb", func() classify.Classifier { return &naivebayes.Model{} }, 1e-12},
		{"logreg", func() classify.Classifier { return &logreg.Model{} }, 5e-4},
		{"svc", func() classify.Classifier { return &linearsvc.Model{} }, 5e-4},
	}
	for _, m := range models {
		in, err := json.Marshal(map[string]any{"model": m.name, "datasets": ds})
		if err != nil {
			t.Fatal(err)
		}
		var ref []refResult
		if err := json.Unmarshal(reftest.RunPython(t, pipelineScript, in), &ref); err != nil {
			t.Fatal(err)
		}
		for k, d := range ds {
			t.Run(fmt.Sprintf("%s/%s", m.name, d.Name), func(t *testing.T) {
				ctx := context.Background()
				var v vectorize.Tfidf
				Xtr, err := v.FitTransform(ctx, d.TrainTexts, nil)
				if err != nil {
					t.Fatal(err)
				}
				Xte, err := v.Transform(ctx, d.TestTexts)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(v.FeatureNames(), ref[k].Features) {
					t.Errorf("vocabulary: %d terms, scikit-learn %d (or a term differs)", len(v.FeatureNames()), len(ref[k].Features))
				}
				clf := m.new()
				start := time.Now()
				if err := clf.Fit(ctx, Xtr, d.TrainLabels, d.NClasses, nil); err != nil {
					t.Fatal(err)
				}
				t.Logf("%d x %d training matrix, fit in %v", Xtr.Rows, Xtr.Cols, time.Since(start))
				pred, err := clf.Predict(Xte)
				if err != nil {
					t.Fatal(err)
				}
				agree := 0
				for i := range pred {
					if pred[i] == ref[k].Pred[i] {
						agree++
					}
				}
				frac := float64(agree) / float64(len(pred))
				rep, err := metrics.Evaluate(d.TestLabels, pred, nil)
				if err != nil {
					t.Fatal(err)
				}
				var got [][]float64
				if p, ok := clf.(classify.Probabilistic); ok {
					got, err = p.PredictProba(Xte)
				} else {
					got, err = clf.DecisionFunction(Xte)
				}
				if err != nil {
					t.Fatal(err)
				}
				maxDiff := 0.0
				for i, row := range ref[k].Scores {
					if len(row) == 1 { // binary decision_function: column 1
						maxDiff = math.Max(maxDiff, math.Abs(got[i][1]-row[0]))
						continue
					}
					for c := range row {
						maxDiff = math.Max(maxDiff, math.Abs(got[i][c]-row[c]))
					}
				}
				t.Logf("agreement %d/%d (%.4f); macro-F1 %.6f vs scikit-learn %.6f; max score diff %.3g",
					agree, len(pred), frac, rep.Macro.F1, ref[k].MacroF1, maxDiff)
				if frac < 0.99 {
					t.Errorf("predictions agree on %.4f of documents, want >= 0.99", frac)
				}
				if math.Abs(rep.Macro.F1-ref[k].MacroF1) > 0.005 {
					t.Errorf("macro-F1 %.6f, scikit-learn %.6f", rep.Macro.F1, ref[k].MacroF1)
				}
				if maxDiff > m.scoreTol {
					t.Errorf("max score difference %.3g > %.3g", maxDiff, m.scoreTol)
				}
			})
		}
	}
}
