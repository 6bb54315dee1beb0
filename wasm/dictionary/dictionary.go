// Package dictionary is the Dictionary page's part of the engine: it loads
// a built-in or uploaded dictionary (core/lexicon, core/vader), scores a
// typed text or the loaded data set, turns scores into labels with a rule
// and evaluates them against the human labels. The active dictionary and
// the last scoring are kept in the engine's store.
package dictionary

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode/utf8"

	"textlab/core/lexicon"
	"textlab/core/metrics"
	"textlab/core/vader"
	"textlab/wasm/board"
	"textlab/wasm/data"
	"textlab/wasm/protocol"
	"textlab/web/ui"
)

// Limits of the dictionary methods.
const (
	maxFile  = 20 << 20 // bytes of an uploaded dictionary
	maxText  = 1 << 20  // bytes of a typed text
	showRows = 10       // scored rows shown in the table
	showText = 120      // characters of a text shown in the table
	noMatch  = "no match"
)

// pageState is what the dictionary page keeps in the engine's store between
// calls: the active dictionary and the last scoring of the loaded data set.
// A pageState is never modified once stored; a change stores a new one.
type pageState struct {
	active *activeDict
	scored *scoring
}

// stateKey is where the page's state lives in the engine's store.
const stateKey = "dictionary.state"

// activeDict is the chosen dictionary. dict is nil for VADER.
type activeDict struct {
	source string // vader, afinn, bing or upload
	name   string
	dict   *lexicon.Dictionary
	info   ui.DictInfoView
}

func (a *activeDict) isVADER() bool { return a.dict == nil }

// scoring is the data set scored with one dictionary.
type scoring struct {
	active  *activeDict
	data    *data.Loaded
	vader   []vader.Scores   // VADER
	results []lexicon.Result // word lists (without matches)
}

// page is the Dictionary page's methods over the engine's store.
type page struct {
	store *protocol.Store
}

// get returns the active dictionary and the last scoring (nil if none).
func (p *page) get() (*activeDict, *scoring) {
	st, _ := protocol.Lookup[*pageState](p.store, stateKey)
	if st == nil {
		return nil, nil
	}
	return st.active, st.scored
}

// Register adds the Dictionary page's methods to e.
func Register(e *protocol.Engine) {
	p := &page{store: e.Store()}
	e.Register("dictionary.load", p.loadDict)
	e.Register("dictionary.try", p.tryText)
	e.Register("dictionary.score", p.scoreData)
	e.Register("dictionary.evaluate", p.evaluateRule)
}

// loadDict makes a dictionary the active one. Payload: {source: "vader" |
// "afinn" | "bing" | "upload", name}; an upload's bytes come in req.Data.
// A dictionary that cannot be read leaves the active one in place.
func (p *page) loadDict(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
	var in struct {
		Source string `json:"source"`
		Name   string `json:"name"`
	}
	if err := protocol.Decode(req, &in); err != nil {
		return nil, err
	}
	a := &activeDict{source: in.Source}
	switch in.Source {
	case "vader":
		a.name = "VADER"
		a.info = ui.DictInfoView{Name: a.name, Kind: "vader", Entries: vader.LexiconSize(), Weighted: true,
			Categories: []string{"compound", "pos", "neu", "neg"}}
		builtinInfo(&a.info, "vader")
	case "afinn", "bing":
		d := lexicon.AFINN()
		a.name = "AFINN-111"
		if in.Source == "bing" {
			d, a.name = lexicon.Bing(), "Bing opinion lexicon"
		}
		a.dict = d
		a.info = listInfo(a.name, d)
		builtinInfo(&a.info, in.Source)
	case "upload":
		name := strings.TrimSpace(in.Name)
		if name == "" {
			name = "your dictionary"
		}
		switch {
		case len(req.Data) == 0:
			return nil, fmt.Errorf("%s: the file is empty; choose a .dic or .csv dictionary file", name)
		case len(req.Data) > maxFile:
			return nil, fmt.Errorf("%s: the file is %.1f MB; a dictionary may be at most %d MB", name, float64(len(req.Data))/(1<<20), maxFile>>20)
		}
		d, err := lexicon.Parse(name, req.Data)
		if err != nil {
			return nil, fmt.Errorf("%s: %v. The dictionary loaded before is still active.", name, err)
		}
		a.name, a.dict = name, d
		a.info = listInfo(name, d)
		a.info.Source = "your file (" + fileFormat(req.Data) + ")"
	default:
		return nil, protocol.BadRequest("dictionary.load: source must be vader, afinn, bing or upload, not %q", in.Source)
	}
	if err := p.store.Keep(stateKey, &pageState{active: a}, int64(len(req.Data))); err != nil {
		return nil, err
	}
	f, err := protocol.Render(ctx, ui.DictInfo(a.info))
	if err != nil {
		return nil, err
	}
	return map[string]any{"html": f.HTML, "name": a.name, "kind": a.info.Kind,
		"categories": a.info.Categories, "weighted": a.info.Weighted}, nil
}

func builtinInfo(v *ui.DictInfoView, id string) {
	for _, s := range ui.DictSources {
		if s.ID == id {
			v.Source, v.License = s.Source, s.License
		}
	}
}

func fileFormat(data []byte) string {
	if strings.HasPrefix(strings.TrimSpace(string(data[:min(len(data), 16)])), "%") {
		return "LIWC .dic"
	}
	return "CSV"
}

func listInfo(name string, d *lexicon.Dictionary) ui.DictInfoView {
	v := ui.DictInfoView{Name: name, Kind: "list", Entries: len(d.Entries), Categories: d.Categories, Weighted: d.Weighted}
	for _, e := range d.Entries {
		if e.Prefix {
			v.Wildcards++
		}
		if strings.Contains(e.Term, " ") {
			v.Phrases++
		}
	}
	return v
}

var errNoDictionary = fmt.Errorf("no dictionary is active yet: choose one above")

// tryText scores one text. Payload: {text}. Result: the rendered scores
// and highlighted text, plus the plain numbers.
func (p *page) tryText(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
	var in struct {
		Text string `json:"text"`
	}
	if err := protocol.Decode(req, &in); err != nil {
		return nil, err
	}
	if len(in.Text) > maxText {
		return nil, fmt.Errorf("the text is %d KB; type or paste at most %d KB here (score longer texts as a data set)", len(in.Text)>>10, maxText>>10)
	}
	a, _ := p.get()
	if a == nil {
		return nil, errNoDictionary
	}
	v, plain := tryView(a, in.Text)
	f, err := protocol.Render(ctx, ui.DictTry(v))
	if err != nil {
		return nil, err
	}
	return map[string]any{"html": f.HTML, "kind": v.Kind, "scores": plain}, nil
}

// tryView scores text with a and describes the result for ui.DictTry,
// returning the plain numbers as well.
func tryView(a *activeDict, text string) (ui.DictTryView, map[string]any) {
	v := ui.DictTryView{Kind: a.info.Kind, Name: a.name}
	var spans []matchSpan
	plain := map[string]any{}
	if a.isVADER() {
		r := vader.Analyze(text)
		v.Compound, v.Pos, v.Neu, v.Neg = r.Compound, r.Pos, r.Neu, r.Neg
		plain["compound"], plain["pos"], plain["neu"], plain["neg"] = r.Compound, r.Pos, r.Neu, r.Neg
		for _, w := range r.Words {
			if !w.InLexicon {
				continue
			}
			title := fmt.Sprintf("%s: lexicon %+.1f, contributes %+.3f after VADER's rules", w.Text, w.Lexicon, w.Valence)
			spans = append(spans, matchSpan{w.Start, w.End, signedLabel(w.Valence, 2), title, signOf(w.Valence)})
		}
	} else {
		r := a.dict.Score(text)
		v.Words, v.Score, v.Weighted = r.Words, r.Score, a.dict.Weighted
		counts := map[string]int{}
		for _, c := range r.Counts {
			v.Counts = append(v.Counts, ui.DictCountView{Category: c.Category, Count: c.Count, Share: c.Share, Score: c.Score})
			counts[c.Category] = c.Count
		}
		plain["words"], plain["counts"], plain["score"] = r.Words, counts, r.Score
		for _, m := range r.Matches {
			label := strings.Join(m.Categories, ", ")
			sign := 0
			if a.dict.Weighted {
				label = signedLabel(m.Score, 2)
				sign = signOf(m.Score)
			} else if len(m.Categories) == 1 {
				sign = categorySign(m.Categories[0])
			}
			title := fmt.Sprintf("%q matches %q (%s)", m.Text, m.Term, strings.Join(m.Categories, ", "))
			if a.dict.Weighted {
				title += fmt.Sprintf(", weight %+g", m.Score)
			}
			spans = append(spans, matchSpan{m.Start, m.End, label, title, sign})
		}
	}
	v.Segments, v.Matches = highlight(text, spans)
	return v, plain
}

// matchSpan is a byte range of a text to mark.
type matchSpan struct {
	start, end   int
	label, title string
	sign         int
}

// highlight cuts text at the spans (byte offsets into text). Spans that
// are out of range, overlap an earlier one, or do not fall on character
// boundaries are left unmarked rather than cutting a character in two.
func highlight(text string, spans []matchSpan) ([]ui.DictSegment, int) {
	sort.SliceStable(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	var segs []ui.DictSegment
	pos, marked := 0, 0
	for _, s := range spans {
		if s.start < pos || s.end <= s.start || s.end > len(text) ||
			!boundary(text, s.start) || !boundary(text, s.end) {
			continue
		}
		if s.start > pos {
			segs = append(segs, ui.DictSegment{Text: text[pos:s.start]})
		}
		segs = append(segs, ui.DictSegment{Text: text[s.start:s.end], Match: true, Label: s.label, Title: s.title, Sign: s.sign})
		pos = s.end
		marked++
	}
	if pos < len(text) {
		segs = append(segs, ui.DictSegment{Text: text[pos:]})
	}
	return segs, marked
}

func boundary(s string, i int) bool {
	return i == 0 || i == len(s) || utf8.RuneStart(s[i])
}

func signOf(x float64) int {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

// categorySign colours the categories of unweighted lists whose names
// say their direction (Bing's "positive" and "negative", LIWC's "posemo").
func categorySign(c string) int {
	c = strings.ToLower(c)
	switch {
	case strings.HasPrefix(c, "pos"):
		return 1
	case strings.HasPrefix(c, "neg"):
		return -1
	}
	return 0
}

func signedLabel(x float64, digits int) string {
	s := fmt.Sprintf("%+.*f", digits, x)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "+" || s == "-" || s == "+0" || s == "-0" {
		return "0"
	}
	return s
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
	sc := &scoring{active: a, data: d}
	var err error
	if a.isVADER() {
		sc.vader, err = vader.ScoreAll(ctx, d.Texts, progress)
	} else {
		sc.results, err = a.dict.ScoreAll(ctx, d.Texts, progress)
		for i := range sc.results {
			sc.results[i].Matches = nil // only the tallies are needed from here on
		}
	}
	if err != nil {
		return nil, err
	}
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

// scoreColumns returns the score columns of a scoring and each text's values.
func scoreColumns(sc *scoring) (cols []string, percent []bool, values func(i int) []float64) {
	if sc.active.isVADER() {
		return []string{"compound", "pos", "neu", "neg"}, []bool{false, false, false, false}, func(i int) []float64 {
			s := sc.vader[i]
			return []float64{s.Compound, s.Pos, s.Neu, s.Neg}
		}
	}
	d := sc.active.dict
	for _, c := range d.Categories {
		cols = append(cols, c+" share")
		percent = append(percent, true)
	}
	if d.Weighted {
		cols = append(cols, "score")
		percent = append(percent, false)
	}
	return cols, percent, func(i int) []float64 {
		r := sc.results[i]
		out := make([]float64, 0, len(cols))
		for _, c := range r.Counts {
			out = append(out, c.Share)
		}
		if d.Weighted {
			out = append(out, r.Score)
		}
		return out
	}
}

// scoreTable shows the first rows of a scoring and the column means per
// gold label.
func scoreTable(sc *scoring, rows int) ui.DictScoreTable {
	d := sc.data
	cols, percent, values := scoreColumns(sc)
	t := ui.DictScoreTable{Dataset: d.Name, Dictionary: sc.active.name, Total: len(d.Texts), Columns: cols, Percent: percent}
	sums := make([][]float64, len(d.LabelNames))
	counts := make([]int, len(d.LabelNames))
	for i := range sums {
		sums[i] = make([]float64, len(cols))
	}
	for i := range d.Texts {
		vals := values(i)
		l := d.Labels[i]
		counts[l]++
		for j, x := range vals {
			sums[l][j] += x
		}
		if i < rows {
			line := i + 1
			if i < len(d.Examples) {
				line = d.Examples[i].Line
			}
			t.Rows = append(t.Rows, ui.DictScoreRow{Row: line, Text: shorten(d.Texts[i], showText), Gold: d.LabelNames[l], Values: vals})
		}
	}
	for l, name := range d.LabelNames {
		m := ui.DictMeanRow{Label: name, N: counts[l], Means: make([]float64, len(cols))}
		for j := range cols {
			if counts[l] > 0 {
				m.Means[j] = sums[l][j] / float64(counts[l])
			}
		}
		t.Means = append(t.Means, m)
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

// ruleSettings is the rule a user sets on the page.
type ruleSettings struct {
	Kind      string  `json:"kind"`      // compound, share, score or majority
	Category  string  `json:"category"`  // for share
	Threshold float64 `json:"threshold"` // for compound, share and score
	Neutral   bool    `json:"neutral"`   // neutral band (compound and score)
	// Mapping maps each outcome of the rule ("above", "below", "neutral";
	// for majority the category names and "no match") to a label of the
	// data set; an outcome without a label is predicted as itself.
	Mapping map[string]string `json:"mapping"`
}

// evaluateRule turns the scores of the last data-set scoring into labels
// with a rule and evaluates them against the gold labels. Payload:
// ruleSettings. Result: the rendered report, the method's name, the metrics
// and the settings (for the results board).
func (p *page) evaluateRule(ctx context.Context, req protocol.Request, progress protocol.Progress) (any, error) {
	var in ruleSettings
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
	if d, ok := data.Current(p.store); !ok || d.Version != sc.data.Version {
		return nil, fmt.Errorf("the data set changed since it was scored: score it again (step 3)")
	}
	rule, method, err := buildRule(a, in)
	if err != nil {
		return nil, err
	}
	d := sc.data
	names := append([]string(nil), d.LabelNames...)
	index := map[string]int{}
	for i, n := range names {
		index[n] = i
	}
	pred := make([]int, len(d.Texts))
	for i := range d.Texts {
		var out string
		if a.isVADER() {
			out, err = rule.LabelVADER(sc.vader[i])
		} else {
			out, err = rule.Label(sc.results[i])
		}
		if err != nil {
			return nil, fmt.Errorf("row %d: %v", i+1, err)
		}
		label := out
		if m, ok := in.Mapping[out]; ok && m != "" {
			label = m
		}
		k, ok := index[label]
		if !ok {
			k = len(names)
			names = append(names, label)
			index[label] = k
		}
		pred[i] = k
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			progress(float64(i)/float64(len(d.Texts)), "labelling")
		}
	}
	labels := make([]int, len(names))
	for i := range labels {
		labels[i] = i
	}
	rep, err := metrics.Evaluate(d.Labels, pred, labels)
	if err != nil {
		return nil, err
	}
	cm, err := metrics.ConfusionMatrix(d.Labels, pred, labels)
	if err != nil {
		return nil, err
	}
	m := map[string]float64{
		"accuracy": rep.Accuracy, "macro_precision": rep.Macro.Precision, "macro_recall": rep.Macro.Recall,
		"macro_f1": rep.Macro.F1, "weighted_precision": rep.Weighted.Precision,
		"weighted_recall": rep.Weighted.Recall, "weighted_f1": rep.Weighted.F1,
	}
	predicted, gold := make([]string, len(pred)), make([]string, len(pred))
	for i := range pred {
		predicted[i], gold[i] = names[pred[i]], names[d.Labels[i]]
	}
	ga, err := board.GoldAgreement(predicted, gold, m, "dict-scores")
	if err != nil {
		return nil, err
	}
	v := evalView(method, d.Name, names, len(d.LabelNames), rep, cm)
	v.Agreement = &ga
	f, err := protocol.Render(ctx, ui.DictEvaluation(v))
	if err != nil {
		return nil, err
	}
	settings := map[string]any{"dictionary": a.name, "rule": in.Kind, "threshold": in.Threshold,
		"neutral_band": in.Neutral, "mapping": in.Mapping}
	if in.Kind == "share" {
		settings["category"] = in.Category
	}
	if in.Kind == "majority" {
		delete(settings, "threshold")
		delete(settings, "neutral_band")
	}
	return map[string]any{
		"html": f.HTML, "method": method, "dataset": d.Name, "n": len(d.Texts), "settings": settings,
		"metrics": m,
	}, nil
}

// buildRule builds the core rule for a user's settings and names the method.
func buildRule(a *activeDict, in ruleSettings) (lexicon.Rule, string, error) {
	switch in.Kind {
	case "compound", "share", "score", "majority":
	default:
		return lexicon.Rule{}, "", protocol.BadRequest("dictionary.evaluate: rule kind must be compound, share, score or majority, not %q", in.Kind)
	}
	if math.IsNaN(in.Threshold) || math.IsInf(in.Threshold, 0) {
		return lexicon.Rule{}, "", fmt.Errorf("the threshold must be a number")
	}
	r := lexicon.Rule{Threshold: in.Threshold, Above: "above", Below: "below"}
	if in.Neutral {
		if in.Threshold < 0 {
			return r, "", fmt.Errorf("with a neutral band the threshold must be 0 or more (the band runs from −threshold to +threshold)")
		}
		r.Neutral = "neutral"
	}
	t := signedLabel(in.Threshold, 4)
	if in.Threshold == 0 {
		t = "0"
	}
	band := ""
	if in.Neutral {
		band = ", neutral band"
	}
	switch in.Kind {
	case "compound":
		if !a.isVADER() {
			return r, "", fmt.Errorf("the compound rule needs VADER: choose VADER above, or another rule")
		}
		r.Kind = lexicon.Compound
		return r, "VADER compound ≥ " + strings.TrimPrefix(t, "+") + band, nil
	}
	if a.isVADER() {
		return r, "", fmt.Errorf("VADER gives compound scores: choose the compound rule, or a word list above")
	}
	switch in.Kind {
	case "share":
		if _, ok := indexOf(a.dict.Categories, in.Category); !ok {
			return r, "", fmt.Errorf("choose one of the dictionary's categories (%s) for the share rule", strings.Join(a.dict.Categories, ", "))
		}
		if in.Neutral {
			return r, "", fmt.Errorf("a share is never negative, so the share rule has no neutral band: untick it")
		}
		r.Kind, r.Category = lexicon.Share, in.Category
		return r, fmt.Sprintf("%s %s share ≥ %s", a.name, in.Category, percentLabel(in.Threshold)), nil
	case "score":
		r.Kind = lexicon.Score
		return r, fmt.Sprintf("%s score ≥ %s%s", a.name, strings.TrimPrefix(t, "+"), band), nil
	case "majority":
		r = lexicon.Rule{Kind: lexicon.Majority, Neutral: noMatch}
		return r, a.name + " majority category", nil
	}
	return r, "", protocol.BadRequest("dictionary.evaluate: rule kind must be compound, share, score or majority, not %q", in.Kind)
}

func percentLabel(x float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.4f", 100*x), "0"), ".") + "%"
}

func indexOf(xs []string, x string) (int, bool) {
	for i, y := range xs {
		if y == x {
			return i, true
		}
	}
	return -1, false
}

// evalView describes a metrics report for ui.DictEvaluation; names
// are the labels by index, the first nGold of them the data set's.
func evalView(method, dataset string, names []string, nGold int, rep *metrics.Report, cm [][]int) ui.DictEvalView {
	v := ui.DictEvalView{Method: method, Dataset: dataset, Accuracy: rep.Accuracy, Labels: names, Matrix: cm,
		Macro:    [3]float64{rep.Macro.Precision, rep.Macro.Recall, rep.Macro.F1},
		Weighted: [3]float64{rep.Weighted.Precision, rep.Weighted.Recall, rep.Weighted.F1}}
	for i, l := range rep.Labels {
		s := rep.PerClass[i]
		v.Classes = append(v.Classes, ui.DictClassRow{Label: names[l], Precision: s.Precision, Recall: s.Recall, F1: s.F1,
			Support: rep.Support[i], PredictedOnly: l >= nGold})
		v.N += rep.Support[i]
	}
	for _, z := range rep.ZeroDivisions {
		if z.Label >= 0 && z.Label < len(names) {
			v.ZeroDivisions = append(v.ZeroDivisions, fmt.Sprintf("%s of %s", z.Metric, names[z.Label]))
		} else {
			v.ZeroDivisions = append(v.ZeroDivisions, fmt.Sprintf("%s %s", z.Average, z.Metric))
		}
	}
	return v
}
