package synth

import (
	"fmt"
	"reflect"
	"testing"
)

func TestCorpus(t *testing.T) {
	a, la := Corpus(Config{Seed: 1, Docs: 50, Classes: 4})
	b, lb := Corpus(Config{Seed: 1, Docs: 50, Classes: 4})
	c, _ := Corpus(Config{Seed: 2, Docs: 50, Classes: 4})
	if !reflect.DeepEqual(a, b) || !reflect.DeepEqual(la, lb) {
		t.Error("same seed, different corpus")
	}
	if reflect.DeepEqual(a, c) {
		t.Error("different seeds, same corpus")
	}
	count := make([]int, 4)
	for i, l := range la {
		if l < 0 || l >= 4 {
			t.Fatalf("label %d out of range", l)
		}
		count[l]++
		if a[i] == "" {
			t.Fatalf("document %d is empty", i)
		}
	}
	for cl, n := range count {
		if n == 0 {
			t.Errorf("class %d never drawn in 50 documents", cl)
		}
	}
}

func ExampleCorpus() {
	texts, labels := Corpus(Config{Seed: 7, Docs: 3, Classes: 2, MinLen: 4, MaxLen: 6})
	fmt.Println(len(texts), len(labels))
	// Output: 3 3
}
