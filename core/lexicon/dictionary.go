// Package lexicon scores texts with word lists: the built-in AFINN-111 and
// Bing (Hu and Liu) opinion lexicons, and the user's own dictionaries in
// LIWC's .dic format or as CSV (term,category[,weight]).
//
// A text is split into lower-cased words (letters, digits and marks, joined
// by inner apostrophes and hyphens: "don't", "well-being"). A dictionary term
// is one word or a phrase of consecutive words; a term ending in "*" matches
// any word that starts with it ("happi*" matches "happiness"). Matches do not
// overlap: at each word the longest matching term wins (more words first,
// then an exact word over a prefix, then the longer prefix). Per document,
// each category gets the number of matches, their share of the document's
// words, and (for weighted lists such as AFINN) the sum of their weights.
// Each match keeps its byte span so a page can highlight it.
//
// Rule turns a document's scores (VADER's or a dictionary's) into a
// predicted label. RuleSettings is a rule as a person sets it (kind,
// threshold, neutral band, and the data-set label of each outcome), with the
// rules a page needs to offer it: which kinds apply to a dictionary (Kinds),
// the starting values (DefaultSettings, Fit) and the guessed labels
// (GuessLabel). Evaluate applies it to scored documents (ScoreTexts) and
// compares the labels with the human ones using core/metrics, so the
// Dictionary page and `textlab score --rule` give the same numbers.
package lexicon

import (
	"fmt"
	"strings"
)

// Dictionary is a word list whose terms belong to categories, optionally
// with weights.
type Dictionary struct {
	// Name says where the dictionary came from ("afinn", a file name).
	Name string
	// Categories are the category names, in the order of the file.
	Categories []string
	// Entries are the terms, one per term and category. Change them only
	// before the first call of Score (which indexes them); after that, Score
	// may be called from several goroutines at once.
	Entries []Entry
	// Weighted says whether the entries carry weights of their own; in an
	// unweighted dictionary every weight is 1.
	Weighted bool

	index *index
}

// Entry is one term of a dictionary in one category.
type Entry struct {
	// Term is the normalised term: lower-case words separated by single
	// spaces, without the trailing "*" of a prefix term.
	Term string
	// Prefix says the term's last word matches any word starting with it.
	Prefix bool
	// Category is an index into Dictionary.Categories.
	Category int
	// Weight is the entry's weight (1 in unweighted dictionaries).
	Weight float64
	// Line is the line of the source file that defined the entry (0 for
	// built-in lists).
	Line int
}

// pattern is one distinct term (words plus prefix flag) and its entries.
type pattern struct {
	words   []string
	prefix  bool
	entries []int // indices into Dictionary.Entries
}

// index finds the patterns that may match at a word.
type index struct {
	byFirst  map[string][]*pattern // patterns whose first word must equal the key
	byPrefix map[string][]*pattern // one-word prefix patterns, keyed by the prefix
}

// build indexes the entries for matching.
func (d *Dictionary) build() {
	ix := &index{byFirst: map[string][]*pattern{}, byPrefix: map[string][]*pattern{}}
	seen := map[string]*pattern{}
	for i, e := range d.Entries {
		key := e.Term
		if e.Prefix {
			key += "*"
		}
		p := seen[key]
		if p == nil {
			p = &pattern{words: strings.Split(e.Term, " "), prefix: e.Prefix}
			seen[key] = p
			if len(p.words) == 1 && p.prefix {
				ix.byPrefix[p.words[0]] = append(ix.byPrefix[p.words[0]], p)
			} else {
				ix.byFirst[p.words[0]] = append(ix.byFirst[p.words[0]], p)
			}
		}
		p.entries = append(p.entries, i)
	}
	d.index = ix
}

// normalizeTerm turns a term as written into its words and prefix flag. It
// fails when the term is empty or when the tokenizer would not read the
// term as the same words (for example "e.g." or ":)"), since such a term
// could never match.
func normalizeTerm(raw string) (words []string, prefix bool, err error) {
	t := strings.TrimSpace(raw)
	if strings.HasSuffix(t, "*") {
		prefix = true
		t = strings.TrimSpace(strings.TrimSuffix(t, "*"))
	}
	if t == "" {
		return nil, false, fmt.Errorf("term %q is empty", raw)
	}
	toks := Tokenize(t)
	for _, tk := range toks {
		words = append(words, tk.Word)
	}
	want := strings.Join(strings.Fields(strings.ToLower(strings.ReplaceAll(t, "’", "'"))), " ")
	if got := strings.Join(words, " "); got != want {
		if got == "" {
			return nil, false, fmt.Errorf("term %q has no letters or digits, so it can never match", raw)
		}
		return nil, false, fmt.Errorf("term %q is not a sequence of words (texts are read as %q), so it can never match", raw, got)
	}
	return words, prefix, nil
}
