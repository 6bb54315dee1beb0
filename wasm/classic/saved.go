package classic

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"textlab/core/embed"
	"textlab/core/pipeline"
	"textlab/wasm/protocol"
	"textlab/web/ui"
)

// The Classic ML page's word vectors and saved runs: classic.vectors
// loads the word-vector file the page fetched (for "averaged word
// vectors" features); classic.train returns its run saved as bytes the
// page keeps in IndexedDB, and classic.restore reads them back after a
// reload, so that the misclassified documents, explanations and "label
// new texts" work again without training.

// loadedVectors are the word vectors the page loaded.
type loadedVectors struct {
	v      *embed.Vectors
	sha256 string
}

// vectorsFor returns the loaded word vectors when cfg uses embed
// features (nil otherwise), or an error that says to load them.
func (p *page) vectorsFor(cfg pipeline.Config) (*embed.Vectors, error) {
	if cfg.Features.Kind != pipeline.FeaturesEmbed {
		return nil, nil
	}
	lv, ok := protocol.Lookup[*loadedVectors](p.store, vectorsKey)
	if !ok {
		return nil, errors.New("The word vectors are not loaded yet: the page loads them when you train with averaged word vectors (reload the page if that failed).")
	}
	return lv.v, nil
}

// vectorsResult describes the loaded word vectors, with the page's
// message that says so.
type vectorsResult struct {
	Words   int    `json:"words"`
	Dim     int    `json:"dim"`
	SHA256  string `json:"sha256"`
	Message string `json:"message"`
}

// loadVectors parses the word-vector file in req.Data (core/embed's
// format) and keeps it for training. A file that cannot be read leaves the
// vectors loaded before.
func (p *page) loadVectors(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
	var in struct {
		Name string `json:"name"`
	}
	if err := protocol.Decode(req, &in); err != nil {
		return nil, err
	}
	if len(req.Data) == 0 {
		return nil, protocol.BadRequest("classic.vectors: no file bytes")
	}
	v, err := embed.Parse(req.Data)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", in.Name, err)
	}
	sha := pipeline.VectorsSHA256(v)
	if err := p.store.Keep(vectorsKey, &loadedVectors{v: v, sha256: sha}, int64(len(req.Data))); err != nil {
		return nil, err
	}
	return vectorsResult{Words: v.Len(), Dim: v.Dim(), SHA256: sha, Message: ui.ClassicVectorsLoaded(v.Len(), v.Dim())}, nil
}

// savedFormat names the saved run's format.
const savedFormat = "textlab-classic-run"

// savedRun is a run saved for IndexedDB: the trained pipeline (as
// pipeline.Trained.Save writes it) and, of the test predictions, the
// misclassified ones with their texts and lines, which is all that the
// page's "look inside" and "label new texts" sections need.
type savedRun struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	Dataset string `json:"dataset"`
	Method  string `json:"method"`
	Time    string `json:"time,omitempty"` // when it was trained (RFC 3339)
	Embed   bool   `json:"embed"`          // the model needs the word vectors
	// Labels are the classes the predictions' true labels index when
	// they are more than the model's: a separate test file's labels the
	// training data lacks follow the model's (pipeline.Result.LabelNames).
	Labels []string        `json:"labels,omitempty"`
	Wrong  []wrongDoc      `json:"misclassified"`
	Model  json.RawMessage `json:"model"`
}

// wrongDoc is one misclassified test document.
type wrongDoc struct {
	pipeline.Prediction
	Text string `json:"text"`
	Line int    `json:"line,omitempty"`
}

// maxSavedIndex bounds the document indices classic.restore accepts.
const maxSavedIndex = 10_000_000

// savedResult is a run saved for IndexedDB (in classic.train's result):
// the bytes for classic.restore as a string, whether restoring them needs
// the word vectors, and their size.
type savedResult struct {
	Run   string `json:"run"`
	Embed bool   `json:"embed"`
	Bytes int    `json:"bytes"`
}

// saved writes run as the bytes classic.restore reads.
func (run *trainedRun) saved() (savedResult, error) {
	var model bytes.Buffer
	if err := run.result.Model.Save(&model); err != nil {
		return savedResult{}, err
	}
	s := savedRun{
		Format: savedFormat, Version: 1, Dataset: run.dataset, Method: run.method, Time: time.Now().UTC().Format(time.RFC3339),
		Embed: run.result.Config.Features.Kind == pipeline.FeaturesEmbed, Wrong: []wrongDoc{}, Model: model.Bytes(),
	}
	if len(run.result.LabelNames) > len(run.result.Model.LabelNames()) {
		s.Labels = run.result.LabelNames
	}
	for _, p := range run.result.Misclassified() {
		if p.Index < 0 || p.Index >= len(run.texts) {
			continue
		}
		w := wrongDoc{Prediction: p, Text: run.texts[p.Index]}
		if p.Index < len(run.lines) {
			w.Line = run.lines[p.Index]
		}
		s.Wrong = append(s.Wrong, w)
	}
	b, err := json.Marshal(s)
	if err != nil {
		return savedResult{}, fmt.Errorf("the trained model could not be saved: %v", err)
	}
	return savedResult{Run: string(b), Embed: s.Embed, Bytes: len(b)}, nil
}

// restoreResult is what classic.restore returns, with the note the page
// shows above the results it kept (ui.ClassicRestored).
type restoreResult struct {
	Dataset     string `json:"dataset"`
	Method      string `json:"method"`
	Settings    string `json:"settings"`
	Explainable bool   `json:"explainable"`
	HTML        string `json:"html"`
}

// restore makes the run saved by classic.train (the saved run's bytes in
// req.Data) the page's last run again. A model with word-vector features
// needs classic.vectors first.
func (p *page) restore(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
	if len(req.Data) == 0 {
		return nil, protocol.BadRequest("classic.restore: no saved run")
	}
	var s savedRun
	if err := json.Unmarshal(req.Data, &s); err != nil {
		return nil, fmt.Errorf("The saved model could not be read (%v): train again.", err)
	}
	if s.Format != savedFormat || s.Version != 1 {
		return nil, fmt.Errorf("The saved model is not a Classic ML run of this version (%q, version %d): train again.", s.Format, s.Version)
	}
	var vectors *embed.Vectors
	if s.Embed {
		if lv, ok := protocol.Lookup[*loadedVectors](p.store, vectorsKey); ok {
			vectors = lv.v
		}
	}
	model, err := pipeline.LoadWithVectors(bytes.NewReader(s.Model), vectors)
	if err != nil {
		return nil, fmt.Errorf("The saved model could not be loaded (%v): train again.", err)
	}
	classes := model.LabelNames()
	names := classes
	if len(s.Labels) > len(classes) && slices.Equal(s.Labels[:len(classes)], classes) {
		names = s.Labels
	}
	run := &trainedRun{dataset: s.Dataset, method: s.Method}
	res := &pipeline.Result{Config: model.Config(), LabelNames: names, Model: model}
	maxIndex := -1
	for i, w := range s.Wrong {
		p := w.Prediction
		if p.Index < 0 || p.Index >= maxSavedIndex || p.True < 0 || p.True >= len(names) || p.Pred < 0 || p.Pred >= len(classes) || len(p.Probs) != len(classes) {
			return nil, fmt.Errorf("The saved model's misclassified document %d is damaged: train again.", i+1)
		}
		maxIndex = max(maxIndex, p.Index)
	}
	run.texts = make([]string, maxIndex+1)
	run.lines = make([]int, maxIndex+1)
	for _, w := range s.Wrong {
		res.Test = append(res.Test, w.Prediction)
		run.texts[w.Index], run.lines[w.Index] = w.Text, w.Line
	}
	run.result = res
	if err := p.keep(run); err != nil {
		return nil, err
	}
	trained, _ := time.Parse(time.RFC3339, s.Time)
	note, err := protocol.Render(ctx, ui.ClassicRestored(ui.ClassicRestoredView{Method: s.Method, Dataset: s.Dataset, Time: trained}))
	if err != nil {
		return nil, err
	}
	return restoreResult{
		Dataset: s.Dataset, Method: s.Method, Settings: pipeline.Describe(res.Config),
		Explainable: model.TopFeatures(0, 1) != nil, HTML: note.HTML,
	}, nil
}
