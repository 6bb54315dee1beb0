// Package vader scores the sentiment of English text with VADER (Valence
// Aware Dictionary and sEntiment Reasoner; Hutto and Gilbert, 2014), rule for
// rule as the JavaScript port vader-sentiment 1.1.3 does it, so that Textlab
// in the browser gives the numbers students find in the literature's tools.
//
// A text is split at white space into words and emoticons; each word found in
// the lexicon gets its valence, which the rules then adjust: booster and
// dampener words up to three words before it ("very good"), negations ("not
// good", "isn't good", "never so good"), ALL CAPS emphasis when only some
// words are capitalised, "least", "kind of"/"sort of", a few idioms ("the
// bomb"), a contrastive "but" (halving what comes before it, raising what
// comes after by half), and exclamation and question marks. The sum is
// squashed to the compound score x/sqrt(x²+15) in [-1, 1]; Pos, Neu and Neg
// are the shares of positive, neutral and negative weight.
//
// The port's quirks are kept on purpose: negations and idioms match case
// sensitively, emoji other than the lexicon's ASCII emoticons carry no
// valence, and tokens of a single character are dropped.
package vader

import (
	"context"
	"math"
	"math/big"
	"strings"
)

// Scores are VADER's four numbers for one text, rounded as the reference
// rounds them: Compound to 4 decimals, the proportions to 3.
type Scores struct {
	// Compound is the normalised sum of valences, in [-1, 1].
	Compound float64 `json:"compound"`
	// Pos, Neu and Neg are the shares of positive, neutral and negative
	// weight; they add up to 1 (up to rounding) unless the text has no words,
	// when all four scores are 0.
	Pos float64 `json:"pos"`
	Neu float64 `json:"neu"`
	Neg float64 `json:"neg"`
}

// Word is one scored word or emoticon of a text.
type Word struct {
	// Text is the word as it appears in the text, without the punctuation
	// the tokenizer stripped ("good" for "good!!").
	Text string `json:"text"`
	// Start and End are the byte offsets of Text in the text.
	Start int `json:"start"`
	End   int `json:"end"`
	// InLexicon says whether the lower-cased word is in the VADER lexicon;
	// Lexicon is then its listed valence.
	InLexicon bool    `json:"inLexicon"`
	Lexicon   float64 `json:"lexicon"`
	// Valence is the word's contribution to the sum after every rule
	// (boosters, negation, caps, idioms, "least", "but"); 0 for words outside
	// the lexicon and for booster words themselves.
	Valence float64 `json:"valence"`
}

// Result is the full account of one text's score.
type Result struct {
	Scores
	// Words are the tokens that were scored, in order.
	Words []Word `json:"words"`
	// Sum is the sum of the words' valences, before punctuation emphasis.
	Sum float64 `json:"sum"`
	// Emphasis is the amplifier from exclamation and question marks, added
	// to the sum's magnitude.
	Emphasis float64 `json:"emphasis"`
}

// Score returns the VADER scores of text.
func Score(text string) Scores { return Analyze(text).Scores }

// ScoreAll scores each text, reporting progress to progress (which may be
// nil) and stopping with ctx's error when ctx is cancelled.
func ScoreAll(ctx context.Context, texts []string, progress func(fraction float64, message string)) ([]Scores, error) {
	out := make([]Scores, len(texts))
	for i, t := range texts {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if progress != nil {
				progress(float64(i)/float64(len(texts)), "scoring with VADER")
			}
		}
		out[i] = Score(t)
	}
	if progress != nil {
		progress(1, "scored with VADER")
	}
	return out, nil
}

// Analyze scores text and returns each word's contribution as well.
func Analyze(text string) Result {
	toks := wordsAndEmoticons(text)
	words := make([]string, len(toks))
	lowers := make([]string, len(toks))
	for i, t := range toks {
		words[i] = t.text
		lowers[i] = lower(t.text)
	}
	s := sentence{words: words, lowers: lowers, capDiff: capDifferential(words)}

	res := Result{Words: make([]Word, len(toks))}
	sentiments := make([]float64, len(toks))
	for i := range words {
		v, ok := Lexicon(lowers[i])
		res.Words[i] = Word{Text: toks[i].text, Start: toks[i].start, End: toks[i].end, InLexicon: ok, Lexicon: v}
		_, boost := boosters[lowers[i]]
		if boost || i < len(words)-1 && lowers[i] == "kind" && lowers[i+1] == "of" {
			continue // a modifier, not a sentiment word
		}
		sentiments[i] = s.valence(i)
	}
	butCheck(words, sentiments)
	for i, v := range sentiments {
		res.Words[i].Valence = v
	}
	res.Scores, res.Sum, res.Emphasis = scoreValence(sentiments, text)
	return res
}

// sentence holds the tokens of one text and whether ALL CAPS words stand out.
type sentence struct {
	words   []string // tokens as written
	lowers  []string // tokens lower-cased
	capDiff bool     // some but not all tokens are ALL CAPS
}

// capDifferential reports whether some, but not all, words are ALL CAPS.
func capDifferential(words []string) bool {
	caps := 0
	for _, w := range words {
		if isUpper(w) {
			caps++
		}
	}
	d := len(words) - caps
	return d > 0 && d < len(words)
}

// valence returns the valence of word i after the rules that look at the
// words before it (the "but" rule comes later, over the whole text).
func (s *sentence) valence(i int) float64 {
	v, ok := Lexicon(s.lowers[i])
	if !ok {
		return 0
	}
	// ALL CAPS emphasis.
	if s.capDiff && isUpper(s.words[i]) {
		if v > 0 {
			v += cIncr
		} else {
			v -= cIncr
		}
	}
	// Boosters, dampeners and negations one to three words back, each
	// looked at only when that word is not itself in the lexicon.
	for back := 0; back < 3; back++ {
		j := i - back - 1
		if j < 0 {
			break
		}
		if _, ok := Lexicon(s.lowers[j]); ok {
			continue
		}
		b := s.boost(j, v)
		if back == 1 && b != 0 {
			b *= 0.95
		} else if back == 2 && b != 0 {
			b *= 0.9
		}
		v += b
		v = s.neverCheck(v, back, i)
		if back == 2 {
			v = s.idiomsCheck(v, i)
		}
	}
	return s.leastCheck(v, i)
}

// boost returns what the booster or dampener word j adds to a word of
// valence v (0 when j is neither), with ALL CAPS emphasis.
func (s *sentence) boost(j int, v float64) float64 {
	b, ok := boosters[s.lowers[j]]
	if !ok {
		return 0
	}
	if v < 0 {
		b = -b
	}
	if s.capDiff && isUpper(s.words[j]) {
		if v > 0 {
			b += cIncr
		} else {
			b -= cIncr
		}
	}
	return b
}

// negated reports whether w is a negation word or contains "n't".
func negated(w string) bool {
	return negations[w] || strings.Contains(w, "n't")
}

// neverCheck applies negation by the word back+1 places before word i, and
// the port's "never so/this" emphasis.
func (s *sentence) neverCheck(v float64, back, i int) float64 {
	w := s.words
	soThis := func(x string) bool { return x == "so" || x == "this" }
	switch back {
	case 0:
		if negated(w[i-1]) {
			v *= nScalar
		}
	case 1:
		if w[i-2] == "never" && soThis(w[i-1]) {
			v *= 1.5
		} else if negated(w[i-2]) {
			v *= nScalar
		}
	case 2:
		if w[i-3] == "never" && soThis(w[i-2]) || soThis(w[i-1]) {
			v *= 1.25
		} else if negated(w[i-3]) {
			v *= nScalar
		}
	}
	return v
}

// idiomsCheck replaces v with the valence of an idiom around word i (i ≥ 3)
// and applies the two-word dampeners "kind of", "sort of", "just enough".
func (s *sentence) idiomsCheck(v float64, i int) float64 {
	w := s.words
	oneZero := w[i-1] + " " + w[i]
	twoOneZero := w[i-2] + " " + w[i-1] + " " + w[i]
	twoOne := w[i-2] + " " + w[i-1]
	threeTwoOne := w[i-3] + " " + w[i-2] + " " + w[i-1]
	threeTwo := w[i-3] + " " + w[i-2]
	for _, seq := range []string{oneZero, twoOneZero, twoOne, threeTwoOne, threeTwo} {
		if iv, ok := idioms[seq]; ok {
			v = iv
			break
		}
	}
	if len(w)-1 > i {
		if iv, ok := idioms[w[i]+" "+w[i+1]]; ok {
			v = iv
		}
	}
	if len(w)-1 > i+1 {
		if iv, ok := idioms[w[i]+" "+w[i+1]+" "+w[i+2]]; ok {
			v = iv
		}
	}
	_, a := boosters[threeTwo]
	_, b := boosters[twoOne]
	if a || b {
		v += bDecr
	}
	return v
}

// leastCheck negates word i after "least", except in "at least" and
// "very least".
func (s *sentence) leastCheck(v float64, i int) float64 {
	if i == 0 || s.lowers[i-1] != "least" {
		return v
	}
	if _, ok := Lexicon("least"); ok {
		return v
	}
	if i > 1 && (s.lowers[i-2] == "at" || s.lowers[i-2] == "very") {
		return v
	}
	return v * nScalar
}

// butCheck halves the valences before the first "but" (or, when there is
// none, "BUT") and raises those after it by half.
func butCheck(words []string, sentiments []float64) {
	at := index(words, "but")
	if at < 0 {
		at = index(words, "BUT")
	}
	if at < 0 {
		return
	}
	for i := range sentiments {
		if i < at {
			sentiments[i] *= 0.5
		} else if i > at {
			sentiments[i] *= 1.5
		}
	}
}

func index(words []string, w string) int {
	for i, x := range words {
		if x == w {
			return i
		}
	}
	return -1
}

// emphasis returns the amplifier from exclamation marks (0.292 each, up to
// 4) and question marks (0.18 each for 2 or 3, 0.96 for more).
func emphasis(text string) float64 {
	ep := min(strings.Count(text, "!"), 4)
	amp := float64(ep) * 0.292
	qm := strings.Count(text, "?")
	qamp := 0.0
	if qm > 1 {
		if qm <= 3 {
			qamp = float64(qm) * 0.18
		} else {
			qamp = 0.96
		}
	}
	return amp + qamp
}

// normalize squashes a sum of valences into [-1, 1].
func normalize(x float64) float64 {
	n := x / math.Sqrt(x*x+alpha)
	return max(-1, min(1, n))
}

// scoreValence turns the word valences into the four scores.
func scoreValence(sentiments []float64, text string) (sc Scores, sum, amp float64) {
	if len(sentiments) == 0 {
		return Scores{}, 0, 0
	}
	for _, v := range sentiments {
		sum += v
	}
	amp = emphasis(text)
	total := sum
	if total > 0 {
		total += amp
	} else if total < 0 {
		total -= amp
	}
	compound := normalize(total)

	var posSum, negSum float64
	neutral := 0
	for _, v := range sentiments {
		switch {
		case v > 0:
			posSum += v + 1 // +1 compensates for neutral words counting 1
		case v < 0:
			negSum += v - 1
		default:
			neutral++
		}
	}
	if posSum > math.Abs(negSum) {
		posSum += amp
	} else if posSum < math.Abs(negSum) {
		negSum -= amp
	}
	all := posSum + math.Abs(negSum) + float64(neutral)
	return Scores{
		Compound: toFixed(compound, 4),
		Pos:      toFixed(math.Abs(posSum/all), 3),
		Neu:      toFixed(math.Abs(float64(neutral)/all), 3),
		Neg:      toFixed(math.Abs(negSum/all), 3),
	}, sum, amp
}

// toFixed rounds x to the given number of decimals the way JavaScript's
// Number.prototype.toFixed does: on the exact binary value, ties away from
// zero (Go's strconv rounds ties to even).
func toFixed(x float64, decimals int) float64 {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	neg := x < 0
	r := new(big.Rat).SetFloat64(math.Abs(x))
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(decimals)), nil)
	r.Mul(r, new(big.Rat).SetInt(scale))
	q, m := new(big.Int).QuoRem(r.Num(), r.Denom(), new(big.Int))
	if m.Lsh(m, 1).Cmp(r.Denom()) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	f, _ := new(big.Rat).SetFrac(q, scale).Float64()
	if neg {
		return -f
	}
	return f
}
