// Package classic is the Classic ML page's part of the engine: it turns the
// page's settings into a core/pipeline run on the loaded data set, keeps the
// last trained model in the engine's store, and renders its results with
// web/ui.
package classic

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"path"
	"strconv"
	"strings"

	"textlab/core/classify"
	"textlab/core/dataset"
	"textlab/core/metrics"
	"textlab/core/pipeline"
	"textlab/core/vectorize"
	"textlab/wasm/board"
	"textlab/wasm/data"
	"textlab/wasm/protocol"
	"textlab/web/ui"
)

// page is the Classic ML page's methods over the engine's store.
type page struct {
	store *protocol.Store
}

// Store keys of the page's state.
const (
	lastKey    = "classic.last"    // the last trained run (*trainedRun)
	vectorsKey = "classic.vectors" // the loaded word vectors (*loadedVectors)
)

// Register adds the Classic ML page's methods: classic.describe,
// classic.train, classic.misclassified, classic.explain, classic.columns,
// classic.predict, classic.vectors, classic.save and classic.restore
// (saved.go).
func Register(e *protocol.Engine) {
	p := &page{store: e.Store()}
	e.Register("classic.describe", p.describe)
	e.Register("classic.train", p.train)
	e.Register("classic.misclassified", p.misclassified)
	e.Register("classic.explain", p.explain)
	e.Register("classic.columns", p.columns)
	e.Register("classic.predict", p.predict)
	e.Register("classic.vectors", p.loadVectors)
	e.Register("classic.save", p.save)
	e.Register("classic.restore", p.restore)
}

// topK is how many features the page lists per class and per
// explained text.
const topK = 10

// trainedRun is the last training run of the page: its result and the test
// documents its predictions index.
type trainedRun struct {
	result  *pipeline.Result
	dataset string   // data set name
	method  string   // e.g. "TF-IDF + logistic regression"
	texts   []string // the texts the test predictions index
	lines   []int    // their 1-based lines in their file
	version int      // the data version it was trained on
	nDocs   int      // documents trained and tested on, in all
}

// last returns the last trained run, or an error that says to train one.
func (p *page) last() (*trainedRun, error) {
	r, ok := protocol.Lookup[*trainedRun](p.store, lastKey)
	if !ok {
		return nil, errors.New("no model is trained yet: train one first (the engine forgets models when the page is reloaded)")
	}
	return r, nil
}

// keep stores r as the last trained run.
func (p *page) keep(r *trainedRun) error {
	return p.store.Keep(lastKey, r, int64(r.nDocs)*512)
}

// settings is the payload of classic.describe and classic.train: the
// page's form, as numbers.
type settings struct {
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
func (s settings) config() (pipeline.Config, error) {
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

// featureLabel and modelLabel name a kind for people.
func featureLabel(kind string) string {
	for _, o := range ui.ClassicFeatureKinds {
		if o.Value == kind {
			return o.Label
		}
	}
	return kind
}

func modelLabel(kind string) string {
	for _, o := range ui.ClassicModels {
		if o.Value == kind {
			return o.Label
		}
	}
	return kind
}

// splitName describes the evaluation design of cfg (defaults filled).
func splitName(cfg pipeline.Config, testName string) string {
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

func (p *page) describe(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
	var in settings
	if err := protocol.Decode(req, &in); err != nil {
		return nil, err
	}
	cfg, err := in.config()
	if err != nil {
		return nil, err
	}
	cfg.Features.Vectors, _ = p.vectorsFor(cfg)
	return map[string]string{"settings": pipeline.Describe(cfg)}, nil
}

// trainResult is what classic.train returns: the rendered results
// and the plain fields the page puts on the results board.
type trainResult struct {
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

func (p *page) train(ctx context.Context, req protocol.Request, progress protocol.Progress) (any, error) {
	var in settings
	if err := protocol.Decode(req, &in); err != nil {
		return nil, err
	}
	cfg, err := in.config()
	if err != nil {
		return nil, err
	}
	if cfg.Features.Vectors, err = p.vectorsFor(cfg); err != nil {
		return nil, err
	}
	loaded, ok := data.Current(p.store)
	if !ok {
		return nil, errors.New("No data set is loaded: load a labeled file or a sample on the Data page first.")
	}
	d := pipeline.Data{Name: loaded.Name, Texts: loaded.Texts, Labels: loaded.Labels, LabelNames: loaded.LabelNames}
	run := &trainedRun{dataset: loaded.Name, version: loaded.Version, texts: loaded.Texts}
	run.lines = make([]int, len(loaded.Examples))
	for i, ex := range loaded.Examples {
		run.lines[i] = ex.Line
	}
	if cfg.Eval.Kind == pipeline.EvalTestset {
		test, texts, lines, err := readTest(ctx, req.Data, in.TestName, loaded.Columns)
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
	run.method = featureLabel(full.Features.Kind) + " + " + modelLabel(full.Model.Kind)
	split := splitName(full, in.TestName)
	view := resultView(run, split)
	out := trainResult{
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
		predicted[i], gold[i] = labelName(res.LabelNames, p.Pred), labelName(res.LabelNames, p.True)
	}
	ga, err := board.GoldAgreement(predicted, gold, out.Metrics, "classic-headline")
	if err != nil {
		return nil, err
	}
	view.Agreement = &ga
	frag, err := protocol.Render(ctx, ui.ClassicResult(view))
	if err != nil {
		return nil, err
	}
	out.HTML = frag.HTML
	if err := p.keep(run); err != nil {
		return nil, err
	}
	return out, nil
}

// labelName names class c, or "" (missing) when c is out of range.
func labelName(names []string, c int) string {
	if c >= 0 && c < len(names) {
		return names[c]
	}
	return ""
}

// readTest parses a separate test file with the loaded data's text
// and label columns.
func readTest(ctx context.Context, data []byte, name string, cols dataset.Columns) (*pipeline.Data, []string, []int, error) {
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

// resultView turns a run into the result component's data.
func resultView(run *trainedRun, split string) ui.ClassicResultView {
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
		v.ZeroDivisions = append(v.ZeroDivisions, zeroText(z, label))
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
			feats := res.Model.TopFeatures(c, topK)
			if len(feats) == 0 {
				continue
			}
			top := ui.ClassicTop{Label: names[c]}
			for _, f := range feats {
				top.Features = append(top.Features, ui.ClassicFeature{Name: featureName(f), Weight: f.Weight})
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
		v.TopNote = modelLabel(res.Config.Model.Kind) + " has no per-class feature weights, so there are no top features to list."
	}
	return v
}

// featureName names a feature, falling back to its column.
func featureName(f classify.Feature) string {
	if f.Name != "" {
		return f.Name
	}
	return "feature " + strconv.Itoa(f.Index)
}

// zeroText explains one 0/0 for people.
func zeroText(z metrics.ZeroDivision, label func(int) string) string {
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

func (p *page) misclassified(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
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
	run, err := p.last()
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
		doc := ui.ClassicDoc{Index: p.Index, Text: shorten(run.texts[p.Index], 300), True: className(names, p.True), Pred: className(names, p.Pred)}
		if p.Index < len(run.lines) {
			doc.Row = run.lines[p.Index]
		}
		if p.Pred >= 0 && p.Pred < len(p.Probs) {
			doc.Confidence, doc.Decision = p.Probs[p.Pred], p.Decision
		}
		v.Docs = append(v.Docs, doc)
	}
	return protocol.Render(ctx, ui.ClassicMisclassified(v))
}

func className(names []string, c int) string {
	if c >= 0 && c < len(names) {
		return names[c]
	}
	return "?"
}

// shorten cuts a text to at most n characters.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func (p *page) explain(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
	in := struct {
		Doc  int    `json:"doc"`
		Text string `json:"text"`
	}{Doc: -1}
	if err := protocol.Decode(req, &in); err != nil {
		return nil, err
	}
	run, err := p.last()
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
				truth = className(names, p.True)
				break
			}
		}
	} else if strings.TrimSpace(text) == "" {
		return nil, errors.New("Type a text to explain, or click a misclassified document.")
	}
	model := run.result.Model
	pred, feats, err := model.Explain(text, topK)
	if err != nil {
		return nil, err
	}
	preds, err := model.Predict(ctx, []string{text})
	if err != nil {
		return nil, err
	}
	v := ui.ClassicExplainView{Text: shorten(text, 2000), True: truth, Pred: className(names, pred), Scores: "probability"}
	if len(preds) == 1 {
		if preds[0].Decision {
			v.Scores = "score"
		}
		for c, p := range preds[0].Probs {
			v.Probs = append(v.Probs, ui.ClassicProb{Label: className(names, c), P: p, Pred: c == pred})
		}
	}
	for _, f := range feats {
		if f.Contribution <= 0 {
			continue // only what pushed the text towards its label
		}
		v.Features = append(v.Features, ui.ClassicContribution{Name: featureName(f), Value: f.Value, Weight: f.Weight, Contribution: f.Contribution})
	}
	if len(v.Features) == 0 {
		if feats == nil {
			v.Note = modelLabel(run.result.Config.Model.Kind) + " does not split its decision into feature contributions."
		} else {
			v.Note = "No feature of this text pushed it towards " + v.Pred + " (it holds no known words, or only words that point elsewhere)."
		}
	}
	return protocol.Render(ctx, ui.ClassicExplain(v))
}

// columns lists the columns of an unlabeled file and proposes the
// text and id columns.
func (p *page) columns(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
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

// predictResult is the predictions CSV of an unlabeled file.
type predictResult struct {
	CSV    string `json:"csv"`
	File   string `json:"file"` // suggested download name
	N      int    `json:"n"`
	Method string `json:"method"`
}

func (p *page) predict(ctx context.Context, req protocol.Request, progress protocol.Progress) (any, error) {
	var in struct {
		Name       string `json:"name"`
		TextColumn string `json:"text_column"`
		IDColumn   string `json:"id_column"`
	}
	if err := protocol.Decode(req, &in); err != nil {
		return nil, err
	}
	run, err := p.last()
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
	return predictResult{CSV: buf.String(), File: base + "-predictions.csv", N: len(texts), Method: run.method}, nil
}
