package dictionary

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/a-h/templ"

	"textlab/core/dataset"
	"textlab/core/lexicon"
	"textlab/core/metrics"
	"textlab/wasm/board"
	"textlab/wasm/data"
	"textlab/wasm/protocol"
	"textlab/web/ui"
)

// Sizes of the scored-rows table.
const (
	showRows = 10  // scored rows shown by default
	showText = 120 // characters of a text shown
)

// scoring is the data set scored with one dictionary.
type scoring struct {
	active *activeDict
	data   *data.Loaded
	scores *lexicon.Scored
}

// current returns the active dictionary and its scoring of the data set
// loaded now (nil when it has not been scored since either changed).
func (p *page) current() (*activeDict, *scoring) {
	a, sc := p.get()
	if sc == nil || sc.active != a {
		return a, nil
	}
	if d, ok := data.Current(p.store); !ok || d.Version != sc.data.Version {
		return a, nil
	}
	return a, sc
}

// scoreData scores every text of the loaded data set with the active
// dictionary. Payload: {} (optional {rows}: how many rows to show).
func (p *page) scoreData(ctx context.Context, req protocol.Request, progress protocol.Progress) (any, error) {
	in := struct {
		Rows int `json:"rows"`
	}{Rows: showRows}
	if err := protocol.Decode(req, &in); err != nil {
		return nil, err
	}
	if in.Rows < 1 || in.Rows > 500 {
		return nil, protocol.BadRequest("dictionary.score: rows must be 1..500")
	}
	a, _ := p.get()
	if a == nil {
		return nil, errNoDictionary
	}
	d, ok := data.Current(p.store)
	if !ok || len(d.Texts) == 0 {
		return nil, fmt.Errorf("no data set is loaded: load a labeled CSV (or a sample) on the Data page first")
	}
	scores, err := lexicon.ScoreTexts(ctx, a.dict, d.Texts, progress)
	if err != nil {
		return nil, err
	}
	sc := &scoring{active: a, data: d, scores: scores}
	err = p.store.Update(stateKey, func(old any) (any, int64) {
		st, _ := old.(*pageState)
		if st == nil || st.active != a {
			return old, int64(len(d.Texts)) * 64 // the dictionary changed meanwhile: keep that
		}
		return &pageState{active: a, scored: sc}, int64(len(d.Texts)) * 64
	})
	if err != nil {
		return nil, err
	}
	f, err := protocol.Render(ctx, ui.DictScores(scoreTable(sc, in.Rows)))
	if err != nil {
		return nil, err
	}
	return map[string]any{"html": f.HTML, "dataset": d.Name, "version": d.Version, "n": len(d.Texts),
		"labels": d.LabelNames, "dictionary": a.name}, nil
}

// scoreTable shows the first rows of a scoring and the column means per
// gold label.
func scoreTable(sc *scoring, rows int) ui.DictScoreTable {
	d := sc.data
	t := ui.DictScoreTable{Dataset: d.Name, Dictionary: sc.active.name, Total: len(d.Texts)}
	for _, c := range sc.scores.Columns() {
		t.Columns = append(t.Columns, c.Name)
		t.Percent = append(t.Percent, c.Percent)
	}
	for i := range min(rows, len(d.Texts)) {
		line := i + 1
		if i < len(d.Examples) {
			line = d.Examples[i].Line
		}
		t.Rows = append(t.Rows, ui.DictScoreRow{Row: line, Text: shorten(d.Texts[i], showText),
			Gold: d.LabelNames[d.Labels[i]], Values: sc.scores.Values(i)})
	}
	for l, m := range sc.scores.MeansByClass(d.Labels, len(d.LabelNames)) {
		t.Means = append(t.Means, ui.DictMeanRow{Label: d.LabelNames[l], N: m.N, Means: m.Means})
	}
	return t
}

func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// fitRule fits the rule form to the active dictionary and the labels of
// the loaded data set, scored or not (lexicon.RuleSettings.Fit), so the
// mapping shows before scoring. Payload: the form's lexicon.RuleSettings
// (an empty kind asks for the defaults: lexicon.DefaultSettings), with
// reset: true when the rule kind was just changed (its threshold and band
// start afresh). Result: the fitted settings for the form, which fields
// apply, and the rendered options of the rule and category selects and the
// outcome → label mapping.
func (p *page) fitRule(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
	var in struct {
		lexicon.RuleSettings
		Reset bool `json:"reset"`
	}
	if err := protocol.Decode(req, &in); err != nil {
		return nil, err
	}
	a, _ := p.current()
	if a == nil {
		return nil, errNoDictionary
	}
	var labels []string
	if d, ok := data.Current(p.store); ok {
		labels = slices.Clone(d.LabelNames)
		dataset.SortLabels(labels)
	}
	s := in.RuleSettings
	if in.Reset {
		s = s.WithKind(s.Kind, labels)
	}
	s = s.Fit(a.dict, labels)
	v := ruleView(a, s, labels)
	out := map[string]any{"settings": s, "fields": map[string]bool{
		"category": s.Kind.HasCategory(), "threshold": s.Kind.HasThreshold(), "neutral": s.Kind.HasBand()}}
	for key, c := range map[string]templ.Component{"kinds": ui.DictKindOptions(v.Kinds),
		"categories": ui.DictCategoryOptions(v), "mapping": ui.DictMapping(v)} {
		f, err := protocol.Render(ctx, c)
		if err != nil {
			return nil, err
		}
		out[key] = f.HTML
	}
	return out, nil
}

// ruleView describes the rule form for settings s fitted to a and labels.
func ruleView(a *activeDict, s lexicon.RuleSettings, labels []string) ui.DictRuleView {
	v := ui.DictRuleView{Category: s.Category, Labels: labels}
	for _, k := range ui.DictKinds {
		k.Disabled = !slices.Contains(lexicon.Kinds(a.dict), lexicon.RuleKind(k.Value))
		k.Selected = k.Value == string(s.Kind)
		v.Kinds = append(v.Kinds, k)
	}
	if a.dict != nil {
		v.Categories = a.dict.Categories
	}
	for _, o := range s.Outcomes(a.dict) {
		v.Outcomes = append(v.Outcomes, ui.DictOutcomeView{Key: o.Key, Text: o.Text, Label: s.Mapping[o.Key]})
	}
	return v
}

// evaluateRule turns the scores of the last data-set scoring into labels
// with a rule and evaluates them against the gold labels
// (lexicon.Evaluate). Payload: lexicon.RuleSettings. Result: the rendered
// report, the method's name, the metrics, the confusion matrix, and the run
// ready for board.add.
func (p *page) evaluateRule(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
	var in lexicon.RuleSettings
	if err := protocol.Decode(req, &in); err != nil {
		return nil, err
	}
	a, sc := p.get()
	if a == nil {
		return nil, errNoDictionary
	}
	if sc == nil || sc.active != a {
		return nil, fmt.Errorf("score the data set with %s first (step 3)", a.name)
	}
	if _, fresh := p.current(); fresh == nil {
		return nil, fmt.Errorf("the data set changed since it was scored: score it again (step 3)")
	}
	d := sc.data
	gold := make([]string, len(d.Labels))
	for i, l := range d.Labels {
		gold[i] = d.LabelNames[l]
	}
	ev, err := lexicon.Evaluate(sc.scores, gold, in)
	if err != nil {
		return nil, ruleError(a, in, err)
	}
	m := metricsOf(ev.Report)
	ga, err := board.GoldAgreement(ev.Predicted, gold, m, "dict-scores")
	if err != nil {
		return nil, err
	}
	method := in.Describe(a.name)
	v := evalView(method, d.Name, ev)
	v.Agreement = &ga
	f, err := protocol.Render(ctx, ui.DictEvaluation(v))
	if err != nil {
		return nil, err
	}
	settings, err := json.Marshal(runSettings(a, in))
	if err != nil {
		return nil, err
	}
	run := board.Run{Page: "dictionary", Dataset: d.Name, Split: fmt.Sprintf("all %d texts (a dictionary is not trained)", len(d.Texts)),
		Method: method, Settings: settings, Seed: json.RawMessage("null"), Metrics: m}
	return map[string]any{
		"html": f.HTML, "method": method, "dataset": d.Name, "n": len(d.Texts), "settings": run.Settings,
		"metrics": m, "confusion": map[string]any{"labels": ev.Classes, "matrix": ev.Confusion}, "run": run,
	}, nil
}

// ruleError words a rule that does not fit for this page: its controls
// are "above" and the rule select.
func ruleError(a *activeDict, s lexicon.RuleSettings, err error) error {
	switch {
	case errors.Is(err, lexicon.ErrUnknownRule):
		return protocol.BadRequest("dictionary.evaluate: rule kind must be compound, share, score or majority, not %q", s.Kind)
	case errors.Is(err, lexicon.ErrNeedsVADER):
		return fmt.Errorf("the compound rule needs VADER: choose VADER above, or another rule")
	case errors.Is(err, lexicon.ErrNeedsList):
		return fmt.Errorf("VADER gives compound scores: choose the compound rule, or a word list above")
	case errors.Is(err, lexicon.ErrNeedsWeights):
		return fmt.Errorf("%s has no weights, so the summed score only counts its matches: choose the share or majority rule, or a weighted list above", a.name)
	case errors.Is(err, lexicon.ErrUnknownCategory):
		return fmt.Errorf("choose one of the dictionary's categories (%s) for the share rule", strings.Join(a.dict.Categories, ", "))
	case errors.Is(err, lexicon.ErrNoBand):
		return fmt.Errorf("%w: untick it", err)
	}
	return err
}

// metricsOf is a report's metrics as the results board keeps them.
func metricsOf(r *metrics.Report) map[string]float64 {
	return map[string]float64{
		"accuracy": r.Accuracy, "macro_precision": r.Macro.Precision, "macro_recall": r.Macro.Recall,
		"macro_f1": r.Macro.F1, "weighted_precision": r.Weighted.Precision,
		"weighted_recall": r.Weighted.Recall, "weighted_f1": r.Weighted.F1,
	}
}

// runSettings are a rule's settings as the results board shows them.
func runSettings(a *activeDict, s lexicon.RuleSettings) map[string]any {
	out := map[string]any{"dictionary": a.name, "rule": s.Kind, "mapping": s.Mapping}
	if s.Kind.HasCategory() {
		out["category"] = s.Category
	}
	if s.Kind.HasThreshold() {
		out["threshold"], out["neutral_band"] = s.Threshold, s.Neutral
	}
	return out
}

// evalView describes an evaluation for ui.DictEvaluation.
func evalView(method, dataset string, ev lexicon.Evaluation) ui.DictEvalView {
	rep := ev.Report
	v := ui.DictEvalView{Method: method, Dataset: dataset, Accuracy: rep.Accuracy, Labels: ev.Classes, Matrix: ev.Confusion,
		Macro:    [3]float64{rep.Macro.Precision, rep.Macro.Recall, rep.Macro.F1},
		Weighted: [3]float64{rep.Weighted.Precision, rep.Weighted.Recall, rep.Weighted.F1}}
	for i, l := range rep.Labels {
		s := rep.PerClass[i]
		v.Classes = append(v.Classes, ui.DictClassRow{Label: ev.Classes[l], Precision: s.Precision, Recall: s.Recall, F1: s.F1,
			Support: rep.Support[i], PredictedOnly: l >= ev.GoldClasses})
		v.N += rep.Support[i]
	}
	for _, z := range rep.ZeroDivisions {
		if z.Label >= 0 && z.Label < len(ev.Classes) {
			v.ZeroDivisions = append(v.ZeroDivisions, fmt.Sprintf("%s of %s", z.Metric, ev.Classes[z.Label]))
		} else {
			v.ZeroDivisions = append(v.ZeroDivisions, fmt.Sprintf("%s %s", z.Average, z.Metric))
		}
	}
	return v
}
