package pipeline_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"

	"textlab/core/dataset"
	"textlab/core/pipeline"
)

// ExampleRun trains TF-IDF + logistic regression on a tiny corpus with 2-fold
// cross-validation, then explains a new text.
func ExampleRun() {
	d := pipeline.Data{LabelNames: []string{"negative", "positive"}}
	for i := 0; i < 10; i++ {
		d.Texts = append(d.Texts, "a dull and boring film", "a wonderful, moving film")
		d.Labels = append(d.Labels, 0, 1)
	}
	cfg := pipeline.Config{
		Features: pipeline.FeatureConfig{Kind: "tfidf"},
		Eval:     pipeline.EvalConfig{Kind: "kfold", Folds: 2},
		Seed:     42,
	}
	res, err := pipeline.Run(context.Background(), d, cfg, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(pipeline.Describe(res.Config))
	fmt.Printf("accuracy %.2f ± %.2f, macro-F1 %.2f\n", res.Mean.Accuracy, res.Std.Accuracy, res.Report.Macro.F1)
	pred, feats, _ := res.Model.Explain("what a boring story", 2)
	fmt.Println(res.LabelNames[pred], "because of", feats[0].Name)
	// Output:
	// tfidf (ngram 1-1, min_df 1, max_df 1.0, all features, no stop words, lowercase, norm l2) | logreg C=1 | 2-fold CV stratified | seed 42
	// accuracy 1.00 ± 0.00, macro-F1 1.00
	// negative because of boring
}

// ExampleLoad saves a trained model, loads it back and writes predictions
// as CSV.
func ExampleLoad() {
	d := pipeline.Data{
		Texts:      []string{"buy cheap pills now", "meeting at noon", "cheap pills here", "lunch at noon?"},
		Labels:     []int{1, 0, 1, 0},
		LabelNames: []string{"ham", "spam"},
	}
	res, err := pipeline.Run(context.Background(), d, pipeline.Config{Model: pipeline.ModelConfig{Kind: "nb"}, Eval: pipeline.EvalConfig{TestFraction: 0.5}}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	var file bytes.Buffer
	if err := res.Model.Save(&file); err != nil {
		fmt.Println(err)
		return
	}
	m, err := pipeline.Load(&file)
	if err != nil {
		fmt.Println(err)
		return
	}
	texts := []string{"=cheap pills", "noon meeting"}
	preds, err := m.Predict(context.Background(), texts)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i := range preds {
		for c, p := range preds[i].Probs {
			preds[i].Probs[c] = math.Round(p*1000) / 1000 // keep the example short
		}
	}
	if err := pipeline.WritePredictionsCSV(os.Stdout, []string{"1", "2"}, texts, preds, m.LabelNames()); err != nil {
		fmt.Println(err)
	}
	// Output:
	// id,text,predicted,p_ham,p_spam
	// 1,'=cheap pills,spam,0.2,0.8
	// 2,noon meeting,ham,0.8,0.2
}

// ExampleConfig_Validate checks settings as the page and `textlab train`
// do: a setting out of bounds is a *SettingError that names it, and each
// front end words it its own way (a flag, a form field).
func ExampleConfig_Validate() {
	for _, folds := range []int{1, 50, 51} {
		cfg := pipeline.Config{Eval: pipeline.EvalConfig{Kind: pipeline.EvalKFold, Folds: folds}}
		var se *pipeline.SettingError
		if err := cfg.Validate(); errors.As(err, &se) {
			fmt.Printf("%d folds: %s must be %s\n", folds, se.Field, se.Want)
		} else {
			fmt.Printf("%d folds: valid\n", folds)
		}
	}
	// Output:
	// 1 folds: eval.folds must be between 2 and 50
	// 50 folds: valid
	// 51 folds: eval.folds must be between 2 and 50
}

// ExampleReadTest reads a separate test file of one class against the
// training data's labels.
func ExampleReadTest() {
	raw := []byte("text,label\nwhat a boring story,negative\n,negative\nso dull,negative\n")
	cols := dataset.Columns{Text: "text", Label: "label"}
	test, err := pipeline.ReadTest(context.Background(), raw, "test.csv", cols, []string{"negative", "positive"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(test.Data.Texts, test.Data.Labels, test.Lines)
	for _, p := range test.Problems {
		fmt.Println("skipped", p)
	}
	// Output:
	// [what a boring story so dull] [0 0] [2 4]
	// skipped line 3: empty text
}

// ExampleEvalConfig_group evaluates TF-IDF + logistic regression on the
// State of the Union sample twice: with passages split one by one, and
// with each president's passages kept on one side (the group column the
// Data page and the Classic ML page use by default). The grouped score is
// lower: splitting one by one lets the model recognise presidents it saw
// in training.
func ExampleEvalConfig_group() {
	raw, err := os.ReadFile("../../static/data/sotu-party.csv")
	if err != nil {
		fmt.Println(err)
		return
	}
	cols := dataset.Columns{Text: "text", Label: "label", Group: "president"}
	t, _, err := dataset.Read(context.Background(), raw, dataset.Options{Name: "sotu-party.csv", Columns: cols})
	if err != nil {
		fmt.Println(err)
		return
	}
	d := pipeline.FromExamples("sotu-party.csv", t.Examples)
	for _, group := range []string{"", "president"} {
		cfg := pipeline.Config{
			Features: pipeline.FeatureConfig{Kind: pipeline.FeaturesTfidf},
			Eval:     pipeline.EvalConfig{Kind: pipeline.EvalHoldout, TestFraction: 0.2, Group: group},
			Seed:     42,
		}
		res, err := pipeline.Run(context.Background(), d, cfg, nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: %d test passages, accuracy %.3f, macro-F1 %.3f\n", pipeline.DescribeEval(res.Config, ""), len(res.Test), res.Report.Accuracy, res.Report.Macro.F1)
	}
	// Output:
	// hold-out 80:20, stratified: 800 test passages, accuracy 0.740, macro-F1 0.721
	// hold-out 80:20, stratified, grouped by president: 787 test passages, accuracy 0.689, macro-F1 0.610
}
