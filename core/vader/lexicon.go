package vader

import (
	_ "embed"
	"strconv"
	"strings"
	"sync"
)

// lexiconTSV is the VADER lexicon as the reference scorer uses it, one
// "word<TAB>valence" line per entry, written by tools/make-lexicons.mjs
// (see README.md for source, version and license).
//
//go:embed vader_lexicon.tsv
var lexiconTSV string

var (
	lexiconOnce sync.Once
	lexicon     map[string]float64
)

// Lexicon returns the valence of word in the VADER lexicon (looked up as
// given; the scorer lower-cases words first) and whether it is listed.
func Lexicon(word string) (float64, bool) {
	v, ok := lex()[word]
	return v, ok
}

// LexiconSize returns the number of entries in the embedded lexicon.
func LexiconSize() int { return len(lex()) }

func lex() map[string]float64 {
	lexiconOnce.Do(func() {
		lexicon = make(map[string]float64, 7600)
		for n, line := range strings.Split(strings.TrimSuffix(lexiconTSV, "\n"), "\n") {
			word, val, ok := strings.Cut(line, "\t")
			v, err := strconv.ParseFloat(val, 64)
			if !ok || err != nil {
				// The file is produced by our own script and embedded, so a
				// bad line is a build defect, not user input.
				panic("vader: vader_lexicon.tsv line " + strconv.Itoa(n+1) + " is not word<TAB>number")
			}
			lexicon[word] = v
		}
	})
	return lexicon
}
