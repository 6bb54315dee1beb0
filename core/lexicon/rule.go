package lexicon

import "textlab/core/vader"

// RuleKind says which number a Rule looks at.
type RuleKind string

// The kinds of rule.
const (
	// Compound thresholds VADER's compound score.
	Compound RuleKind = "compound"
	// Share thresholds one category's share of the words.
	Share RuleKind = "share"
	// Score thresholds a dictionary's summed weights (AFINN's rating).
	Score RuleKind = "score"
	// Majority picks the category with the most matches.
	Majority RuleKind = "majority"
)

// Rule maps a document's scores to a predicted label. It is plain data, so
// a page can store it and show it.
//
// For Compound, Share and Score rules, a value at or above Threshold is
// labelled Above. Without a Neutral label every other value is Below; with
// one, values at or below -Threshold are Below and those in between Neutral
// (VADER's usual three-way split: see VADERRule).
//
// For Majority, the label is the name of the category with the most
// matches (ties go to the category listed first), or the label Labels
// gives that category; a document without matches gets Neutral.
type Rule struct {
	// Kind is what the rule looks at; "" means Compound.
	Kind RuleKind `json:"kind"`
	// Category is the category a Share rule looks at.
	Category string `json:"category,omitempty"`
	// Threshold is the cut-off value (0 if unset, used as given).
	Threshold float64 `json:"threshold"`
	// Above and Below are the labels on either side of Threshold; they
	// default to "positive" and "negative".
	Above string `json:"above,omitempty"`
	Below string `json:"below,omitempty"`
	// Neutral, when set, labels the band between -Threshold and Threshold
	// (and documents without matches under Majority, where it defaults to
	// "none").
	Neutral string `json:"neutral,omitempty"`
	// Labels, for Majority, gives the label of each category; a category
	// without one is labelled with its own name.
	Labels map[string]string `json:"labels,omitempty"`
}

// VADERRule is the rule VADER's authors recommend: compound ≥ 0.05 is
// positive, ≤ -0.05 negative, anything between neutral.
func VADERRule() Rule {
	return Rule{Kind: Compound, Threshold: 0.05, Above: "positive", Below: "negative", Neutral: "neutral"}
}

// LabelVADER returns the label of a document with VADER scores s. Only a
// Compound rule can label VADER scores.
func (r Rule) LabelVADER(s vader.Scores) (string, error) {
	if k := r.kind(); k != Compound {
		if !k.valid() {
			return "", ruleError(ErrUnknownRule, "unknown rule kind %q (want compound, share, score or majority)", k)
		}
		return "", ruleError(ErrNeedsList, "a %s rule needs a word list's counts, not VADER scores", k)
	}
	return r.threshold(s.Compound), nil
}

// Label returns the label of a document with dictionary result res.
func (r Rule) Label(res Result) (string, error) {
	switch k := r.kind(); k {
	case Share:
		c, ok := res.Count(r.Category)
		if !ok {
			return "", ruleError(ErrUnknownCategory, "share rule: the dictionary has no category %q", r.Category)
		}
		return r.threshold(c.Share), nil
	case Score:
		return r.threshold(res.Score), nil
	case Majority:
		best := -1
		for i, c := range res.Counts {
			if c.Count > 0 && (best < 0 || c.Count > res.Counts[best].Count) {
				best = i
			}
		}
		if best < 0 {
			return orDefault(r.Neutral, "none"), nil
		}
		return orDefault(r.Labels[res.Counts[best].Category], res.Counts[best].Category), nil
	case Compound:
		return "", ruleError(ErrNeedsVADER, "the compound rule needs VADER scores, not a word list's counts")
	default:
		return "", ruleError(ErrUnknownRule, "unknown rule kind %q (want compound, share, score or majority)", k)
	}
}

// valid reports whether k is one of the four kinds.
func (k RuleKind) valid() bool {
	switch k {
	case Compound, Share, Score, Majority:
		return true
	}
	return false
}

func (r Rule) kind() RuleKind {
	if r.Kind == "" {
		return Compound
	}
	return r.Kind
}

func (r Rule) threshold(v float64) string {
	above, below := orDefault(r.Above, "positive"), orDefault(r.Below, "negative")
	switch {
	case v >= r.Threshold:
		return above
	case r.Neutral == "" || v <= -r.Threshold:
		return below
	}
	return r.Neutral
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
