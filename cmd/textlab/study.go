package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"

	"textlab/core/dataset"
	"textlab/core/lexicon"
	"textlab/core/pipeline"
	"textlab/core/study"
	"textlab/wasm/board"
)

// textlab study show FILE lists a study file's items (page, key, kind, size,
// name, sha256) after checking it whole (core/study.Read); a damaged or
// hostile file is an error that names the problem.
//
// textlab study run FILE reruns every results-board run the study holds
// whose data and settings are in it, and says for each metric whether the
// rerun matches the stored value within 1e-9. It finds, in the study:
//
//   - the board's runs: JSON items of page "board" (an array of runs, or one
//     run), as wasm/board keeps them;
//   - data sets: bytes items of page "data", by their name (the run's
//     data set name); their columns from a JSON item of page "data" whose
//     value has that "name" and "columns" ({text, label, id, group}),
//     guessed otherwise (as the Data page does);
//   - Classic ML settings: the page's saved run (a page "classic" item,
//     JSON or bytes, in the format "textlab-classic-run" that classic.train
//     returns), whose model holds the full pipeline.Config;
//   - uploaded dictionaries: bytes items of page "dictionary" by name
//     (VADER, AFINN-111 and the Bing lexicon are built in).
//
// Rerunnable: Classic ML runs with a hold-out split or k-fold whose saved
// run (the settings, seed included) is in the study and whose features are
// not word vectors (the 4 MB vectors file is not part of a study); and
// dictionary runs (core/lexicon Evaluate on the same texts). Every other run
// is reported as "not rerunnable: <why>" (a separate test file, word
// vectors, a Classic ML run other than the saved one, data or a dictionary
// not in the study, data that differ from the run's checksum, another page).
func init() {
	register(command{name: "study", summary: "show or rerun a study file (textlab study show|run FILE)", run: runStudy})
}

func runStudy(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "show" && args[0] != "run") {
		fmt.Fprintln(stderr, "usage: textlab study show FILE   list the items of a study file and check it\n       textlab study run FILE    rerun its results-board runs and compare every metric")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			return flag.ErrHelp
		}
		return fmt.Errorf("%w: study show FILE or study run FILE", errUsage)
	}
	fs := newFlags("study "+args[0], stderr)
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	var flags, files []string // FILE may come before or after the flags
	for _, a := range args[1:] {
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			flags = append(flags, a)
		} else {
			files = append(files, a)
		}
	}
	if err := parseFlags(fs, flags); err != nil {
		return err
	}
	if len(files) != 1 {
		return fmt.Errorf("%w: study %s needs one FILE", errUsage, args[0])
	}
	path := files[0]
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	s, err := study.Read(raw, study.Limits{})
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if args[0] == "show" {
		return showStudy(stdout, path, len(raw), s, *asJSON)
	}
	reruns := rerunStudy(context.Background(), s)
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(reruns); err != nil {
			return err
		}
	} else {
		printReruns(stdout, reruns)
	}
	differ := 0
	for _, r := range reruns {
		if r.Rerun && !r.Match {
			differ++
		}
	}
	if differ > 0 {
		return fmt.Errorf("%d run(s) do not match", differ)
	}
	return nil
}

// studyItemJSON is one item in study show --json.
type studyItemJSON struct {
	Page   string `json:"page"`
	Key    string `json:"key"`
	Kind   string `json:"kind"`
	Name   string `json:"name,omitempty"`
	Size   int    `json:"size"`
	SHA256 string `json:"sha256"`
}

func showStudy(w io.Writer, path string, size int, s *study.Study, asJSON bool) error {
	var items []studyItemJSON
	total := 0
	for _, it := range s.Items {
		n := len(it.Bytes) + len(it.Value)
		total += n
		items = append(items, studyItemJSON{Page: it.Page, Key: it.Key, Kind: it.Kind, Name: it.Name, Size: n, SHA256: itemSum(it)})
	}
	checks := []string{
		fmt.Sprintf("format %s version %d (this Textlab reads 1 to %d)", study.Format, s.Version, study.Version),
		"entry names, sizes, compression ratios and entry count within limits (checked before decompressing)",
		fmt.Sprintf("sha256 of all %d items match the manifest", len(s.Items)),
	}
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"file": path, "bytes": size, "version": s.Version, "created": s.Created,
			"textlab": s.Textlab, "items": items, "checks": checks})
	}
	fmt.Fprintf(w, "%s: Textlab study, format version %d, written %s by Textlab %s; %d items, %s (%s file)\n",
		path, s.Version, s.Created.UTC().Format("2006-01-02 15:04:05 UTC"), s.Textlab, len(s.Items), byteSize(total), byteSize(size))
	for _, c := range checks {
		fmt.Fprintf(w, "  ok  %s\n", c)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PAGE\tKEY\tKIND\tSIZE\tNAME\tSHA256")
	for _, it := range items {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s…\n", it.Page, it.Key, it.Kind, byteSize(it.Size), it.Name, it.SHA256[:12])
	}
	return tw.Flush()
}

// itemSum is the hex sha256 of an item's content (what the manifest lists).
func itemSum(it study.Item) string {
	h := sha256.New()
	h.Write(it.Value)
	h.Write(it.Bytes)
	return hex.EncodeToString(h.Sum(nil))
}

func byteSize(n int) string {
	switch {
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1f KB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d B", n)
}

// metricCheck is one metric of a rerun.
type metricCheck struct {
	Name   string   `json:"name"`
	Stored float64  `json:"stored"`
	Rerun  *float64 `json:"rerun"` // nil: not recomputed
	Match  bool     `json:"match"` // recomputed and within tolerance
}

// rerunResult is one board run of a study, rerun or not.
type rerunResult struct {
	Page    string        `json:"page"`
	Dataset string        `json:"dataset"`
	Method  string        `json:"method"`
	Split   string        `json:"split"`
	Rerun   bool          `json:"rerun"`
	Why     string        `json:"why,omitempty"` // why not rerunnable
	Match   bool          `json:"match"`         // every metric matches
	Metrics []metricCheck `json:"metrics,omitempty"`
}

// tolerance is how far a rerun metric may be from the stored one.
const tolerance = 1e-9

// studyParts are the items study run uses.
type studyParts struct {
	runs    []board.Run
	data    map[string][]byte          // data set files by name
	columns map[string]dataset.Columns // their columns by name
	classic []savedClassic             // Classic ML saved runs
	dicts   map[string][]byte          // uploaded dictionaries by name
}

// savedClassic is what study run needs of a Classic ML saved run.
type savedClassic struct {
	Dataset string
	Method  string
	Config  pipeline.Config
}

func parts(s *study.Study) studyParts {
	p := studyParts{data: map[string][]byte{}, columns: map[string]dataset.Columns{}, dicts: map[string][]byte{}}
	for _, it := range s.Items {
		content := it.Value
		if it.Kind == study.KindBytes {
			content = it.Bytes
		}
		switch it.Page {
		case "board":
			if it.Kind != study.KindJSON {
				continue
			}
			var runs []board.Run
			if json.Unmarshal(it.Value, &runs) == nil {
				p.runs = append(p.runs, runs...)
				continue
			}
			var one board.Run
			if json.Unmarshal(it.Value, &one) == nil && one.Page != "" {
				p.runs = append(p.runs, one)
			}
		case "data":
			if it.Kind == study.KindBytes {
				p.data[it.Name] = it.Bytes
				continue
			}
			var v struct {
				Name    string           `json:"name"`
				Columns *dataset.Columns `json:"columns"`
			}
			if json.Unmarshal(it.Value, &v) == nil && v.Columns != nil {
				p.columns[v.Name] = *v.Columns
			}
		case "classic":
			var saved struct {
				Format  string          `json:"format"`
				Dataset string          `json:"dataset"`
				Method  string          `json:"method"`
				Model   json.RawMessage `json:"model"`
			}
			if json.Unmarshal(content, &saved) != nil || saved.Format != "textlab-classic-run" {
				continue
			}
			var model struct {
				Config pipeline.Config `json:"config"`
			}
			if json.Unmarshal(saved.Model, &model) == nil {
				p.classic = append(p.classic, savedClassic{Dataset: saved.Dataset, Method: saved.Method, Config: model.Config})
			}
		case "dictionary":
			if it.Kind == study.KindBytes && it.Name != "" {
				p.dicts[it.Name] = it.Bytes
			}
		}
	}
	return p
}

// rerunStudy reruns every board run of s it can.
func rerunStudy(ctx context.Context, s *study.Study) []rerunResult {
	p := parts(s)
	var out []rerunResult
	for _, r := range p.runs {
		res := rerunResult{Page: r.Page, Dataset: r.Dataset, Method: r.Method, Split: r.Split}
		var got map[string]float64
		var err error
		switch r.Page {
		case "classic":
			got, err = p.rerunClassic(ctx, r)
		case "dictionary":
			got, err = p.rerunDictionary(ctx, r)
		default:
			err = fmt.Errorf("Textlab reruns Classic ML and dictionary runs, not runs of the %q page", r.Page)
		}
		if err != nil {
			res.Why = err.Error()
			out = append(out, res)
			continue
		}
		res.Rerun, res.Match = true, true
		names := make([]string, 0, len(r.Metrics))
		for k := range r.Metrics {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			c := metricCheck{Name: k, Stored: r.Metrics[k]}
			if v, ok := got[k]; ok {
				c.Rerun = &v
				c.Match = v == c.Stored || math.Abs(v-c.Stored) <= tolerance || (math.IsNaN(v) && math.IsNaN(c.Stored))
				if !c.Match {
					res.Match = false
				}
			}
			res.Metrics = append(res.Metrics, c)
		}
		out = append(out, res)
	}
	return out
}

// readData reads the data set called name from the study with its columns.
func (p studyParts) readData(ctx context.Context, name string) (*dataset.Table, dataset.Columns, error) {
	raw, ok := p.data[name]
	if !ok {
		return nil, dataset.Columns{}, fmt.Errorf("the data set %q is not in the study", name)
	}
	tab, rep, err := dataset.Read(ctx, raw, dataset.Options{Name: name, Columns: p.columns[name]})
	if err != nil {
		return nil, dataset.Columns{}, fmt.Errorf("the data set %q does not read: %v", name, err)
	}
	return tab, rep.Chosen, nil
}

func (p studyParts) rerunClassic(ctx context.Context, r board.Run) (map[string]float64, error) {
	var settings string
	json.Unmarshal(r.Settings, &settings)
	seed := seedText(r.Seed)
	i := slices.IndexFunc(p.classic, func(c savedClassic) bool {
		return c.Dataset == r.Dataset && c.Method == r.Method && pipeline.Describe(c.Config) == settings && fmt.Sprint(c.Config.Seed) == seed
	})
	if i < 0 {
		return nil, errors.New("its settings are not in the study (the Classic ML page saves only its last run's model, which holds them)")
	}
	cfg := p.classic[i].Config
	switch {
	case cfg.Eval.Kind == pipeline.EvalTestset:
		return nil, errors.New("it was evaluated on a separate test file, which the study does not tie to the run")
	case cfg.Features.Kind == pipeline.FeaturesEmbed:
		return nil, errors.New("it uses averaged word vectors, which a study does not hold")
	}
	tab, _, err := p.readData(ctx, r.Dataset)
	if err != nil {
		return nil, err
	}
	full := pipeline.FromExamples(r.Dataset, tab.Examples)
	d := pipeline.Data{Name: full.Name, Texts: full.Texts, Labels: full.Labels, LabelNames: full.LabelNames, Lines: full.Lines}
	if cfg.Eval.Group != "" {
		d.Groups = full.Groups
	}
	if r.DataSum != "" && d.Checksum() != r.DataSum {
		return nil, fmt.Errorf("the data set %q in the study is not the one the run used (its checksum differs)", r.Dataset)
	}
	res, err := pipeline.Run(ctx, d, cfg, nil)
	if err != nil {
		return nil, fmt.Errorf("the rerun failed: %v", err)
	}
	m := res.Headline()
	predicted, gold := res.PredictedLabels()
	if _, err := board.GoldAgreement(predicted, gold, m, ""); err != nil {
		return nil, err
	}
	return m, nil
}

func (p studyParts) rerunDictionary(ctx context.Context, r board.Run) (map[string]float64, error) {
	var set struct {
		Dictionary  string            `json:"dictionary"`
		Rule        lexicon.RuleKind  `json:"rule"`
		Mapping     map[string]string `json:"mapping"`
		Category    string            `json:"category"`
		Threshold   float64           `json:"threshold"`
		NeutralBand bool              `json:"neutral_band"`
	}
	if err := json.Unmarshal(r.Settings, &set); err != nil {
		return nil, fmt.Errorf("its settings are not the Dictionary page's (%v)", err)
	}
	var dic *lexicon.Dictionary
	switch set.Dictionary {
	case "VADER":
	case "AFINN-111":
		dic = lexicon.AFINN()
	case "Bing opinion lexicon":
		dic = lexicon.Bing()
	default:
		b, ok := p.dicts[set.Dictionary]
		if !ok {
			return nil, fmt.Errorf("the dictionary %q is not in the study", set.Dictionary)
		}
		var err error
		if dic, err = lexicon.Parse(set.Dictionary, b); err != nil {
			return nil, fmt.Errorf("the dictionary %q does not read: %v", set.Dictionary, err)
		}
	}
	tab, _, err := p.readData(ctx, r.Dataset)
	if err != nil {
		return nil, err
	}
	d := pipeline.FromExamples(r.Dataset, tab.Examples)
	scores, err := lexicon.ScoreTexts(ctx, dic, d.Texts, nil)
	if err != nil {
		return nil, err
	}
	gold := make([]string, len(d.Labels))
	for i, l := range d.Labels {
		gold[i] = d.LabelNames[l]
	}
	rs := lexicon.RuleSettings{Kind: set.Rule, Category: set.Category, Threshold: set.Threshold, Neutral: set.NeutralBand, Mapping: set.Mapping}
	ev, err := lexicon.Evaluate(scores, gold, rs)
	if err != nil {
		return nil, fmt.Errorf("the rule does not apply: %v", err)
	}
	rep := ev.Report
	m := map[string]float64{
		"accuracy": rep.Accuracy, "macro_precision": rep.Macro.Precision, "macro_recall": rep.Macro.Recall,
		"macro_f1": rep.Macro.F1, "weighted_precision": rep.Weighted.Precision,
		"weighted_recall": rep.Weighted.Recall, "weighted_f1": rep.Weighted.F1,
	}
	if _, err := board.GoldAgreement(ev.Predicted, gold, m, ""); err != nil {
		return nil, err
	}
	return m, nil
}

func seedText(raw json.RawMessage) string {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return ""
	}
	return strings.Trim(s, `"`)
}

func printReruns(w io.Writer, rs []rerunResult) {
	if len(rs) == 0 {
		fmt.Fprintln(w, "the study holds no results-board runs")
		return
	}
	for i, r := range rs {
		fmt.Fprintf(w, "run %d: %s · %s · %s · %s\n", i+1, r.Page, r.Dataset, r.Method, r.Split)
		if !r.Rerun {
			fmt.Fprintf(w, "  not rerunnable: %s\n", r.Why)
			continue
		}
		var b bytes.Buffer
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		for _, m := range r.Metrics {
			switch {
			case m.Rerun == nil:
				fmt.Fprintf(tw, "  %s\t%.10g\t(not recomputed)\n", m.Name, m.Stored)
			case m.Match:
				fmt.Fprintf(tw, "  %s\t%.10g\t%.10g\tmatch\n", m.Name, m.Stored, *m.Rerun)
			default:
				fmt.Fprintf(tw, "  %s\t%.10g\t%.10g\tDIFFERS\n", m.Name, m.Stored, *m.Rerun)
			}
		}
		tw.Flush()
		w.Write(b.Bytes())
		if r.Match {
			fmt.Fprintf(w, "  all %d metrics match (within %g)\n", len(r.Metrics), tolerance)
		} else {
			fmt.Fprintln(w, "  some metrics DIFFER")
		}
	}
}
