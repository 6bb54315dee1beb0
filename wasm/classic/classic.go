// Package classic is the Classic ML page's part of the engine: it turns the
// page's settings into a core/pipeline run on the loaded data set, keeps the
// last trained model in the engine's store, puts each run on the results
// board (wasm/board), and renders its results with web/ui. Everything it
// shows is computed in core/pipeline; this package only translates.
package classic

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path"
	"strconv"
	"strings"

	"textlab/core/classify"
	"textlab/core/dataset"
	"textlab/core/pipeline"
	"textlab/core/split"
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
// classic.train (whose result carries the run saved for IndexedDB and
// the run added to the results board), classic.misclassified,
// classic.explain, classic.columns, classic.predict, classic.vectors and
// classic.restore (saved.go), and classic.clear.
func Register(e *protocol.Engine) {
	p := &page{store: e.Store()}
	e.Register("classic.describe", p.describe)
	e.Register("classic.train", p.train)
	e.Register("classic.misclassified", p.misclassified)
	e.Register("classic.explain", p.explain)
	e.Register("classic.columns", p.columns)
	e.Register("classic.predict", p.predict)
	e.Register("classic.vectors", p.loadVectors)
	e.Register("classic.restore", p.restore)
	e.Register("classic.clear", p.clear)
}

// clear forgets the last trained run (the page's "Forget model" button);
// the loaded word vectors, which are the app's and not the user's, stay.
func (p *page) clear(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
	p.store.Delete(lastKey)
	return map[string]bool{"cleared": true}, nil
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
		// Group keeps the texts of each group of the loaded data set's
		// group column together (hold-out and k-fold); nil: yes, when it
		// has a group column.
		Group *bool `json:"group"`
		// Unseen is what a separate test file's rows with a label the
		// training data lacks count as: "errors" ("": the default) or
		// "exclude".
		Unseen string `json:"unseen"`
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

// config turns the form into a pipeline.Config (the test share from
// percent to a fraction; only the fields of the chosen evaluation; the
// group column, the loaded data set's or "" when it has none, for a
// hold-out or k-fold split unless the form says not to) and validates it
// with pipeline.Config.Validate, the bounds of the command line too; an
// invalid setting is a bad_request naming the form's field.
func (s settings) config(group string) (pipeline.Config, error) {
	var cfg pipeline.Config
	cfg.Eval.Kind = s.Eval.Kind
	switch s.Eval.Kind {
	case "", pipeline.EvalHoldout:
		cfg.Eval.TestFraction = s.Eval.TestSize / 100
	case pipeline.EvalKFold:
		cfg.Eval.Folds = s.Eval.Folds
	case pipeline.EvalTestset:
		cfg.Eval.Unseen = s.Eval.Unseen
	}
	if s.Eval.Kind != pipeline.EvalTestset && (s.Eval.Group == nil || *s.Eval.Group) {
		cfg.Eval.Group = group
	}
	cfg.Eval.NoStratify = s.Eval.Stratify != nil && !*s.Eval.Stratify

	f := s.Features
	cfg.Features.Kind = f.Kind
	v := &cfg.Features.Vectorize
	v.NgramMin, v.NgramMax = f.NgramMin, f.NgramMax
	if f.MinDF != 1 { // 1 document (or 0) keeps every term: the default
		v.MinDF = vectorize.DocFreq{N: f.MinDF}
	}
	if f.MaxDF != 1 { // a share of 1.0 (or 0) keeps every term: the default
		v.MaxDF = vectorize.DocFreq{Fraction: f.MaxDF}
	}
	v.MaxFeatures = f.MaxFeatures
	cfg.Features.SublinearTF = f.Sublinear && f.Kind == pipeline.FeaturesTfidf
	if f.StopWords {
		v.StopWords = vectorize.EnglishStopWords
	}

	m := s.Model
	cfg.Model = pipeline.ModelConfig{Kind: m.Kind, C: m.C, Alpha: m.Alpha, Trees: m.Trees, MaxDepth: m.MaxDepth, Hidden: m.Hidden}
	if s.Seed < 0 || s.Seed != math.Trunc(s.Seed) || s.Seed > 1<<53 {
		return cfg, protocol.BadRequest("The seed must be a whole number of 0 or more, not %v.", s.Seed)
	}
	cfg.Seed = uint64(s.Seed)
	if err := cfg.Validate(); err != nil {
		var se *pipeline.SettingError
		if !errors.As(err, &se) {
			return cfg, err
		}
		field, value := formFields[se.Field], se.Value
		if se.Field == pipeline.FieldTestFraction {
			value = strconv.FormatFloat(s.Eval.TestSize, 'g', -1, 64) // the form's percent
		}
		return cfg, protocol.BadRequest("%s", ui.ClassicSettingMessage(field, se.Want, value))
	}
	return cfg, nil
}

// formFields names, for each setting pipeline.Config.Validate checks, the
// field of the page's payload that sets it.
var formFields = map[string]string{
	pipeline.FieldEvalKind:     "eval",
	pipeline.FieldTestFraction: "test_size",
	pipeline.FieldFolds:        "folds",
	pipeline.FieldUnseen:       "unseen",
	pipeline.FieldFeaturesKind: "features",
	pipeline.FieldNgram:        "ngram",
	pipeline.FieldMinDF:        "min_df",
	pipeline.FieldMaxDF:        "max_df",
	pipeline.FieldMaxFeatures:  "max_features",
	pipeline.FieldNorm:         "norm",
	pipeline.FieldModelKind:    "model",
	pipeline.FieldC:            "C",
	pipeline.FieldAlpha:        "alpha",
	pipeline.FieldTrees:        "trees",
	pipeline.FieldMaxDepth:     "max_depth",
	pipeline.FieldHidden:       "hidden",
}

// describeResult is what classic.describe returns: the settings line
// (pipeline.Describe) and the form's line that shows it; the loaded data
// set's group column ("" when it has none) and the note under the form's
// "keep groups together" box; and, for a test share the page should not
// train with unasked (pipeline.Config.UnusualTestShare), the question to
// ask ("" otherwise).
type describeResult struct {
	Settings  string `json:"settings"`
	HTML      string `json:"html"`
	Group     string `json:"group"`
	GroupHTML string `json:"group_html"`
	Confirm   string `json:"confirm"`
}

func (p *page) describe(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
	var in settings
	if err := protocol.Decode(req, &in); err != nil {
		return nil, err
	}
	group, docs := "", 0
	if loaded, ok := data.Current(p.store); ok {
		group, docs = loaded.Columns.Group, len(loaded.Texts)
	}
	cfg, err := in.config(group)
	if err != nil {
		return nil, err
	}
	cfg.Features.Vectors, _ = p.vectorsFor(cfg)
	line := pipeline.Describe(cfg)
	frag, err := protocol.Render(ctx, ui.ClassicSettingsLine(line))
	if err != nil {
		return nil, err
	}
	out := describeResult{Settings: line, HTML: frag.HTML, Group: group}
	if group != "" {
		note, err := protocol.Render(ctx, ui.ClassicGroupNote(group, cfg.Eval.Group != ""))
		if err != nil {
			return nil, err
		}
		out.GroupHTML = note.HTML
	}
	if cfg.UnusualTestShare() {
		out.Confirm = ui.ClassicConfirmTestShare(in.Eval.TestSize, docs, pipeline.MinUsualTestFraction*100, pipeline.MaxUsualTestFraction*100)
	}
	return out, nil
}

// trainResult is what classic.train returns: the rendered results, the
// job's closing message, the run saved for IndexedDB (what a reload
// restores with classic.restore), the run on the results board with the
// board rendered (board.Add), and plain fields for tests and scripts.
type trainResult struct {
	HTML        string             `json:"html"`
	Message     string             `json:"message"`
	Saved       savedResult        `json:"saved"`
	Board       board.Added        `json:"board"`
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
	loaded, ok := data.Current(p.store)
	group := ""
	if ok {
		group = loaded.Columns.Group
	}
	cfg, err := in.config(group)
	if err != nil {
		return nil, err
	}
	if cfg.Features.Vectors, err = p.vectorsFor(cfg); err != nil {
		return nil, err
	}
	if !ok {
		return nil, errors.New("No data set is loaded: load a labeled file or a sample on the Data page first.")
	}
	d := pipeline.Data{Name: loaded.Name, Texts: loaded.Texts, Labels: loaded.Labels, LabelNames: loaded.LabelNames}
	if cfg.Eval.Group != "" {
		d.Groups = loaded.Groups // only then part of the data's checksum
	}
	d.Lines = make([]int, len(loaded.Examples))
	for i, ex := range loaded.Examples {
		d.Lines[i] = ex.Line
	}
	run := &trainedRun{dataset: loaded.Name, version: loaded.Version, texts: loaded.Texts, lines: d.Lines}
	if cfg.Eval.Kind == pipeline.EvalTestset {
		if len(req.Data) == 0 {
			return nil, protocol.BadRequest("Choose a test file first (or pick a hold-out split or k-fold).")
		}
		test, err := pipeline.ReadTest(ctx, req.Data, in.TestName, loaded.Columns, loaded.LabelNames)
		if err != nil {
			return nil, err
		}
		d.Test = &test.Data
		run.texts, run.lines = test.Data.Texts, test.Lines
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
		if errors.Is(err, split.ErrTooFewGroups) || errors.Is(err, split.ErrEmptyFold) {
			return nil, errors.New(ui.ClassicGroupSplitFailed(err.Error(), group))
		}
		return nil, err
	}
	run.result = res
	full := res.Config
	run.method = ui.ClassicMethod(full.Features.Kind, full.Model.Kind)
	design := pipeline.DescribeEval(full, in.TestName)
	view := resultView(run, design, group)
	out := trainResult{
		Dataset: loaded.Name, Version: loaded.Version, Split: design, Method: run.method,
		Settings: pipeline.Describe(full), Seed: full.Seed, NTest: len(res.Test), Wrong: view.Misclassified,
		FitSeconds: res.FitSeconds, Explainable: len(view.Top) > 0, Metrics: res.Headline(),
	}
	if full.Eval.Kind == pipeline.EvalKFold {
		out.KFold, out.Folds = true, len(res.Folds)
	}
	// κ and α of the test predictions (k-fold: pooled out-of-fold) against
	// the human labels, in the metrics and beside the headline numbers.
	predicted, gold := res.PredictedLabels()
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
	out.Message = ui.ClassicDone(out.Metrics["accuracy"], out.Folds, res.FitSeconds)
	if out.Saved, err = run.saved(); err != nil {
		return nil, err
	}
	if err := p.keep(run); err != nil {
		return nil, err
	}
	settingsJSON, _ := json.Marshal(out.Settings)
	out.Board, err = board.Add(ctx, p.store, board.Run{
		Page: "classic", Dataset: out.Dataset, DataSum: d.Checksum(), Split: design, Method: run.method,
		Settings: settingsJSON, Seed: json.RawMessage(strconv.FormatUint(full.Seed, 10)), Metrics: out.Metrics,
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// resultView turns a run into the result component's data; group is the
// data set's group column ("" when it has none).
func resultView(run *trainedRun, design, group string) ui.ClassicResultView {
	res := run.result
	names := res.LabelNames
	rep := res.Report
	v := ui.ClassicResultView{
		Dataset:       run.dataset,
		Evaluation:    fmt.Sprintf("%s, seed %d", design, res.Config.Seed),
		Settings:      pipeline.Describe(res.Config),
		NTest:         len(res.Test),
		Accuracy:      rep.Accuracy,
		Macro:         ui.ClassicScores(rep.Macro),
		Micro:         ui.ClassicScores(rep.Micro),
		Weighted:      ui.ClassicScores(rep.Weighted),
		FitSeconds:    res.FitSeconds,
		KFold:         res.Config.Eval.Kind == pipeline.EvalKFold,
		Embed:         res.Config.Features.Kind == pipeline.FeaturesEmbed,
		NaiveBayes:    res.Config.Model.Kind == pipeline.ModelNB,
		Model:         ui.ClassicModelName(res.Config.Model.Kind),
		NoKnownWord:   res.NoKnownWord,
		NDocs:         run.nDocs,
		Misclassified: len(res.Misclassified()),
		Groups:        res.Groups,
		Ungrouped:     res.Ungrouped,
	}
	if res.Config.Eval.Kind != pipeline.EvalTestset {
		v.Group, v.Grouped = group, res.Config.Eval.Group != ""
	}
	if len(res.Unseen) > 0 {
		v.Unseen = &ui.ClassicUnseenView{Excluded: res.Config.Eval.Unseen == pipeline.UnseenExclude}
		for _, u := range res.Unseen {
			v.Unseen.Rows = append(v.Unseen.Rows, ui.ClassicUnseenRow{Line: u.Line, Label: u.Label})
		}
	}
	zero := map[int][]string{}
	for _, z := range rep.ZeroDivisions {
		if z.Average == "" {
			zero[z.Label] = append(zero[z.Label], z.Metric)
		}
		v.ZeroDivisions = append(v.ZeroDivisions, ui.ClassicZeroDiv{Metric: z.Metric, Average: z.Average, Label: res.Label(z.Label)})
	}
	for i, c := range rep.Labels {
		row := ui.ClassicClass{Label: res.Label(c), Support: rep.Support[i], ZeroDiv: zero[c]}
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
		for i, f := range res.FoldSummaries() {
			v.Folds = append(v.Folds, ui.ClassicFold{Fold: i + 1, Accuracy: f.Accuracy, MacroF1: f.MacroF1, WeightedF1: f.WeightedF1})
		}
		v.Mean = ui.ClassicFold{Accuracy: res.Mean.Accuracy, MacroF1: res.Mean.MacroF1, WeightedF1: res.Mean.WeightedF1}
		v.Std = ui.ClassicFold{Accuracy: res.Std.Accuracy, MacroF1: res.Std.MacroF1, WeightedF1: res.Std.WeightedF1}
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
	return v
}

// featureName names a feature, falling back to its column.
func featureName(f classify.Feature) string {
	if f.Name != "" {
		return f.Name
	}
	return "feature " + strconv.Itoa(f.Index)
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
	res := run.result
	wrong := res.Misclassified()
	v := ui.ClassicMisView{Total: len(wrong), Offset: min(in.Offset, len(wrong)), Limit: in.Limit}
	for _, p := range wrong[v.Offset:min(v.Offset+in.Limit, len(wrong))] {
		doc := ui.ClassicDoc{Index: p.Index, Text: shorten(run.texts[p.Index], 300), True: res.Label(p.True), Pred: res.Label(p.Pred)}
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
	res := run.result
	text, truth := in.Text, ""
	if in.Doc >= 0 {
		if in.Doc >= len(run.texts) {
			return nil, protocol.BadRequest("classic.explain: no document %d", in.Doc)
		}
		text = run.texts[in.Doc]
		for _, p := range res.Test {
			if p.Index == in.Doc {
				truth = res.Label(p.True)
				break
			}
		}
	} else if strings.TrimSpace(text) == "" {
		return nil, errors.New("Type a text to explain, or click a misclassified document.")
	}
	ex, err := res.Model.ExplainText(ctx, text, topK)
	if err != nil {
		return nil, err
	}
	v := ui.ClassicExplainView{
		Text: shorten(text, 2000), True: truth, Pred: res.Label(ex.Pred), Decision: ex.Decision,
		Linear: ex.Linear, Model: ui.ClassicModelName(res.Config.Model.Kind),
	}
	for c, p := range ex.Probs {
		v.Probs = append(v.Probs, ui.ClassicProb{Label: res.Label(c), P: p, Pred: c == ex.Pred})
	}
	for _, f := range ex.Features {
		v.Features = append(v.Features, ui.ClassicContribution{Name: featureName(f), Value: f.Value, Weight: f.Weight, Contribution: f.Contribution})
	}
	return protocol.Render(ctx, ui.ClassicExplain(v))
}

// columnsResult is what classic.columns returns: the file's columns,
// the proposed text and id columns, the form's column choice rendered
// (ui.ClassicApplyColumns) and the message that goes with it.
type columnsResult struct {
	Columns []string `json:"columns"`
	Text    string   `json:"text"`
	ID      string   `json:"id"`
	Rows    int      `json:"rows"`
	HTML    string   `json:"html"`
	Message string   `json:"message"`
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
	v := ui.ClassicColumnsView{File: in.Name, Columns: t.Columns, Text: g.Text, ID: g.ID, Rows: len(t.Rows)}
	frag, err := protocol.Render(ctx, ui.ClassicApplyColumns(v))
	if err != nil {
		return nil, err
	}
	return columnsResult{Columns: t.Columns, Text: g.Text, ID: g.ID, Rows: len(t.Rows), HTML: frag.HTML, Message: ui.ClassicColumnsMessage(v)}, nil
}

// predictResult is the predictions CSV of an unlabeled file, with the
// page's message and the download link's text.
type predictResult struct {
	CSV     string `json:"csv"`
	File    string `json:"file"` // suggested download name
	N       int    `json:"n"`
	Method  string `json:"method"`
	Message string `json:"message"`
	Link    string `json:"link"`
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
	ids, texts, err := pipeline.Unlabeled(t, in.TextColumn, in.IDColumn)
	var ce *pipeline.ColumnError
	if errors.As(err, &ce) {
		return nil, errors.New(ui.ClassicMissingColumn(ce.Name, ce.Role))
	}
	if err != nil {
		return nil, err
	}
	progress(0.1, "predicting")
	preds, err := run.result.Model.Predict(ctx, texts)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := pipeline.WritePredictionsCSV(&buf, ids, texts, preds, run.result.Model.LabelNames()); err != nil {
		return nil, err
	}
	base := strings.TrimSuffix(path.Base(in.Name), path.Ext(in.Name))
	if base == "" || base == "." || base == "/" {
		base = "texts"
	}
	file := base + "-predictions.csv"
	return predictResult{
		// A byte order mark first, so spreadsheet programs read the file
		// as UTF-8 and show accented text correctly.
		CSV: "\ufeff" + buf.String(), File: file, N: len(texts), Method: run.method,
		Message: ui.ClassicPredicted(len(texts), in.Name, run.method), Link: ui.ClassicDownloadLink(file),
	}, nil
}
