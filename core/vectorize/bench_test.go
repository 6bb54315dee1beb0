package vectorize

import (
	"context"
	"os"
	"testing"

	"textlab/core/dataset"
)

// BenchmarkTfidfSpam times TfidfVectorizer's fit_transform with the default
// settings on the 3,000 mails of static/data/spam-assassin.csv, and with
// unigrams and bigrams, the vectorizing half of docs/BENCHMARKS.md's
// "Traditional ML" rows.
func BenchmarkTfidfSpam(b *testing.B) {
	raw, err := os.ReadFile("../../static/data/spam-assassin.csv")
	if err != nil {
		b.Skip(err)
	}
	tab, _, err := dataset.Read(context.Background(), raw, dataset.Options{Columns: dataset.Columns{Text: "text", Label: "label"}})
	if err != nil {
		b.Fatal(err)
	}
	var texts []string
	for _, ex := range tab.Examples {
		texts = append(texts, ex.Text)
	}
	for _, bc := range []struct {
		name string
		cfg  Config
	}{
		{"unigrams", Config{}},
		{"bigrams", Config{NgramMax: 2, MinDF: DocFreq{N: 2}}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				v := Tfidf{Config: bc.cfg}
				if _, err := v.FitTransform(context.Background(), texts, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
