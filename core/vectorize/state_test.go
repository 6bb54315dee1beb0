package vectorize

import (
	"context"
	"reflect"
	"strings"
	"testing"
)

func TestSetVocabularyRoundTrip(t *testing.T) {
	docs := []string{"the cat sat", "the dog sat down", "a cat and a dog"}
	for _, tc := range []Tfidf{{}, {SublinearTF: true, Norm: NormL1, Config: Config{NgramMax: 2}}, {NoIDF: true}} {
		fitted := tc
		if _, err := fitted.FitTransform(context.Background(), docs, nil); err != nil {
			t.Fatal(err)
		}
		loaded := tc
		if err := loaded.SetVocabulary(fitted.FeatureNames(), fitted.IDF()); err != nil {
			t.Fatal(err)
		}
		test := []string{"the cat and the mouse", "", "dog dog dog"}
		want, _ := fitted.Transform(context.Background(), test)
		got, err := loaded.Transform(context.Background(), test)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%+v: transform differs after SetVocabulary: %v", tc, err)
		}
	}
}

func TestSetVocabularyRejects(t *testing.T) {
	for _, tc := range []struct {
		name  string
		t     Tfidf
		names []string
		idf   []float64
		want  string
	}{
		{"empty", Tfidf{}, nil, nil, "exactly when"},
		{"empty vocabulary", Tfidf{NoIDF: true}, nil, nil, "empty vocabulary"},
		{"duplicate", Tfidf{}, []string{"a", "a"}, []float64{1, 1}, `"a" appears`},
		{"empty term", Tfidf{}, []string{""}, []float64{1}, "empty"},
		{"idf length", Tfidf{}, []string{"a", "b"}, []float64{1}, "1 idf weights for 2 terms"},
		{"idf below 1", Tfidf{}, []string{"a"}, []float64{0.5}, "0.5"},
		{"idf with NoIDF", Tfidf{NoIDF: true}, []string{"a"}, []float64{1}, "exactly when"},
		{"bad norm", Tfidf{Norm: 7}, []string{"a"}, []float64{1}, "norm"},
	} {
		if err := tc.t.SetVocabulary(tc.names, tc.idf); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
}
