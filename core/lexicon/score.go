package lexicon

import (
	"context"
	"strings"
)

// Count is one category's tally in one document.
type Count struct {
	// Category is the category's name.
	Category string `json:"category"`
	// Count is the number of matches in the category (a phrase counts once).
	Count int `json:"count"`
	// Share is Count divided by the document's number of words (0 for a
	// document without words).
	Share float64 `json:"share"`
	// Score is the sum of the matched entries' weights (equal to Count in
	// an unweighted dictionary).
	Score float64 `json:"score"`
}

// Match is one matched term in a document, for highlighting.
type Match struct {
	// Text is the matched part of the document, as written.
	Text string `json:"text"`
	// Start and End are its byte offsets in the document.
	Start int `json:"start"`
	End   int `json:"end"`
	// Term is the dictionary term that matched ("happi*" for a prefix term).
	Term string `json:"term"`
	// Categories are the names of the term's categories.
	Categories []string `json:"categories"`
	// Score is the sum of the term's weights over its categories (its
	// contribution to Result.Score).
	Score float64 `json:"score"`
}

// Result is a dictionary's account of one document.
type Result struct {
	// Words is the number of words in the document.
	Words int `json:"words"`
	// Counts has one entry per category, in the dictionary's order.
	Counts []Count `json:"counts"`
	// Score is the sum of all matched weights.
	Score float64 `json:"score"`
	// Matches are the matched terms in text order.
	Matches []Match `json:"matches"`
}

// Count returns the tally of the named category and whether it exists.
func (r Result) Count(category string) (Count, bool) {
	for _, c := range r.Counts {
		if c.Category == category {
			return c, true
		}
	}
	return Count{}, false
}

// Score matches the dictionary's terms in text and tallies them.
func (d *Dictionary) Score(text string) Result {
	if d.index == nil {
		d.build()
	}
	toks := Tokenize(text)
	res := Result{Words: len(toks), Counts: make([]Count, len(d.Categories))}
	for c, name := range d.Categories {
		res.Counts[c].Category = name
	}
	for i := 0; i < len(toks); {
		p := d.index.best(toks, i)
		if p == nil {
			i++
			continue
		}
		last := toks[i+len(p.words)-1]
		m := Match{Text: text[toks[i].Start:last.End], Start: toks[i].Start, End: last.End, Term: strings.Join(p.words, " ")}
		if p.prefix {
			m.Term += "*"
		}
		for _, e := range p.entries {
			en := d.Entries[e]
			m.Categories = append(m.Categories, d.Categories[en.Category])
			m.Score += en.Weight
			res.Counts[en.Category].Count++
			res.Counts[en.Category].Score += en.Weight
		}
		res.Score += m.Score
		res.Matches = append(res.Matches, m)
		i += len(p.words)
	}
	if res.Words > 0 {
		for c := range res.Counts {
			res.Counts[c].Share = float64(res.Counts[c].Count) / float64(res.Words)
		}
	}
	return res
}

// ScoreAll scores each text, reporting progress to progress (which may be
// nil) and stopping with ctx's error when ctx is cancelled.
func (d *Dictionary) ScoreAll(ctx context.Context, texts []string, progress func(fraction float64, message string)) ([]Result, error) {
	out := make([]Result, len(texts))
	for i, t := range texts {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if progress != nil {
				progress(float64(i)/float64(len(texts)), "scoring with "+d.Name)
			}
		}
		out[i] = d.Score(t)
	}
	if progress != nil {
		progress(1, "scored with "+d.Name)
	}
	return out, nil
}

// best returns the pattern that matches at word i, preferring more words,
// then an exact last word over a prefix, then the longer prefix; nil when
// none matches.
func (ix *index) best(toks []Token, i int) *pattern {
	var best *pattern
	better := func(p *pattern) bool {
		switch {
		case best == nil:
			return true
		case len(p.words) != len(best.words):
			return len(p.words) > len(best.words)
		case p.prefix != best.prefix:
			return !p.prefix
		}
		return len(p.words[len(p.words)-1]) > len(best.words[len(best.words)-1])
	}
	for _, p := range ix.byFirst[toks[i].Word] {
		if p.matches(toks, i) && better(p) {
			best = p
		}
	}
	w := toks[i].Word
	for n := range w {
		if n == 0 {
			continue
		}
		for _, p := range ix.byPrefix[w[:n]] {
			if better(p) {
				best = p
			}
		}
	}
	for _, p := range ix.byPrefix[w] {
		if better(p) {
			best = p
		}
	}
	return best
}

// matches reports whether p matches the words starting at i.
func (p *pattern) matches(toks []Token, i int) bool {
	if i+len(p.words) > len(toks) {
		return false
	}
	for k, w := range p.words {
		t := toks[i+k].Word
		if k == len(p.words)-1 && p.prefix {
			if !strings.HasPrefix(t, w) {
				return false
			}
		} else if t != w {
			return false
		}
	}
	return true
}
