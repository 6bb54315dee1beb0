package pipeline

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"textlab/core/embed"
	"textlab/core/metrics"
	"textlab/core/vectorize"
	"textlab/internal/synth"
)

// corpus returns a synthetic corpus of n documents in k classes.
func corpus(seed uint64, n, k int) Data {
	texts, labels := synth.Corpus(synth.Config{Seed: seed, Docs: n, Classes: k, Words: 500})
	names := make([]string, k)
	for c := range names {
		names[c] = string(rune('a'+c)) + "-class"
	}
	return Data{Name: "synth", Texts: texts, Labels: labels, LabelNames: names}
}

func TestRunEvaluations(t *testing.T) {
	d := corpus(1, 300, 3)
	bin := corpus(2, 200, 2)
	all := corpus(3, 390, 3)
	withTest := Data{Texts: all.Texts[:300], Labels: all.Labels[:300], LabelNames: all.LabelNames}
	// The test set names its labels in another order.
	test := Data{Texts: all.Texts[300:], LabelNames: []string{all.LabelNames[2], all.LabelNames[0], all.LabelNames[1]}}
	for _, y := range all.Labels[300:] {
		test.Labels = append(test.Labels, []int{1, 2, 0}[y])
	}
	withTest.Test = &test
	tests := []struct {
		name      string
		data      Data
		cfg       Config
		wantTest  int // number of test predictions
		wantFolds int
		wantROC   bool
	}{
		{"holdout default", d, Config{}, 60, 0, false},
		{"holdout 30% tfidf nb", d, Config{Features: FeatureConfig{Kind: "tfidf"}, Model: ModelConfig{Kind: "nb"}, Eval: EvalConfig{TestFraction: 0.3}}, 90, 0, false},
		{"holdout binary svm two classes", bin, Config{Features: FeatureConfig{Kind: "binary"}, Model: ModelConfig{Kind: "svm"}}, 40, 0, true},
		{"kfold 4", d, Config{Eval: EvalConfig{Kind: "kfold", Folds: 4}}, 300, 4, false},
		{"kfold two classes", bin, Config{Features: FeatureConfig{Kind: "tfidf"}, Eval: EvalConfig{Kind: "kfold"}}, 200, 5, true},
		{"testset", withTest, Config{Eval: EvalConfig{Kind: "testset"}}, 90, 0, false},
		{"forest", bin, Config{Model: ModelConfig{Kind: "forest", Trees: 20}}, 40, 0, true},
		{"mlp kfold", d, Config{Features: FeatureConfig{Kind: "tfidf"}, Model: ModelConfig{Kind: "mlp", Hidden: 16}, Eval: EvalConfig{Kind: "kfold", Folds: 3}}, 300, 3, false},
		{"embed logreg", bin, Config{Features: FeatureConfig{Kind: "embed", Vectors: tinyVectors(t)}}, 40, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var calls int
			last := -1.0
			res, err := Run(context.Background(), tc.data, tc.cfg, func(f float64, msg string) {
				calls++
				if f < last-1e-12 || f > 1 || msg == "" {
					t.Errorf("progress went from %v to %v (%q)", last, f, msg)
				}
				last = f
			})
			if err != nil {
				t.Fatal(err)
			}
			if calls == 0 || last != 1 {
				t.Errorf("progress: %d calls, last %v", calls, last)
			}
			if len(res.Test) != tc.wantTest || len(res.Folds) != tc.wantFolds {
				t.Fatalf("got %d test predictions and %d folds, want %d and %d", len(res.Test), len(res.Folds), tc.wantTest, tc.wantFolds)
			}
			for i := 1; i < len(res.Test); i++ {
				if res.Test[i].Index <= res.Test[i-1].Index {
					t.Fatalf("predictions not in index order at %d", i)
				}
			}
			// The report must be the metrics of the predictions, and the
			// true labels those of the data.
			truthOf := tc.data
			if tc.cfg.Eval.Kind == "testset" {
				truthOf = Data{Labels: all.Labels[300:]}
			}
			var yt, yp []int
			for _, p := range res.Test {
				if p.True != truthOf.Labels[p.Index] {
					t.Fatalf("document %d: True %d, label %d", p.Index, p.True, truthOf.Labels[p.Index])
				}
				yt, yp = append(yt, p.True), append(yp, p.Pred)
			}
			acc, _ := metrics.Accuracy(yt, yp)
			if res.Report.Accuracy != acc {
				t.Errorf("report accuracy %v, predictions give %v", res.Report.Accuracy, acc)
			}
			if acc < 0.6 {
				t.Errorf("accuracy %v on an easy synthetic corpus", acc)
			}
			total := 0
			for _, row := range res.Confusion {
				for _, v := range row {
					total += v
				}
			}
			if total != tc.wantTest {
				t.Errorf("confusion matrix counts %d documents, want %d", total, tc.wantTest)
			}
			if (res.ROC != nil) != tc.wantROC || (tc.wantROC && !(res.AUC > 0.5 && res.AUC <= 1)) {
				t.Errorf("ROC %v, AUC %v", res.ROC != nil, res.AUC)
			}
			if tc.wantFolds > 0 {
				var accs []float64
				for _, f := range res.Folds {
					accs = append(accs, f.Accuracy)
				}
				m, s := metrics.MeanStd(accs)
				if res.Mean.Accuracy != m || res.Std.Accuracy != s || res.Mean.MacroF1 == 0 {
					t.Errorf("mean/std %+v %+v, want accuracy %v ± %v", res.Mean, res.Std, m, s)
				}
			}
			if res.Model == nil || res.FitSeconds <= 0 {
				t.Errorf("model %v, fit seconds %v", res.Model, res.FitSeconds)
			}
		})
	}
}

// TestSameSeedSameSplit checks that the split depends only on the seed.
// tinyVectors returns word vectors for the synthetic corpus's words: each
// word gets a random 8-d vector.
func tinyVectors(t *testing.T) *embed.Vectors {
	t.Helper()
	seen := map[string]bool{}
	var words []string
	var vecs [][]float32
	r := rand.New(rand.NewPCG(1, 2))
	for _, text := range append(corpus(1, 300, 3).Texts, corpus(2, 200, 2).Texts...) {
		for _, w := range vectorize.Tokenize(text) {
			if !seen[w] {
				seen[w] = true
				v := make([]float32, 8)
				for i := range v {
					v[i] = float32(r.NormFloat64())
				}
				words, vecs = append(words, w), append(vecs, v)
			}
		}
	}
	v, err := embed.Quantize(words, vecs)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestNoTopFeatures(t *testing.T) {
	d := corpus(12, 100, 2)
	for _, cfg := range []Config{
		{Model: ModelConfig{Kind: "forest", Trees: 5}},
		{Model: ModelConfig{Kind: "mlp", Hidden: 4}},
		{Features: FeatureConfig{Kind: "embed", Vectors: tinyVectors(t)}},
	} {
		res, err := Run(context.Background(), d, cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Model.TopFeatures(0, 3) != nil {
			t.Errorf("%s: TopFeatures of a non-linear model or embeddings", Describe(cfg))
		}
	}
}

func TestNoKnownWord(t *testing.T) {
	d := corpus(12, 100, 2)
	// Texts of unknown words only: the tiny vectors know the corpus's words.
	d.Texts = append(d.Texts, "qqqq zzzz", "!!!", "xxyyzz")
	d.Labels = append(d.Labels, 0, 1, 0)
	res, err := Run(context.Background(), d, Config{Features: FeatureConfig{Kind: "embed", Vectors: tinyVectors(t)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.NoKnownWord != 3 {
		t.Errorf("NoKnownWord = %d, want 3", res.NoKnownWord)
	}
	res, err = Run(context.Background(), d, Config{}, nil)
	if err != nil || res.NoKnownWord != 0 {
		t.Errorf("counts features: NoKnownWord = %d (err %v), want 0", res.NoKnownWord, err)
	}
}

func TestSameSeedSameSplit(t *testing.T) {
	d := corpus(4, 120, 2)
	idx := func(seed uint64) []int {
		res, err := Run(context.Background(), d, Config{Seed: seed}, nil)
		if err != nil {
			t.Fatal(err)
		}
		var out []int
		for _, p := range res.Test {
			out = append(out, p.Index)
		}
		return out
	}
	a, b, c := idx(7), idx(7), idx(8)
	if !reflect.DeepEqual(a, b) {
		t.Error("the same seed gave different test sets")
	}
	if reflect.DeepEqual(a, c) {
		t.Error("seeds 7 and 8 gave the same test set")
	}
}

func TestRunErrors(t *testing.T) {
	good := corpus(5, 60, 2)
	rare := corpus(5, 60, 2)
	rare.LabelNames = append(rare.LabelNames, "rare")
	rare.Labels = append(append([]int(nil), rare.Labels...), 2, 2)
	rare.Texts = append(append([]string(nil), rare.Texts...), "one rare text", "another rare text")
	stop := Data{Texts: []string{"the and", "of the", "and of", "the of"}, Labels: []int{0, 0, 1, 1}, LabelNames: []string{"x", "y"}}
	unique := Data{Texts: []string{"alpha beta", "gamma delta", "epsilon zeta", "eta theta"}, Labels: []int{0, 0, 1, 1}, LabelNames: []string{"x", "y"}}
	badTest := good
	badTest.Test = &Data{Texts: []string{"hello"}, Labels: []int{0}, LabelNames: []string{"unknown"}, Lines: []int{7}}
	noGroups := good
	noGroups.Groups = []string{"a", "b"}
	oneGroup := good
	oneGroup.Groups = make([]string, len(good.Texts))
	for i := range oneGroup.Groups {
		oneGroup.Groups[i] = "same"
	}
	tests := []struct {
		name string
		data Data
		cfg  Config
		want string
	}{
		{"lengths differ", Data{Texts: []string{"a"}, LabelNames: []string{"x", "y"}}, Config{}, "1 texts but 0 labels"},
		{"no documents", Data{LabelNames: []string{"x", "y"}}, Config{}, "no documents"},
		{"one class", Data{Texts: []string{"a b", "c d"}, Labels: []int{0, 0}, LabelNames: []string{"x"}}, Config{}, "at least two classes"},
		{"empty class", Data{Texts: []string{"aa", "bb"}, Labels: []int{0, 0}, LabelNames: []string{"x", "y"}}, Config{}, `class "y" has no documents`},
		{"label out of range", Data{Texts: []string{"aa", "bb"}, Labels: []int{0, 5}, LabelNames: []string{"x", "y"}}, Config{}, "outside [0, 2)"},
		{"class smaller than folds", rare, Config{Eval: EvalConfig{Kind: "kfold"}}, "rare"},
		{"empty vocabulary after stop words", stop, Config{Features: FeatureConfig{Vectorize: vectorize.Config{StopWords: vectorize.EnglishStopWords}}, Eval: EvalConfig{TestFraction: 0.5}}, "empty vocabulary"},
		{"empty vocabulary after min_df", unique, Config{Features: FeatureConfig{Vectorize: vectorize.Config{MinDF: vectorize.DocFreq{N: 2}}}, Eval: EvalConfig{TestFraction: 0.5}}, "no terms remain"},
		{"every test label unknown", badTest, Config{Eval: EvalConfig{Kind: "testset", Unseen: UnseenExclude}}, `every document has a label the training data lacks (["unknown"]`},
		{"label out of range names the line", Data{Texts: []string{"aa", "bb"}, Labels: []int{0, 5}, LabelNames: []string{"x", "y"}, Lines: []int{2, 9}}, Config{}, "line 9 has label 5"},
		{"groups missing", noGroups, Config{Eval: EvalConfig{Group: "author"}}, `60 documents but 2 values of the group column "author"`},
		{"one group", oneGroup, Config{Eval: EvalConfig{Group: "author"}}, "needs at least 2 groups, and there is 1"},
		{"fewer groups than folds", oneGroup, Config{Eval: EvalConfig{Kind: "kfold", Group: "author"}}, "needs at least 5 groups"},
		{"unknown unseen choice", good, Config{Eval: EvalConfig{Kind: "testset", Unseen: "drop"}}, `eval.unseen must be errors or exclude, not "drop"`},
		{"testset without test", good, Config{Eval: EvalConfig{Kind: "testset"}}, "needs a test set"},
		{"unknown model", good, Config{Model: ModelConfig{Kind: "gpt"}}, `model.kind must be one of logreg, nb, svm, forest or mlp, not "gpt"`},
		{"unknown features", good, Config{Features: FeatureConfig{Kind: "bag"}}, `features.kind must be one of counts, binary, tfidf or embed, not "bag"`},
		{"bad fraction", good, Config{Eval: EvalConfig{TestFraction: 1.5}}, "strictly between 0 and 1"},
		{"one fold", good, Config{Eval: EvalConfig{Kind: "kfold", Folds: 1}}, "eval.folds must be between 2 and 50, not 1"},
		{"negative C", good, Config{Model: ModelConfig{C: -1}}, "model.C must be a positive number"},
		{"embed without vectors", good, Config{Features: FeatureConfig{Kind: "embed"}}, "embed needs word vectors"},
		{"nb on embeddings", good, Config{Features: FeatureConfig{Kind: "embed", Vectors: tinyVectors(t)}, Model: ModelConfig{Kind: "nb"}}, "non-negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Run(context.Background(), tc.data, tc.cfg, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestRunCancelled(t *testing.T) {
	d := corpus(6, 400, 3)
	for _, kind := range []string{"holdout", "kfold"} {
		t.Run(kind, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			// Cancel from the progress callback, once fitting has begun.
			_, err := Run(ctx, d, Config{Eval: EvalConfig{Kind: kind}}, func(f float64, msg string) {
				if strings.Contains(msg, "fitting") {
					cancel()
				}
			})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("error %v, want context.Canceled", err)
			}
		})
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	d := corpus(7, 240, 3)
	bin := corpus(8, 160, 2)
	unseen := corpus(9, 50, 3).Texts
	unseen = append(unseen, "", "zzz unknownword", "Ünïcödé façade naïve")
	cases := []struct {
		name string
		data Data
		cfg  Config
	}{
		{"counts logreg", d, Config{}},
		{"binary logreg 2 classes", bin, Config{Features: FeatureConfig{Kind: "binary"}}},
		{"tfidf sublinear l1 nb bigrams", d, Config{Features: FeatureConfig{Kind: "tfidf", SublinearTF: true, Norm: vectorize.NormL1, Vectorize: vectorize.Config{NgramMax: 2, MinDF: vectorize.DocFreq{N: 2}}}, Model: ModelConfig{Kind: "nb", Alpha: 0.5}}},
		{"tfidf svm", d, Config{Features: FeatureConfig{Kind: "tfidf", Vectorize: vectorize.Config{StopWords: vectorize.EnglishStopWords}}, Model: ModelConfig{Kind: "svm", C: 0.3}}},
		{"tfidf svm 2 classes", bin, Config{Features: FeatureConfig{Kind: "tfidf"}, Model: ModelConfig{Kind: "svm"}}},
		{"counts forest", d, Config{Model: ModelConfig{Kind: "forest", Trees: 7, MaxDepth: 6}, Seed: 3}},
		{"tfidf forest 2 classes", bin, Config{Features: FeatureConfig{Kind: "tfidf"}, Model: ModelConfig{Kind: "forest", Trees: 5}}},
		{"tfidf mlp", d, Config{Features: FeatureConfig{Kind: "tfidf"}, Model: ModelConfig{Kind: "mlp", Hidden: 6}, Seed: 4}},
		{"counts mlp 2 classes", bin, Config{Model: ModelConfig{Kind: "mlp", Hidden: 5}}},
		{"embed logreg", d, Config{Features: FeatureConfig{Kind: "embed", Vectors: tinyVectors(t)}}},
		{"embed forest 2 classes", bin, Config{Features: FeatureConfig{Kind: "embed", Vectors: tinyVectors(t)}, Model: ModelConfig{Kind: "forest", Trees: 4}}},
		{"embed mlp", d, Config{Features: FeatureConfig{Kind: "embed", Vectors: tinyVectors(t)}, Model: ModelConfig{Kind: "mlp", Hidden: 4}}},
		{"embed svm", d, Config{Features: FeatureConfig{Kind: "embed", Vectors: tinyVectors(t)}, Model: ModelConfig{Kind: "svm"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Run(context.Background(), tc.data, tc.cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := res.Model.Save(&buf); err != nil {
				t.Fatal(err)
			}
			loaded, err := LoadWithVectors(bytes.NewReader(buf.Bytes()), tc.cfg.Features.Vectors)
			if err != nil {
				t.Fatal(err)
			}
			texts := append(append([]string(nil), tc.data.Texts[:30]...), unseen...)
			want, err := res.Model.Predict(context.Background(), texts)
			if err != nil {
				t.Fatal(err)
			}
			got, err := loaded.Predict(context.Background(), texts)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatal("loaded model predicts differently")
			}
			if got[0].True != -1 {
				t.Errorf("True = %d, want -1", got[0].True)
			}
			if !reflect.DeepEqual(loaded.Config(), res.Model.Config()) || !reflect.DeepEqual(loaded.LabelNames(), tc.data.LabelNames) {
				t.Error("config or labels changed in the round trip")
			}
			if !reflect.DeepEqual(loaded.TopFeatures(1, 5), res.Model.TopFeatures(1, 5)) {
				t.Error("top features changed in the round trip")
			}
		})
	}
}

func TestLoadRejects(t *testing.T) {
	res, err := Run(context.Background(), corpus(10, 100, 2), Config{Features: FeatureConfig{Kind: "tfidf"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := res.Model.Save(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.String()
	tests := []struct {
		name, file, want string
	}{
		{"empty", "", "not a Textlab model file"},
		{"not json", "hello", "not a Textlab model file"},
		{"other format", strings.Replace(good, FileFormat, "other", 1), `format is "other"`},
		{"future version", strings.Replace(good, `"version":1`, `"version":9`, 1), "version 9"},
		{"unknown field", strings.Replace(good, `"version":1`, `"version":1,"extra":true`, 1), "unknown field"},
		{"one label", strings.Replace(good, `"labels":["a-class","b-class"]`, `"labels":["a-class"]`, 1), "at least two classes"},
		{"duplicate label", strings.Replace(good, `"labels":["a-class","b-class"]`, `"labels":["a-class","a-class"]`, 1), "listed twice"},
		{"three labels for binary weights", strings.Replace(good, `"labels":["a-class","b-class"]`, `"labels":["a-class","b-class","c"]`, 1), "need 3 weight rows"},
		{"no idf", strings.Replace(good, `"idf":[`, `"idf_gone":[`, 1), "unknown field"},
		{"weights of another model", strings.Replace(good, `"kind":"logreg"`, `"kind":"forest"`, 1), "no trees"},
		{"bad idf", strings.Replace(good, `"idf":[`, `"idf":[0.5,`, 1), "idf"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.file == good {
				t.Fatal("test case did not change the file")
			}
			_, err := Load(strings.NewReader(tc.file))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestWritePredictionsCSV(t *testing.T) {
	preds := []Prediction{
		{Index: 0, Pred: 1, Probs: []float64{0.25, 0.75}},
		{Index: 1, Pred: 0, Probs: []float64{0.5, 0.5}},
		{Index: 2, Pred: 0, Probs: []float64{1, 0}},
		{Index: 3, Pred: 1, Probs: []float64{0, 1}},
		{Index: 4, Pred: 0, Probs: []float64{0.9, 0.1}},
	}
	ids := []string{"=SUM(A1)", "+1", "-2", "@x", "plain"}
	texts := []string{"a, \"quoted\" text", "\tTabbed", "\rcr", "=1+1", "fine -1"}
	labels := []string{"=bad", "good"}
	var buf bytes.Buffer
	if err := WritePredictionsCSV(&buf, ids, texts, preds, labels); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"id", "text", "predicted", "p_=bad", "p_good"},
		{"'=SUM(A1)", "a, \"quoted\" text", "good", "0.25", "0.75"},
		{"'+1", "'\tTabbed", "'=bad", "0.5", "0.5"},
		{"'-2", "'\rcr", "'=bad", "1", "0"},
		{"'@x", "'=1+1", "good", "0", "1"},
		{"plain", "fine -1", "'=bad", "0.9", "0.1"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("got\n%q\nwant\n%q", rows, want)
	}

	// Scores instead of probabilities, and default ids.
	buf.Reset()
	scores := []Prediction{{Index: 7, Pred: 0, Probs: []float64{0.4, -0.4}, Decision: true}}
	if err := WritePredictionsCSV(&buf, nil, nil, scores, []string{"x", "y"}); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != "id,text,predicted,score_x,score_y\n7,,x,0.4,-0.4\n" {
		t.Errorf("got %q", got)
	}
	if err := WritePredictionsCSV(&buf, []string{"a"}, nil, preds, labels); err == nil {
		t.Error("no error for ids of the wrong length")
	}
}

func TestExplainAndTopFeatures(t *testing.T) {
	// "good" words in class 1, "bad" words in class 0.
	d := Data{LabelNames: []string{"neg", "pos"}}
	for i := 0; i < 40; i++ {
		d.Texts = append(d.Texts, "awful terrible movie plot", "wonderful lovely movie plot")
		d.Labels = append(d.Labels, 0, 1)
	}
	for _, model := range []string{"logreg", "nb", "svm"} {
		t.Run(model, func(t *testing.T) {
			res, err := Run(context.Background(), d, Config{Model: ModelConfig{Kind: model}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			top := res.Model.TopFeatures(1, 2)
			names := []string{top[0].Name, top[1].Name}
			if !(contains(names, "wonderful") && contains(names, "lovely")) {
				t.Errorf("top features of pos: %v", names)
			}
			pred, feats, err := res.Model.Explain("a terrible plot", 3)
			if err != nil {
				t.Fatal(err)
			}
			if pred != 0 || len(feats) != 2 || feats[0].Name != "terrible" || !(feats[0].Contribution > feats[1].Contribution) {
				t.Errorf("Explain: pred %d, features %+v", pred, feats)
			}
			if res.Model.TopFeatures(5, 2) != nil {
				t.Error("TopFeatures of a class out of range is not nil")
			}
		})
	}
}

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

func TestDescribe(t *testing.T) {
	tests := []struct {
		cfg  Config
		want string
	}{
		{Config{}, "counts (ngram 1-1, min_df 1, max_df 1.0, all features, no stop words, lowercase) | logreg C=1 | hold-out 20% stratified | seed 0"},
		{Config{Features: FeatureConfig{Kind: "tfidf", SublinearTF: true, Vectorize: vectorize.Config{NgramMax: 2, MinDF: vectorize.DocFreq{N: 2}, MaxDF: vectorize.DocFreq{Fraction: 0.9}, MaxFeatures: 500, StopWords: vectorize.EnglishStopWords}},
			Model: ModelConfig{Kind: "nb", Alpha: 0.1}, Eval: EvalConfig{Kind: "kfold", Folds: 10}, Seed: 42},
			"tfidf (ngram 1-2, min_df 2, max_df 0.9, max 500 features, english stop words, lowercase, norm l2, sublinear tf) | nb alpha=0.1 | 10-fold CV stratified | seed 42"},
		{Config{Model: ModelConfig{Kind: "forest", Trees: 50}, Eval: EvalConfig{Kind: "testset"}}, "| forest trees=50 max_depth=unlimited | separate test set, unseen labels as errors |"},
		{Config{Eval: EvalConfig{Kind: "testset", Unseen: UnseenExclude, Group: "ignored"}}, "| separate test set, unseen labels left out |"},
		{Config{Eval: EvalConfig{Group: "president"}}, "| hold-out 20% stratified grouped by president |"},
		{Config{Eval: EvalConfig{Kind: "kfold", Group: "document", NoStratify: true}}, "| 5-fold CV not stratified grouped by document |"},
		{Config{Model: ModelConfig{Kind: "svm", C: 0.5}, Eval: EvalConfig{NoStratify: true, TestFraction: 0.3}}, "| svm C=0.5 | hold-out 30% not stratified |"},
		{Config{Model: ModelConfig{Kind: "what"}}, "(invalid: model.kind must be one of logreg, nb, svm, forest or mlp, not \"what\")"},
	}
	for _, tc := range tests {
		if got := Describe(tc.cfg); !strings.Contains(got, tc.want) {
			t.Errorf("Describe(%+v) = %q, want it to contain %q", tc.cfg, got, tc.want)
		}
	}
}

func TestProbabilitiesSumToOne(t *testing.T) {
	res, err := Run(context.Background(), corpus(11, 150, 3), Config{Model: ModelConfig{Kind: "nb"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Test {
		s := 0.0
		for _, v := range p.Probs {
			s += v
		}
		if math.Abs(s-1) > 1e-9 || p.Decision {
			t.Fatalf("probabilities %v sum to %v", p.Probs, s)
		}
	}
}

func TestProgressMessages(t *testing.T) {
	var msgs []string
	_, err := Run(context.Background(), corpus(13, 90, 3), Config{Eval: EvalConfig{Kind: "kfold", Folds: 3}}, func(_ float64, msg string) {
		if len(msgs) == 0 || msgs[len(msgs)-1] != msg {
			msgs = append(msgs, msg)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(msgs, "\n")
	for _, want := range []string{"fold 1 of 3: features", "fold 2 of 3: fitting", "fold 3 of 3: predicting", "final model on all data: fitting", "done"} {
		if !strings.Contains(got, want) {
			t.Errorf("messages lack %q:\n%s", want, got)
		}
	}
}

func TestLoadEmbedNeedsSameVectors(t *testing.T) {
	vecs := tinyVectors(t)
	res, err := Run(context.Background(), corpus(10, 100, 2), Config{Features: FeatureConfig{Kind: "embed", Vectors: vecs}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := res.Model.Save(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), VectorsSHA256(vecs)) {
		t.Error("the file does not record the vectors' sha256")
	}
	if _, err := Load(bytes.NewReader(buf.Bytes())); !errors.Is(err, ErrNeedsVectors) {
		t.Errorf("Load without vectors: error %v, want ErrNeedsVectors", err)
	}
	words := append([]string(nil), vecs.Words()...)
	vs := make([][]float32, len(words))
	for i, w := range words {
		v, _ := vecs.Lookup(w)
		vs[i] = make([]float32, len(v))
		for k := range v {
			vs[i][k] = float32(v[k])
		}
	}
	vs[0][0] += 1 // one value changed
	other, err := embed.Quantize(words, vs)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LoadWithVectors(bytes.NewReader(buf.Bytes()), other); err == nil || !strings.Contains(err.Error(), "use the same vectors file") {
		t.Errorf("Load with other vectors: error %v", err)
	}
	counts := strings.Replace(buf.String(), `"kind":"embed"`, `"kind":"counts"`, 1)
	if _, err := LoadWithVectors(strings.NewReader(counts), vecs); err == nil || !strings.Contains(err.Error(), "word vectors given for counts") {
		t.Errorf("vectors with counts features: error %v", err)
	}
}

func TestLoadRejectsBadForestAndMLP(t *testing.T) {
	d := corpus(10, 100, 2)
	save := func(cfg Config) string {
		res, err := Run(context.Background(), d, cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := res.Model.Save(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	forestFile := save(Config{Model: ModelConfig{Kind: "forest", Trees: 3}})
	mlpFile := save(Config{Model: ModelConfig{Kind: "mlp", Hidden: 3}})
	for _, tc := range []struct{ name, file, want string }{
		{"tree count", strings.Replace(forestFile, `"trees":3`, `"trees":4`, 1), "config says 4"},
		{"tree child loop", strings.Replace(forestFile, `"children_left":[1,`, `"children_left":[0,`, 1), "must come after it"},
		{"no trees", strings.Replace(forestFile, `"trees":[`, `"trees_x":[`, 1), "unknown field"},
		{"hidden units", strings.Replace(mlpFile, `"hidden":3`, `"hidden":5`, 1), "config says 5"},
		{"mlp without weights", strings.Replace(mlpFile, `"model":{"kind":"mlp"`, `"model":{"kind":"logreg"`, 1), "weight rows"},
		{"mlp weights as forest", strings.Replace(mlpFile, `"model":{"kind":"mlp"`, `"model":{"kind":"forest"`, 1), "no trees"},
	} {
		if tc.file == forestFile || tc.file == mlpFile {
			t.Fatalf("%s: test case did not change the file", tc.name)
		}
		if _, err := Load(strings.NewReader(tc.file)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}
