// Package pipeline runs one text-classification experiment from labeled
// texts to evaluated model: it splits the documents (core/split), turns the
// texts into features (core/vectorize), fits a classifier (core/logreg,
// core/naivebayes, core/linearsvc, ...), predicts the held-out documents and
// scores the predictions (core/metrics) with scikit-learn's definitions.
// The same function serves the browser's Classic ML page and
// `textlab train`, so a seed gives the same split and the same numbers in
// both.
//
// A trained pipeline (vectorizer, classifier and label names) can be saved
// as JSON and loaded again (Trained.Save, Load; the format is described at
// FileFormat), and its predictions written as a spreadsheet-safe CSV
// (WritePredictionsCSV).
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"textlab/core/metrics"
	"textlab/core/split"
)

// MaxClasses is the most distinct labels Run accepts.
const MaxClasses = 1000

// Data is a labeled corpus: document i has text Texts[i] and label
// LabelNames[Labels[i]].
type Data struct {
	// Name identifies the data in messages ("" is fine).
	Name string
	// Texts are the documents.
	Texts []string
	// Labels are indices into LabelNames, one per text.
	Labels []int
	// LabelNames names the classes; every class needs at least one
	// document. Their order is the order of the classes in the results
	// (scikit-learn sorts them; so does `textlab train`).
	LabelNames []string
	// Groups holds each document's group (its value in the group column
	// EvalConfig.Group names), one per text. It is needed only when
	// EvalConfig.Group is set; nil otherwise.
	Groups []string
	// Lines holds each document's 1-based line in its file, so that
	// messages about a document name its line; nil: messages count the
	// documents from 1 ("document 3").
	Lines []int
	// Test is the separate test set of EvalConfig.Kind "testset". Its
	// Labels index Test.LabelNames, which are matched to LabelNames by
	// name (a test label the training data lacks is handled as
	// EvalConfig.Unseen says); when Test.LabelNames is nil, Test.Labels
	// index LabelNames directly.
	Test *Data
}

// where names document i of d for messages: "line 17" when d has lines,
// else "document 3" (counted from 1).
func (d Data) where(i int) string {
	if i < len(d.Lines) && d.Lines[i] > 0 {
		return fmt.Sprintf("line %d", d.Lines[i])
	}
	return fmt.Sprintf("document %d", i+1)
}

// UnseenDoc is a document of a separate test set whose label the training
// data lacks.
type UnseenDoc struct {
	// Index is the document's position in the test set (Data.Test).
	Index int `json:"index"`
	// Line is its 1-based line in the test file (0 when not known).
	Line int `json:"line,omitempty"`
	// Label is its label.
	Label string `json:"label"`
}

// Summary holds the headline metrics of one evaluation.
type Summary struct {
	Accuracy   float64 `json:"accuracy"`
	MacroF1    float64 `json:"macro_f1"`
	WeightedF1 float64 `json:"weighted_f1"`
}

// Prediction is the model's output for one document.
type Prediction struct {
	// Index is the document's position in the texts given (for Run: in
	// Data, or in Data.Test for a separate test set).
	Index int `json:"index"`
	// True is the document's label, or -1 when it is not known
	// (Trained.Predict).
	True int `json:"true"`
	// Pred is the predicted class.
	Pred int `json:"pred"`
	// Probs holds one value per class: probabilities, or, when Decision is
	// set, the classifier's decision scores (linear SVM).
	Probs []float64 `json:"probs"`
	// Decision reports that Probs are decision scores, not probabilities.
	Decision bool `json:"decision,omitempty"`
}

// Result is the outcome of Run.
type Result struct {
	// Config is the configuration used, defaults filled in.
	Config Config
	// LabelNames are the classes of the scores: the training data's (those
	// of Model, in the same order), then, for a separate test set with
	// EvalConfig.Unseen UnseenErrors, its labels the training data lacks,
	// sorted.
	LabelNames []string
	// Report and Confusion (true classes in rows, predicted in columns,
	// both in LabelNames order) score the test predictions: of the
	// hold-out part, of the separate test set, or pooled over the folds.
	Report    *metrics.Report
	Confusion [][]int
	// ROC and AUC are for two classes only, with class 1 as the positive
	// class and Probs[1] as the score; nil and 0 otherwise.
	ROC *metrics.ROC
	AUC float64
	// Folds has one report per fold, and Mean and Std (population
	// standard deviation) summarise them (k-fold only).
	Folds     []*metrics.Report
	Mean, Std Summary
	// FitSeconds is the time spent turning the training texts into
	// features and fitting the classifier (summed over the folds for
	// k-fold; the final fit on all data is not included).
	FitSeconds float64
	// Test has one prediction per test document (every document for
	// k-fold), in Index order.
	Test []Prediction
	// Model is the pipeline trained on the training part (for k-fold, on
	// all the data after the cross-validation).
	Model *Trained
	// NoKnownWord counts, for embed features only, the documents (of
	// Data, plus Data.Test for a separate test set) that hold no word
	// with a vector: their features are all zero (embed.Features.Empty).
	NoKnownWord int
	// Groups counts the groups the split kept together and Ungrouped the
	// documents with an empty group, each a group of its own (grouped
	// hold-out and k-fold only; 0 otherwise).
	Groups, Ungrouped int
	// Unseen lists, in order, the separate test set's documents whose
	// label the training data lacks: scored as errors or left out, as
	// Config.Eval.Unseen says.
	Unseen []UnseenDoc
}

// Run trains and evaluates one pipeline on d as cfg says. progress (may be
// nil) receives the fraction done and a message such as
// "fold 2 of 5: fitting". Run stops with ctx's error when ctx is cancelled.
func Run(ctx context.Context, d Data, cfg Config, progress func(float64, string)) (*Result, error) {
	if progress == nil {
		progress = func(float64, string) {}
	}
	full, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := checkData(d, "data"); err != nil {
		return nil, err
	}
	res := &Result{Config: full, LabelNames: append([]string(nil), d.LabelNames...)}
	var groups []string
	if full.Eval.Group != "" && full.Eval.Kind != EvalTestset {
		if groups, err = res.groupsOf(d); err != nil {
			return nil, err
		}
	}
	switch full.Eval.Kind {
	case EvalHoldout:
		err = res.holdout(ctx, d, groups, progress)
	case EvalKFold:
		err = res.kfold(ctx, d, groups, progress)
	case EvalTestset:
		err = res.testset(ctx, d, progress)
	}
	if err != nil {
		return nil, err
	}
	if err := res.score(); err != nil {
		return nil, err
	}
	if full.Features.Kind == FeaturesEmbed {
		texts := d.Texts
		if d.Test != nil {
			texts = append(append([]string(nil), texts...), d.Test.Texts...)
		}
		f, err := full.Features.Vectors.Transform(ctx, texts, nil)
		if err != nil {
			return nil, err
		}
		res.NoKnownWord = len(f.Empty)
	}
	progress(1, "done")
	return res, nil
}

// checkData validates the shape of d.
func checkData(d Data, what string) error {
	if len(d.Texts) != len(d.Labels) {
		return fmt.Errorf("%s: %d texts but %d labels", what, len(d.Texts), len(d.Labels))
	}
	if len(d.Texts) == 0 {
		return fmt.Errorf("%s: no documents", what)
	}
	n := len(d.LabelNames)
	if n < 2 {
		return fmt.Errorf("%s: need at least two classes, got %d (%q)", what, n, d.LabelNames)
	}
	if n > MaxClasses {
		return fmt.Errorf("%s: %d classes, at most %d are supported", what, n, MaxClasses)
	}
	seen := make(map[string]bool, n)
	for _, name := range d.LabelNames {
		if seen[name] {
			return fmt.Errorf("%s: label %q is listed twice", what, name)
		}
		seen[name] = true
	}
	count := make([]int, n)
	for i, y := range d.Labels {
		if y < 0 || y >= n {
			return fmt.Errorf("%s: %s has label %d, outside [0, %d)", what, d.where(i), y, n)
		}
		count[y]++
	}
	for c, k := range count {
		if k == 0 {
			return fmt.Errorf("%s: class %q has no documents", what, d.LabelNames[c])
		}
	}
	return nil
}

// splitLabels returns the label names of the documents, what core/split
// takes.
func splitLabels(d Data) []string {
	out := make([]string, len(d.Labels))
	for i, y := range d.Labels {
		out[i] = d.LabelNames[y]
	}
	return out
}

func (r *Result) splitConfig() split.Config {
	e := r.Config.Eval
	return split.Config{TestFraction: e.TestFraction, K: e.Folds, Seed: r.Config.Seed, NoStratify: e.NoStratify}
}

// groupsOf returns the group of each document of d for core/split, an
// empty group replaced by a name of its own, and counts the groups and the
// documents without one.
func (r *Result) groupsOf(d Data) ([]string, error) {
	if len(d.Groups) != len(d.Texts) {
		return nil, fmt.Errorf("%w: %d documents but %d values of the group column %q", split.ErrGroupsLength, len(d.Texts), len(d.Groups), r.Config.Eval.Group)
	}
	out := make([]string, len(d.Groups))
	seen := map[string]bool{}
	for i, g := range d.Groups {
		out[i] = strings.TrimSpace(g)
		seen[out[i]] = true
	}
	for i, g := range out {
		if g != "" {
			continue
		}
		// A name of its own that no real group has (core/dataset
		// refuses files with NUL bytes; the loop makes sure anyway).
		name := "\x00ungrouped " + strconv.Itoa(i)
		for seen[name] {
			name += "\x00"
		}
		out[i] = name
		seen[name] = true
		r.Ungrouped++
	}
	delete(seen, "")
	r.Groups = len(seen)
	return out, nil
}

func (r *Result) holdout(ctx context.Context, d Data, groups []string, progress func(float64, string)) error {
	var sp split.Split
	var err error
	if groups != nil {
		sp, err = split.GroupHoldOut(splitLabels(d), groups, r.splitConfig())
	} else {
		sp, err = split.HoldOut(splitLabels(d), r.splitConfig())
	}
	if err != nil {
		return fmt.Errorf("hold-out split: %w", err)
	}
	train, test := subset(d, sp.Train), subset(d, sp.Test)
	if err := missingClasses(train, d.LabelNames, "the training part"); err != nil {
		return err
	}
	m, secs, err := fit(ctx, train, r.Config, within(progress, 0, 0.9, ""))
	if err != nil {
		return err
	}
	r.FitSeconds, r.Model = secs, m
	progress(0.9, "predicting the test part")
	r.Test, err = m.predictLabeled(ctx, test, sp.Test)
	return err
}

func (r *Result) testset(ctx context.Context, d Data, progress func(float64, string)) error {
	if d.Test == nil {
		return errors.New("evaluation: kind testset needs a test set (Data.Test)")
	}
	test, idx, err := r.mapTestLabels(*d.Test, d.LabelNames)
	if err != nil {
		return err
	}
	m, secs, err := fit(ctx, d, r.Config, within(progress, 0, 0.9, ""))
	if err != nil {
		return err
	}
	r.FitSeconds, r.Model = secs, m
	progress(0.9, "predicting the test set")
	r.Test, err = m.predictLabeled(ctx, test, idx)
	return err
}

func (r *Result) kfold(ctx context.Context, d Data, groups []string, progress func(float64, string)) error {
	var splits []split.Split
	var err error
	if groups != nil {
		splits, err = split.GroupKFold(splitLabels(d), groups, r.splitConfig())
	} else {
		splits, err = split.KFold(splitLabels(d), r.splitConfig())
	}
	if err != nil {
		return fmt.Errorf("%d-fold split: %w", r.Config.Eval.Folds, err)
	}
	k := len(splits)
	step := 1 / float64(k+1) // k folds and the final fit
	n := len(d.LabelNames)
	for i, sp := range splits {
		train, test := subset(d, sp.Train), subset(d, sp.Test)
		if err := missingClasses(train, d.LabelNames, fmt.Sprintf("the training part of fold %d", i+1)); err != nil {
			return err
		}
		stage := fmt.Sprintf("fold %d of %d", i+1, k)
		m, secs, err := fit(ctx, train, r.Config, within(progress, float64(i)*step, (float64(i)+0.95)*step, stage))
		if err != nil {
			return fmt.Errorf("fold %d of %d: %w", i+1, k, err)
		}
		r.FitSeconds += secs
		progress((float64(i)+0.95)*step, fmt.Sprintf("fold %d of %d: predicting", i+1, k))
		preds, err := m.predictLabeled(ctx, test, sp.Test)
		if err != nil {
			return fmt.Errorf("fold %d of %d: %w", i+1, k, err)
		}
		rep, err := metrics.Evaluate(trueOf(preds), predOf(preds), classRange(n))
		if err != nil {
			return fmt.Errorf("fold %d of %d: %w", i+1, k, err)
		}
		r.Folds = append(r.Folds, rep)
		r.Test = append(r.Test, preds...)
	}
	sort.Slice(r.Test, func(a, b int) bool { return r.Test[a].Index < r.Test[b].Index })
	var acc, macro, weighted []float64
	for _, f := range r.Folds {
		acc = append(acc, f.Accuracy)
		macro = append(macro, f.Macro.F1)
		weighted = append(weighted, f.Weighted.F1)
	}
	r.Mean.Accuracy, r.Std.Accuracy = metrics.MeanStd(acc)
	r.Mean.MacroF1, r.Std.MacroF1 = metrics.MeanStd(macro)
	r.Mean.WeightedF1, r.Std.WeightedF1 = metrics.MeanStd(weighted)
	m, _, err := fit(ctx, d, r.Config, within(progress, float64(k)*step, 1, "final model on all data"))
	if err != nil {
		return fmt.Errorf("final model: %w", err)
	}
	r.Model = m
	return nil
}

// score fills Report, Confusion, ROC and AUC from r.Test.
func (r *Result) score() error {
	n := len(r.LabelNames)
	yTrue, yPred := trueOf(r.Test), predOf(r.Test)
	var err error
	if r.Report, err = metrics.Evaluate(yTrue, yPred, classRange(n)); err != nil {
		return err
	}
	if r.Confusion, err = metrics.ConfusionMatrix(yTrue, yPred, classRange(n)); err != nil {
		return err
	}
	if n != 2 {
		return nil
	}
	has := [2]bool{}
	for _, y := range yTrue {
		has[y] = true
	}
	if !has[0] || !has[1] {
		return nil // a test set of one class has no ROC curve
	}
	scores := make([]float64, len(r.Test))
	for i, p := range r.Test {
		scores[i] = p.Probs[1]
	}
	if r.ROC, err = metrics.ROCCurve(yTrue, scores, 1); err != nil {
		return err
	}
	r.AUC = r.ROC.AUC()
	return nil
}

// subset returns the documents of d at idx (without Test).
func subset(d Data, idx []int) Data {
	out := Data{Name: d.Name, LabelNames: d.LabelNames, Texts: make([]string, len(idx)), Labels: make([]int, len(idx))}
	for k, i := range idx {
		out.Texts[k], out.Labels[k] = d.Texts[i], d.Labels[i]
	}
	return out
}

// missingClasses returns an error naming the first class of names with no
// document in d.
func missingClasses(d Data, names []string, where string) error {
	has := make([]bool, len(names))
	for _, y := range d.Labels {
		has[y] = true
	}
	for c, ok := range has {
		if !ok {
			return fmt.Errorf("class %q has no documents in %s; use a stratified split or more data", names[c], where)
		}
	}
	return nil
}

// mapTestLabels returns the test documents to score with their labels as
// indices into r.LabelNames, and their positions in test. A label that
// names lacks is listed in r.Unseen and, as r.Config.Eval.Unseen says,
// added to r.LabelNames (after names, sorted) or left out with its
// document.
func (r *Result) mapTestLabels(test Data, names []string) (Data, []int, error) {
	if len(test.Texts) != len(test.Labels) {
		return test, nil, fmt.Errorf("test set: %d texts but %d labels", len(test.Texts), len(test.Labels))
	}
	if len(test.Texts) == 0 {
		return test, nil, errors.New("test set: no documents")
	}
	index := make(map[string]int, len(names))
	for c, name := range names {
		index[name] = c
	}
	label := make([]string, len(test.Labels)) // each document's label name
	var unseen []string
	for i, y := range test.Labels {
		known := test.LabelNames
		if known == nil {
			known = names
		}
		if y < 0 || y >= len(known) {
			return test, nil, fmt.Errorf("test set: %s has label %d, outside [0, %d)", test.where(i), y, len(known))
		}
		label[i] = known[y]
		if _, ok := index[label[i]]; !ok {
			if !slices.Contains(unseen, label[i]) {
				unseen = append(unseen, label[i])
			}
			doc := UnseenDoc{Index: i, Label: label[i]}
			if i < len(test.Lines) {
				doc.Line = test.Lines[i]
			}
			r.Unseen = append(r.Unseen, doc)
		}
	}
	exclude := r.Config.Eval.Unseen == UnseenExclude
	if !exclude {
		slices.Sort(unseen)
		for _, l := range unseen {
			index[l] = len(r.LabelNames)
			r.LabelNames = append(r.LabelNames, l)
		}
	}
	out := Data{Name: test.Name, LabelNames: r.LabelNames}
	var idx []int
	for i, l := range label {
		c, ok := index[l]
		if !ok {
			continue // left out
		}
		out.Texts = append(out.Texts, test.Texts[i])
		out.Labels = append(out.Labels, c)
		idx = append(idx, i)
	}
	if len(idx) == 0 {
		return test, nil, fmt.Errorf("test set: every document has a label the training data lacks (%q; it has %q), so none is left to score: count them as errors instead, or use a test file with the training data's labels", unseen, names)
	}
	return out, idx, nil
}

// fit trains a pipeline on d and returns it with the seconds it took.
func fit(ctx context.Context, d Data, cfg Config, progress func(float64, string)) (*Trained, float64, error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	start := time.Now()
	m, err := train(ctx, d.Texts, d.Labels, d.LabelNames, cfg, progress)
	if err != nil {
		return nil, 0, err
	}
	return m, time.Since(start).Seconds(), nil
}

// scaled maps a step's progress (0 to 1) onto [lo, hi] of the caller's,
// with msg as the message.
func scaled(progress func(float64, string), lo, hi float64, msg string) func(float64, string) {
	return func(f float64, _ string) {
		progress(lo+(hi-lo)*min(max(f, 0), 1), msg)
	}
}

// within is scaled keeping the step's message, after "stage: " when stage
// is not empty ("fold 2 of 5: fitting").
func within(progress func(float64, string), lo, hi float64, stage string) func(float64, string) {
	return func(f float64, msg string) {
		if stage != "" {
			msg = stage + ": " + msg
		}
		progress(lo+(hi-lo)*min(max(f, 0), 1), msg)
	}
}

func trueOf(ps []Prediction) []int {
	out := make([]int, len(ps))
	for i, p := range ps {
		out[i] = p.True
	}
	return out
}

func predOf(ps []Prediction) []int {
	out := make([]int, len(ps))
	for i, p := range ps {
		out[i] = p.Pred
	}
	return out
}

func classRange(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}
