package pipeline

import (
	"context"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"textlab/core/dataset"
	"textlab/core/vectorize"
)

// Validate holds the one set of bounds of the page and the command line.
func TestValidate(t *testing.T) {
	vec := func(v vectorize.Config) Config { return Config{Features: FeatureConfig{Vectorize: v}} }
	tests := []struct {
		name  string
		cfg   Config
		field string // "" when valid
	}{
		{"zero config", Config{}, ""},
		{"every kind", Config{Features: FeatureConfig{Kind: FeaturesTfidf}, Model: ModelConfig{Kind: ModelMLP}, Eval: EvalConfig{Kind: EvalTestset}}, ""},
		{"unknown features", Config{Features: FeatureConfig{Kind: "bag"}}, FieldFeaturesKind},
		{"unknown model", Config{Model: ModelConfig{Kind: "gpt"}}, FieldModelKind},
		{"unknown evaluation", Config{Eval: EvalConfig{Kind: "bootstrap"}}, FieldEvalKind},
		{"1 fold", Config{Eval: EvalConfig{Kind: EvalKFold, Folds: 1}}, FieldFolds},
		{"2 folds", Config{Eval: EvalConfig{Kind: EvalKFold, Folds: 2}}, ""},
		{"50 folds", Config{Eval: EvalConfig{Kind: EvalKFold, Folds: 50}}, ""},
		{"51 folds", Config{Eval: EvalConfig{Kind: EvalKFold, Folds: 51}}, FieldFolds},
		{"negative folds", Config{Eval: EvalConfig{Folds: -3}}, FieldFolds},
		{"test fraction 0.01", Config{Eval: EvalConfig{TestFraction: 0.01}}, ""},
		{"test fraction 0.99", Config{Eval: EvalConfig{TestFraction: 0.99}}, ""},
		{"test fraction 1", Config{Eval: EvalConfig{TestFraction: 1}}, FieldTestFraction},
		{"test fraction 20 (a percentage)", Config{Eval: EvalConfig{TestFraction: 20}}, FieldTestFraction},
		{"negative test fraction", Config{Eval: EvalConfig{TestFraction: -0.2}}, FieldTestFraction},
		{"NaN test fraction", Config{Eval: EvalConfig{TestFraction: math.NaN()}}, FieldTestFraction},
		{"ngram 1-3", vec(vectorize.Config{NgramMin: 1, NgramMax: 3}), ""},
		{"ngram max only", vec(vectorize.Config{NgramMax: 2}), ""},
		{"ngram 10-10", vec(vectorize.Config{NgramMin: 10, NgramMax: 10}), ""},
		{"ngram empty range", vec(vectorize.Config{NgramMin: 2, NgramMax: 1}), FieldNgram},
		{"ngram 11", vec(vectorize.Config{NgramMax: 11}), FieldNgram},
		{"negative ngram", vec(vectorize.Config{NgramMin: -1}), FieldNgram},
		{"min_df count", vec(vectorize.Config{MinDF: vectorize.DocFreq{N: 2}}), ""},
		{"min_df share", vec(vectorize.Config{MinDF: vectorize.DocFreq{Fraction: 0.01}}), ""},
		{"negative min_df", vec(vectorize.Config{MinDF: vectorize.DocFreq{N: -1}}), FieldMinDF},
		{"max_df share 1", vec(vectorize.Config{MaxDF: vectorize.DocFreq{Fraction: 1}}), ""},
		{"max_df share 2", vec(vectorize.Config{MaxDF: vectorize.DocFreq{Fraction: 2}}), FieldMaxDF},
		{"max_df both", vec(vectorize.Config{MaxDF: vectorize.DocFreq{N: 3, Fraction: 0.5}}), FieldMaxDF},
		{"negative max_features", vec(vectorize.Config{MaxFeatures: -1}), FieldMaxFeatures},
		{"unknown norm", Config{Features: FeatureConfig{Norm: 7}}, FieldNorm},
		{"negative C", Config{Model: ModelConfig{C: -1}}, FieldC},
		{"infinite C", Config{Model: ModelConfig{C: math.Inf(1)}}, FieldC},
		{"NaN alpha", Config{Model: ModelConfig{Alpha: math.NaN()}}, FieldAlpha},
		{"10000 trees", Config{Model: ModelConfig{Trees: 10000}}, ""},
		{"10001 trees", Config{Model: ModelConfig{Trees: 10001}}, FieldTrees},
		{"negative depth", Config{Model: ModelConfig{MaxDepth: -1}}, FieldMaxDepth},
		{"too many hidden units", Config{Model: ModelConfig{Hidden: 100001}}, FieldHidden},
		{"any seed", Config{Seed: math.MaxUint64}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			var se *SettingError
			switch {
			case tc.field == "" && err != nil:
				t.Fatalf("Validate: %v, want nil", err)
			case tc.field == "":
				return
			case !errors.As(err, &se):
				t.Fatalf("Validate: %v, want a *SettingError for %s", err, tc.field)
			case se.Field != tc.field || se.Want == "" || se.Value == "":
				t.Fatalf("Validate: %+v, want field %s", se, tc.field)
			}
			// Run refuses the same Config with the same error.
			_, runErr := Run(context.Background(), corpus(1, 20, 2), tc.cfg, nil)
			if !errors.As(runErr, &se) || se.Field != tc.field {
				t.Errorf("Run: %v, want the *SettingError of %s", runErr, tc.field)
			}
		})
	}
	err := Config{Eval: EvalConfig{Kind: EvalKFold, Folds: 51}}.Validate()
	if got, want := err.Error(), "eval.folds must be between 2 and 50, not 51"; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
}

func TestReadTest(t *testing.T) {
	ctx := context.Background()
	cols := dataset.Columns{Text: "text", Label: "label"}
	tests := []struct {
		name        string
		file        string
		train       []string
		wantTexts   string
		wantLabels  []int
		wantNames   []string
		wantLines   []int
		wantSkipped int
		wantUnseen  []UnseenDoc
		wantErr     string
	}{
		{"two classes, training order", "label,text\nb,x y\na,z\n", []string{"a", "b"}, "x y|z", []int{1, 0}, []string{"a", "b"}, []int{2, 3}, 0, nil, ""},
		{"two classes, own order", "label,text\nb,x y\na,z\n", nil, "x y|z", []int{1, 0}, []string{"a", "b"}, []int{2, 3}, 0, nil, ""},
		{"one class, rows skipped", "text,label\ngood, pos \n,pos\nnice,\ngreat,pos\n", []string{"neg", "pos"}, "good|great", []int{1, 1}, []string{"neg", "pos"}, []int{2, 5}, 2, nil, ""},
		{"one class, own numbering", "text,label\ngood,pos\n", nil, "good", []int{0}, []string{"pos"}, []int{2}, 0, nil, ""},
		{"labels the training data lacks, numbered after its own", "text,label\ngood,pos\nbad,meh\n\nso-so,ugh\nfine,meh\n", []string{"neg", "pos"}, "good|bad|so-so|fine", []int{1, 2, 3, 2}, []string{"neg", "pos", "meh", "ugh"}, []int{2, 3, 5, 6}, 0,
			[]UnseenDoc{{Index: 1, Line: 3, Label: "meh"}, {Index: 2, Line: 5, Label: "ugh"}, {Index: 3, Line: 6, Label: "meh"}}, ""},
		{"missing column", "body,label\ngood,pos\n", nil, "", nil, nil, nil, 0, nil, `test file t.csv has no column "text"`},
		{"no usable row", "text,label\n,pos\n", nil, "", nil, nil, nil, 0, nil, "test file t.csv: none of the 1 rows is usable"},
		{"empty file", "", nil, "", nil, nil, nil, 0, nil, "test file t.csv: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tf, err := ReadTest(ctx, []byte(tc.file), "t.csv", cols, tc.train)
			if tc.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one starting %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			d := tf.Data
			if strings.Join(d.Texts, "|") != tc.wantTexts || !reflect.DeepEqual(d.Labels, tc.wantLabels) ||
				!reflect.DeepEqual(d.LabelNames, tc.wantNames) || !reflect.DeepEqual(tf.Lines, tc.wantLines) || len(tf.Problems) != tc.wantSkipped {
				t.Errorf("got %q %v %v lines %v problems %v", d.Texts, d.Labels, d.LabelNames, tf.Lines, tf.Problems)
			}
			if !reflect.DeepEqual(tf.Unseen, tc.wantUnseen) || !reflect.DeepEqual(d.Lines, tf.Lines) {
				t.Errorf("unseen %+v, want %+v; data lines %v", tf.Unseen, tc.wantUnseen, d.Lines)
			}
		})
	}
}

// A one-class test file is scored like any other.
func TestRunOneClassTestFile(t *testing.T) {
	train := corpus(4, 100, 2)
	raw := "text,label\n" + train.Texts[0] + "," + train.LabelNames[1] + "\n" + train.Texts[1] + "," + train.LabelNames[1] + "\n"
	tf, err := ReadTest(context.Background(), []byte(raw), "one.csv", dataset.Columns{Text: "text", Label: "label"}, train.LabelNames)
	if err != nil {
		t.Fatal(err)
	}
	train.Test = &tf.Data
	res, err := Run(context.Background(), train, Config{Eval: EvalConfig{Kind: EvalTestset}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Test) != 2 || res.ROC != nil || res.Report.Support[1] != 2 {
		t.Errorf("%d predictions, ROC %v, support %v", len(res.Test), res.ROC, res.Report.Support)
	}
}

func TestResultHelpers(t *testing.T) {
	d := corpus(5, 120, 2)
	hold, err := Run(context.Background(), d, Config{Seed: 3}, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := hold.Headline()
	if len(h) != 3 || h["accuracy"] != hold.Report.Accuracy || h["macro_f1"] != hold.Report.Macro.F1 || h["weighted_f1"] != hold.Report.Weighted.F1 {
		t.Errorf("hold-out headline %v", h)
	}
	if hold.FoldSummaries() != nil {
		t.Errorf("fold summaries without folds")
	}
	wrong := 0
	for _, p := range hold.Test {
		if p.Pred != p.True {
			wrong++
		}
	}
	if mis := hold.Misclassified(); len(mis) != wrong {
		t.Errorf("%d misclassified, counted %d", len(mis), wrong)
	}
	predicted, gold := hold.PredictedLabels()
	for i, p := range hold.Test {
		if predicted[i] != d.LabelNames[p.Pred] || gold[i] != d.LabelNames[p.True] {
			t.Fatalf("prediction %d: %q %q", i, predicted[i], gold[i])
		}
	}
	if hold.Label(-1) != "" || hold.Label(2) != "" {
		t.Errorf("labels out of range are named")
	}

	kf, err := Run(context.Background(), d, Config{Eval: EvalConfig{Kind: EvalKFold, Folds: 3}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	h = kf.Headline()
	if len(h) != 6 || h["accuracy"] != kf.Mean.Accuracy || h["macro_f1_std"] != kf.Std.MacroF1 {
		t.Errorf("k-fold headline %v", h)
	}
	folds := kf.FoldSummaries()
	if len(folds) != 3 || folds[1].MacroF1 != kf.Folds[1].Macro.F1 {
		t.Errorf("fold summaries %v", folds)
	}

	for _, tc := range []struct {
		cfg  Config
		name string
		want string
	}{
		{Config{}, "", "hold-out 80:20, stratified"},
		{Config{Eval: EvalConfig{TestFraction: 0.3, NoStratify: true}}, "", "hold-out 70:30, not stratified"},
		{Config{Eval: EvalConfig{Kind: EvalKFold}}, "", "5-fold cross-validation, stratified"},
		{Config{Eval: EvalConfig{Kind: EvalTestset}}, "t.csv", "separate test file t.csv"},
	} {
		if got := DescribeEval(tc.cfg, tc.name); got != tc.want {
			t.Errorf("DescribeEval(%+v) = %q, want %q", tc.cfg.Eval, got, tc.want)
		}
	}
}

func TestExplainText(t *testing.T) {
	d := Data{LabelNames: []string{"negative", "positive"}}
	for i := 0; i < 10; i++ {
		d.Texts = append(d.Texts, "a dull and boring film", "a wonderful, moving film")
		d.Labels = append(d.Labels, 0, 1)
	}
	for _, kind := range []string{ModelLogreg, ModelForest} {
		res, err := Run(context.Background(), d, Config{Model: ModelConfig{Kind: kind, Trees: 5}, Eval: EvalConfig{Kind: EvalKFold, Folds: 2}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		ex, err := res.Model.ExplainText(context.Background(), "what a boring story", 3)
		if err != nil {
			t.Fatal(err)
		}
		if ex.Pred != 0 || len(ex.Probs) != 2 || ex.True != -1 {
			t.Errorf("%s: %+v", kind, ex)
		}
		if kind == ModelForest {
			if ex.Linear || ex.Features != nil {
				t.Errorf("forest explained as linear: %+v", ex)
			}
			continue
		}
		if !ex.Linear || len(ex.Features) == 0 || ex.Features[0].Name != "boring" {
			t.Errorf("logreg: %+v", ex)
		}
		for _, f := range ex.Features {
			if f.Contribution <= 0 {
				t.Errorf("feature %s with contribution %v", f.Name, f.Contribution)
			}
		}
		// A text without a known word: linear, no features.
		ex, err = res.Model.ExplainText(context.Background(), "zzz", 3)
		if err != nil || !ex.Linear || len(ex.Features) != 0 {
			t.Errorf("unknown words: %+v, %v", ex, err)
		}
	}
}
