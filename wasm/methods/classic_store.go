package methods

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"textlab/core/embed"
	"textlab/core/pipeline"
	"textlab/wasm/protocol"
)

// The Classic ML page's word vectors and saved runs: classic.vectors
// loads the word-vector file the page fetched (for "averaged word
// vectors" features); classic.save writes the last run as bytes the page
// keeps in IndexedDB, and classic.restore reads them back after a reload,
// so that the misclassified documents, explanations and "label new texts"
// work again without training.

// classicVecs holds the word vectors the page loaded (one per engine
// instance, like session).
var classicVecs struct {
	sync.Mutex
	v      *embed.Vectors
	sha256 string
}

// classicVectorsFor returns the loaded word vectors when cfg uses embed
// features (nil otherwise), or an error that says to load them.
func classicVectorsFor(cfg pipeline.Config) (*embed.Vectors, error) {
	if cfg.Features.Kind != pipeline.FeaturesEmbed {
		return nil, nil
	}
	classicVecs.Lock()
	defer classicVecs.Unlock()
	if classicVecs.v == nil {
		return nil, errors.New("The word vectors are not loaded yet: the page loads them when you train with averaged word vectors (reload the page if that failed).")
	}
	return classicVecs.v, nil
}

// classicVectorsResult describes the loaded word vectors.
type classicVectorsResult struct {
	Words  int    `json:"words"`
	Dim    int    `json:"dim"`
	SHA256 string `json:"sha256"`
}

// classicLoadVectors parses the word-vector file in req.Data (core/embed's
// format) and keeps it for training. A file that cannot be read leaves the
// vectors loaded before.
func classicLoadVectors(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
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
	classicVecs.Lock()
	classicVecs.v, classicVecs.sha256 = v, sha
	classicVecs.Unlock()
	return classicVectorsResult{Words: v.Len(), Dim: v.Dim(), SHA256: sha}, nil
}

// classicSavedFormat names the file classic.save writes.
const classicSavedFormat = "textlab-classic-run"

// classicSaved is what classic.save writes: the trained pipeline (as
// pipeline.Trained.Save writes it) and, of the test predictions, the
// misclassified ones with their texts and lines, which is all that the
// page's "look inside" and "label new texts" sections need.
type classicSaved struct {
	Format  string          `json:"format"`
	Version int             `json:"version"`
	Dataset string          `json:"dataset"`
	Method  string          `json:"method"`
	Embed   bool            `json:"embed"` // the model needs the word vectors
	Wrong   []classicWrong  `json:"misclassified"`
	Model   json.RawMessage `json:"model"`
}

// classicWrong is one misclassified test document.
type classicWrong struct {
	pipeline.Prediction
	Text string `json:"text"`
	Line int    `json:"line,omitempty"`
}

// classicMaxIndex bounds the document indices classic.restore accepts.
const classicMaxIndex = 10_000_000

// classicSave returns the last run as bytes for IndexedDB (the "run"
// string) and whether restoring it needs the word vectors.
func classicSave(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
	run, err := lastClassicRun()
	if err != nil {
		return nil, err
	}
	var model bytes.Buffer
	if err := run.result.Model.Save(&model); err != nil {
		return nil, err
	}
	s := classicSaved{
		Format: classicSavedFormat, Version: 1, Dataset: run.dataset, Method: run.method,
		Embed: run.result.Config.Features.Kind == pipeline.FeaturesEmbed, Wrong: []classicWrong{}, Model: model.Bytes(),
	}
	for _, p := range run.result.Test {
		if p.Pred == p.True || p.Index < 0 || p.Index >= len(run.texts) {
			continue
		}
		w := classicWrong{Prediction: p, Text: run.texts[p.Index]}
		if p.Index < len(run.lines) {
			w.Line = run.lines[p.Index]
		}
		s.Wrong = append(s.Wrong, w)
	}
	b, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("the trained model could not be saved: %v", err)
	}
	return map[string]any{"run": string(b), "embed": s.Embed, "bytes": len(b)}, nil
}

// classicRestoreResult is what classic.restore returns.
type classicRestoreResult struct {
	Dataset     string `json:"dataset"`
	Method      string `json:"method"`
	Settings    string `json:"settings"`
	Explainable bool   `json:"explainable"`
}

// classicRestore makes the run saved by classic.save (bytes in req.Data)
// the page's last run again. A model with word-vector features needs
// classic.vectors first.
func classicRestore(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
	if len(req.Data) == 0 {
		return nil, protocol.BadRequest("classic.restore: no saved run")
	}
	var s classicSaved
	if err := json.Unmarshal(req.Data, &s); err != nil {
		return nil, fmt.Errorf("The saved model could not be read (%v): train again.", err)
	}
	if s.Format != classicSavedFormat || s.Version != 1 {
		return nil, fmt.Errorf("The saved model is not a Classic ML run of this version (%q, version %d): train again.", s.Format, s.Version)
	}
	var vectors *embed.Vectors
	if s.Embed {
		classicVecs.Lock()
		vectors = classicVecs.v
		classicVecs.Unlock()
	}
	model, err := pipeline.LoadWithVectors(bytes.NewReader(s.Model), vectors)
	if err != nil {
		return nil, fmt.Errorf("The saved model could not be loaded (%v): train again.", err)
	}
	names := model.LabelNames()
	run := &classicRun{dataset: s.Dataset, method: s.Method}
	res := &pipeline.Result{Config: model.Config(), LabelNames: names, Model: model}
	maxIndex := -1
	for i, w := range s.Wrong {
		p := w.Prediction
		if p.Index < 0 || p.Index >= classicMaxIndex || p.True < 0 || p.True >= len(names) || p.Pred < 0 || p.Pred >= len(names) || len(p.Probs) != len(names) {
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
	classicLast.Lock()
	classicLast.run = run
	classicLast.Unlock()
	return classicRestoreResult{
		Dataset: s.Dataset, Method: s.Method, Settings: pipeline.Describe(res.Config),
		Explainable: model.TopFeatures(0, 1) != nil,
	}, nil
}
