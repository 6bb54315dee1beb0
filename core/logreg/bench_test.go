package logreg

import (
	"context"
	"os"
	"testing"

	"textlab/core/dataset"
	"textlab/core/vectorize"
)

// BenchmarkFitSpam times Fit alone on the TF-IDF features of all 3,000
// mails of static/data/spam-assassin.csv (binary: ham or spam), the fit
// that docs/BENCHMARKS.md's "Traditional ML" logreg row is mostly made of.
func BenchmarkFitSpam(b *testing.B) {
	raw, err := os.ReadFile("../../static/data/spam-assassin.csv")
	if err != nil {
		b.Skip(err)
	}
	tab, _, err := dataset.Read(context.Background(), raw, dataset.Options{Columns: dataset.Columns{Text: "text", Label: "label"}})
	if err != nil {
		b.Fatal(err)
	}
	var texts []string
	var labels []int
	for _, ex := range tab.Examples {
		texts = append(texts, ex.Text)
		y := 0
		if ex.Label == tab.Examples[0].Label {
			y = 1
		}
		labels = append(labels, y)
	}
	var v vectorize.Tfidf
	X, err := v.FitTransform(context.Background(), texts, nil)
	if err != nil {
		b.Fatal(err)
	}
	var m Model
	for b.Loop() {
		if err := m.Fit(context.Background(), X, labels, 2, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(m.Iterations), "iterations")
	b.ReportMetric(float64(X.Cols), "features")
}
