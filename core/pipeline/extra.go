package pipeline

import (
	"context"
	"errors"
	"fmt"

	"textlab/core/classify"
	"textlab/core/embed"
	"textlab/core/forest"
	"textlab/core/mlp"
	"textlab/core/sparse"
)

// newExtraClassifier returns the untrained random forest or neural network
// of cfg (defaults filled in).
func newExtraClassifier(cfg Config) (classify.Classifier, error) {
	m := cfg.Model
	switch m.Kind {
	case ModelForest:
		return &forest.Model{NEstimators: m.Trees, MaxDepth: m.MaxDepth, Seed: cfg.Seed}, nil
	case ModelMLP:
		return &mlp.Model{Hidden: m.Hidden, Seed: cfg.Seed}, nil
	}
	return nil, fmt.Errorf("model: unknown kind %q", m.Kind)
}

// embedFeaturizer averages word vectors; it learns nothing from the
// training texts.
type embedFeaturizer struct {
	vectors *embed.Vectors
	names   []string
}

func newEmbedFeaturizer(v *embed.Vectors) (featurizer, error) {
	if v == nil {
		return nil, errors.New("features: embed needs word vectors (FeatureConfig.Vectors)")
	}
	names := make([]string, v.Dim())
	for i := range names {
		names[i] = fmt.Sprintf("dim%d", i)
	}
	return &embedFeaturizer{vectors: v, names: names}, nil
}

func (e *embedFeaturizer) FitTransform(ctx context.Context, docs []string, progress func(float64, string)) (*sparse.Matrix, error) {
	f, err := e.vectors.Transform(ctx, docs, progress)
	if err != nil {
		return nil, err
	}
	if len(f.Empty) == len(docs) {
		return nil, errors.New("no training text has a word with a vector")
	}
	return f.X, nil
}

func (e *embedFeaturizer) Transform(ctx context.Context, docs []string) (*sparse.Matrix, error) {
	f, err := e.vectors.Transform(ctx, docs, nil)
	if err != nil {
		return nil, err
	}
	return f.X, nil
}

func (e *embedFeaturizer) FeatureNames() []string { return e.names }
