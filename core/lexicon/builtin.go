package lexicon

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"strconv"
	"strings"
	"sync"
)

// The built-in lists, derived by tools/make-lexicons.mjs and
// tools/make-bing.sh (see data/README.md for sources and licenses).
var (
	//go:embed data/afinn111.csv
	afinnCSV []byte
	//go:embed data/bing.csv
	bingCSV []byte
)

var (
	afinnOnce, bingOnce sync.Once
	afinn, bing         *Dictionary
)

// AFINN returns AFINN-111 (Finn Årup Nielsen, 2011): 2,477 English words and
// phrases rated from -5 to +5. It is weighted, with the categories
// "negative", "neutral" and "positive" by the sign of the rating (only
// "some kind" is rated 0); Result.Score is the summed rating. Callers must
// not modify the returned dictionary.
func AFINN() *Dictionary {
	afinnOnce.Do(func() {
		afinn = builtin("afinn", afinnCSV, []string{"negative", "neutral", "positive"}, func(rec []string) (int, float64) {
			v, err := strconv.ParseFloat(rec[1], 64)
			if err != nil {
				panic("lexicon: data/afinn111.csv: bad valence " + rec[1])
			}
			switch {
			case v < 0:
				return 0, v
			case v == 0:
				return 1, v
			}
			return 2, v
		})
	})
	return afinn
}

// Bing returns the opinion lexicon of Hu and Liu (2004) as tidytext 0.4.1
// ships it: 6,786 words in the categories "negative" and "positive"
// (unweighted; three words are in both). Callers must not modify the
// returned dictionary.
func Bing() *Dictionary {
	bingOnce.Do(func() {
		bing = builtin("bing", bingCSV, nil, func(rec []string) (int, float64) {
			if rec[1] == "positive" {
				return 1, 1
			}
			return 0, 1
		})
	})
	return bing
}

// builtin reads an embedded CSV (with a header row) into a dictionary with
// the given categories (nil: "negative", "positive"; weighted when given);
// entry returns a row's category index and weight. Terms are taken literally
// ("f**k" is not a prefix); a term the tokenizer would split differently
// could never match and is left out.
func builtin(name string, data []byte, categories []string, entry func(rec []string) (int, float64)) *Dictionary {
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		panic("lexicon: embedded " + name + " list: " + err.Error())
	}
	d := &Dictionary{Name: name, Categories: categories, Weighted: categories != nil}
	if categories == nil {
		d.Categories = []string{"negative", "positive"}
	}
	for _, rec := range recs[1:] {
		var words []string
		for _, t := range Tokenize(rec[0]) {
			words = append(words, t.Word)
		}
		term := strings.Join(words, " ")
		if term != strings.ToLower(rec[0]) {
			continue
		}
		c, w := entry(rec)
		d.Entries = append(d.Entries, Entry{Term: term, Category: c, Weight: w})
	}
	d.build()
	return d
}
