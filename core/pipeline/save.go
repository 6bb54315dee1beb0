package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"textlab/core/linearsvc"
	"textlab/core/logreg"
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
//	  "coef": [[...]],            // logreg, svm: coef_ (one row for two classes)
//	  "intercept": [...],         // logreg, svm: intercept_
//	  "feature_log_prob": [[...]],// nb: feature_log_prob_, one row per class
//	  "class_log_prior": [...]    // nb: class_log_prior_
//	}
//
// The arrays are scikit-learn's fitted attributes of the same name, so a
// saved model can be checked against scikit-learn. Numbers are written
// with the shortest representation that reads back to the same float64, so
// a loaded model predicts exactly as the saved one.
const (
	FileFormat  = "textlab-pipeline"
	FileVersion = 1
	// MaxFileBytes is the largest model file Load reads.
	MaxFileBytes = 512 << 20
)

type modelFile struct {
	Format         string      `json:"format"`
	Version        int         `json:"version"`
	Config         Config      `json:"config"`
	Labels         []string    `json:"labels"`
	Vocabulary     []string    `json:"vocabulary"`
	IDF            []float64   `json:"idf,omitempty"`
	Coef           [][]float64 `json:"coef,omitempty"`
	Intercept      []float64   `json:"intercept,omitempty"`
	FeatureLogProb [][]float64 `json:"feature_log_prob,omitempty"`
	ClassLogPrior  []float64   `json:"class_log_prior,omitempty"`
}

// Save writes t to w in the JSON format described at FileFormat. Only
// counts, binary and tfidf features with logreg, nb and svm can be saved.
func (t *Trained) Save(w io.Writer) error {
	f := modelFile{Format: FileFormat, Version: FileVersion, Config: t.config, Labels: t.labelNames}
	switch v := t.features.(type) {
	case *vectorize.Count:
		f.Vocabulary = v.FeatureNames()
	case *vectorize.Tfidf:
		f.Vocabulary, f.IDF = v.FeatureNames(), v.IDF()
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
	default:
		return fmt.Errorf("save: %s models cannot be saved yet", t.config.Model.Kind)
	}
	enc := json.NewEncoder(w)
	return enc.Encode(f)
}

// Load reads a model written by Save, checking every shape and value before
// use: a file of another format or version, an unknown setting, a
// vocabulary or weight matrix that does not fit the labels, or a
// non-finite weight is an error that says what is wrong.
func Load(r io.Reader) (*Trained, error) {
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
