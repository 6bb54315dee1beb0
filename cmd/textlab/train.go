package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"textlab/core/dataset"
	"textlab/core/embed"
	"textlab/core/pipeline"
	"textlab/core/vectorize"
)

func init() {
	register(command{
		name:    "train",
		summary: "train and evaluate a classifier (counts/TF-IDF + logreg, nb, svm, ...) on a labeled file",
		run:     runTrain,
	})
}

// trainJSON is the --json output of textlab train.
type trainJSON struct {
	Settings     string                   `json:"settings"`
	Documents    int                      `json:"documents"`
	TestDocs     int                      `json:"test_documents"`
	Accuracy     float64                  `json:"accuracy"`
	MacroF1      float64                  `json:"macro_f1"`
	WeightedF1   float64                  `json:"weighted_f1"`
	PerClass     map[string]trainClass    `json:"per_class"`
	Confusion    trainConfusion           `json:"confusion"`
	AUC          *float64                 `json:"auc,omitempty"`
	FitSeconds   float64                  `json:"fit_seconds"`
	Mean         *pipeline.Summary        `json:"mean,omitempty"`
	Std          *pipeline.Summary        `json:"std,omitempty"`
	Folds        []pipeline.Summary       `json:"folds,omitempty"`
	ZeroDivision []string                 `json:"zero_division"`
	TopFeatures  map[string][]trainWeight `json:"top_features,omitempty"`
	Saved        string                   `json:"saved,omitempty"`
	// NoKnownWord counts the documents without a word that has a vector
	// (embed features only; their features are zero).
	NoKnownWord *int `json:"no_known_word,omitempty"`
	// Group is the group column of a grouped split (--group), Groups the
	// number of groups kept together and Ungrouped the documents with an
	// empty group, each a group of its own.
	Group     string `json:"group,omitempty"`
	Groups    int    `json:"groups,omitempty"`
	Ungrouped int    `json:"ungrouped,omitempty"`
	// Unseen lists the --test file's rows whose label the training data
	// lacks (file lines), and UnseenAs what they count as ("errors" or
	// "exclude").
	Unseen   []pipeline.UnseenDoc `json:"unseen,omitempty"`
	UnseenAs string               `json:"unseen_as,omitempty"`
}

type trainClass struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Support   int     `json:"support"`
}

type trainConfusion struct {
	Labels []string `json:"labels"`
	Matrix [][]int  `json:"matrix"` // true labels in rows, predicted in columns
}

type trainWeight struct {
	Feature string  `json:"feature"`
	Weight  float64 `json:"weight"`
}

func runTrain(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("train", stderr)
	dataPath := fs.String("data", "", "the labeled training `file` (CSV, TSV or JSON Lines)")
	testPath := fs.String("test", "", "a separate labeled test `file` (instead of --test-size or --folds)")
	testSize := fs.Float64("test-size", 0, "hold out this `fraction` of the data for testing (default 0.2)")
	folds := fs.Int("folds", 0, "k-fold cross-validation with `k` folds (2 to 50) instead of a hold-out split")
	textCol := fs.String("text", "", "the text `column` (default: guessed)")
	labelCol := fs.String("label", "", "the label `column` (default: guessed)")
	features := fs.String("features", "counts", "features: counts, binary, tfidf or embed")
	ngram := fs.String("ngram", "1,1", "word n-gram `range` min,max")
	minDF := fs.String("min-df", "", "drop terms in fewer documents: a count `N` or a fraction like 0.01")
	maxDF := fs.String("max-df", "", "drop terms in more documents: a fraction `F` like 0.9 or a count")
	maxFeatures := fs.Int("max-features", 0, "keep the `N` most frequent terms (0: all)")
	sublinear := fs.Bool("sublinear", false, "tfidf: use 1+ln(tf) instead of tf")
	stopWords := fs.String("stop-words", "", "remove stop words: english (default: none)")
	vectorsPath := fs.String("vectors", defaultVectors, "embed: the word-vector `file` (core/embed's format)")
	model := fs.String("model", "logreg", "classifier: logreg, nb, svm, forest or mlp")
	c := fs.Float64("C", 0, "inverse regularisation of logreg and svm (default 1)")
	alpha := fs.Float64("alpha", 0, "additive smoothing of nb (default 1)")
	trees := fs.Int("trees", 0, "forest: number of trees (default 100)")
	maxDepth := fs.Int("max-depth", 0, "forest: maximum tree depth (default: unlimited)")
	hidden := fs.Int("hidden", 0, "mlp: hidden units (default 100)")
	seed := fs.Uint64("seed", 42, "seed of the split (the browser's split with the same seed is the same)")
	noStratify := fs.Bool("no-stratify", false, "split without keeping each class's share")
	group := fs.String("group", "", "keep the rows with the same value in this `column` (a president, an author) on one side of every split: the score then says how the model does on groups it never saw (the Classic ML page does so by default when the data has a group column)")
	unseen := fs.String("unseen", pipeline.UnseenErrors, "rows of the --test file whose label the training data lacks: count them as errors, or exclude them from the scores (both are listed)")
	savePath := fs.String("save", "", "save the trained model to this JSON `file` (for textlab predict)")
	top := fs.Int("top", 10, "show the `N` features with the highest weight per class (linear models)")
	asJSON := fs.Bool("json", false, "print one JSON object: accuracy, macro_f1, weighted_f1, per_class, confusion, fit_seconds, mean/std (folds), settings, zero_division")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dataPath == "" {
		return fmt.Errorf("%w: --data FILE is required", errUsage)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if n := btoi(set["test"]) + btoi(set["test-size"]) + btoi(set["folds"]); n > 1 {
		return fmt.Errorf("%w: use only one of --test, --test-size and --folds", errUsage)
	}
	if *group != "" && set["test"] {
		return fmt.Errorf("%w: --group keeps groups apart in --test-size and --folds splits; a separate --test file is apart already", errUsage)
	}
	if set["unseen"] && !set["test"] {
		return fmt.Errorf("%w: --unseen applies to a separate --test file only", errUsage)
	}

	cfg := pipeline.Config{Seed: *seed}
	cfg.Features.Kind = *features
	cfg.Features.SublinearTF = *sublinear
	v := &cfg.Features.Vectorize
	lo, hi, err := parseRange(*ngram)
	if err != nil {
		return fmt.Errorf("%w: --ngram: %v", errUsage, err)
	}
	v.NgramMin, v.NgramMax = lo, hi
	if v.MinDF, err = parseDocFreq(*minDF); err != nil {
		return fmt.Errorf("%w: --min-df: %v", errUsage, err)
	}
	if v.MaxDF, err = parseDocFreq(*maxDF); err != nil {
		return fmt.Errorf("%w: --max-df: %v", errUsage, err)
	}
	v.MaxFeatures = *maxFeatures
	switch *stopWords {
	case "":
	case "english":
		v.StopWords = vectorize.EnglishStopWords
	default:
		return fmt.Errorf("%w: --stop-words must be english, not %q", errUsage, *stopWords)
	}
	cfg.Model = pipeline.ModelConfig{Kind: *model, C: *c, Alpha: *alpha, Trees: *trees, MaxDepth: *maxDepth, Hidden: *hidden}
	cfg.Eval.NoStratify = *noStratify
	cfg.Eval.Group = *group
	cfg.Eval.Unseen = *unseen
	switch {
	case set["folds"]:
		cfg.Eval.Kind, cfg.Eval.Folds = pipeline.EvalKFold, *folds
	case set["test"]:
		cfg.Eval.Kind = pipeline.EvalTestset
	default:
		cfg.Eval.Kind, cfg.Eval.TestFraction = pipeline.EvalHoldout, *testSize
	}
	if err := settingsError(cfg.Validate()); err != nil {
		return err
	}
	if cfg.UnusualTestShare() {
		fmt.Fprintf(stderr, "note: a test share of %g is outside %g to %g: %s\n", cfg.Eval.TestFraction, pipeline.MinUsualTestFraction, pipeline.MaxUsualTestFraction,
			map[bool]string{true: "few documents are left to test on, and a handful of them can swing the score", false: "few documents are left to train on, so the model is weaker than the data allows"}[cfg.Eval.TestFraction < pipeline.MinUsualTestFraction])
	}
	if *features == pipeline.FeaturesEmbed {
		cfg.Features.Vectors, err = readVectors(*vectorsPath, "--features embed")
		if err != nil {
			return err
		}
	}

	ctx := context.Background()
	cols := dataset.Columns{Text: *textCol, Label: *labelCol, Group: *group}
	d, chosen, err := readLabeled(*dataPath, cols, stderr)
	if err != nil {
		return err
	}
	if *group == "" && !set["test"] && chosen.Group != "" {
		fmt.Fprintf(stderr, "note: column %q looks like a group column; with --group %s its rows stay on one side of every split, as on the Classic ML page\n", chosen.Group, chosen.Group)
	}
	if set["test"] {
		raw, err := readInput(*testPath)
		if err != nil {
			return err
		}
		test, err := pipeline.ReadTest(ctx, raw, *testPath, chosen, d.LabelNames)
		if err != nil {
			return err
		}
		reportSkipped(stderr, *testPath, test.Problems)
		d.Test = &test.Data
	}

	res, err := pipeline.Run(ctx, d, cfg, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", *dataPath, err)
	}
	if *savePath != "" {
		f, err := os.Create(*savePath)
		if err != nil {
			return err
		}
		if err := res.Model.Save(f); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	out := trainOutput(res, len(d.Texts), *top)
	out.Saved = *savePath
	if res.Config.Eval.Kind == pipeline.EvalTestset {
		out.Unseen, out.UnseenAs = res.Unseen, res.Config.Eval.Unseen
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	return printTrain(stdout, res, out)
}

// trainFlags names, for each setting of pipeline.Config that a flag of
// textlab train sets, that flag.
var trainFlags = map[string]string{
	pipeline.FieldFeaturesKind: "--features",
	pipeline.FieldNgram:        "--ngram",
	pipeline.FieldMinDF:        "--min-df",
	pipeline.FieldMaxDF:        "--max-df",
	pipeline.FieldMaxFeatures:  "--max-features",
	pipeline.FieldModelKind:    "--model",
	pipeline.FieldC:            "--C",
	pipeline.FieldAlpha:        "--alpha",
	pipeline.FieldTrees:        "--trees",
	pipeline.FieldMaxDepth:     "--max-depth",
	pipeline.FieldHidden:       "--hidden",
	pipeline.FieldTestFraction: "--test-size",
	pipeline.FieldFolds:        "--folds",
	pipeline.FieldUnseen:       "--unseen",
}

// settingsError turns an error of pipeline.Config.Validate into a usage
// error that names the flag to fix: "--folds must be between 2 and 50,
// not 51".
func settingsError(err error) error {
	var se *pipeline.SettingError
	if !errors.As(err, &se) {
		return err
	}
	name, ok := trainFlags[se.Field]
	if !ok {
		name = se.Field
	}
	return fmt.Errorf("%w: %s must be %s, not %s", errUsage, name, se.Want, se.Value)
}

// readInput reads a data file, refusing one over the size limit before
// reading it.
func readInput(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := dataset.CheckSize(info.Size(), dataset.Options{Name: path}); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return os.ReadFile(path)
}

// readLabeled reads a labeled file into pipeline data with sorted label
// names (scikit-learn's class order), and reports unusable rows on stderr.
// The columns it returns are those used, with the group column the file
// seems to have when cols names none (Data.Groups then holds its values,
// but nothing groups by them unless asked).
func readLabeled(path string, cols dataset.Columns, stderr io.Writer) (pipeline.Data, dataset.Columns, error) {
	raw, err := readInput(path)
	if err != nil {
		return pipeline.Data{}, cols, err
	}
	tab, rep, err := dataset.Read(context.Background(), raw, dataset.Options{Name: path, Columns: cols})
	if err != nil {
		return pipeline.Data{}, cols, fmt.Errorf("%s: %w", path, err)
	}
	reportSkipped(stderr, path, rep.Problems)
	chosen := rep.Chosen
	if chosen.Group == "" {
		if g := dataset.Guess(tab).Group; g != chosen.Text && g != chosen.Label {
			chosen.Group = g
		}
	}
	return pipeline.FromExamples(path, tab.Examples), chosen, nil
}

// reportSkipped lists the unusable rows of a file on stderr (the first
// ten of them).
func reportSkipped(stderr io.Writer, path string, problems []dataset.Problem) {
	n := len(problems)
	if n == 0 {
		return
	}
	fmt.Fprintf(stderr, "%s: %d rows skipped:\n", path, n)
	for i, p := range problems {
		if i == 10 {
			fmt.Fprintf(stderr, "  ... and %d more\n", n-10)
			break
		}
		fmt.Fprintf(stderr, "  %s\n", p)
	}
}

func trainOutput(res *pipeline.Result, docs, top int) trainJSON {
	r := res.Report
	out := trainJSON{
		Settings: pipeline.Describe(res.Config), Documents: docs, TestDocs: len(res.Test),
		Accuracy: r.Accuracy, MacroF1: r.Macro.F1, WeightedF1: r.Weighted.F1,
		PerClass:     map[string]trainClass{},
		Confusion:    trainConfusion{Labels: res.LabelNames, Matrix: res.Confusion},
		FitSeconds:   res.FitSeconds,
		ZeroDivision: []string{},
	}
	for i, c := range r.Labels {
		s := r.PerClass[i]
		out.PerClass[res.LabelNames[c]] = trainClass{Precision: s.Precision, Recall: s.Recall, F1: s.F1, Support: r.Support[i]}
	}
	for _, z := range r.ZeroDivisions {
		if z.Label >= 0 {
			out.ZeroDivision = append(out.ZeroDivision, fmt.Sprintf("%s of %q", z.Metric, res.LabelNames[z.Label]))
		} else {
			out.ZeroDivision = append(out.ZeroDivision, z.Average+" "+z.Metric)
		}
	}
	if res.ROC != nil {
		auc := res.AUC
		out.AUC = &auc
	}
	if res.Config.Features.Kind == pipeline.FeaturesEmbed {
		n := res.NoKnownWord
		out.NoKnownWord = &n
	}
	if res.Groups > 0 {
		out.Group, out.Groups, out.Ungrouped = res.Config.Eval.Group, res.Groups, res.Ungrouped
	}
	if len(res.Folds) > 0 {
		mean, std := res.Mean, res.Std
		out.Mean, out.Std = &mean, &std
		out.Folds = res.FoldSummaries()
	}
	if top > 0 {
		for c, name := range res.LabelNames {
			feats := res.Model.TopFeatures(c, top)
			if feats == nil {
				break
			}
			if out.TopFeatures == nil {
				out.TopFeatures = map[string][]trainWeight{}
			}
			for _, f := range feats {
				out.TopFeatures[name] = append(out.TopFeatures[name], trainWeight{Feature: f.Name, Weight: f.Weight})
			}
		}
	}
	return out
}

// printTrain writes the report for people.
func printTrain(w io.Writer, res *pipeline.Result, out trainJSON) error {
	fmt.Fprintf(w, "settings: %s\n", out.Settings)
	switch {
	case len(res.Folds) > 0:
		fmt.Fprintf(w, "%d documents, %d-fold cross-validation (metrics below pooled over the folds)\n", out.Documents, len(res.Folds))
		fmt.Fprintf(w, "accuracy    %.4f ± %.4f\nmacro-F1    %.4f ± %.4f\nweighted-F1 %.4f ± %.4f\n",
			res.Mean.Accuracy, res.Std.Accuracy, res.Mean.MacroF1, res.Std.MacroF1, res.Mean.WeightedF1, res.Std.WeightedF1)
	case res.Config.Eval.Kind == pipeline.EvalTestset:
		fmt.Fprintf(w, "%d training documents, %d test documents (separate file)\n", out.Documents, out.TestDocs)
	default:
		fmt.Fprintf(w, "%d documents: %d for training, %d held out for testing\n", out.Documents, out.Documents-out.TestDocs, out.TestDocs)
	}
	if out.Groups > 0 {
		fmt.Fprintf(w, "grouped by %s: the %d groups each stay on one side of every split", out.Group, out.Groups)
		if out.Ungrouped > 0 {
			fmt.Fprintf(w, " (%d documents have no %s: each is a group of its own)", out.Ungrouped, out.Group)
		}
		fmt.Fprintln(w)
	}
	if len(out.Unseen) > 0 {
		fmt.Fprintf(w, "%s\n", unseenLine(out.Unseen, out.UnseenAs))
	}
	if out.NoKnownWord != nil {
		fmt.Fprintf(w, "%d documents have no word with a vector (their features are all zero)\n", *out.NoKnownWord)
	}
	fmt.Fprintf(w, "\naccuracy %.4f  macro-F1 %.4f  weighted-F1 %.4f", out.Accuracy, out.MacroF1, out.WeightedF1)
	if out.AUC != nil {
		fmt.Fprintf(w, "  ROC AUC %.4f", *out.AUC)
	}
	fmt.Fprintf(w, "\nfit time %.3f s\n\n", out.FitSeconds)

	if err := writeClassReport(w, res.LabelNames, out.PerClass, res.Confusion, out.ZeroDivision); err != nil {
		return err
	}
	for _, name := range res.LabelNames {
		feats := out.TopFeatures[name]
		if len(feats) == 0 {
			continue
		}
		names := make([]string, len(feats))
		for i, f := range feats {
			names[i] = f.Feature
		}
		fmt.Fprintf(w, "\ntop features of %s: %s", name, strings.Join(names, ", "))
	}
	if len(out.TopFeatures) > 0 {
		fmt.Fprintln(w)
	}
	if out.Saved != "" {
		fmt.Fprintf(w, "\nmodel saved to %s\n", out.Saved)
	}
	return nil
}

// unseenLine says which test rows have a label the training data lacks
// (their file lines, the first ten) and what they count as.
func unseenLine(unseen []pipeline.UnseenDoc, as string) string {
	var labels, lines []string
	for i, u := range unseen {
		if !slices.Contains(labels, strconv.Quote(u.Label)) {
			labels = append(labels, strconv.Quote(u.Label))
		}
		if i < 10 {
			lines = append(lines, strconv.Itoa(u.Line))
		}
	}
	if len(unseen) > 10 {
		lines = append(lines, fmt.Sprintf("and %d more", len(unseen)-10))
	}
	slices.Sort(labels)
	what := "counted as errors"
	if as == pipeline.UnseenExclude {
		what = "left out of the scores"
	}
	return fmt.Sprintf("%d test rows have a label the training data lacks (%s), %s: lines %s", len(unseen), strings.Join(labels, ", "), what, strings.Join(lines, ", "))
}

// parseRange parses "1,2" (or "2") into an n-gram range; its bounds are
// pipeline.Config.Validate's.
func parseRange(s string) (int, int, error) {
	a, b, found := strings.Cut(s, ",")
	lo, err := strconv.Atoi(strings.TrimSpace(a))
	if err != nil {
		return 0, 0, fmt.Errorf("want min,max like 1,2, not %q", s)
	}
	hi := lo
	if found {
		if hi, err = strconv.Atoi(strings.TrimSpace(b)); err != nil {
			return 0, 0, fmt.Errorf("want min,max like 1,2, not %q", s)
		}
	}
	return lo, hi, nil
}

// parseDocFreq parses a document-frequency bound as scikit-learn takes it:
// an integer is a number of documents, a number with a point a fraction.
// Its bounds are pipeline.Config.Validate's.
func parseDocFreq(s string) (vectorize.DocFreq, error) {
	if s == "" {
		return vectorize.DocFreq{}, nil
	}
	if strings.ContainsAny(s, ".eE") {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return vectorize.DocFreq{}, fmt.Errorf("want a count >= 0 or a fraction like 0.5, not %q", s)
		}
		return vectorize.DocFreq{Fraction: f}, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return vectorize.DocFreq{}, fmt.Errorf("want a count >= 0 or a fraction like 0.5, not %q", s)
	}
	return vectorize.DocFreq{N: n}, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// defaultVectors is Textlab's word-vector file, relative to the repository
// root.
const defaultVectors = "static/models/wink-glove-100d-int8.bin"

// readVectors reads a word-vector file for what (a flag, for messages),
// saying which file to pass when it is missing.
func readVectors(path, what string) (*embed.Vectors, error) {
	vf, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		hint := ""
		if path == defaultVectors {
			hint = " (the default, relative to the Textlab repository root: run from there, or pass --vectors with the path of wink-glove-100d-int8.bin)"
		}
		return nil, fmt.Errorf("%s needs word vectors, and %s does not exist%s", what, path, hint)
	}
	if err != nil {
		return nil, fmt.Errorf("%s needs word vectors: %w", what, err)
	}
	defer vf.Close()
	v, err := embed.Read(io.LimitReader(vf, dataset.DefaultMaxBytes))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}

// writeClassReport writes the per-class table, the confusion matrix and the
// classes whose precision or recall was set to 0 (0/0), as textlab train
// and textlab score print them.
func writeClassReport(w io.Writer, classes []string, perClass map[string]trainClass, confusion [][]int, zeroDivision []string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "class\tprecision\trecall\tf1\tsupport\t")
	for _, name := range classes {
		c := perClass[name]
		fmt.Fprintf(tw, "%s\t%.4f\t%.4f\t%.4f\t%d\t\n", name, c.Precision, c.Recall, c.F1, c.Support)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nconfusion matrix (rows: true, columns: predicted)")
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "\t%s\t\n", strings.Join(classes, "\t"))
	for i, row := range confusion {
		cells := make([]string, len(row))
		for j, v := range row {
			cells[j] = strconv.Itoa(v)
		}
		fmt.Fprintf(tw, "%s\t%s\t\n", classes[i], strings.Join(cells, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(zeroDivision) > 0 {
		fmt.Fprintf(w, "\nset to 0 (0/0): %s\n", strings.Join(zeroDivision, ", "))
	}
	return nil
}
