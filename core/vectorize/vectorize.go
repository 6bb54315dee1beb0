// Package vectorize turns texts into sparse feature matrices the way
// scikit-learn 1.2's CountVectorizer and TfidfVectorizer do with their
// default word analyzer: Python-style lowercasing, the token pattern
// (?u)\b\w\w+\b, optional stop words, word n-grams, document-frequency
// limits, an alphabetically sorted vocabulary, and TF-IDF weighting with
// smoothed idf and row normalisation.
//
// The zero Count and Tfidf are ready to use with scikit-learn's defaults.
package vectorize

//go:generate /usr/bin/python3 gen_stopwords.py

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"textlab/core/sparse"
)

// DocFreq is a document-frequency bound, given either as a number of
// documents (N, like an int min_df/max_df in scikit-learn) or as a
// proportion of the documents (Fraction in [0, 1], like a float). Set at most
// one. The zero DocFreq means "no bound" (min_df=1, max_df=1.0).
type DocFreq struct {
	N        int
	Fraction float64
}

func (d DocFreq) isZero() bool { return d.N == 0 && d.Fraction == 0 }

// bound returns the bound in documents for nDocs documents.
func (d DocFreq) bound(nDocs int) float64 {
	if d.N != 0 {
		return float64(d.N)
	}
	return d.Fraction * float64(nDocs)
}

// describe writes d as a person set it ("0.5", "3").
func (d DocFreq) describe() string {
	if d.Fraction != 0 {
		return fmt.Sprint(d.Fraction)
	}
	return fmt.Sprint(d.N)
}

func (d DocFreq) check(name string) error {
	if d.N != 0 && d.Fraction != 0 {
		return fmt.Errorf("vectorize: %s: give a number of documents or a share of documents, not both", name)
	}
	if d.N < 0 || d.Fraction < 0 || d.Fraction > 1 || math.IsNaN(d.Fraction) {
		return fmt.Errorf("vectorize: %s must be a number of documents (0 or more) or a share of documents between 0 and 1, not %s", name, d.describe())
	}
	return nil
}

// Config holds the options shared by Count and Tfidf, named after
// CountVectorizer's parameters. The zero Config is scikit-learn's default.
type Config struct {
	// KeepCase turns lowercasing off (lowercase=False). Default: lowercase.
	KeepCase bool
	// NgramMin and NgramMax are ngram_range: word n-grams of every length
	// in [NgramMin, NgramMax], their words joined by one space. Zero means
	// 1 for NgramMin and NgramMin for NgramMax (unigrams).
	NgramMin, NgramMax int
	// MinDF drops terms found in fewer documents (min_df). Default: none.
	MinDF DocFreq
	// MaxDF drops terms found in more documents (max_df). Default: none.
	MaxDF DocFreq
	// MaxFeatures keeps only the terms most frequent across the corpus
	// (max_features), ties broken as scikit-learn breaks them. 0: all.
	MaxFeatures int
	// Binary sets every non-zero count to 1 (binary=True).
	Binary bool
	// StopWords are removed after tokenizing and lowercasing, before
	// n-grams (stop_words). Use EnglishStopWords for stop_words="english".
	// Default: none.
	StopWords []string
}

func (c Config) ngrams() (int, int) {
	lo, hi := c.NgramMin, c.NgramMax
	if lo == 0 {
		lo = 1
	}
	if hi == 0 {
		hi = lo
	}
	return lo, hi
}

func (c Config) check() error {
	lo, hi := c.ngrams()
	if lo < 1 || hi < lo {
		return fmt.Errorf("vectorize: invalid ngram_range (%d, %d): both at least 1, the first not above the second", lo, hi)
	}
	if c.MaxFeatures < 0 {
		return fmt.Errorf("vectorize: max_features is %d; it must be 0 (all terms) or more", c.MaxFeatures)
	}
	if err := c.MinDF.check("min_df"); err != nil {
		return err
	}
	return c.MaxDF.check("max_df")
}

// Analyzer returns the function that turns one document into its terms,
// as CountVectorizer.build_analyzer() does: lowercase, tokenize, drop stop
// words, then form n-grams (all unigrams first, then bigrams, ...).
func (c Config) Analyzer() func(doc string) []string {
	stop := make(map[string]bool, len(c.StopWords))
	for _, w := range c.StopWords {
		stop[w] = true
	}
	lo, hi := c.ngrams()
	return func(doc string) []string {
		if !c.KeepCase {
			doc = Lower(doc)
		}
		toks := Tokenize(doc)
		if len(stop) > 0 {
			kept := toks[:0]
			for _, t := range toks {
				if !stop[t] {
					kept = append(kept, t)
				}
			}
			toks = kept
		}
		if lo == 1 && hi == 1 {
			return toks
		}
		var out []string
		for n := lo; n <= hi && n <= len(toks); n++ {
			for i := 0; i+n <= len(toks); i++ {
				out = append(out, strings.Join(toks[i:i+n], " "))
			}
		}
		return out
	}
}

// Count is CountVectorizer: a matrix of term counts, one row per document
// and one column per vocabulary term in alphabetical order.
type Count struct {
	Config Config

	vocab map[string]int
	names []string
}

// ErrNotFitted is returned by Transform before Fit.
var ErrNotFitted = errors.New("vectorize: not fitted")

// Fit learns the vocabulary of docs.
func (c *Count) Fit(ctx context.Context, docs []string, progress func(float64, string)) error {
	_, err := c.FitTransform(ctx, docs, progress)
	return err
}

// FitTransform learns the vocabulary of docs and returns their count matrix.
// progress (may be nil) receives the fraction of documents read.
func (c *Count) FitTransform(ctx context.Context, docs []string, progress func(float64, string)) (*sparse.Matrix, error) {
	if err := c.Config.check(); err != nil {
		return nil, err
	}
	analyze := c.Config.Analyzer()
	vocab := make(map[string]int)
	var names []string
	rows := make([][]sparse.Entry, len(docs))
	counts := make(map[int]int)
	for i, doc := range docs {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if progress != nil {
				progress(float64(i)/float64(len(docs)), "counting terms")
			}
		}
		clear(counts)
		for _, term := range analyze(doc) {
			id, ok := vocab[term]
			if !ok {
				id = len(names)
				vocab[term] = id
				names = append(names, term)
			}
			counts[id]++
		}
		row := make([]sparse.Entry, 0, len(counts))
		for id, n := range counts {
			row = append(row, sparse.Entry{Col: id, Value: float64(n)})
		}
		rows[i] = row
	}
	if len(names) == 0 {
		return nil, errors.New("vectorize: empty vocabulary; perhaps the documents only contain stop words")
	}
	// Document and corpus frequencies per term.
	df := make([]int, len(names))
	tf := make([]int64, len(names))
	for _, row := range rows {
		for _, e := range row {
			df[e.Col]++
			tf[e.Col] += int64(e.Value)
		}
	}
	keep, err := c.limit(names, df, tf, len(docs))
	if err != nil {
		return nil, err
	}
	// Kept terms in alphabetical order get the new column numbers.
	sort.Slice(keep, func(a, b int) bool { return names[keep[a]] < names[keep[b]] })
	newCol := make([]int, len(names))
	for i := range newCol {
		newCol[i] = -1
	}
	c.vocab = make(map[string]int, len(keep))
	c.names = make([]string, len(keep))
	for j, old := range keep {
		newCol[old] = j
		c.vocab[names[old]] = j
		c.names[j] = names[old]
	}
	for i, row := range rows {
		kept := row[:0]
		for _, e := range row {
			if j := newCol[e.Col]; j >= 0 {
				if c.Config.Binary {
					e.Value = 1
				}
				kept = append(kept, sparse.Entry{Col: j, Value: e.Value})
			}
		}
		rows[i] = kept
	}
	if progress != nil {
		progress(1, "counting terms")
	}
	return sparse.FromRows(rows, len(c.names))
}

// limit applies MaxDF, MinDF and MaxFeatures as CountVectorizer's
// _limit_features does and returns the old ids of the kept terms.
func (c *Count) limit(names []string, df []int, tf []int64, nDocs int) ([]int, error) {
	// Defaults as scikit-learn's: max_df=1.0 (all documents), min_df=1.
	high, low := float64(nDocs), 1.0
	if !c.Config.MaxDF.isZero() {
		high = c.Config.MaxDF.bound(nDocs)
	}
	if !c.Config.MinDF.isZero() {
		low = c.Config.MinDF.bound(nDocs)
	}
	if high < low && c.Config.MaxDF.isZero() {
		return nil, fmt.Errorf("vectorize: min_df asks for terms in at least %v documents, but there are only %d documents; lower min_df", low, nDocs)
	}
	if high < low {
		return nil, fmt.Errorf("vectorize: max_df keeps terms in at most %v documents, fewer than the %v that min_df asks for; lower min_df or raise max_df", high, low)
	}
	// scikit-learn sorts the features alphabetically before choosing the
	// most frequent ones, and the order matters for ties.
	alpha := make([]int, len(names))
	for i := range alpha {
		alpha[i] = i
	}
	sort.Slice(alpha, func(a, b int) bool { return names[alpha[a]] < names[alpha[b]] })
	var kept []int
	for _, id := range alpha {
		if d := float64(df[id]); d <= high && d >= low {
			kept = append(kept, id)
		}
	}
	if lim := c.Config.MaxFeatures; lim > 0 && len(kept) > lim {
		neg := make([]int64, len(kept))
		for k, id := range kept {
			neg[k] = -tf[id]
		}
		order := argsortQuick(neg)[:lim]
		top := make([]int, lim)
		for k, o := range order {
			top[k] = kept[o]
		}
		kept = top
	}
	if len(kept) == 0 {
		return nil, errors.New("vectorize: after pruning, no terms remain; try a lower min_df or a higher max_df")
	}
	return kept, nil
}

// Transform counts the vocabulary terms in docs; unknown terms are ignored.
func (c *Count) Transform(ctx context.Context, docs []string) (*sparse.Matrix, error) {
	if c.vocab == nil {
		return nil, ErrNotFitted
	}
	analyze := c.Config.Analyzer()
	rows := make([][]sparse.Entry, len(docs))
	for i, doc := range docs {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		var row []sparse.Entry
		for _, term := range analyze(doc) {
			if j, ok := c.vocab[term]; ok {
				row = append(row, sparse.Entry{Col: j, Value: 1})
			}
		}
		rows[i] = row
	}
	m, err := sparse.FromRows(rows, len(c.names))
	if err != nil {
		return nil, err
	}
	if c.Config.Binary {
		for k := range m.Data {
			m.Data[k] = 1
		}
	}
	return m, nil
}

// FeatureNames returns the vocabulary in column order (alphabetical), as
// get_feature_names_out(). It is nil before Fit.
func (c *Count) FeatureNames() []string { return c.names }

// Index returns the column of term and whether it is in the vocabulary.
func (c *Count) Index(term string) (int, bool) {
	j, ok := c.vocab[term]
	return j, ok
}
