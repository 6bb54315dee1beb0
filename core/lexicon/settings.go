package lexicon

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// The outcomes of the threshold rules (Compound, Share, Score). Majority's
// outcomes are the dictionary's categories and NoMatch.
const (
	OutcomeAbove   = "above"
	OutcomeBelow   = "below"
	OutcomeNeutral = "neutral"
	// NoMatch is Majority's outcome for a document in which no word of
	// the dictionary matched.
	NoMatch = "no match"
)

// RuleSettings is a rule as a person sets it, on the Dictionary page or on
// the command line: the kind and its parameters, and the label of the data
// set that each outcome of the rule predicts. RuleSettings.Rule turns it
// into a Rule; Evaluate applies it to scored documents.
//
// The zero RuleSettings is the compound rule at 0 without a neutral band,
// whose outcomes are predicted as themselves ("above", "below").
type RuleSettings struct {
	// Kind is the rule; "" means Compound.
	Kind RuleKind `json:"kind"`
	// Category is the category a Share rule looks at.
	Category string `json:"category,omitempty"`
	// Threshold is the cut-off (Compound, Share, Score).
	Threshold float64 `json:"threshold"`
	// Neutral asks for a neutral band between -Threshold and +Threshold
	// (Compound and Score only: see RuleKind.HasBand).
	Neutral bool `json:"neutral"`
	// Mapping maps each outcome of the rule (OutcomeAbove, OutcomeBelow,
	// OutcomeNeutral; for Majority the category names and NoMatch) to a
	// label of the data set. An outcome without a label (missing or "") is
	// predicted as itself, so it is wrong unless a gold label is spelled
	// the same. Entries for outcomes the rule does not have are ignored.
	Mapping map[string]string `json:"mapping,omitempty"`
}

// AllKinds returns every rule kind, in the order pages offer them.
func AllKinds() []RuleKind { return []RuleKind{Compound, Share, Score, Majority} }

// Kinds returns the rule kinds that apply to the scores of d (nil: VADER):
// Compound for VADER; Share and Majority for a word list, and Score too
// when the list is weighted.
func Kinds(d *Dictionary) []RuleKind {
	switch {
	case d == nil:
		return []RuleKind{Compound}
	case d.Weighted:
		return []RuleKind{Share, Score, Majority}
	}
	return []RuleKind{Share, Majority}
}

// HasCategory reports whether a rule of kind k looks at one category.
func (k RuleKind) HasCategory() bool { return k == Share }

// HasThreshold reports whether a rule of kind k has a threshold.
func (k RuleKind) HasThreshold() bool { return k != Majority }

// HasBand reports whether a rule of kind k may have a neutral band: its
// value can fall below -threshold.
func (k RuleKind) HasBand() bool { return k == Compound || k == Score || k == "" }

// KindSettings returns the settings a rule of kind k starts with on data
// with the given labels (nil: not known yet). With a neutral label among
// them (GuessLabel finds one for OutcomeNeutral), or none known, the
// compound and score rules have a neutral band: compound ≥ 0.05, ≤ −0.05
// and in between (VADER's authors' rule), score ≥ 1, ≤ −1 and in between
// (for AFINN's whole-number ratings: positive, negative, zero). Without
// one, every text gets one of the two sides: compound ≥ 0 or score ≥ 0
// above, below 0 below, so a text without a single sentiment word counts
// as above. The share rule starts at 5%; the majority rule has no numbers.
func KindSettings(k RuleKind, labels []string) RuleSettings {
	s := RuleSettings{Kind: k}
	band := len(labels) == 0 || GuessLabel(OutcomeNeutral, labels) != ""
	switch k {
	case Compound, "":
		s.Kind, s.Neutral = Compound, band
		if band {
			s.Threshold = 0.05
		}
	case Score:
		s.Neutral = band
		if band {
			s.Threshold = 1
		}
	case Share:
		s.Threshold = 0.05
	}
	return s
}

// DefaultSettings returns the rule a page starts with for the scores of d
// (nil: VADER) on data with the given labels (nil: not known yet): VADER's
// compound rule; the summed score for a weighted list with "positive" and
// "negative" categories (AFINN); otherwise the majority category (with
// the category "positive" chosen for Share, if d has it). KindSettings
// says where the thresholds and the neutral band start.
func DefaultSettings(d *Dictionary, labels []string) RuleSettings {
	switch {
	case d == nil:
		return KindSettings(Compound, labels)
	case d.Weighted && slices.Contains(d.Categories, "positive") && slices.Contains(d.Categories, "negative"):
		s := KindSettings(Score, labels)
		s.Category = defaultCategory(d)
		return s
	}
	s := KindSettings(Majority, labels)
	s.Category = defaultCategory(d)
	return s
}

func defaultCategory(d *Dictionary) string {
	switch {
	case slices.Contains(d.Categories, "positive"):
		return "positive"
	case len(d.Categories) > 0:
		return d.Categories[0]
	}
	return ""
}

// WithKind returns s switched to kind k, with k's starting threshold and
// band for data with the given labels (KindSettings); the category and the
// mapping are kept.
func (s RuleSettings) WithKind(k RuleKind, labels []string) RuleSettings {
	n := KindSettings(k, labels)
	n.Category, n.Mapping = s.Category, s.Mapping
	return n
}

// Fit adapts s to the scores of d (nil: VADER) and to the labels of a data
// set, as a page does when a dictionary is chosen or the data set scored:
// a kind that does not apply to d (or none) gives way to
// DefaultSettings(d, labels); a
// category d does not have gives way to "positive" or d's first; the band
// goes for kinds without one; and the outcomes get labels (GuessLabels).
// With no labels (nothing scored yet) the mapping is kept as it is. Entries
// for other outcomes are kept too, so switching kinds and back restores them.
func (s RuleSettings) Fit(d *Dictionary, labels []string) RuleSettings {
	if !slices.Contains(Kinds(d), s.Kind) {
		def := DefaultSettings(d, labels)
		def.Mapping = s.Mapping
		if d != nil && slices.Contains(d.Categories, s.Category) {
			def.Category = s.Category
		}
		s = def
	}
	if d != nil && !slices.Contains(d.Categories, s.Category) {
		s.Category = defaultCategory(d)
	}
	if !s.Kind.HasThreshold() {
		s.Threshold = 0
	}
	if !s.Kind.HasBand() {
		s.Neutral = false
	}
	return s.GuessLabels(d, labels)
}

// GuessLabels returns s with a label for every outcome of the rule (on the
// scores of d; nil: VADER) that has none yet, or one that is not among
// labels: the label GuessLabel finds. An outcome mapped to "" (no label,
// chosen) keeps it. With no labels, s is returned as it is.
func (s RuleSettings) GuessLabels(d *Dictionary, labels []string) RuleSettings {
	if len(labels) == 0 {
		return s
	}
	m := make(map[string]string, len(s.Mapping))
	for o, l := range s.Mapping {
		m[o] = l
	}
	for _, o := range s.Outcomes(d) {
		if l, ok := m[o.Key]; !ok || (l != "" && !slices.Contains(labels, l)) {
			m[o.Key] = GuessLabel(o.Key, labels)
		}
	}
	s.Mapping = m
	return s
}

// GuessLabel returns the label among labels that an outcome most likely
// means: the label spelled like it (ignoring case), else the first label
// that starts like it ("above" → "pos…", "below" → "neg…", "neutral" →
// "neu…", a category → its first three letters); "" when none does.
//
// NoMatch (no word of the dictionary in the text) means what a score of 0
// means: the neutral label when there is one ("neu…", or "none"), else
// the label of OutcomeAbove, as the two-sided rules put a score of 0 at or
// above a threshold of 0.
func GuessLabel(outcome string, labels []string) string {
	for _, l := range labels {
		if strings.EqualFold(l, outcome) {
			return l
		}
	}
	if outcome == NoMatch {
		if l := GuessLabel(OutcomeNeutral, labels); l != "" {
			return l
		}
		for _, l := range labels {
			if strings.EqualFold(l, "none") {
				return l
			}
		}
		return GuessLabel(OutcomeAbove, labels)
	}
	prefix, ok := map[string]string{OutcomeAbove: "pos", OutcomeBelow: "neg", OutcomeNeutral: "neu"}[outcome]
	if !ok {
		prefix = strings.ToLower(outcome)
		if i := nthRune(prefix, 3); i >= 0 {
			prefix = prefix[:i]
		}
	}
	for _, l := range labels {
		if strings.HasPrefix(strings.ToLower(l), prefix) {
			return l
		}
	}
	return ""
}

// nthRune returns the byte offset of the n-th rune of s (0-based), or -1.
func nthRune(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return -1
}

// Outcome is one thing a rule can say about a document, before it is
// given a label of the data set.
type Outcome struct {
	// Key is the outcome's name in RuleSettings.Mapping.
	Key string `json:"key"`
	// Text describes it for people ("compound ≥ 0.05").
	Text string `json:"text"`
}

// Outcomes lists what the rule s can say about a document scored by d
// (nil: VADER), in the order a page lists them.
func (s RuleSettings) Outcomes(d *Dictionary) []Outcome {
	if s.Kind == Majority {
		var out []Outcome
		if d != nil {
			for _, c := range d.Categories {
				out = append(out, Outcome{c, "most matches in “" + c + "”"})
			}
		}
		return append(out, Outcome{NoMatch, "no word matched"})
	}
	what := "compound"
	switch s.Kind {
	case Share:
		what = s.Category + " share"
	case Score:
		what = "score"
	}
	t := strconv.FormatFloat(s.Threshold, 'f', -1, 64)
	if s.Neutral && s.Kind.HasBand() {
		return []Outcome{{OutcomeAbove, what + " ≥ " + t}, {OutcomeBelow, what + " ≤ −" + t}, {OutcomeNeutral, "in between"}}
	}
	return []Outcome{{OutcomeAbove, what + " ≥ " + t}, {OutcomeBelow, what + " < " + t}}
}

// Rule checks s against the scores of d (nil: VADER) and returns the rule
// that labels them, with the mapping applied. Its errors wrap
// ErrUnknownRule, ErrThreshold, ErrNeedsVADER, ErrNeedsList,
// ErrNeedsWeights, ErrUnknownCategory or ErrNoBand.
func (s RuleSettings) Rule(d *Dictionary) (Rule, error) {
	k := s.Kind
	if k == "" {
		k = Compound
	}
	if !k.valid() {
		return Rule{}, ruleError(ErrUnknownRule, "unknown rule kind %q (want compound, share, score or majority)", s.Kind)
	}
	if math.IsNaN(s.Threshold) || math.IsInf(s.Threshold, 0) {
		return Rule{}, ruleError(ErrThreshold, "the threshold must be a number")
	}
	if s.Neutral && k.HasBand() && s.Threshold < 0 {
		return Rule{}, ruleError(ErrThreshold, "with a neutral band the threshold must be 0 or more (the band runs from −threshold to +threshold)")
	}
	switch {
	case k == Compound && d != nil:
		return Rule{}, ruleError(ErrNeedsVADER, "the compound rule needs VADER scores, not a word list's counts")
	case k != Compound && d == nil:
		return Rule{}, ruleError(ErrNeedsList, "a %s rule needs a word list's counts, not VADER scores", k)
	case k == Score && !d.Weighted:
		return Rule{}, ruleError(ErrNeedsWeights, "the score rule needs a weighted word list: %s has no weights, so its score would only count the matches", d.Name)
	case k == Share && !slices.Contains(d.Categories, s.Category):
		return Rule{}, ruleError(ErrUnknownCategory, "the dictionary has no category %q (its categories: %s)", s.Category, strings.Join(d.Categories, ", "))
	case k == Share && s.Neutral:
		return Rule{}, ruleError(ErrNoBand, "a share is never negative, so the share rule has no neutral band")
	}
	label := func(outcome string) string { return orDefault(s.Mapping[outcome], outcome) }
	if k == Majority {
		r := Rule{Kind: Majority, Neutral: label(NoMatch), Labels: map[string]string{}}
		for _, c := range d.Categories {
			r.Labels[c] = label(c)
		}
		return r, nil
	}
	r := Rule{Kind: k, Category: s.Category, Threshold: s.Threshold, Above: label(OutcomeAbove), Below: label(OutcomeBelow)}
	if k != Share {
		r.Category = ""
	}
	if s.Neutral && k.HasBand() {
		r.Neutral = label(OutcomeNeutral)
	}
	return r, nil
}

// Describe names the rule s for a results table, with name the
// dictionary's name: "VADER compound ≥ 0.05, neutral band", "Bing positive
// share ≥ 20%", "AFINN-111 score ≥ 0", "mine.dic majority category".
func (s RuleSettings) Describe(name string) string {
	band := ""
	if s.Neutral && s.Kind.HasBand() {
		band = ", neutral band"
	}
	t := strings.TrimPrefix(Signed(s.Threshold, 4), "+")
	switch s.Kind {
	case Share:
		return fmt.Sprintf("%s %s share ≥ %s", name, s.Category, percent(s.Threshold))
	case Score:
		return fmt.Sprintf("%s score ≥ %s%s", name, t, band)
	case Majority:
		return name + " majority category"
	}
	return name + " compound ≥ " + t + band
}

// Signed writes x with its sign and at most digits decimals, without
// trailing zeros: "+1.9", "-0.05", and "0" for anything that rounds to 0.
func Signed(x float64, digits int) string {
	s := fmt.Sprintf("%+.*f", digits, x)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "+" || s == "-" || s == "+0" || s == "-0" {
		return "0"
	}
	return s
}

// percent writes a share as a percentage with at most 4 decimals ("5%").
func percent(x float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.4f", 100*x), "0"), ".") + "%"
}
