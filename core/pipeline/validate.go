package pipeline

import (
	"fmt"
	"math"
	"strconv"

	"textlab/core/vectorize"
)

// Bounds of the settings that Validate checks (zero values are defaults
// and always valid).
const (
	MinFolds  = 2      // the fewest folds of k-fold cross-validation
	MaxFolds  = 50     // the most folds of k-fold cross-validation
	MaxNgram  = 10     // the longest word n-gram
	MaxTrees  = 10000  // the most trees of a random forest
	MaxHidden = 100000 // the most hidden units of the neural network
)

// Names of the settings in SettingError.Field: the path of each setting in
// Config's JSON form.
const (
	FieldFeaturesKind = "features.kind"
	FieldNgram        = "features.vectorize.ngram" // NgramMin and NgramMax together
	FieldMinDF        = "features.vectorize.min_df"
	FieldMaxDF        = "features.vectorize.max_df"
	FieldMaxFeatures  = "features.vectorize.max_features"
	FieldNorm         = "features.norm"
	FieldModelKind    = "model.kind"
	FieldC            = "model.C"
	FieldAlpha        = "model.alpha"
	FieldTrees        = "model.trees"
	FieldMaxDepth     = "model.max_depth"
	FieldHidden       = "model.hidden"
	FieldEvalKind     = "eval.kind"
	FieldTestFraction = "eval.test_fraction"
	FieldFolds        = "eval.folds"
	FieldUnseen       = "eval.unseen"
)

// SettingError is one setting of a Config outside its bounds. Front ends
// tell settings apart by Field (with errors.As) and name them their own
// way: the command line by its flag, the page by its form field.
type SettingError struct {
	// Field is the setting, one of the Field* constants.
	Field string
	// Value is the value given, as Config holds it ("1", "0.5", `"gpt"`).
	Value string
	// Want says what the value must be, in Config's units ("between 2 and
	// 50", "one of counts, binary, tfidf or embed").
	Want string
}

// Error reports the setting, what it must be and what it was:
// `eval.folds must be between 2 and 50, not 51`.
func (e *SettingError) Error() string {
	return fmt.Sprintf("%s must be %s, not %s", e.Field, e.Want, e.Value)
}

// Validate reports the first setting of cfg outside its bounds as a
// *SettingError, or nil. Zero values stand for the defaults and are
// valid. The bounds, one set for the page and the command line:
//
//   - features: kind counts, binary, tfidf or embed; n-grams from 1 to 10
//     with the second not below the first (0 for either: the default);
//     min_df and max_df a number of documents (0 or more) or a share of
//     documents in [0, 1], not both; max_features 0 (all) or more; a
//     known norm;
//   - model: kind logreg, nb, svm, forest or mlp; C and alpha finite and
//     not negative (0: 1.0); trees 0 to 10000; max depth 0 or more;
//     hidden units 0 to 100000;
//   - evaluation: kind holdout, kfold or testset; test fraction strictly
//     between 0 and 1 (0: 0.2); folds between 2 and 50 (0: 5); unseen
//     errors or exclude (empty: errors); any group name (Run checks the
//     groups themselves).
//
// The seed is any uint64. Run validates its Config the same way.
func (cfg Config) Validate() error {
	f, m, e := cfg.Features, cfg.Model, cfg.Eval
	bad := func(field, value, want string) error {
		return &SettingError{Field: field, Value: value, Want: want}
	}
	switch f.Kind {
	case "", FeaturesCounts, FeaturesBinary, FeaturesTfidf, FeaturesEmbed:
	default:
		return bad(FieldFeaturesKind, strconv.Quote(f.Kind), "one of counts, binary, tfidf or embed")
	}
	v := f.Vectorize
	if v.NgramMin < 0 || v.NgramMax < 0 || v.NgramMin > MaxNgram || v.NgramMax > MaxNgram ||
		(v.NgramMin > 0 && v.NgramMax > 0 && v.NgramMax < v.NgramMin) {
		return bad(FieldNgram, fmt.Sprintf("%d,%d", v.NgramMin, v.NgramMax),
			fmt.Sprintf("a range of lengths from 1 to %d, the second not below the first", MaxNgram))
	}
	if err := checkDocFreq(v.MinDF, FieldMinDF); err != nil {
		return err
	}
	if err := checkDocFreq(v.MaxDF, FieldMaxDF); err != nil {
		return err
	}
	if v.MaxFeatures < 0 {
		return bad(FieldMaxFeatures, strconv.Itoa(v.MaxFeatures), "0 (all features) or more")
	}
	if f.Norm < vectorize.NormL2 || f.Norm > vectorize.NormNone {
		return bad(FieldNorm, strconv.Itoa(int(f.Norm)), "l2, l1 or none")
	}

	switch m.Kind {
	case "", ModelLogreg, ModelNB, ModelSVM, ModelForest, ModelMLP:
	default:
		return bad(FieldModelKind, strconv.Quote(m.Kind), "one of logreg, nb, svm, forest or mlp")
	}
	if !(m.C >= 0) || math.IsInf(m.C, 0) {
		return bad(FieldC, fmt.Sprint(m.C), "a positive number (0: the default, 1)")
	}
	if !(m.Alpha >= 0) || math.IsInf(m.Alpha, 0) {
		return bad(FieldAlpha, fmt.Sprint(m.Alpha), "a positive number (0: the default, 1)")
	}
	if m.Trees < 0 || m.Trees > MaxTrees {
		return bad(FieldTrees, strconv.Itoa(m.Trees), fmt.Sprintf("between 1 and %d (0: the default, %d)", MaxTrees, DefaultTrees))
	}
	if m.MaxDepth < 0 {
		return bad(FieldMaxDepth, strconv.Itoa(m.MaxDepth), "0 (no limit) or more")
	}
	if m.Hidden < 0 || m.Hidden > MaxHidden {
		return bad(FieldHidden, strconv.Itoa(m.Hidden), fmt.Sprintf("between 1 and %d (0: the default, %d)", MaxHidden, DefaultHidden))
	}

	switch e.Kind {
	case "", EvalHoldout, EvalKFold, EvalTestset:
	default:
		return bad(FieldEvalKind, strconv.Quote(e.Kind), "one of holdout, kfold or testset")
	}
	if e.TestFraction != 0 && !(e.TestFraction > 0 && e.TestFraction < 1) {
		return bad(FieldTestFraction, fmt.Sprint(e.TestFraction), "strictly between 0 and 1")
	}
	if e.Folds != 0 && (e.Folds < MinFolds || e.Folds > MaxFolds) {
		return bad(FieldFolds, strconv.Itoa(e.Folds), fmt.Sprintf("between %d and %d", MinFolds, MaxFolds))
	}
	switch e.Unseen {
	case "", UnseenErrors, UnseenExclude:
	default:
		return bad(FieldUnseen, strconv.Quote(e.Unseen), "errors or exclude")
	}
	return nil
}

// checkDocFreq checks a min_df or max_df bound.
func checkDocFreq(d vectorize.DocFreq, field string) error {
	switch {
	case d.N != 0 && d.Fraction != 0:
		return &SettingError{Field: field, Value: fmt.Sprintf("%d documents and a share of %v", d.N, d.Fraction), Want: "a number of documents or a share of documents, not both"}
	case d.N < 0:
		return &SettingError{Field: field, Value: strconv.Itoa(d.N), Want: "a number of documents (0 or more) or a share of documents between 0 and 1"}
	case !(d.Fraction >= 0 && d.Fraction <= 1):
		return &SettingError{Field: field, Value: fmt.Sprint(d.Fraction), Want: "a number of documents (0 or more) or a share of documents between 0 and 1"}
	}
	return nil
}

// The range of hold-out test shares that needs no second thought. Outside
// it, a split leaves few documents to test on (a score that a handful of
// documents can swing) or to train on (a model weaker than the data
// allows): the Classic ML page asks before training, and `textlab train`
// says so on stderr.
const (
	MinUsualTestFraction = 0.1
	MaxUsualTestFraction = 0.5
)

// UnusualTestShare reports whether cfg is a hold-out split (the default
// evaluation) whose test share lies outside [MinUsualTestFraction,
// MaxUsualTestFraction]; the default share, 0.2, does not.
func (cfg Config) UnusualTestShare() bool {
	e := cfg.Eval
	if e.Kind != "" && e.Kind != EvalHoldout || e.TestFraction == 0 {
		return false
	}
	return e.TestFraction < MinUsualTestFraction || e.TestFraction > MaxUsualTestFraction
}
