package methods

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"textlab/core/classify"
	"textlab/core/dataset"
	"textlab/core/metrics"
	"textlab/core/pipeline"
	"textlab/core/vectorize"
	"textlab/wasm/protocol"
	"textlab/web/ui"
)

// registerClassic adds the Classic ML page's methods: classic.describe, classic.train, classic.misclassified, classic.explain,
// classic.columns, classic.predict, classic.vectors, classic.save and
// classic.restore (classic_store.go), and board.render for the results
// board.
func registerClassic(e *protocol.Engine) {
	e.Register("classic.describe", classicDescribe)
	e.Register("classic.train", classicTrain)
	e.Register("classic.misclassified", classicMisclassified)
	e.Register("classic.explain", classicExplain)
	e.Register("classic.columns", classicColumns)
	e.Register("classic.predict", classicPredict)
	e.Register("classic.vectors", classicLoadVectors)
	e.Register("classic.save", classicSave)
	e.Register("classic.restore", classicRestore)
	e.Register("board.render", boardRender)
}

// classicTopK is how many features the page lists per class and per
// explained text.
const classicTopK = 10

// classicRun is the last training run of the page: its result and the test
// documents its predictions index.
type classicRun struct {
	result  *pipeline.Result
	dataset string   // data set name
	method  string   // e.g. "TF-IDF + logistic regression"
	texts   []string // the texts the test predictions index
	lines   []int    // their 1-based lines in their file
	version int      // the data version it was trained on
	nDocs   int      // documents trained and tested on, in all
}

// classicLast holds the last run (one per engine instance, like session).
var classicLast struct {
	sync.Mutex
	run *classicRun
}

func lastClassicRun() (*classicRun, error) {
	classicLast.Lock()
	defer classicLast.Unlock()
	if classicLast.run == nil {
		return nil, errors.New("no model is trained yet: train one first (the engine forgets models when the page is reloaded)")
	}
	return classicLast.run, nil
}

// classicSettings is the payload of classic.describe and classic.train: the
// page's form, as numbers.
type classicSettings struct {
	Eval struct {
		Kind     string  `json:"kind"`
		TestSize float64 `json:"test_size"` // percent of documents held out
		Folds    int     `json:"folds"`
		Stratify *bool   `json:"stratify"` // nil: stratified
	} `json:"eval"`
	Features struct {
		Kind        string  `json:"kind"`
		NgramMin    int     `json:"ngram_min"`
		NgramMax    int     `json:"ngram_max"`
		MinDF       int     `json:"min_df"` // documents; 0 or 1: no bound
		MaxDF       float64 `json:"max_df"` // share of documents; 0 or 1: no bound
		MaxFeatures int     `json:"max_features"`
		Sublinear   bool    `json:"sublinear"`
		StopWords   bool    `json:"stop_words"`
	} `json:"features"`
	Model struct {
		Kind     string  `json:"kind"`
		C        float64 `json:"C"`
		Alpha    float64 `json:"alpha"`
		Trees    int     `json:"trees"`
		MaxDepth int     `json:"max_depth"`
		Hidden   int     `json:"hidden"`
	} `json:"model"`
	Seed     float64 `json:"seed"`
	TestName string  `json:"test_name"` // the separate test file's name
}

// config turns the form into a pipeline.Config, with messages that say
// which field to fix.
func (s classicSettings) config() (pipeline.Config, error) {
	var cfg pipeline.Config
	bad := func(format string, args ...any) (pipeline.Config, error) {
		return cfg, protocol.BadRequest(format, args...)
	}
	switch s.Eval.Kind {
	case "", pipeline.EvalHoldout:
		cfg.Eval.Kind = pipeline.EvalHoldout
		if s.Eval.TestSize != 0 && !(s.Eval.TestSize >= 1 && s.Eval.TestSize <= 99) {
			return bad("The test share must be between 1 and 99 percent (e.g. 20 for an 80:20 split), not %v.", s.Eval.TestSize)
		}
		cfg.Eval.TestFraction = s.Eval.TestSize / 100
	case pipeline.EvalKFold:
		cfg.Eval.Kind = pipeline.EvalKFold
		if s.Eval.Folds != 0 && (s.Eval.Folds < 2 || s.Eval.Folds > 50) {
			return bad("The number of folds must be between 2 and 50, not %d.", s.Eval.Folds)
		}
		cfg.Eval.Folds = s.Eval.Folds
	case pipeline.EvalTestset:
		cfg.Eval.Kind = pipeline.EvalTestset
	default:
		return bad("Unknown evaluation %q: choose hold-out, k-fold or a test file.", s.Eval.Kind)
	}
	cfg.Eval.NoStratify = s.Eval.Stratify != nil && !*s.Eval.Stratify

	f := s.Features
	cfg.Features.Kind = f.Kind
	if f.NgramMin < 0 || f.NgramMax < 0 || f.NgramMin > 10 || f.NgramMax > 10 {
		return bad("n-gram lengths must be between 1 and 10.")
	}
	if f.NgramMin > 0 && f.NgramMax > 0 && f.NgramMax < f.NgramMin {
		return bad("The n-gram range is empty: “to” (%d) must be at least “from” (%d).", f.NgramMax, f.NgramMin)
	}
	cfg.Features.Vectorize.NgramMin, cfg.Features.Vectorize.NgramMax = f.NgramMin, f.NgramMax
	if f.MinDF < 0 {
		return bad("min_df must be a number of documents (1 keeps every term), not %d.", f.MinDF)
	}
	if f.MinDF > 1 {
		cfg.Features.Vectorize.MinDF = vectorize.DocFreq{N: f.MinDF}
	}
	if f.MaxDF < 0 || f.MaxDF > 1 || math.IsNaN(f.MaxDF) {
		return bad("max_df must be a share of documents between 0 and 1 (1.0 keeps every term), not %v.", f.MaxDF)
	}
	if f.MaxDF > 0 && f.MaxDF < 1 {
		cfg.Features.Vectorize.MaxDF = vectorize.DocFreq{Fraction: f.MaxDF}
	}
	if f.MaxFeatures < 0 {
		return bad("max_features must be 0 (all) or a positive number, not %d.", f.MaxFeatures)
	}
	cfg.Features.Vectorize.MaxFeatures = f.MaxFeatures
	cfg.Features.SublinearTF = f.Sublinear && f.Kind == pipeline.FeaturesTfidf
	if f.StopWords {
		cfg.Features.Vectorize.StopWords = vectorize.EnglishStopWords
	}

	m := s.Model
	cfg.Model.Kind = m.Kind
	if m.C < 0 || m.Alpha < 0 || m.Trees < 0 || m.MaxDepth < 0 || m.Hidden < 0 {
		return bad("Model settings must not be negative.")
	}
	cfg.Model.C, cfg.Model.Alpha = m.C, m.Alpha
	cfg.Model.Trees, cfg.Model.MaxDepth, cfg.Model.Hidden = m.Trees, m.MaxDepth, m.Hidden
	if s.Seed < 0 || s.Seed != math.Trunc(s.Seed) || s.Seed > 1<<53 {
		return bad("The seed must be a whole number of 0 or more, not %v.", s.Seed)
	}
	cfg.Seed = uint64(s.Seed)
	return cfg, nil
}

// classicFeatureLabel and classicModelLabel name a kind for people.
func classicFeatureLabel(kind string) string {
	for _, o := range ui.ClassicFeatureKinds {
		if o.Value == kind {
			return o.Label
		}
	}
	return kind
}

func classicModelLabel(kind string) string {
	for _, o := range ui.ClassicModels {
		if o.Value == kind {
			return o.Label
		}
	}
	return kind
}

// classicSplit describes the evaluation design of cfg (defaults filled).
func classicSplit(cfg pipeline.Config, testName string) string {
	strat := ", stratified"
	if cfg.Eval.NoStratify {
		strat = ", not stratified"
	}
	switch cfg.Eval.Kind {
	case pipeline.EvalKFold:
		return fmt.Sprintf("%d-fold cross-validation%s", cfg.Eval.Folds, strat)
	case pipeline.EvalTestset:
		return "separate test file " + testName
	}
	test := int(math.Round(cfg.Eval.TestFraction * 100))
	return fmt.Sprintf("hold-out %d:%d%s", 100-test, test, strat)
}

func classicDescribe(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
	var in classicSettings
	if err := protocol.Decode(req, &in); err != nil {
		return nil, err
	}
	cfg, err := in.config()
	if err != nil {
		return nil, err
	}
	cfg.Features.Vectors, _ = classicVectorsFor(cfg)
	return map[string]string{"settings": pipeline.Describe(cfg)}, nil
}

// classicTrainResult is what classic.train returns: the rendered results
// and the plain fields the page puts on the results board.
type classicTrainResult struct {
	HTML        string             `json:"html"`
	Dataset     string             `json:"dataset"`
	Version     int                `json:"version"`
	Split       string             `json:"split"`
	Method      string             `json:"method"`
	Settings    string             `json:"settings"`
	Seed        uint64             `json:"seed"`
	KFold       bool               `json:"kfold"`
	Folds       int                `json:"folds,omitempty"`
	NTest       int                `json:"n_test"`
	Wrong       int                `json:"misclassified"`
	FitSeconds  float64            `json:"fit_seconds"`
	Metrics     map[string]float64 `json:"metrics"`
	Explainable bool               `json:"explainable"`
}

func classicTrain(ctx context.Context, req protocol.Request, progress protocol.Progress) (any, error) {
	var in classicSettings
	if err := protocol.Decode(req, &in); err != nil {
		return nil, err
	}
	cfg, err := in.config()
	if err != nil {
		return nil, err
	}
	if cfg.Features.Vectors, err = classicVectorsFor(cfg); err != nil {
		return nil, err
	}
	loaded, ok := state.Dataset()
	if !ok {
		return nil, errors.New("No data set is loaded: load a labeled file or a sample on the Data page first.")
	}
	d := pipeline.Data{Name: loaded.Name, Texts: loaded.Texts, Labels: loaded.Labels, LabelNames: loaded.LabelNames}
	run := &classicRun{dataset: loaded.Name, version: loaded.Version, texts: loaded.Texts}
	run.lines = make([]int, len(loaded.Examples))
	for i, ex := range loaded.Examples {
		run.lines[i] = ex.Line
	}
	if cfg.Eval.Kind == pipeline.EvalTestset {
		test, texts, lines, err := classicReadTest(ctx, req.Data, in.TestName, loaded.Columns)
		if err != nil {
			return nil, err
		}
		d.Test = test
		run.texts, run.lines = texts, lines
	}
	run.nDocs = len(d.Texts)
	if d.Test != nil {
		run.nDocs += len(d.Test.Texts)
	}
	res, err := pipeline.Run(ctx, d, cfg, progress)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	run.result = res
	full := res.Config
	run.method = classicFeatureLabel(full.Features.Kind) + " + " + classicModelLabel(full.Model.Kind)
	split := classicSplit(full, in.TestName)
	view := classicView(run, split)
	out := classicTrainResult{
		Dataset: loaded.Name, Version: loaded.Version, Split: split, Method: run.method,
		Settings: pipeline.Describe(full), Seed: full.Seed, NTest: len(res.Test), Wrong: view.Misclassified,
		FitSeconds: res.FitSeconds, Explainable: len(view.Top) > 0,
		Metrics: map[string]float64{
			"accuracy": res.Report.Accuracy, "macro_f1": res.Report.Macro.F1, "weighted_f1": res.Report.Weighted.F1,
		},
	}
	if full.Eval.Kind == pipeline.EvalKFold {
		out.KFold, out.Folds = true, len(res.Folds)
		out.Metrics = map[string]float64{
			"accuracy": res.Mean.Accuracy, "macro_f1": res.Mean.MacroF1, "weighted_f1": res.Mean.WeightedF1,
			"accuracy_std": res.Std.Accuracy, "macro_f1_std": res.Std.MacroF1, "weighted_f1_std": res.Std.WeightedF1,
		}
	}
	// κ and α of the test predictions (k-fold: pooled out-of-fold) against
	// the human labels, in the metrics and beside the headline numbers.
	predicted, gold := make([]string, len(res.Test)), make([]string, len(res.Test))
	for i, p := range res.Test {
		predicted[i], gold[i] = classicLabelName(res.LabelNames, p.Pred), classicLabelName(res.LabelNames, p.True)
	}
	ga, err := labelAgreement(predicted, gold, out.Metrics, "classic-headline")
	if err != nil {
		return nil, err
	}
	view.Agreement = &ga
	frag, err := render(ctx, ui.ClassicResult(view))
	if err != nil {
		return nil, err
	}
	out.HTML = frag.HTML
	classicLast.Lock()
	classicLast.run = run
	classicLast.Unlock()
	return out, nil
}

// classicLabelName names class c, or "" (missing) when c is out of range.
func classicLabelName(names []string, c int) string {
	if c >= 0 && c < len(names) {
		return names[c]
	}
	return ""
}

// classicReadTest parses a separate test file with the loaded data's text
// and label columns.
func classicReadTest(ctx context.Context, data []byte, name string, cols dataset.Columns) (*pipeline.Data, []string, []int, error) {
	if len(data) == 0 {
		return nil, nil, nil, protocol.BadRequest("Choose a test file first (or pick a hold-out split or k-fold).")
	}
	prefix := "test file"
	if name != "" {
		prefix = "test file " + name
	}
	opts := dataset.Options{Name: name}
	t, err := dataset.Parse(ctx, data, opts)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s: %v", prefix, err)
	}
	want := dataset.Columns{Text: cols.Text, Label: cols.Label}
	for _, c := range []string{want.Text, want.Label} {
		if t.Column(c) < 0 {
			return nil, nil, nil, fmt.Errorf("%s has no column %q; it needs the same text and label columns as the training data (%q and %q).", prefix, c, want.Text, want.Label)
		}
	}
	examples, _, err := dataset.Validate(ctx, t, want, opts)
	if err != nil && errors.Is(err, dataset.ErrOneClass) {
		// One class is fine for a test set: pick the usable rows ourselves.
		examples, err = nil, nil
		ti, li := t.Column(want.Text), t.Column(want.Label)
		for _, r := range t.Rows {
			text, label := r.Field(ti), strings.TrimSpace(r.Field(li))
			if strings.TrimSpace(text) != "" && label != "" {
				examples = append(examples, dataset.Example{Line: r.Line, Text: text, Label: label})
			}
		}
	}
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s: %v", prefix, err)
	}
	if len(examples) == 0 {
		return nil, nil, nil, fmt.Errorf("%s has no usable rows (every text or label is empty).", prefix)
	}
	test := &pipeline.Data{Name: name}
	index := map[string]int{}
	texts := make([]string, len(examples))
	lines := make([]int, len(examples))
	for i, ex := range examples {
		c, ok := index[ex.Label]
		if !ok {
			c = len(test.LabelNames)
			index[ex.Label] = c
			test.LabelNames = append(test.LabelNames, ex.Label)
		}
		test.Texts = append(test.Texts, ex.Text)
		test.Labels = append(test.Labels, c)
		texts[i], lines[i] = ex.Text, ex.Line
	}
	return test, texts, lines, nil
}

// classicView turns a run into the result component's data.
func classicView(run *classicRun, split string) ui.ClassicResultView {
	res := run.result
	names := res.LabelNames
	label := func(c int) string {
		if c >= 0 && c < len(names) {
			return names[c]
		}
		return strconv.Itoa(c)
	}
	rep := res.Report
	v := ui.ClassicResultView{
		Dataset:     run.dataset,
		Evaluation:  fmt.Sprintf("%s, seed %d", split, res.Config.Seed),
		Settings:    pipeline.Describe(res.Config),
		NTest:       len(res.Test),
		Accuracy:    rep.Accuracy,
		Macro:       ui.ClassicScores(rep.Macro),
		Micro:       ui.ClassicScores(rep.Micro),
		Weighted:    ui.ClassicScores(rep.Weighted),
		FitSeconds:  res.FitSeconds,
		KFold:       res.Config.Eval.Kind == pipeline.EvalKFold,
		Embed:       res.Config.Features.Kind == pipeline.FeaturesEmbed,
		NoKnownWord: res.NoKnownWord,
		NDocs:       run.nDocs,
	}
	zero := map[int][]string{}
	for _, z := range rep.ZeroDivisions {
		if z.Average == "" {
			zero[z.Label] = append(zero[z.Label], z.Metric)
		}
		v.ZeroDivisions = append(v.ZeroDivisions, classicZeroText(z, label))
	}
	for i, c := range rep.Labels {
		row := ui.ClassicClass{Label: label(c), Support: rep.Support[i], ZeroDiv: zero[c]}
		row.ClassicScores = ui.ClassicScores(rep.PerClass[i])
		v.Classes = append(v.Classes, row)
	}
	cells := make([][]float64, len(res.Confusion))
	for i, r := range res.Confusion {
		cells[i] = make([]float64, len(r))
		for j, n := range r {
			cells[i][j] = float64(n)
		}
	}
	v.Confusion = ui.HeatmapData{
		Title: "Confusion matrix (true labels in rows, predicted in columns)", RowLabel: "true label", ColLabel: "predicted label",
		Rows: names, Cols: names, Cells: cells, Format: "%.0f",
	}
	if res.ROC != nil && len(names) == 2 {
		v.ROC = &ui.ROCData{Title: "ROC curve", Positive: names[1], FPR: res.ROC.FPR, TPR: res.ROC.TPR, AUC: res.AUC}
	}
	if v.KFold {
		for i, f := range res.Folds {
			v.Folds = append(v.Folds, ui.ClassicFold{Fold: i + 1, Accuracy: f.Accuracy, MacroF1: f.Macro.F1, WeightedF1: f.Weighted.F1})
		}
		v.Mean = ui.ClassicFold{Accuracy: res.Mean.Accuracy, MacroF1: res.Mean.MacroF1, WeightedF1: res.Mean.WeightedF1}
		v.Std = ui.ClassicFold{Accuracy: res.Std.Accuracy, MacroF1: res.Std.MacroF1, WeightedF1: res.Std.WeightedF1}
	}
	for _, p := range res.Test {
		if p.Pred != p.True {
			v.Misclassified++
		}
	}
	if res.Model != nil {
		for c := range names {
			feats := res.Model.TopFeatures(c, classicTopK)
			if len(feats) == 0 {
				continue
			}
			top := ui.ClassicTop{Label: names[c]}
			for _, f := range feats {
				top.Features = append(top.Features, ui.ClassicFeature{Name: classicFeatureName(f), Weight: f.Weight})
			}
			v.Top = append(v.Top, top)
		}
	}
	switch {
	case len(v.Top) > 0 && res.Config.Model.Kind == pipeline.ModelNB:
		v.TopNote = "Naive Bayes: each word's log-probability in the class minus its mean over the classes (the words typical of a class)."
	case len(v.Top) > 0:
		v.TopNote = "The features with the largest weights for each class in the trained model."
	case res.Config.Features.Kind == pipeline.FeaturesEmbed:
		v.TopNote = "Word-vector features have no names (they are dimensions of the vectors), so there are no top features to list."
	default:
		v.TopNote = classicModelLabel(res.Config.Model.Kind) + " has no per-class feature weights, so there are no top features to list."
	}
	return v
}

// classicFeatureName names a feature, falling back to its column.
func classicFeatureName(f classify.Feature) string {
	if f.Name != "" {
		return f.Name
	}
	return "feature " + strconv.Itoa(f.Index)
}

// classicZeroText explains one 0/0 for people.
func classicZeroText(z metrics.ZeroDivision, label func(int) string) string {
	if z.Average != "" {
		return fmt.Sprintf("%s average of %s", z.Average, z.Metric)
	}
	l := label(z.Label)
	switch z.Metric {
	case "precision":
		return fmt.Sprintf("precision of %s: no test document was predicted %s", l, l)
	case "recall":
		return fmt.Sprintf("recall of %s: no test document has the label %s", l, l)
	}
	return fmt.Sprintf("%s of %s: precision and recall are both 0", z.Metric, l)
}

func classicMisclassified(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
	in := struct {
		Offset int `json:"offset"`
		Limit  int `json:"limit"`
	}{Limit: 20}
	if err := protocol.Decode(req, &in); err != nil {
		return nil, err
	}
	if in.Offset < 0 || in.Limit < 1 || in.Limit > 200 {
		return nil, protocol.BadRequest("classic.misclassified: offset must be >= 0 and limit 1..200")
	}
	run, err := lastClassicRun()
	if err != nil {
		return nil, err
	}
	names := run.result.LabelNames
	var wrong []pipeline.Prediction
	for _, p := range run.result.Test {
		if p.Pred != p.True {
			wrong = append(wrong, p)
		}
	}
	v := ui.ClassicMisView{Total: len(wrong), Offset: min(in.Offset, len(wrong)), Limit: in.Limit}
	for _, p := range wrong[v.Offset:min(v.Offset+in.Limit, len(wrong))] {
		doc := ui.ClassicDoc{Index: p.Index, Text: classicShorten(run.texts[p.Index], 300), True: classicName(names, p.True), Pred: classicName(names, p.Pred)}
		if p.Index < len(run.lines) {
			doc.Row = run.lines[p.Index]
		}
		if p.Pred >= 0 && p.Pred < len(p.Probs) {
			doc.Confidence, doc.Decision = p.Probs[p.Pred], p.Decision
		}
		v.Docs = append(v.Docs, doc)
	}
	return render(ctx, ui.ClassicMisclassified(v))
}

func classicName(names []string, c int) string {
	if c >= 0 && c < len(names) {
		return names[c]
	}
	return "?"
}

// classicShorten cuts a text to at most n characters.
func classicShorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func classicExplain(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
	in := struct {
		Doc  int    `json:"doc"`
		Text string `json:"text"`
	}{Doc: -1}
	if err := protocol.Decode(req, &in); err != nil {
		return nil, err
	}
	run, err := lastClassicRun()
	if err != nil {
		return nil, err
	}
	names := run.result.LabelNames
	text, truth := in.Text, ""
	if in.Doc >= 0 {
		if in.Doc >= len(run.texts) {
			return nil, protocol.BadRequest("classic.explain: no document %d", in.Doc)
		}
		text = run.texts[in.Doc]
		for _, p := range run.result.Test {
			if p.Index == in.Doc {
				truth = classicName(names, p.True)
				break
			}
		}
	} else if strings.TrimSpace(text) == "" {
		return nil, errors.New("Type a text to explain, or click a misclassified document.")
	}
	model := run.result.Model
	pred, feats, err := model.Explain(text, classicTopK)
	if err != nil {
		return nil, err
	}
	preds, err := model.Predict(ctx, []string{text})
	if err != nil {
		return nil, err
	}
	v := ui.ClassicExplainView{Text: classicShorten(text, 2000), True: truth, Pred: classicName(names, pred), Scores: "probability"}
	if len(preds) == 1 {
		if preds[0].Decision {
			v.Scores = "score"
		}
		for c, p := range preds[0].Probs {
			v.Probs = append(v.Probs, ui.ClassicProb{Label: classicName(names, c), P: p, Pred: c == pred})
		}
	}
	for _, f := range feats {
		if f.Contribution <= 0 {
			continue // only what pushed the text towards its label
		}
		v.Features = append(v.Features, ui.ClassicContribution{Name: classicFeatureName(f), Value: f.Value, Weight: f.Weight, Contribution: f.Contribution})
	}
	if len(v.Features) == 0 {
		if feats == nil {
			v.Note = classicModelLabel(run.result.Config.Model.Kind) + " does not split its decision into feature contributions."
		} else {
			v.Note = "No feature of this text pushed it towards " + v.Pred + " (it holds no known words, or only words that point elsewhere)."
		}
	}
	return render(ctx, ui.ClassicExplain(v))
}

// classicColumns lists the columns of an unlabeled file and proposes the
// text and id columns.
func classicColumns(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
	var in struct {
		Name string `json:"name"`
	}
	if err := protocol.Decode(req, &in); err != nil {
		return nil, err
	}
	t, err := dataset.Parse(ctx, req.Data, dataset.Options{Name: in.Name})
	if err != nil {
		return nil, err
	}
	g := dataset.Guess(t)
	return map[string]any{"columns": t.Columns, "text": g.Text, "id": g.ID, "rows": len(t.Rows)}, nil
}

// classicPredictResult is the predictions CSV of an unlabeled file.
type classicPredictResult struct {
	CSV    string `json:"csv"`
	File   string `json:"file"` // suggested download name
	N      int    `json:"n"`
	Method string `json:"method"`
}

func classicPredict(ctx context.Context, req protocol.Request, progress protocol.Progress) (any, error) {
	var in struct {
		Name       string `json:"name"`
		TextColumn string `json:"text_column"`
		IDColumn   string `json:"id_column"`
	}
	if err := protocol.Decode(req, &in); err != nil {
		return nil, err
	}
	run, err := lastClassicRun()
	if err != nil {
		return nil, err
	}
	t, err := dataset.Parse(ctx, req.Data, dataset.Options{Name: in.Name})
	if err != nil {
		return nil, err
	}
	ti := t.Column(in.TextColumn)
	if ti < 0 {
		return nil, fmt.Errorf("The file has no column %q: pick its text column.", in.TextColumn)
	}
	ii := -1
	if in.IDColumn != "" {
		if ii = t.Column(in.IDColumn); ii < 0 {
			return nil, fmt.Errorf("The file has no column %q: pick its id column, or none.", in.IDColumn)
		}
	}
	texts := make([]string, len(t.Rows))
	ids := make([]string, len(t.Rows))
	for i, r := range t.Rows {
		texts[i] = r.Field(ti)
		if ii >= 0 {
			ids[i] = r.Field(ii)
		} else {
			ids[i] = strconv.Itoa(i + 1)
		}
	}
	progress(0.1, "predicting")
	preds, err := run.result.Model.Predict(ctx, texts)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := pipeline.WritePredictionsCSV(&buf, ids, texts, preds, run.result.LabelNames); err != nil {
		return nil, err
	}
	base := strings.TrimSuffix(path.Base(in.Name), path.Ext(in.Name))
	if base == "" || base == "." || base == "/" {
		base = "texts"
	}
	return classicPredictResult{CSV: buf.String(), File: base + "-predictions.csv", N: len(texts), Method: run.method}, nil
}

// boardRun is one run as static/store.js keeps it.
type boardRun struct {
	Page     string             `json:"page"`
	Dataset  string             `json:"dataset"`
	Split    string             `json:"split"`
	Method   string             `json:"method"`
	Settings json.RawMessage    `json:"settings"` // a string, or an object of settings
	Seed     json.RawMessage    `json:"seed"`     // a number, or null
	Metrics  map[string]float64 `json:"metrics"`
	Time     string             `json:"time"`
}

// boardRender renders the results board from the runs the page keeps,
// best macro-F1 first.
func boardRender(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
	var in struct {
		Runs []boardRun `json:"runs"`
	}
	if err := protocol.Decode(req, &in); err != nil {
		return nil, err
	}
	return render(ctx, ui.Board(boardRows(in.Runs)))
}

// boardRows turns runs into board rows sorted by macro-F1 (missing last),
// newest first among equals.
func boardRows(runs []boardRun) []ui.BoardRow {
	rows := make([]ui.BoardRow, 0, len(runs))
	metric := func(r boardRun, k string) float64 {
		if v, ok := r.Metrics[k]; ok {
			return v
		}
		return math.NaN()
	}
	for _, r := range runs {
		row := ui.BoardRow{
			Page: r.Page, Dataset: r.Dataset, Split: r.Split, Method: r.Method,
			Settings: boardSettings(r.Settings), Time: boardTime(r.Time),
			Accuracy: metric(r, "accuracy"), MacroF1: metric(r, "macro_f1"), WeightedF1: metric(r, "weighted_f1"),
			MacroF1Std: metric(r, "macro_f1_std"), Kappa: metric(r, "kappa"), Alpha: metric(r, "alpha"),
		}
		switch {
		case r.Metrics[agreementUndefinedKey] != 0:
			row.AgreementNote = agreementUndefinedNote
		case math.IsNaN(row.Kappa) || math.IsNaN(row.Alpha):
			row.AgreementNote = agreementNotComputedNote
		}
		if s := strings.TrimSpace(string(r.Seed)); s != "" && s != "null" {
			row.Seed = strings.Trim(s, `"`)
		}
		rows = append(rows, row)
	}
	for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
		rows[i], rows[j] = rows[j], rows[i] // newest first among ties
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i].MacroF1, rows[j].MacroF1
		if math.IsNaN(b) {
			return !math.IsNaN(a)
		}
		return a > b
	})
	for i := range rows {
		rows[i].Rank = i + 1
	}
	return rows
}

// boardSettings writes a run's settings as one line.
func boardSettings(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil || len(m) == 0 {
		return ""
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		b, _ := json.Marshal(m[k])
		parts = append(parts, k+"="+strings.Trim(string(b), `"`))
	}
	return strings.Join(parts, ", ")
}

// boardTime shortens an ISO time to minutes ("2026-11-25 18:40 UTC").
func boardTime(s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}
