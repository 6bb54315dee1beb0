package pipeline

import (
	"fmt"
	"strings"

	"textlab/core/embed"
	"textlab/core/vectorize"
)

// Feature kinds of FeatureConfig.Kind.
const (
	FeaturesCounts = "counts" // term counts (CountVectorizer)
	FeaturesBinary = "binary" // 1 when a term occurs (CountVectorizer(binary=True))
	FeaturesTfidf  = "tfidf"  // TF-IDF (TfidfVectorizer)
	FeaturesEmbed  = "embed"  // averaged word vectors (core/embed)
)

// Model kinds of ModelConfig.Kind.
const (
	ModelLogreg = "logreg" // logistic regression (core/logreg)
	ModelNB     = "nb"     // multinomial naive Bayes (core/naivebayes)
	ModelSVM    = "svm"    // linear SVM (core/linearsvc)
	ModelForest = "forest" // random forest (core/forest)
	ModelMLP    = "mlp"    // one-hidden-layer neural network (core/mlp)
)

// Evaluation kinds of EvalConfig.Kind.
const (
	EvalHoldout = "holdout" // one stratified train/test split of the data
	EvalKFold   = "kfold"   // k-fold cross-validation
	EvalTestset = "testset" // train on all data, test on Data.Test
)

// What a separate test set's documents whose label the training data lacks
// count as (EvalConfig.Unseen).
const (
	// UnseenErrors scores them as misclassified: their labels become
	// classes of their own after the training classes (Result.LabelNames),
	// which no prediction can match, as scikit-learn's metrics treat a
	// true label the model never predicts.
	UnseenErrors = "errors"
	// UnseenExclude leaves them out of the predictions and the scores.
	UnseenExclude = "exclude"
)

// Defaults of the zero configuration.
const (
	DefaultTestFraction = 0.2
	DefaultFolds        = 5
	DefaultC            = 1.0
	DefaultAlpha        = 1.0
	DefaultTrees        = 100
	DefaultHidden       = 100
)

// FeatureConfig says how texts become feature vectors.
type FeatureConfig struct {
	// Kind is FeaturesCounts, FeaturesBinary, FeaturesTfidf or
	// FeaturesEmbed. Empty means FeaturesCounts.
	Kind string `json:"kind"`
	// Vectorize holds the tokenizer, n-gram and vocabulary options of
	// counts, binary and tfidf (scikit-learn's CountVectorizer
	// parameters). The zero value is scikit-learn's default. For binary,
	// Vectorize.Binary is set automatically.
	Vectorize vectorize.Config `json:"vectorize"`
	// SublinearTF replaces each count tf by 1 + ln(tf) (tfidf only).
	SublinearTF bool `json:"sublinear_tf,omitempty"`
	// Norm is the row normalisation of tfidf. Default vectorize.NormL2.
	Norm vectorize.Norm `json:"norm,omitempty"`
	// Vectors are the word vectors of embed (required for it; for
	// example static/models/wink-glove-100d-int8.bin read with
	// embed.Parse). A saved model records their SHA-256, not the vectors
	// (see FileFormat).
	Vectors *embed.Vectors `json:"-"`
}

// ModelConfig says which classifier is trained and with which
// hyper-parameters. Fields that do not apply to Kind are ignored.
type ModelConfig struct {
	// Kind is ModelLogreg, ModelNB, ModelSVM, ModelForest or ModelMLP.
	// Empty means ModelLogreg.
	Kind string `json:"kind"`
	// C is the inverse regularisation strength of logreg and svm.
	// 0 means 1.0.
	C float64 `json:"C,omitempty"`
	// Alpha is the additive smoothing of nb. 0 means 1.0.
	Alpha float64 `json:"alpha,omitempty"`
	// Trees is the number of trees of forest. 0 means 100.
	Trees int `json:"trees,omitempty"`
	// MaxDepth limits the depth of forest's trees. 0 means no limit.
	MaxDepth int `json:"max_depth,omitempty"`
	// Hidden is the number of hidden units of mlp. 0 means 100.
	Hidden int `json:"hidden,omitempty"`
}

// EvalConfig says how the model is evaluated.
type EvalConfig struct {
	// Kind is EvalHoldout, EvalKFold or EvalTestset. Empty means
	// EvalHoldout.
	Kind string `json:"kind"`
	// TestFraction is the share of documents held out (holdout), strictly
	// between 0 and 1. 0 means 0.2 (an 8:2 split).
	TestFraction float64 `json:"test_fraction,omitempty"`
	// Folds is the number of folds (kfold), 2 to 50. 0 means 5.
	Folds int `json:"folds,omitempty"`
	// NoStratify splits without keeping each class's share in every part.
	// Default: stratified.
	NoStratify bool `json:"no_stratify,omitempty"`
	// Group names the group column (for example "president"). When it is
	// not empty, hold-out and k-fold keep all documents of a group
	// (Data.Groups) on one side of every split: split.GroupHoldOut (a test
	// share of documents as close as whole groups allow) and
	// split.GroupKFold (scikit-learn's StratifiedGroupKFold, or GroupKFold
	// with NoStratify; it does not shuffle, so Seed does not change its
	// folds). Group values are compared with surrounding spaces trimmed; a
	// document whose group is empty is a group of its own, since nothing
	// says it belongs with another (Result.Ungrouped counts them). A
	// separate test set is apart already and ignores Group. Default "":
	// documents are split one by one.
	Group string `json:"group,omitempty"`
	// Unseen says what the documents of a separate test set whose label the
	// training data lacks count as: UnseenErrors or UnseenExclude (both
	// list them in Result.Unseen). Empty means UnseenErrors.
	Unseen string `json:"unseen,omitempty"`
}

// Config is one complete experiment. The zero Config is term counts,
// logistic regression with C=1 and a stratified 8:2 hold-out split of
// single documents (no groups) with seed 0.
type Config struct {
	Features FeatureConfig `json:"features"`
	Model    ModelConfig   `json:"model"`
	Eval     EvalConfig    `json:"eval"`
	// Seed selects the split (core/split, the same in the browser and on
	// the command line) and seeds the forest and the neural network.
	Seed uint64 `json:"seed"`
}

// withDefaults returns cfg with every zero field replaced by its default,
// or the *SettingError of the first invalid setting (Validate).
func (cfg Config) withDefaults() (Config, error) {
	if err := cfg.Validate(); err != nil {
		return cfg, err
	}
	f, m, e := &cfg.Features, &cfg.Model, &cfg.Eval
	if f.Kind == "" {
		f.Kind = FeaturesCounts
	}
	if f.Kind == FeaturesBinary {
		f.Vectorize.Binary = true
	}
	if m.Kind == "" {
		m.Kind = ModelLogreg
	}
	if m.C == 0 {
		m.C = DefaultC
	}
	if m.Alpha == 0 {
		m.Alpha = DefaultAlpha
	}
	if m.Trees == 0 {
		m.Trees = DefaultTrees
	}
	if m.Hidden == 0 {
		m.Hidden = DefaultHidden
	}
	if e.Kind == "" {
		e.Kind = EvalHoldout
	}
	if e.TestFraction == 0 {
		e.TestFraction = DefaultTestFraction
	}
	if e.Folds == 0 {
		e.Folds = DefaultFolds
	}
	if e.Unseen == "" {
		e.Unseen = UnseenErrors
	}
	return cfg, nil
}

// Describe returns one line naming every setting of cfg that applies to its
// kinds, defaults filled in, for the results board: for example
// "tfidf (ngram 1-1, min_df 1, max_df 1.0, all features, no stop words,
// lowercase, norm l2) | logreg C=1 | hold-out 20% stratified grouped by
// president | seed 42".
// An invalid cfg is described as given, with "(invalid: ...)" appended.
func Describe(cfg Config) string {
	full, err := cfg.withDefaults()
	if err != nil {
		full = cfg
	}
	f, m, e := full.Features, full.Model, full.Eval
	var parts []string

	// Features.
	var fs strings.Builder
	fs.WriteString(f.Kind)
	if f.Kind == FeaturesEmbed && f.Vectors != nil {
		fmt.Fprintf(&fs, " (%d-d vectors of %d words)", f.Vectors.Dim(), f.Vectors.Len())
	}
	if f.Kind != FeaturesEmbed {
		v := f.Vectorize
		lo, hi := v.NgramMin, v.NgramMax
		if lo == 0 {
			lo = 1
		}
		if hi == 0 {
			hi = lo
		}
		fmt.Fprintf(&fs, " (ngram %d-%d, min_df %s, max_df %s, ", lo, hi, docFreq(v.MinDF, "1"), docFreq(v.MaxDF, "1.0"))
		if v.MaxFeatures > 0 {
			fmt.Fprintf(&fs, "max %d features, ", v.MaxFeatures)
		} else {
			fs.WriteString("all features, ")
		}
		switch {
		case len(v.StopWords) == 0:
			fs.WriteString("no stop words")
		case sameWords(v.StopWords, vectorize.EnglishStopWords):
			fs.WriteString("english stop words")
		default:
			fmt.Fprintf(&fs, "%d stop words", len(v.StopWords))
		}
		if v.KeepCase {
			fs.WriteString(", keep case")
		} else {
			fs.WriteString(", lowercase")
		}
		if f.Kind == FeaturesTfidf {
			fmt.Fprintf(&fs, ", norm %s", normName(f.Norm))
			if f.SublinearTF {
				fs.WriteString(", sublinear tf")
			}
		}
		fs.WriteString(")")
	}
	parts = append(parts, fs.String())

	// Model.
	switch m.Kind {
	case ModelLogreg, ModelSVM:
		parts = append(parts, fmt.Sprintf("%s C=%g", m.Kind, m.C))
	case ModelNB:
		parts = append(parts, fmt.Sprintf("nb alpha=%g", m.Alpha))
	case ModelForest:
		depth := "unlimited"
		if m.MaxDepth > 0 {
			depth = fmt.Sprint(m.MaxDepth)
		}
		parts = append(parts, fmt.Sprintf("forest trees=%d max_depth=%s", m.Trees, depth))
	case ModelMLP:
		parts = append(parts, fmt.Sprintf("mlp hidden=%d", m.Hidden))
	default:
		parts = append(parts, m.Kind)
	}

	// Evaluation.
	strat := "stratified"
	if e.NoStratify {
		strat = "not stratified"
	}
	grouped := ""
	if e.Group != "" {
		grouped = " grouped by " + e.Group
	}
	switch e.Kind {
	case EvalHoldout:
		parts = append(parts, fmt.Sprintf("hold-out %g%% %s%s", e.TestFraction*100, strat, grouped))
	case EvalKFold:
		parts = append(parts, fmt.Sprintf("%d-fold CV %s%s", e.Folds, strat, grouped))
	case EvalTestset:
		if e.Unseen == UnseenExclude {
			parts = append(parts, "separate test set, unseen labels left out")
		} else {
			parts = append(parts, "separate test set, unseen labels as errors")
		}
	default:
		parts = append(parts, e.Kind)
	}
	parts = append(parts, fmt.Sprintf("seed %d", full.Seed))
	s := strings.Join(parts, " | ")
	if err != nil {
		s += " (invalid: " + err.Error() + ")"
	}
	return s
}

func docFreq(d vectorize.DocFreq, def string) string {
	switch {
	case d.N != 0:
		return fmt.Sprint(d.N)
	case d.Fraction != 0:
		return fmt.Sprint(d.Fraction)
	}
	return def
}

func normName(n vectorize.Norm) string {
	switch n {
	case vectorize.NormL1:
		return "l1"
	case vectorize.NormNone:
		return "none"
	}
	return "l2"
}

func sameWords(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
