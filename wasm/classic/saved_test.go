package classic

import (
	"bytes"
	"strings"
	"testing"

	"textlab/core/embed"
	"textlab/web/ui"
)

// vectorsFile returns a word-vector file (core/embed's format) that
// knows the sentiment words of classicCSV: positive words point one way,
// negative ones the other.
func vectorsFile(t *testing.T) []byte {
	t.Helper()
	words := []string{"good", "great", "fine", "lovely", "nice", "bad", "awful", "poor", "dull", "worse", "film"}
	vecs := make([][]float32, len(words))
	for i := range words {
		switch {
		case i < 5:
			vecs[i] = []float32{1, float32(i) / 10, 0}
		case i < 10:
			vecs[i] = []float32{-1, float32(i) / 10, 0}
		default:
			vecs[i] = []float32{0, 0, 1}
		}
	}
	v, err := embed.Quantize(words, vecs)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	v.WriteTo(&b)
	return b.Bytes()
}

func TestClassicVectorsAndEmbedTraining(t *testing.T) {
	_, call := loadClassic(t)
	embedLogreg := `{"features":{"kind":"embed"},"model":{"kind":"logreg"},"seed":3}`
	if m := call("classic.train", embedLogreg, nil); m.Error == nil || !strings.Contains(m.Error.Message, "word vectors are not loaded") {
		t.Fatalf("train before classic.vectors: %+v", m)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"no bytes", nil, "no file bytes"},
		{"not vectors", []byte("text,label\n"), "glove.bin: embed: "},
	} {
		if m := call("classic.vectors", `{"name":"glove.bin"}`, tc.data); m.Error == nil || !strings.Contains(m.Error.Message, tc.want) {
			t.Errorf("%s: %+v, want error with %q", tc.name, m, tc.want)
		}
	}
	m := call("classic.vectors", `{"name":"glove.bin"}`, vectorsFile(t))
	if m.Type != "result" {
		t.Fatalf("classic.vectors: %+v", m.Error)
	}
	if js := jsonOf(m.Result); !strings.Contains(js, `"words":11`) || !strings.Contains(js, `"dim":3`) || !strings.Contains(js, `"sha256":"`) {
		t.Errorf("classic.vectors result %s", js)
	}
	if msg := m.Result.(vectorsResult).Message; msg != "Word vectors loaded: 11 words, 3 dimensions (GloVe, int8)." {
		t.Errorf("message %q", msg)
	}
	// A bad file afterwards keeps the vectors loaded before.
	call("classic.vectors", `{"name":"x.bin"}`, []byte("TLWV"))
	m = call("classic.describe", embedLogreg, nil)
	if js := jsonOf(m.Result); !strings.Contains(js, "3-d vectors of 11 words") {
		t.Errorf("describe: %s", js)
	}
	m = call("classic.train", embedLogreg, nil)
	if m.Type != "result" {
		t.Fatalf("embed train: %+v", m.Error)
	}
	// The last row, "<img ...> good bad", has known words; every row does.
	if js := jsonOf(m.Result); !strings.Contains(js, `data-no-known-word=\"0\"`) || !strings.Contains(js, "Every one of the 61 documents") {
		t.Errorf("embed train result lacks the no-known-word note: %s", js)
	}
}

func TestClassicSaveRestore(t *testing.T) {
	store, call := loadClassic(t)
	if m := call("classic.vectors", `{"name":"glove.bin"}`, vectorsFile(t)); m.Type != "result" {
		t.Fatal(m.Error)
	}
	unlabeled := []byte("text\ngood nice film\nawful poor film\n<b>bold</b> fine\n")
	for _, payload := range []string{
		classicTFIDF,
		`{"features":{"kind":"counts"},"model":{"kind":"forest","trees":5},"seed":1}`,
		`{"features":{"kind":"counts"},"model":{"kind":"mlp","hidden":4},"seed":1}`,
		`{"features":{"kind":"embed"},"model":{"kind":"svm"},"eval":{"kind":"kfold","folds":3},"seed":1}`,
	} {
		m := call("classic.train", payload, nil)
		if m.Type != "result" {
			t.Fatalf("%s: %+v", payload, m.Error)
		}
		saved := m.Result.(trainResult).Saved
		before := map[string]string{}
		for _, c := range [][2]string{{"classic.misclassified", `{"offset":0,"limit":200}`}, {"classic.explain", `{"text":"good awful film"}`}} {
			before[c[0]] = jsonOf(call(c[0], c[1], nil).Result)
		}
		beforePred := jsonOf(call("classic.predict", `{"name":"new.csv","text_column":"text"}`, unlabeled).Result)

		run := []byte(saved.Run)
		if saved.Embed != strings.Contains(payload, `"embed"`) || saved.Bytes != len(run) {
			t.Errorf("%s: embed = %v, %d bytes", payload, saved.Embed, saved.Bytes)
		}
		store.Delete(lastKey)
		if m := call("classic.explain", `{"text":"good"}`, nil); m.Error == nil {
			t.Fatal("explain without a run: no error")
		}
		m = call("classic.restore", `{}`, run)
		if m.Type != "result" {
			t.Fatalf("%s: restore: %+v", payload, m.Error)
		}
		if js := jsonOf(m.Result); !strings.Contains(js, `"dataset":"films.csv"`) || !strings.Contains(js, `data-restored=\"true\"`) ||
			!strings.Contains(js, "Restored from your last visit: "+ui.ClassicMethod(cfgOf(t, payload).Features.Kind, cfgOf(t, payload).Model.Kind)+" on films.csv, trained 20") {
			t.Errorf("%s: restore result %s", payload, js)
		}
		for _, c := range [][2]string{{"classic.misclassified", `{"offset":0,"limit":200}`}, {"classic.explain", `{"text":"good awful film"}`}} {
			if got := jsonOf(call(c[0], c[1], nil).Result); got != before[c[0]] {
				t.Errorf("%s: %s after restore differs:\n%s\nwant\n%s", payload, c[0], got, before[c[0]])
			}
		}
		if got := jsonOf(call("classic.predict", `{"name":"new.csv","text_column":"text"}`, unlabeled).Result); got != beforePred {
			t.Errorf("%s: predictions after restore differ", payload)
		}
	}
}

func TestClassicRestoreRejects(t *testing.T) {
	_, call := loadClassic(t)
	m := call("classic.train", classicTFIDF, nil)
	if m.Type != "result" {
		t.Fatal(m.Error)
	}
	good := m.Result.(trainResult).Saved.Run
	badWrong := `{"index":-5,"true":0,"pred":1,"probs":[0.5,0.5],"text":"x"}`
	badIndex := strings.Replace(good, `"misclassified":[]`, `"misclassified":[`+badWrong+`]`, 1)
	if badIndex == good {
		badIndex = strings.Replace(good, `"misclassified":[`, `"misclassified":[`+badWrong+`,`, 1)
	}
	for _, tc := range []struct{ name, data, want string }{
		{"empty", "", "no saved run"},
		{"not json", "hello", "could not be read"},
		{"other format", strings.Replace(good, `"textlab-classic-run"`, `"other"`, 1), "not a Classic ML run"},
		{"damaged model", strings.Replace(good, `"idf":[`, `"idf":[-1,`, 1), "could not be loaded"},
		{"bad index", badIndex, "damaged"},
	} {
		if tc.data == good {
			t.Fatalf("%s: the case does not change the file", tc.name)
		}
		if m := call("classic.restore", `{}`, []byte(tc.data)); m.Error == nil || !strings.Contains(m.Error.Message, tc.want) {
			t.Errorf("%s: %+v, want error with %q", tc.name, m, tc.want)
		}
	}
}
