package classic

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"textlab/core/agreement"
	"textlab/core/pipeline"
	"textlab/core/vectorize"
	"textlab/internal/enginetest"
	"textlab/wasm/board"
	"textlab/wasm/data"
	"textlab/wasm/protocol"
	"textlab/web/ui"
)

// classicCSV is a small two-class corpus; the last row's text is markup
// that must come back escaped.
func classicCSV() string {
	var b strings.Builder
	b.WriteString("id,text,label\n")
	pos := []string{"good", "great", "fine", "lovely", "nice"}
	neg := []string{"bad", "awful", "poor", "dull", "worse"}
	for i := 0; i < 30; i++ {
		fmt.Fprintf(&b, "p%d,%s and %s film %d,pos\n", i, pos[i%5], pos[(i+2)%5], i%3)
		fmt.Fprintf(&b, "n%d,%s and %s film %d,neg\n", i, neg[i%5], neg[(i+1)%5], i%3)
	}
	b.WriteString("x1,<img src=x onerror=alert(1)> good bad,neg\n")
	return b.String()
}

// loadClassic loads classicCSV on the Data page's method and returns the
// engine's call function.
func loadClassic(t *testing.T) (*protocol.Store, enginetest.Call) {
	t.Helper()
	store, call := newEngine(t)
	if m := call("data.load", `{"name":"films.csv"}`, []byte(classicCSV())); m.Type != "result" {
		t.Fatalf("data.load: %+v", m.Error)
	}
	return store, call
}

// newEngine returns a fresh engine with the Data and Classic ML pages'
// methods, its store, and a function that serves one request.
func newEngine(t *testing.T) (*protocol.Store, enginetest.Call) {
	t.Helper()
	e, call := enginetest.New(t, data.Register, Register)
	return e.Store(), call
}

var jsonOf = enginetest.JSONOf

const classicTFIDF = `{"eval":{"kind":"holdout","test_size":20,"stratify":true},"features":{"kind":"tfidf","ngram_min":1,"ngram_max":1,"min_df":1,"max_df":1},"model":{"kind":"logreg","C":1},"seed":42}`

func TestClassicSettings(t *testing.T) {
	tests := []struct {
		name, payload string
		wantErr       string // "" for success
		check         func(pipeline.Config) bool
	}{
		{"defaults", `{}`, "", func(c pipeline.Config) bool { return c.Eval.Kind == "" && c.Eval.TestFraction == 0 }},
		{"70:30", `{"eval":{"kind":"holdout","test_size":30,"stratify":true}}`, "", func(c pipeline.Config) bool { return c.Eval.TestFraction == 0.3 && !c.Eval.NoStratify }},
		{"kfold", `{"eval":{"kind":"kfold","folds":5}}`, "", func(c pipeline.Config) bool { return c.Eval.Folds == 5 && !c.Eval.NoStratify }},
		{"not stratified", `{"eval":{"kind":"kfold","stratify":false}}`, "", func(c pipeline.Config) bool { return c.Eval.NoStratify }},
		{"df bounds", `{"features":{"kind":"tfidf","min_df":2,"max_df":0.9,"stop_words":true,"sublinear":true}}`, "", func(c pipeline.Config) bool {
			v := c.Features.Vectorize
			return v.MinDF.N == 2 && v.MaxDF.Fraction == 0.9 && len(v.StopWords) > 0 && c.Features.SublinearTF
		}},
		{"sublinear only for tfidf", `{"features":{"kind":"counts","sublinear":true}}`, "", func(c pipeline.Config) bool { return !c.Features.SublinearTF }},
		{"seed", `{"seed":7}`, "", func(c pipeline.Config) bool { return c.Seed == 7 }},
		{"50 folds", `{"eval":{"kind":"kfold","folds":50}}`, "", func(c pipeline.Config) bool { return c.Eval.Folds == 50 }},
		{"k-fold ignores the test share", `{"eval":{"kind":"kfold","folds":3,"test_size":150}}`, "", func(c pipeline.Config) bool { return c.Eval.TestFraction == 0 }},
		{"hold-out ignores the folds", `{"eval":{"kind":"holdout","folds":99}}`, "", func(c pipeline.Config) bool { return c.Eval.Folds == 0 }},
		{"max_df 1 is no bound", `{"features":{"max_df":1,"min_df":1}}`, "", func(c pipeline.Config) bool {
			return c.Features.Vectorize.MaxDF == vectorize.DocFreq{} && c.Features.Vectorize.MinDF == vectorize.DocFreq{}
		}},
		{"test share", `{"eval":{"kind":"holdout","test_size":100}}`, "Test share (%) must be more than 0 and less than 100 (e.g. 20 for an 80:20 split), not 100.", nil},
		{"1 fold", `{"eval":{"kind":"kfold","folds":1}}`, "Folds (k) must be between 2 and 50, not 1.", nil},
		{"51 folds", `{"eval":{"kind":"kfold","folds":51}}`, "Folds (k) must be between 2 and 50, not 51.", nil},
		{"ngram", `{"features":{"ngram_min":2,"ngram_max":1}}`, "The n-gram range (n-grams from … to) must be", nil},
		{"max_df", `{"features":{"max_df":2}}`, "max_df (share) must be", nil},
		{"negative C", `{"model":{"C":-1}}`, "C (inverse regularisation) must be a positive number", nil},
		{"seed fraction", `{"seed":1.5}`, "The seed must be a whole number", nil},
		{"evaluation", `{"eval":{"kind":"bootstrap"}}`, `Evaluation must be one of holdout, kfold or testset, not "bootstrap".`, nil},
		{"model", `{"model":{"kind":"gpt"}}`, `Classifier must be one of`, nil},
	}
	for _, tc := range tests {
		var s settings
		if err := json.Unmarshal([]byte(tc.payload), &s); err != nil {
			t.Fatal(err)
		}
		cfg, err := s.config("")
		if tc.wantErr != "" {
			var pe *protocol.Error
			if !errors.As(err, &pe) || pe.Code != protocol.CodeBadRequest || !strings.HasPrefix(pe.Message, tc.wantErr) {
				t.Errorf("%s: error %v, want a bad_request starting %q", tc.name, err, tc.wantErr)
			}
			continue
		}
		if err != nil || !tc.check(cfg) {
			t.Errorf("%s: config %+v, error %v", tc.name, cfg, err)
		}
	}
}

func TestClassicNoData(t *testing.T) {
	_, call := newEngine(t)
	m := call("classic.train", classicTFIDF, nil)
	if m.Error == nil || !strings.Contains(m.Error.Message, "Data page") {
		t.Fatalf("train without data: %+v", m)
	}
}

func TestClassicTrainAndInspect(t *testing.T) {
	store, call := loadClassic(t)
	loaded, _ := data.Current(store)
	tests := []struct {
		name, payload string
		data          []byte
		want          []string // substrings of the result JSON
		wantErr       string
	}{
		{"holdout", classicTFIDF, nil, []string{`"split":"hold-out 80:20, stratified"`, "Confusion matrix", "AUC = ", `"method":"TF-IDF + Logistic regression"`}, ""},
		{"kfold", strings.Replace(classicTFIDF, `"kind":"holdout"`, `"kind":"kfold","folds":3`, 1), nil, []string{`"kfold":true`, `"folds":3`, "mean ± std", `macro_f1_std`}, ""},
		{"nb counts", `{"features":{"kind":"counts"},"model":{"kind":"nb","alpha":0.5},"seed":1}`, nil, []string{"Naive Bayes:", "nb alpha=0.5"}, ""},
		{"svm scores", `{"features":{"kind":"binary"},"model":{"kind":"svm"},"seed":1}`, nil, []string{"Linear SVM"}, ""},
		{"testset", `{"eval":{"kind":"testset"},"test_name":"t.csv","model":{"kind":"logreg"}}`, []byte("text,label\ngood nice,pos\nawful bad,neg\n"), []string{"separate test file t.csv", `"n_test":2`}, ""},
		{"testset one class", `{"eval":{"kind":"testset"},"test_name":"t.csv"}`, []byte("text,label\ngood nice,pos\ngreat,pos\n"), []string{`"n_test":2`}, ""},
		{"testset missing column", `{"eval":{"kind":"testset"},"test_name":"t.csv"}`, []byte("body,label\ngood,pos\n"), nil, `no column "text"`},
		{"testset unknown label as an error", `{"eval":{"kind":"testset"},"test_name":"t.csv"}`, []byte("text,label\ngood,pos\nbad,meh\n"),
			[]string{`data-unseen=\"1\" data-excluded=\"false\"`, "1 test row has a label the training data lacks (meh). It counts as an error", "Line 3 of the test file.", `"n_test":2`}, ""},
		{"testset unknown labels left out", `{"eval":{"kind":"testset","unseen":"exclude"},"test_name":"t.csv"}`, []byte("text,label\ngood,pos\nbad,meh\nso-so,ugh\n"),
			[]string{`data-unseen=\"2\" data-excluded=\"true\"`, "2 test rows have labels the training data lacks (meh, ugh). They are left out of the scores.", "Lines 3, 4 of the test file.", `"n_test":1`, "unseen labels left out"}, ""},
		{"testset every label unknown, left out", `{"eval":{"kind":"testset","unseen":"exclude"},"test_name":"t.csv"}`, []byte("text,label\nbad,meh\n"), nil, "every document has a label the training data lacks"},
		{"bad unseen choice", `{"eval":{"kind":"testset","unseen":"drop"},"test_name":"t.csv"}`, []byte("text,label\ngood,pos\n"), nil, `Test labels the training data lacks must be errors or exclude, not "drop".`},
		{"testset without file", `{"eval":{"kind":"testset"}}`, nil, nil, "Choose a test file"},
		{"empty vocabulary", `{"features":{"kind":"tfidf","ngram_min":3,"ngram_max":3,"min_df":40}}`, nil, nil, "no terms remain"},
		{"min_df above the documents", `{"features":{"kind":"tfidf","min_df":1000}}`, nil, nil, "but there are only"},
		{"min_df above max_df", `{"features":{"kind":"tfidf","min_df":30,"max_df":0.01}}`, nil, nil, "lower min_df or raise max_df"},
	}
	for _, tc := range tests {
		m := call("classic.train", tc.payload, tc.data)
		if tc.wantErr != "" {
			if m.Error == nil || !strings.Contains(m.Error.Message, tc.wantErr) {
				t.Errorf("%s: got %+v, want error with %q", tc.name, m, tc.wantErr)
			}
			continue
		}
		if m.Type != "result" {
			t.Errorf("%s: %+v", tc.name, m.Error)
			continue
		}
		js := jsonOf(m.Result)
		for _, w := range tc.want {
			if !strings.Contains(js, w) {
				t.Errorf("%s: result lacks %q", tc.name, w)
			}
		}
	}

	// The page's accuracy is pipeline.Run's on the same data and config.
	m := call("classic.train", classicTFIDF, nil)
	got := m.Result.(trainResult)
	res, err := pipeline.Run(context.Background(), pipeline.Data{Texts: loaded.Texts, Labels: loaded.Labels, LabelNames: loaded.LabelNames},
		pipeline.Config{Features: pipeline.FeatureConfig{Kind: "tfidf"}, Seed: 42}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Metrics["accuracy"] != res.Report.Accuracy || got.Metrics["macro_f1"] != res.Report.Macro.F1 {
		t.Errorf("metrics %v, pipeline.Run says accuracy %v macro-F1 %v", got.Metrics, res.Report.Accuracy, res.Report.Macro.F1)
	}

	// Misclassified documents, explanations, escaping.
	mis := call("classic.misclassified", `{"offset":0,"limit":5}`, nil)
	if mis.Type != "result" || !strings.Contains(mis.Result.(protocol.Fragment).HTML, "classic-mis") {
		t.Errorf("misclassified: %+v", mis)
	}
	for _, tc := range []struct{ payload, want, wantErr string }{
		{`{"text":"good and great film"}`, `data-pred="pos"`, ""},
		{`{"text":"<b>bad</b> awful"}`, "&lt;b&gt;bad&lt;/b&gt;", ""},
		{`{"doc":0}`, "data-pred=", ""},
		{`{"text":"  "}`, "", "Type a text"},
		{`{"doc":100000}`, "", "no document"},
	} {
		m := call("classic.explain", tc.payload, nil)
		if tc.wantErr != "" {
			if m.Error == nil || !strings.Contains(m.Error.Message, tc.wantErr) {
				t.Errorf("explain %s: %+v", tc.payload, m)
			}
			continue
		}
		if m.Type != "result" || !strings.Contains(m.Result.(protocol.Fragment).HTML, tc.want) {
			t.Errorf("explain %s: %+v", tc.payload, m)
		}
		if strings.Contains(jsonOf(m.Result), "<b>") {
			t.Errorf("explain %s: user text became markup", tc.payload)
		}
	}
}

func TestClassicPredictCSV(t *testing.T) {
	_, call := loadClassic(t)
	if m := call("classic.train", classicTFIDF, nil); m.Type != "result" {
		t.Fatalf("train: %+v", m.Error)
	}
	file := []byte("doc,body\n=cmd|' /C calc'!A0,good and nice\nb2,awful and bad\n")
	cols := call("classic.columns", `{"name":"new.csv"}`, file)
	if cols.Type != "result" || !strings.Contains(jsonOf(cols.Result), `"columns":["doc","body"]`) {
		t.Fatalf("columns: %+v", cols)
	}
	tests := []struct {
		payload string
		want    []string
		wantErr string
	}{
		{`{"name":"new.csv","text_column":"body","id_column":"doc"}`, []string{"id,text,predicted,p_neg,p_pos", "'=cmd", ",good and nice,pos,", "new-predictions.csv"}, ""},
		{`{"name":"new.csv","text_column":"body"}`, []string{"\n1,good and nice,pos,"}, ""},
		{`{"name":"new.csv","text_column":"nope"}`, nil, `no column "nope"`},
	}
	for _, tc := range tests {
		m := call("classic.predict", tc.payload, file)
		if tc.wantErr != "" {
			if m.Error == nil || !strings.Contains(m.Error.Message, tc.wantErr) {
				t.Errorf("%s: %+v", tc.payload, m)
			}
			continue
		}
		if m.Type != "result" {
			t.Errorf("%s: %+v", tc.payload, m.Error)
			continue
		}
		r := m.Result.(predictResult)
		if !strings.HasPrefix(r.CSV, "\ufeffid,") {
			t.Errorf("%s: the CSV does not start with a byte order mark and the header: %.20q", tc.payload, r.CSV)
		}
		all := r.CSV + r.File
		for _, w := range tc.want {
			if !strings.Contains(all, w) {
				t.Errorf("%s: %q lacks %q", tc.payload, all, w)
			}
		}
	}
	if m := call("classic.columns", `{"name":"empty.csv"}`, nil); m.Error == nil {
		t.Errorf("columns of an empty file: %+v", m)
	}
}

func TestClassicDescribe(t *testing.T) {
	_, call := newEngine(t)
	d := call("classic.describe", classicTFIDF, nil)
	if d.Type != "result" || !strings.Contains(jsonOf(d.Result), "seed 42") {
		t.Errorf("describe: %+v", d)
	}
}

// cfgOf is the pipeline.Config of a classic.train payload.
func cfgOf(t *testing.T, payload string) pipeline.Config {
	t.Helper()
	var in settings
	if err := json.Unmarshal([]byte(payload), &in); err != nil {
		t.Fatal(err)
	}
	cfg, err := in.config("")
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// classic.train's result carries the run saved for IndexedDB and the run
// on the results board with the board rendered, so the page needs no
// classic.save and no board.render after training.
func TestClassicTrainBoard(t *testing.T) {
	store, call := loadClassic(t)
	for i, payload := range []string{classicTFIDF, strings.Replace(classicTFIDF, `"kind":"holdout"`, `"kind":"kfold","folds":3`, 1)} {
		m := call("classic.train", payload, nil)
		if m.Type != "result" {
			t.Fatalf("train: %+v", m.Error)
		}
		r := m.Result.(trainResult)
		run := r.Board.Run
		if run.ID == "" || run.Time == "" || run.Page != "classic" || run.Dataset != "films.csv" || run.Method != "TF-IDF + Logistic regression" ||
			run.Split != r.Split || string(run.Seed) != "42" || string(run.Settings) != strconv.Quote(r.Settings) {
			t.Errorf("board run %+v", run)
		}
		if len(run.Metrics) != len(r.Metrics) || run.Metrics["macro_f1"] != r.Metrics["macro_f1"] || run.Metrics["kappa"] != r.Metrics["kappa"] {
			t.Errorf("board metrics %v, result metrics %v", run.Metrics, r.Metrics)
		}
		if !strings.Contains(r.Board.HTML, `data-runs="`+strconv.Itoa(i+1)+`"`) || len(board.Runs(store)) != i+1 {
			t.Errorf("after %d runs the board holds %d: %s", i+1, len(board.Runs(store)), r.Board.HTML)
		}
		if r.Saved.Run == "" || !strings.Contains(r.Saved.Run, `"format":"textlab-classic-run"`) {
			t.Errorf("saved run %.80q", r.Saved.Run)
		}
		want := fmt.Sprintf("Done: accuracy %.3f, fit in %.2f s.", r.Metrics["accuracy"], r.FitSeconds)
		if r.KFold {
			want = fmt.Sprintf("Done: accuracy %.3f (mean of 3 folds), fit in %.2f s.", r.Metrics["accuracy"], r.FitSeconds)
		}
		if r.Message != want {
			t.Errorf("message %q, want %q", r.Message, want)
		}
	}
	if m := call("classic.save", `{}`, nil); m.Error == nil || m.Error.Code != protocol.CodeUnknownMethod {
		t.Errorf("classic.save still answers: %+v", m)
	}
}

// classic.train reports κ and α of its test predictions (k-fold: pooled
// out-of-fold) against the gold labels: agreement.CompareLabels on what
// pipeline.Run predicts with the same settings.
func TestClassicTrainAgreement(t *testing.T) {
	store, call := loadClassic(t)
	loaded, _ := data.Current(store)
	testFile := []byte("text,label\ngood nice,pos\nawful bad,neg\ngood bad,neg\nlovely film,pos\ndull,pos\n")
	oneClass := []byte("text,label\ngood nice,pos\ngreat,pos\n")
	tests := []struct {
		name, payload string
		data          []byte
	}{
		{"holdout", classicTFIDF, nil},
		{"kfold pooled", strings.Replace(classicTFIDF, `"kind":"holdout"`, `"kind":"kfold","folds":3`, 1), nil},
		{"naive bayes 70:30", `{"eval":{"kind":"holdout","test_size":30},"features":{"kind":"counts"},"model":{"kind":"nb"},"seed":3}`, nil},
		{"test file", `{"eval":{"kind":"testset"},"test_name":"t.csv"}`, testFile},
		{"one-class test file", `{"eval":{"kind":"testset"},"test_name":"t.csv"}`, oneClass},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := call("classic.train", tc.payload, tc.data)
			if m.Type != "result" {
				t.Fatalf("classic.train: %+v", m.Error)
			}
			got := m.Result.(trainResult)
			cfg := cfgOf(t, tc.payload)
			d := pipeline.Data{Texts: loaded.Texts, Labels: loaded.Labels, LabelNames: loaded.LabelNames}
			if tc.data != nil {
				tf, err := pipeline.ReadTest(context.Background(), tc.data, "t.csv", loaded.Columns, loaded.LabelNames)
				if err != nil {
					t.Fatal(err)
				}
				d.Test = &tf.Data
			}
			res, err := pipeline.Run(context.Background(), d, cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			var predicted, gold []string
			for _, p := range res.Test {
				predicted = append(predicted, res.LabelNames[p.Pred])
				gold = append(gold, res.LabelNames[p.True])
			}
			if tc.data != nil && (got.Metrics["accuracy"] != res.Report.Accuracy || got.Metrics["macro_f1"] != res.Report.Macro.F1) {
				t.Errorf("metrics %v, pipeline.Run on pipeline.ReadTest's data says accuracy %v macro-F1 %v", got.Metrics, res.Report.Accuracy, res.Report.Macro.F1)
			}
			if len(gold) != got.NTest {
				t.Fatalf("%d predictions, the page compared %d", len(gold), got.NTest)
			}
			if strings.Contains(got.HTML, "NaN") {
				t.Errorf("NaN in the summary")
			}
			want, err := agreement.CompareLabels(predicted, gold)
			t.Logf("metrics %v", got.Metrics)
			if errors.Is(err, agreement.ErrUndefined) {
				if _, ok := got.Metrics["kappa"]; ok || got.Metrics[board.UndefinedKey] != 1 {
					t.Errorf("metrics %v: want no kappa and %s = 1 (%v)", got.Metrics, board.UndefinedKey, err)
				}
				if !strings.Contains(got.HTML, `data-agreement="alpha" data-value="">–</dd>`) {
					t.Errorf("summary does not show α as missing")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Metrics["kappa"] != want.Kappa || got.Metrics["alpha"] != want.Alpha || want.Units != got.NTest {
				t.Errorf("kappa %v alpha %v, CompareLabels says %v %v over %d documents", got.Metrics["kappa"], got.Metrics["alpha"], want.Kappa, want.Alpha, want.Units)
			}
			if w := `data-agreement="kappa" data-value="` + strconv.FormatFloat(want.Kappa, 'g', -1, 64) + `"`; !strings.Contains(got.HTML, w) {
				t.Errorf("summary lacks %s", w)
			}
			if i, j := strings.Index(got.HTML, "gold-agreement"), strings.Index(got.HTML, "classic-headline"); i < 0 || j < 0 || i < j {
				t.Errorf("κ and α are not right after the headline metrics")
			}
		})
	}
}

// Every setting Validate checks names a field of the form, and every such
// field has a label.
func TestClassicFormFields(t *testing.T) {
	for _, f := range []string{
		pipeline.FieldFeaturesKind, pipeline.FieldNgram, pipeline.FieldMinDF, pipeline.FieldMaxDF, pipeline.FieldMaxFeatures,
		pipeline.FieldNorm, pipeline.FieldModelKind, pipeline.FieldC, pipeline.FieldAlpha, pipeline.FieldTrees,
		pipeline.FieldMaxDepth, pipeline.FieldHidden, pipeline.FieldEvalKind, pipeline.FieldTestFraction, pipeline.FieldFolds,
		pipeline.FieldUnseen,
	} {
		name, ok := formFields[f]
		if !ok {
			t.Errorf("setting %s has no form field", f)
		} else if ui.ClassicFieldLabels[name] == "" {
			t.Errorf("form field %s (%s) has no label", name, f)
		}
	}
}
