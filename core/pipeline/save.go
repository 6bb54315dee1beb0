package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"textlab/core/embed"
	"textlab/core/forest"
	"textlab/core/linearsvc"
	"textlab/core/logreg"
	"textlab/core/mlp"
	"textlab/core/naivebayes"
	"textlab/core/vectorize"
)

// Saved model format. Save writes, and Load reads, one JSON object:
//
//	{
//	  "format": "textlab-pipeline",
//	  "version": 1,
//	  "config": {...},            // Config, defaults filled in
//	  "labels": ["ham", "spam"],  // class names in class order
//	  "vocabulary": ["aa", ...],  // feature names in column order
//	  "idf": [...],               // tfidf only: idf_ per column
//	  "vectors": {...},           // embed only: which word vectors (below)
//	  "coef": [[...]],            // logreg, svm: coef_ (one row for two classes)
//	  "intercept": [...],         // logreg, svm: intercept_
//	  "feature_log_prob": [[...]],// nb: feature_log_prob_, one row per class
//	  "class_log_prior": [...],   // nb: class_log_prior_
//	  "trees": [{...}],           // forest: each tree's tree_ arrays (forest.Tree)
//	  "feature_importances": [...], // forest: feature_importances_
//	  "coefs": [[[...]], [[...]]],  // mlp: coefs_ (features x hidden, hidden x outputs)
//	  "intercepts": [[...], [...]]  // mlp: intercepts_
//	}
//
// The arrays are scikit-learn's fitted attributes of the same name, so a
// saved model can be checked against scikit-learn. Numbers are written
// with the shortest representation that reads back to the same float64, so
// a loaded model predicts exactly as the saved one.
//
// Word vectors are not copied into the file (they are 4 MB and the same
// for every model); "vectors" records their identity instead: the SHA-256
// of the vectors file (as embed's WriteTo writes it, which is the file's
// own bytes for a file embed.Parse accepted), its vector length and its
// number of words. Loading such a model needs the same vectors
// (LoadWithVectors); other vectors would silently give other features, so
// they are refused.
const (
	FileFormat  = "textlab-pipeline"
	FileVersion = 1
	// MaxFileBytes is the largest model file Load reads.
	MaxFileBytes = 512 << 20
)

type modelFile struct {
	Format         string          `json:"format"`
	Version        int             `json:"version"`
	Config         Config          `json:"config"`
	Labels         []string        `json:"labels"`
	Vocabulary     []string        `json:"vocabulary"`
	IDF            []float64       `json:"idf,omitempty"`
	Coef           [][]float64     `json:"coef,omitempty"`
	Intercept      []float64       `json:"intercept,omitempty"`
	FeatureLogProb [][]float64     `json:"feature_log_prob,omitempty"`
	ClassLogPrior  []float64       `json:"class_log_prior,omitempty"`
	Vectors        *vectorsID      `json:"vectors,omitempty"`
	Trees          []forest.Tree   `json:"trees,omitempty"`
	Importances    []float64       `json:"feature_importances,omitempty"`
	Coefs          *[2][][]float64 `json:"coefs,omitempty"`
	Intercepts     *[2][]float64   `json:"intercepts,omitempty"`
}

// vectorsID identifies a table of word vectors.
type vectorsID struct {
	SHA256 string `json:"sha256"`
	Dim    int    `json:"dim"`
	Words  int    `json:"words"`
}

func (id vectorsID) String() string {
	return fmt.Sprintf("%d-d vectors of %d words, sha256 %s", id.Dim, id.Words, id.SHA256)
}

// identify returns the identity of v.
func identify(v *embed.Vectors) vectorsID {
	h := sha256.New()
	v.WriteTo(h)
	return vectorsID{SHA256: hex.EncodeToString(h.Sum(nil)), Dim: v.Dim(), Words: v.Len()}
}

// VectorsSHA256 returns the SHA-256 (hex) that a saved model records for
// the word vectors v: that of v's file as embed's WriteTo writes it.
func VectorsSHA256(v *embed.Vectors) string { return identify(v).SHA256 }

// ErrNeedsVectors is the error (wrapped) of Load for a model with embed
// features: load it with LoadWithVectors and the vectors it was trained
// with.
var ErrNeedsVectors = errors.New("the model uses averaged word vectors: load it with the word vectors it was trained with")

// Save writes t to w in the JSON format described at FileFormat. Every
// feature kind and model kind can be saved; for embed features the file
// records which word vectors were used, not the vectors themselves.
func (t *Trained) Save(w io.Writer) error {
	f := modelFile{Format: FileFormat, Version: FileVersion, Config: t.config, Labels: t.labelNames}
	switch v := t.features.(type) {
	case *vectorize.Count:
		f.Vocabulary = v.FeatureNames()
	case *vectorize.Tfidf:
		f.Vocabulary, f.IDF = v.FeatureNames(), v.IDF()
	case *embedFeaturizer:
		id := identify(v.vectors)
		f.Vocabulary, f.Vectors = v.FeatureNames(), &id
	default:
		return fmt.Errorf("save: %s features cannot be saved yet", t.config.Features.Kind)
	}
	switch m := t.model.(type) {
	case *logreg.Model:
		f.Coef, f.Intercept = m.Coef()
	case *linearsvc.Model:
		f.Coef, f.Intercept = m.Coef()
	case *naivebayes.Model:
		f.FeatureLogProb, f.ClassLogPrior = m.LogProbs()
	case *forest.Model:
		st, err := m.State()
		if err != nil {
			return fmt.Errorf("save: %w", err)
		}
		f.Trees, f.Importances = st.Trees, st.Importances
	case *mlp.Model:
		st, err := m.State()
		if err != nil {
			return fmt.Errorf("save: %w", err)
		}
		f.Coefs, f.Intercepts = &st.Coefs, &st.Intercepts
	default:
		return fmt.Errorf("save: %s models cannot be saved yet", t.config.Model.Kind)
	}
	enc := json.NewEncoder(w)
	return enc.Encode(f)
}

// Load reads a model written by Save, checking every shape and value before
// use: a file of another format or version, an unknown setting, a
// vocabulary or weight matrix that does not fit the labels, or a
// non-finite weight is an error that says what is wrong. A model with
// embed features needs its word vectors: Load returns an error wrapping
// ErrNeedsVectors for it (use LoadWithVectors).
func Load(r io.Reader) (*Trained, error) { return LoadWithVectors(r, nil) }

// LoadWithVectors is Load for a model that may use embed features:
// vectors must then be the word vectors the model was trained with (the
// same file, checked by its SHA-256); for other feature kinds vectors is
// ignored (it may be nil).
func LoadWithVectors(r io.Reader, vectors *embed.Vectors) (*Trained, error) {
	lr := &io.LimitedReader{R: r, N: MaxFileBytes + 1}
	dec := json.NewDecoder(lr)
	dec.DisallowUnknownFields()
	var f modelFile
	if err := dec.Decode(&f); err != nil {
		if lr.N <= 0 {
			return nil, fmt.Errorf("load: model file larger than %d bytes", MaxFileBytes)
		}
		return nil, fmt.Errorf("load: not a Textlab model file: %w", err)
	}
	if f.Format != FileFormat {
		return nil, fmt.Errorf("load: format is %q, want %q", f.Format, FileFormat)
	}
	if f.Version != FileVersion {
		return nil, fmt.Errorf("load: version %d is not supported (this build reads version %d)", f.Version, FileVersion)
	}
	cfg, err := f.Config.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("load: config: %w", err)
	}
	names := Data{Texts: []string{""}, Labels: []int{0}, LabelNames: f.Labels}
	if len(f.Labels) >= 2 {
		names.Texts = make([]string, len(f.Labels))
		names.Labels = classRange(len(f.Labels))
	}
	if err := checkData(names, "load: labels"); err != nil {
		return nil, err
	}
	t := &Trained{config: cfg, labelNames: f.Labels}

	if f.Vectors != nil && cfg.Features.Kind != FeaturesEmbed {
		return nil, fmt.Errorf("load: word vectors given for %s features", cfg.Features.Kind)
	}
	switch cfg.Features.Kind {
	case FeaturesCounts, FeaturesBinary:
		if f.IDF != nil {
			return nil, errors.New("load: idf weights given for count features")
		}
		c := &vectorize.Count{Config: cfg.Features.Vectorize}
		err = c.SetVocabulary(f.Vocabulary)
		t.features = c
	case FeaturesTfidf:
		if f.IDF == nil {
			return nil, errors.New("load: tfidf features without idf weights")
		}
		v := &vectorize.Tfidf{Config: cfg.Features.Vectorize, Norm: cfg.Features.Norm, SublinearTF: cfg.Features.SublinearTF}
		err = v.SetVocabulary(f.Vocabulary, f.IDF)
		t.features = v
	case FeaturesEmbed:
		if f.Vectors == nil {
			return nil, errors.New("load: embed features without the identity of their word vectors")
		}
		if vectors == nil {
			return nil, fmt.Errorf("load: %w (%s)", ErrNeedsVectors, f.Vectors)
		}
		if got := identify(vectors); got != *f.Vectors {
			return nil, fmt.Errorf("load: the model was trained with %s, but the word vectors given are %s: use the same vectors file", f.Vectors, got)
		}
		t.features, err = newEmbedFeaturizer(vectors)
		t.config.Features.Vectors = vectors
	default:
		return nil, fmt.Errorf("load: %s features cannot be loaded", cfg.Features.Kind)
	}
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}

	nFeatures, nClasses := len(f.Vocabulary), len(f.Labels)
	width := -1
	switch cfg.Model.Kind {
	case ModelLogreg:
		m := &logreg.Model{C: cfg.Model.C}
		err = m.SetCoef(f.Coef, f.Intercept, nClasses)
		t.model = m
		if err == nil {
			width = len(f.Coef[0])
		}
	case ModelSVM:
		m := &linearsvc.Model{C: cfg.Model.C}
		err = m.SetCoef(f.Coef, f.Intercept, nClasses)
		t.model = m
		if err == nil {
			width = len(f.Coef[0])
		}
	case ModelNB:
		m := &naivebayes.Model{Alpha: cfg.Model.Alpha}
		err = m.SetLogProbs(f.FeatureLogProb, f.ClassLogPrior)
		t.model = m
		if err == nil && len(f.ClassLogPrior) != nClasses {
			err = fmt.Errorf("%d class log-priors for %d labels", len(f.ClassLogPrior), nClasses)
		}
		if err == nil {
			width = len(f.FeatureLogProb[0])
		}
	case ModelForest:
		m := &forest.Model{NEstimators: cfg.Model.Trees, MaxDepth: cfg.Model.MaxDepth, Seed: cfg.Seed}
		err = m.SetState(forest.State{NClasses: nClasses, NFeatures: nFeatures, Trees: f.Trees, Importances: f.Importances})
		t.model = m
		width = nFeatures
		if err == nil && len(f.Trees) != cfg.Model.Trees {
			err = fmt.Errorf("%d trees, but the config says %d", len(f.Trees), cfg.Model.Trees)
		}
	case ModelMLP:
		if f.Coefs == nil || f.Intercepts == nil {
			return nil, errors.New("load: mlp model without coefs and intercepts")
		}
		m := &mlp.Model{Hidden: cfg.Model.Hidden, Seed: cfg.Seed}
		err = m.SetState(mlp.State{NClasses: nClasses, Coefs: *f.Coefs, Intercepts: *f.Intercepts})
		t.model = m
		if err == nil {
			width = len(f.Coefs[0])
		}
		if err == nil && len(f.Intercepts[0]) != cfg.Model.Hidden {
			err = fmt.Errorf("%d hidden units, but the config says %d", len(f.Intercepts[0]), cfg.Model.Hidden)
		}
	default:
		return nil, fmt.Errorf("load: %s models cannot be loaded", cfg.Model.Kind)
	}
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	if width != nFeatures {
		return nil, fmt.Errorf("load: the weights have %d features but the vocabulary has %d terms", width, nFeatures)
	}
	return t, nil
}
