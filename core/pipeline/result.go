package pipeline

import (
	"context"
	"fmt"
	"math"

	"textlab/core/classify"
)

// Headline returns the run's headline metrics by name, as the results
// board keeps them: "accuracy", "macro_f1" and "weighted_f1" of the test
// predictions, or, for k-fold cross-validation, their means over the folds
// with their standard deviations as "accuracy_std", "macro_f1_std" and
// "weighted_f1_std".
func (r *Result) Headline() map[string]float64 {
	if r.Config.Eval.Kind == EvalKFold {
		return map[string]float64{
			"accuracy": r.Mean.Accuracy, "macro_f1": r.Mean.MacroF1, "weighted_f1": r.Mean.WeightedF1,
			"accuracy_std": r.Std.Accuracy, "macro_f1_std": r.Std.MacroF1, "weighted_f1_std": r.Std.WeightedF1,
		}
	}
	return map[string]float64{
		"accuracy": r.Report.Accuracy, "macro_f1": r.Report.Macro.F1, "weighted_f1": r.Report.Weighted.F1,
	}
}

// FoldSummaries returns the headline metrics of each fold, in fold order
// (k-fold only; nil otherwise).
func (r *Result) FoldSummaries() []Summary {
	var out []Summary
	for _, f := range r.Folds {
		out = append(out, Summary{Accuracy: f.Accuracy, MacroF1: f.Macro.F1, WeightedF1: f.Weighted.F1})
	}
	return out
}

// Misclassified returns the test predictions whose class is not the true
// one, in Index order.
func (r *Result) Misclassified() []Prediction {
	var out []Prediction
	for _, p := range r.Test {
		if p.Pred != p.True {
			out = append(out, p)
		}
	}
	return out
}

// Label names class c, or "" when c is out of range.
func (r *Result) Label(c int) string {
	if c >= 0 && c < len(r.LabelNames) {
		return r.LabelNames[c]
	}
	return ""
}

// PredictedLabels returns the predicted and the true label name of every
// test prediction (pooled over the folds for k-fold), what agreement
// statistics compare with the human labels.
func (r *Result) PredictedLabels() (predicted, gold []string) {
	predicted, gold = make([]string, len(r.Test)), make([]string, len(r.Test))
	for i, p := range r.Test {
		predicted[i], gold[i] = r.Label(p.Pred), r.Label(p.True)
	}
	return predicted, gold
}

// DescribeEval names the evaluation design of cfg for people, defaults
// filled in: "hold-out 80:20, stratified", "5-fold cross-validation, not
// stratified, grouped by president" or "separate test file NAME"
// (testName).
func DescribeEval(cfg Config, testName string) string {
	if full, err := cfg.withDefaults(); err == nil {
		cfg = full
	}
	strat := ", stratified"
	if cfg.Eval.NoStratify {
		strat = ", not stratified"
	}
	if cfg.Eval.Group != "" {
		strat += ", grouped by " + cfg.Eval.Group
	}
	switch cfg.Eval.Kind {
	case EvalKFold:
		return fmt.Sprintf("%d-fold cross-validation%s", cfg.Eval.Folds, strat)
	case EvalTestset:
		return "separate test file " + testName
	}
	test := int(math.Round(cfg.Eval.TestFraction * 100))
	return fmt.Sprintf("hold-out %d:%d%s", 100-test, test, strat)
}

// Explanation is one text's prediction with the features that pushed it
// towards the predicted class.
type Explanation struct {
	// Prediction holds the predicted class and every class's probability
	// or decision score (Index 0, True -1).
	Prediction
	// Linear reports that the model splits its decision into feature
	// contributions (linear models on word features); when it does not,
	// Features is nil.
	Linear bool
	// Features are at most k of the text's features with a positive
	// contribution (weight × value) to the predicted class, largest
	// first.
	Features []classify.Feature
}

// ExplainText predicts text and lists the at most k features that pushed
// it towards the predicted class (see Explain).
func (t *Trained) ExplainText(ctx context.Context, text string, k int) (Explanation, error) {
	preds, err := t.Predict(ctx, []string{text})
	if err != nil {
		return Explanation{}, err
	}
	ex := Explanation{Prediction: preds[0], Linear: t.linear() != nil}
	if !ex.Linear {
		return ex, nil
	}
	pred, feats, err := t.Explain(text, k)
	if err != nil {
		return Explanation{}, err
	}
	ex.Pred = pred
	for _, f := range feats {
		if f.Contribution > 0 {
			ex.Features = append(ex.Features, f)
		}
	}
	return ex, nil
}
