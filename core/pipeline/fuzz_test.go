package pipeline

import (
	"bytes"
	"context"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to Load: it must return a model or an
// error, never panic, and a model it returns must be usable.
func FuzzLoad(f *testing.F) {
	for _, cfg := range []Config{
		{},
		{Features: FeatureConfig{Kind: "tfidf"}, Model: ModelConfig{Kind: "nb"}},
		{Features: FeatureConfig{Kind: "binary"}, Model: ModelConfig{Kind: "svm"}},
		{Model: ModelConfig{Kind: "forest", Trees: 3}},
		{Features: FeatureConfig{Kind: "tfidf"}, Model: ModelConfig{Kind: "mlp", Hidden: 3}},
	} {
		d := Data{
			Texts:      []string{"good movie", "bad movie", "great film", "awful film", "fine plot", "poor plot"},
			Labels:     []int{0, 1, 0, 1, 2, 2},
			LabelNames: []string{"pos", "neg", "meh"},
		}
		cfg.Eval.TestFraction = 0.5
		res, err := Run(context.Background(), d, cfg, nil)
		if err != nil {
			f.Fatal(err)
		}
		var buf bytes.Buffer
		if err := res.Model.Save(&buf); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	f.Add([]byte(`{"format":"textlab-pipeline","version":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Load(bytes.NewReader(data))
		if err != nil {
			return
		}
		preds, err := m.Predict(context.Background(), []string{"good plot", "", "unknown words"})
		if err != nil {
			t.Fatalf("a loaded model fails to predict: %v", err)
		}
		for _, p := range preds {
			if p.Pred < 0 || p.Pred >= len(m.LabelNames()) {
				t.Fatalf("prediction %d out of range", p.Pred)
			}
		}
		m.TopFeatures(0, 3)
		if _, _, err := m.Explain("good movie", 3); err != nil {
			t.Fatal(err)
		}
	})
}
