// Package dictionary is the Dictionary page's part of the engine: it loads
// a built-in or uploaded dictionary (core/lexicon, core/vader), scores a
// typed text or the loaded data set, fits the rule form to the dictionary
// and the data set's labels, and evaluates a rule against the human labels
// (lexicon.Evaluate). It only decodes payloads, calls core/ and renders
// with web/ui. The active dictionary and the last scoring are kept in the
// engine's store.
//
//	dictionary.load {source, name} + data → {html, name, kind, categories, weighted}
//	dictionary.try {text}                 → {html, kind, scores}
//	dictionary.score {rows?}              → {html, dataset, version, n, labels, dictionary}
//	dictionary.rule {kind, category, threshold, neutral, mapping, reset?}
//	                                      → {settings, fields, kinds, categories, mapping}
//	dictionary.evaluate {kind, category, threshold, neutral, mapping}
//	                                      → {html, method, dataset, n, settings, metrics, confusion, run}
package dictionary

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"textlab/core/lexicon"
	"textlab/core/vader"
	"textlab/wasm/protocol"
	"textlab/web/ui"
)

// Limits of the dictionary methods.
const (
	maxFile = 20 << 20 // bytes of an uploaded dictionary
	maxText = 1 << 20  // bytes of a typed text
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
	e.Register("dictionary.rule", p.fitRule)
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
			return nil, fmt.Errorf("%s: %w. The dictionary loaded before is still active.", name, err)
		}
		a.name, a.dict = name, d
		a.info = listInfo(name, d)
		a.info.Source = "your file (" + lexicon.Format(req.Data) + ")"
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

func listInfo(name string, d *lexicon.Dictionary) ui.DictInfoView {
	v := ui.DictInfoView{Name: name, Kind: "list", Entries: len(d.Entries), Categories: d.Categories, Weighted: d.Weighted}
	v.Wildcards, v.Phrases = d.Forms()
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
	plain := map[string]any{}
	var marks []lexicon.Mark
	if a.dict == nil {
		r := vader.Analyze(text)
		v.Compound, v.Pos, v.Neu, v.Neg = r.Compound, r.Pos, r.Neu, r.Neg
		plain["compound"], plain["pos"], plain["neu"], plain["neg"] = r.Compound, r.Pos, r.Neu, r.Neg
		marks = lexicon.VADERMarks(r)
	} else {
		r := a.dict.Score(text)
		v.Words, v.Score, v.Weighted = r.Words, r.Score, a.dict.Weighted
		counts := map[string]int{}
		for _, c := range r.Counts {
			v.Counts = append(v.Counts, ui.DictCountView{Category: c.Category, Count: c.Count, Share: c.Share, Score: c.Score})
			counts[c.Category] = c.Count
		}
		plain["words"], plain["counts"], plain["score"] = r.Words, counts, r.Score
		marks = a.dict.Marks(r)
	}
	v.Segments, v.Matches = highlight(text, marks, func(m lexicon.Mark) (label, title string) {
		return markText(a, m)
	})
	return v, plain
}

// markText is the small label after a match and its tooltip.
func markText(a *activeDict, m lexicon.Mark) (label, title string) {
	switch {
	case a.dict == nil:
		return lexicon.Signed(m.Score, 2), fmt.Sprintf("%s: lexicon %+.1f, contributes %+.3f after VADER's rules", m.Text, m.Lexicon, m.Score)
	case a.dict.Weighted:
		return lexicon.Signed(m.Score, 2), fmt.Sprintf("%q matches %q (%s), weight %+g", m.Text, m.Term, strings.Join(m.Categories, ", "), m.Score)
	}
	return strings.Join(m.Categories, ", "), fmt.Sprintf("%q matches %q (%s)", m.Text, m.Term, strings.Join(m.Categories, ", "))
}

// highlight cuts text at the marks (byte offsets into text), labelling
// each with text. Marks that are out of range, overlap an earlier one, or
// do not fall on character boundaries are left unmarked rather than
// cutting a character in two.
func highlight(text string, marks []lexicon.Mark, label func(lexicon.Mark) (string, string)) ([]ui.DictSegment, int) {
	sort.SliceStable(marks, func(i, j int) bool { return marks[i].Start < marks[j].Start })
	var segs []ui.DictSegment
	pos, marked := 0, 0
	for _, m := range marks {
		if m.Start < pos || m.End <= m.Start || m.End > len(text) ||
			!boundary(text, m.Start) || !boundary(text, m.End) {
			continue
		}
		if m.Start > pos {
			segs = append(segs, ui.DictSegment{Text: text[pos:m.Start]})
		}
		l, title := label(m)
		segs = append(segs, ui.DictSegment{Text: text[m.Start:m.End], Match: true, Label: l, Title: title, Sign: m.Sign})
		pos = m.End
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
