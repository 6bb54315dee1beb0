package pipeline

import (
	"context"
	"os"
	"testing"

	"textlab/core/dataset"
)

// BenchmarkFitSpam times what `textlab train --features tfidf` times as
// fit_seconds (vectorize + fit on the training part of the 80/20 split with
// seed 42) on static/data/spam-assassin.csv. docs/BENCHMARKS.md compares it
// with scikit-learn (e2e/bench_classic_test.go).
func BenchmarkFitSpam(b *testing.B) {
	raw, err := os.ReadFile("../../static/data/spam-assassin.csv")
	if err != nil {
		b.Skip(err)
	}
	tab, _, err := dataset.Read(context.Background(), raw, dataset.Options{Columns: dataset.Columns{Text: "text", Label: "label"}})
	if err != nil {
		b.Fatal(err)
	}
	d := FromExamples("", tab.Examples)
	for _, model := range []string{"logreg", "nb", "svm"} {
		b.Run(model, func(b *testing.B) {
			cfg := Config{Features: FeatureConfig{Kind: "tfidf"}, Model: ModelConfig{Kind: model}, Seed: 42}
			var fit float64
			for i := 0; i < b.N; i++ {
				res, err := Run(context.Background(), d, cfg, nil)
				if err != nil {
					b.Fatal(err)
				}
				fit += res.FitSeconds
			}
			b.ReportMetric(fit/float64(b.N), "fit-s/op")
		})
	}
}
