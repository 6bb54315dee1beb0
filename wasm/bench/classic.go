package bench

import (
	"context"
	"fmt"
	"sort"

	"textlab/core/dataset"
	"textlab/core/pipeline"
	"textlab/wasm/protocol"
)

// BenchClassicRequest is the payload of bench.classic. req.Data holds a
// labeled file (CSV, TSV or JSON Lines) with the columns "text" and
// "label" unless Text and Label say otherwise.
type BenchClassicRequest struct {
	Model    string `json:"model"`    // logreg (default), nb, svm, forest or mlp
	Features string `json:"features"` // tfidf (default), counts or binary
	Text     string `json:"text"`     // text column; "" means "text"
	Label    string `json:"label"`    // label column; "" means "label"
	// Repeats is how many times the pipeline is trained; 0 means 1.
	Repeats int `json:"repeats"`
}

// BenchClassicResult is the timing of bench.classic: the seconds spent
// vectorizing and fitting the training part of an 80/20 stratified split
// with seed 42, measured inside the engine, once per repeat.
type BenchClassicResult struct {
	Model      string    `json:"model"`
	Features   string    `json:"features"`
	Train      int       `json:"train"` // training documents
	Test       int       `json:"test"`  // test documents
	FitSeconds []float64 `json:"fit_seconds"`
	Median     float64   `json:"median"`
	Accuracy   float64   `json:"accuracy"` // on the test part, to check the runs agree
	MacroF1    float64   `json:"macro_f1"`
}

// benchClassicMaxRepeats bounds BenchClassicRequest.Repeats.
const benchClassicMaxRepeats = 50

// registerClassicBench adds bench.classic, which times core/pipeline's
// vectorize + fit so docs/BENCHMARKS.md's browser numbers come from the
// code the Classic ML page runs.
func registerClassic(e *protocol.Engine) {
	e.Register("bench.classic", func(ctx context.Context, req protocol.Request, progress protocol.Progress) (any, error) {
		in := BenchClassicRequest{Model: "logreg", Features: "tfidf", Text: "text", Label: "label"}
		if err := protocol.Decode(req, &in); err != nil {
			return nil, err
		}
		if in.Repeats == 0 {
			in.Repeats = 1
		}
		if in.Repeats < 1 || in.Repeats > benchClassicMaxRepeats {
			return nil, protocol.BadRequest("%s: repeats must be 1..%d, not %d", req.Method, benchClassicMaxRepeats, in.Repeats)
		}
		if len(req.Data) == 0 {
			return nil, protocol.BadRequest("%s: no data: send the labeled file's bytes", req.Method)
		}
		d, err := benchClassicData(ctx, req.Data, dataset.Columns{Text: in.Text, Label: in.Label})
		if err != nil {
			return nil, protocol.BadRequest("%s: %v", req.Method, err)
		}
		cfg := pipeline.Config{
			Features: pipeline.FeatureConfig{Kind: in.Features},
			Model:    pipeline.ModelConfig{Kind: in.Model},
			Eval:     pipeline.EvalConfig{Kind: pipeline.EvalHoldout, TestFraction: 0.2},
			Seed:     42,
		}
		out := BenchClassicResult{Model: in.Model, Features: in.Features}
		for i := 0; i < in.Repeats; i++ {
			res, err := pipeline.Run(ctx, d, cfg, func(f float64, msg string) {
				progress((float64(i)+f)/float64(in.Repeats), fmt.Sprintf("run %d of %d: %s", i+1, in.Repeats, msg))
			})
			if err != nil {
				return nil, err
			}
			out.FitSeconds = append(out.FitSeconds, res.FitSeconds)
			out.Test = len(res.Test)
			out.Train = len(d.Texts) - out.Test
			out.Accuracy, out.MacroF1 = res.Report.Accuracy, res.Report.Macro.F1
		}
		sorted := append([]float64(nil), out.FitSeconds...)
		sort.Float64s(sorted)
		out.Median = sorted[len(sorted)/2]
		return out, nil
	})
}

// benchClassicData reads a labeled file into pipeline data, labels sorted
// by name as textlab train sorts them.
func benchClassicData(ctx context.Context, raw []byte, cols dataset.Columns) (pipeline.Data, error) {
	tab, _, err := dataset.Read(ctx, raw, dataset.Options{Columns: cols})
	if err != nil {
		return pipeline.Data{}, err
	}
	return pipeline.FromExamples("", tab.Examples), nil
}
