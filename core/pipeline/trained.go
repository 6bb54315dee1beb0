package pipeline

import (
	"context"
	"errors"
	"fmt"

	"textlab/core/classify"
	"textlab/core/linearsvc"
	"textlab/core/logreg"
	"textlab/core/naivebayes"
	"textlab/core/sparse"
	"textlab/core/vectorize"
)

// featurizer turns texts into a feature matrix; vectorize.Count and
// vectorize.Tfidf are featurizers.
type featurizer interface {
	FitTransform(ctx context.Context, docs []string, progress func(float64, string)) (*sparse.Matrix, error)
	Transform(ctx context.Context, docs []string) (*sparse.Matrix, error)
	FeatureNames() []string
}

// Trained is a fitted pipeline: the vectorizer, the classifier, the label
// names and the configuration that made them. Run returns one (Result.Model)
// and Load reads one back from a file written by Save.
type Trained struct {
	config     Config
	labelNames []string
	features   featurizer
	model      classify.Classifier
}

// Config returns the configuration the pipeline was trained with.
func (t *Trained) Config() Config { return t.config }

// LabelNames returns the class names, in class order.
func (t *Trained) LabelNames() []string { return append([]string(nil), t.labelNames...) }

// FeatureNames returns the name of each feature column (the vocabulary, in
// column order).
func (t *Trained) FeatureNames() []string { return t.features.FeatureNames() }

// newFeaturizer returns the untrained featurizer of cfg (defaults filled).
func newFeaturizer(cfg FeatureConfig) (featurizer, error) {
	switch cfg.Kind {
	case FeaturesCounts, FeaturesBinary:
		return &vectorize.Count{Config: cfg.Vectorize}, nil
	case FeaturesTfidf:
		return &vectorize.Tfidf{Config: cfg.Vectorize, Norm: cfg.Norm, SublinearTF: cfg.SublinearTF}, nil
	case FeaturesEmbed:
		return newEmbedFeaturizer(cfg.Vectors)
	}
	return nil, fmt.Errorf("features: unknown kind %q", cfg.Kind)
}

// newClassifier returns the untrained classifier of cfg (defaults filled).
func newClassifier(cfg Config) (classify.Classifier, error) {
	m := cfg.Model
	switch m.Kind {
	case ModelLogreg:
		return &logreg.Model{C: m.C}, nil
	case ModelNB:
		return &naivebayes.Model{Alpha: m.Alpha}, nil
	case ModelSVM:
		return &linearsvc.Model{C: m.C}, nil
	case ModelForest, ModelMLP:
		return newExtraClassifier(cfg)
	}
	return nil, fmt.Errorf("model: unknown kind %q", m.Kind)
}

// train fits a pipeline on texts with labels in [0, len(names)). cfg has its
// defaults filled in.
func train(ctx context.Context, texts []string, labels []int, names []string, cfg Config, progress func(float64, string)) (*Trained, error) {
	f, err := newFeaturizer(cfg.Features)
	if err != nil {
		return nil, err
	}
	clf, err := newClassifier(cfg)
	if err != nil {
		return nil, err
	}
	if cfg.Model.Kind == ModelNB && cfg.Features.Kind == FeaturesEmbed {
		return nil, errors.New("model: naive Bayes needs non-negative features (counts, binary or tfidf), not word embeddings")
	}
	X, err := f.FitTransform(ctx, texts, scaled(progress, 0, 0.3, "features"))
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("features of the training texts: %w", err)
	}
	if X.Cols == 0 {
		return nil, errors.New("features of the training texts: empty vocabulary; lower min_df, raise max_df or remove stop words")
	}
	if err := clf.Fit(ctx, X, labels, len(names), scaled(progress, 0.3, 1, "fitting")); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("fitting %s: %w", cfg.Model.Kind, err)
	}
	return &Trained{config: cfg, labelNames: append([]string(nil), names...), features: f, model: clf}, nil
}

// Predict returns the prediction of each text (True is -1).
func (t *Trained) Predict(ctx context.Context, texts []string) ([]Prediction, error) {
	idx := make([]int, len(texts))
	for i := range idx {
		idx[i] = i
	}
	truth := make([]int, len(texts))
	for i := range truth {
		truth[i] = -1
	}
	return t.predict(ctx, texts, truth, idx)
}

// predictLabeled predicts d's documents, recording their labels and the
// indices idx (one per document).
func (t *Trained) predictLabeled(ctx context.Context, d Data, idx []int) ([]Prediction, error) {
	return t.predict(ctx, d.Texts, d.Labels, idx)
}

func (t *Trained) predict(ctx context.Context, texts []string, truth, idx []int) ([]Prediction, error) {
	if len(texts) == 0 {
		return nil, nil
	}
	X, err := t.features.Transform(ctx, texts)
	if err != nil {
		return nil, fmt.Errorf("features: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	pred, err := t.model.Predict(X)
	if err != nil {
		return nil, err
	}
	var probs [][]float64
	p, probabilistic := t.model.(classify.Probabilistic)
	if probabilistic {
		probs, err = p.PredictProba(X)
	} else {
		probs, err = t.model.DecisionFunction(X)
	}
	if err != nil {
		return nil, err
	}
	out := make([]Prediction, len(texts))
	for i := range out {
		out[i] = Prediction{Index: idx[i], True: truth[i], Pred: pred[i], Probs: probs[i], Decision: !probabilistic}
	}
	return out, nil
}

// linear returns the model as a classify.Linear for explanations (nil for
// embed features, whose dimensions name nothing a student can read): the
// model itself for logistic regression and the linear SVM, and for naive
// Bayes its log-probabilities centred over the classes (log P(j|c) minus
// their mean over c), which ranks the words that are typical of a class
// rather than frequent in all of them and changes no prediction. It
// returns nil for models that are not linear.
func (t *Trained) linear() classify.Linear {
	if t.config.Features.Kind == FeaturesEmbed {
		return nil
	}
	switch m := t.model.(type) {
	case *naivebayes.Model:
		return newCentredNB(m)
	case classify.Linear:
		return m
	}
	return nil
}

// TopFeatures returns the k features with the highest weight for class c
// (see linear for naive Bayes), highest first; nil for models that are not
// linear, for embed features, and for a class out of range.
func (t *Trained) TopFeatures(class, k int) []classify.Feature {
	lin := t.linear()
	if lin == nil || class < 0 || class >= len(t.labelNames) {
		return nil
	}
	return classify.TopFeatures(lin, class, k, t.features.FeatureNames())
}

// Explain predicts text and returns the predicted class with the at most
// k features of the text that contributed most to its score (weight x
// value, largest first; k < 0: all). For models that are not linear and
// for embed features, feats is nil.
func (t *Trained) Explain(text string, k int) (pred int, feats []classify.Feature, err error) {
	X, err := t.features.Transform(context.Background(), []string{text})
	if err != nil {
		return 0, nil, fmt.Errorf("features: %w", err)
	}
	preds, err := t.model.Predict(X)
	if err != nil {
		return 0, nil, err
	}
	pred = preds[0]
	lin := t.linear()
	if lin == nil {
		return pred, nil, nil
	}
	feats, err = classify.Contributions(lin, X, 0, pred, k, t.features.FeatureNames())
	return pred, feats, err
}

// centredNB presents a naive Bayes model's log-probabilities centred over
// the classes as linear weights.
type centredNB struct {
	*naivebayes.Model
	weights [][]float64
}

func newCentredNB(m *naivebayes.Model) *centredNB {
	flp, _ := m.LogProbs()
	w := make([][]float64, len(flp))
	for c := range flp {
		w[c] = make([]float64, len(flp[c]))
	}
	for j := range flp[0] {
		mean := 0.0
		for c := range flp {
			mean += flp[c][j]
		}
		mean /= float64(len(flp))
		for c := range flp {
			w[c][j] = flp[c][j] - mean
		}
	}
	return &centredNB{Model: m, weights: w}
}

func (n *centredNB) ClassWeights(c int) []float64 { return n.weights[c] }
