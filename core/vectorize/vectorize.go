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
	"slices"
	"strings"

	"textlab/core/npsort"
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
	tokens := c.tokenizer()
	lo, hi := c.ngrams()
	return func(doc string) []string {
		toks := tokens(nil, doc)
		if lo == 1 && hi == 1 {
			return toks
		}
		var out []string
		var gram []byte
		for n := lo; n <= hi && n <= len(toks); n++ {
			for i := 0; i+n <= len(toks); i++ {
				gram = appendGram(gram[:0], toks[i:i+n])
				out = append(out, string(gram))
			}
		}
		return out
	}
}

// tokenizer returns the first steps of the analyzer: lowercase, tokenize
// and drop stop words, appending the tokens of doc to dst.
func (c Config) tokenizer() func(dst []string, doc string) []string {
	stop := make(map[string]bool, len(c.StopWords))
	for _, w := range c.StopWords {
		stop[w] = true
	}
	return func(dst []string, doc string) []string {
		if !c.KeepCase {
			doc = Lower(doc)
		}
		start := len(dst)
		dst = appendTokens(dst, doc)
		if len(stop) > 0 {
			kept := dst[:start]
			for _, t := range dst[start:] {
				if !stop[t] {
					kept = append(kept, t)
				}
			}
			dst = kept
		}
		return dst
	}
}

// appendGram appends the words of toks joined by single spaces to dst.
func appendGram(dst []byte, toks []string) []byte {
	for k, t := range toks {
		if k > 0 {
			dst = append(dst, ' ')
		}
		dst = append(dst, t...)
	}
	return dst
}

// termCounter counts the terms of one document at a time: it forms the
// n-grams of the document's tokens, finds their ids with lookup and
// accumulates the counts in a dense array, so that no per-term allocation
// or map of counts is needed.
type termCounter struct {
	lo, hi  int
	toks    []string
	gram    []byte
	counts  []int // by term id; all zero between documents
	touched []int // ids with a non-zero count, in order of first occurrence
}

// count adds the terms of toks. lookup returns the id of a term (the
// []byte is only valid during the call; key is its string when the term is
// a unigram, "" otherwise), or -1 to ignore the term.
func (tc *termCounter) count(toks []string, lookup func(key string, gram []byte) int) {
	for n := tc.lo; n <= tc.hi && n <= len(toks); n++ {
		for i := 0; i+n <= len(toks); i++ {
			var id int
			if n == 1 {
				id = lookup(toks[i], nil)
			} else {
				tc.gram = appendGram(tc.gram[:0], toks[i:i+n])
				id = lookup("", tc.gram)
			}
			if id < 0 {
				continue
			}
			for id >= len(tc.counts) {
				tc.counts = append(tc.counts, 0)
			}
			if tc.counts[id] == 0 {
				tc.touched = append(tc.touched, id)
			}
			tc.counts[id]++
		}
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
	tokens := c.Config.tokenizer()
	lo, hi := c.Config.ngrams()
	tc := &termCounter{lo: lo, hi: hi}
	vocab := make(map[string]int)
	var names []string
	lookup := func(key string, gram []byte) int {
		if gram == nil {
			if id, ok := vocab[key]; ok {
				return id
			}
		} else {
			if id, ok := vocab[string(gram)]; ok { // no allocation
				return id
			}
			key = string(gram)
		}
		id := len(names)
		vocab[key] = id
		names = append(names, key)
		return id
	}
	// The counts of all documents, row after row: ids (first-seen term
	// numbers) and counts, rows delimited by indptr.
	indptr := make([]int, 1, len(docs)+1)
	var ids, counts []int
	for i, doc := range docs {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if progress != nil {
				progress(float64(i)/float64(len(docs)), "counting terms")
			}
		}
		tc.toks = tokens(tc.toks[:0], doc)
		tc.count(tc.toks, lookup)
		for _, id := range tc.touched {
			ids = append(ids, id)
			counts = append(counts, tc.counts[id])
			tc.counts[id] = 0
		}
		tc.touched = tc.touched[:0]
		indptr = append(indptr, len(ids))
	}
	if len(names) == 0 {
		return nil, errors.New("vectorize: empty vocabulary; perhaps the documents only contain stop words")
	}
	// Document and corpus frequencies per term.
	df := make([]int, len(names))
	tf := make([]int64, len(names))
	for k, id := range ids {
		df[id]++
		tf[id] += int64(counts[k])
	}
	keep, err := c.limit(names, df, tf, len(docs))
	if err != nil {
		return nil, err
	}
	// Kept terms, in alphabetical order, get the new column numbers.
	newCol := make([]int, len(names))
	for i := range newCol {
		newCol[i] = -1
	}
	c.names = make([]string, len(keep))
	for j, old := range keep {
		newCol[old] = j
		c.names[j] = names[old]
	}
	if len(keep) == len(names) {
		for j, term := range c.names {
			vocab[term] = j
		}
		c.vocab = vocab
	} else {
		c.vocab = make(map[string]int, len(keep))
		for j, term := range c.names {
			c.vocab[term] = j
		}
	}
	X := buildRows(indptr, ids, counts, newCol, len(c.names), c.Config.Binary)
	if progress != nil {
		progress(1, "counting terms")
	}
	return X, nil
}

// buildRows makes the count matrix from the rows of (id, count) pairs
// delimited by indptr, mapping id to column newCol[id] and leaving out
// the ids mapped to -1. Within a row ids are distinct and counts positive.
func buildRows(indptr, ids, counts, newCol []int, cols int, binary bool) *sparse.Matrix {
	X := &sparse.Matrix{Rows: len(indptr) - 1, Cols: cols, Indptr: make([]int, 1, len(indptr))}
	X.Indices = make([]int, 0, len(ids))
	X.Data = make([]float64, 0, len(ids))
	// A row is sorted by column as one key: column in the high 32 bits,
	// count in the low 32 (a count of 2³² needs more than 8 GB of text).
	var keys []uint64
	for i := 0; i+1 < len(indptr); i++ {
		keys = keys[:0]
		for k := indptr[i]; k < indptr[i+1]; k++ {
			if j := newCol[ids[k]]; j >= 0 {
				keys = append(keys, uint64(j)<<32|uint64(uint32(counts[k])))
			}
		}
		slices.Sort(keys)
		for _, key := range keys {
			v := float64(uint32(key))
			if binary {
				v = 1
			}
			X.Indices = append(X.Indices, int(key>>32))
			X.Data = append(X.Data, v)
		}
		X.Indptr = append(X.Indptr, len(X.Indices))
	}
	return X
}

// limit applies MaxDF, MinDF and MaxFeatures as CountVectorizer's
// _limit_features does and returns the old ids of the kept terms, in
// alphabetical order.
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
	kept := make([]int, 0, len(names))
	for id, d := range df {
		if d := float64(d); d <= high && d >= low {
			kept = append(kept, id)
		}
	}
	slices.SortFunc(kept, func(a, b int) int { return strings.Compare(names[a], names[b]) })
	if lim := c.Config.MaxFeatures; lim > 0 && len(kept) > lim {
		neg := make([]int64, len(kept))
		for k, id := range kept {
			neg[k] = -tf[id]
		}
		order := npsort.Argsort(neg)[:lim]
		slices.Sort(order) // back to alphabetical order
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
	tokens := c.Config.tokenizer()
	lo, hi := c.Config.ngrams()
	tc := &termCounter{lo: lo, hi: hi, counts: make([]int, len(c.names))}
	lookup := func(key string, gram []byte) int {
		var id int
		var ok bool
		if gram == nil {
			id, ok = c.vocab[key]
		} else {
			id, ok = c.vocab[string(gram)] // no allocation
		}
		if !ok {
			return -1
		}
		return id
	}
	indptr := make([]int, 1, len(docs)+1)
	var ids, counts []int
	for i, doc := range docs {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		tc.toks = tokens(tc.toks[:0], doc)
		tc.count(tc.toks, lookup)
		for _, id := range tc.touched {
			ids = append(ids, id)
			counts = append(counts, tc.counts[id])
			tc.counts[id] = 0
		}
		tc.touched = tc.touched[:0]
		indptr = append(indptr, len(ids))
	}
	newCol := make([]int, len(c.names))
	for j := range newCol {
		newCol[j] = j
	}
	return buildRows(indptr, ids, counts, newCol, len(c.names), c.Config.Binary), nil
}

// FeatureNames returns the vocabulary in column order (alphabetical), as
// get_feature_names_out(). It is nil before Fit.
func (c *Count) FeatureNames() []string { return c.names }

// Index returns the column of term and whether it is in the vocabulary.
func (c *Count) Index(term string) (int, bool) {
	j, ok := c.vocab[term]
	return j, ok
}
