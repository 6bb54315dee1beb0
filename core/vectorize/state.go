package vectorize

import (
	"errors"
	"fmt"
	"math"
)

// SetVocabulary makes c fitted with the given vocabulary, one term per
// column in the order given (FeatureNames after Fit), for example one read
// back from a saved model. Terms must be distinct and non-empty.
func (c *Count) SetVocabulary(names []string) error {
	if err := c.Config.check(); err != nil {
		return err
	}
	if len(names) == 0 {
		return errors.New("vectorize: empty vocabulary")
	}
	vocab := make(map[string]int, len(names))
	for j, term := range names {
		if term == "" {
			return fmt.Errorf("vectorize: vocabulary term %d is empty", j)
		}
		if prev, dup := vocab[term]; dup {
			return fmt.Errorf("vectorize: vocabulary term %q appears at %d and %d", term, prev, j)
		}
		vocab[term] = j
	}
	c.vocab = vocab
	c.names = append([]string(nil), names...)
	return nil
}

// SetVocabulary makes t fitted with the given vocabulary (see
// Count.SetVocabulary) and idf weights (IDF after Fit): one finite weight
// of at least 1 per term, or nil when NoIDF is set.
func (t *Tfidf) SetVocabulary(names []string, idf []float64) error {
	if t.Norm < NormL2 || t.Norm > NormNone {
		return fmt.Errorf("vectorize: unknown norm %d", t.Norm)
	}
	if t.NoIDF != (idf == nil) {
		return fmt.Errorf("vectorize: idf weights must be given exactly when use_idf is on (NoIDF=%v, %d weights)", t.NoIDF, len(idf))
	}
	if idf != nil && len(idf) != len(names) {
		return fmt.Errorf("vectorize: %d idf weights for %d terms", len(idf), len(names))
	}
	for j, w := range idf {
		if math.IsNaN(w) || math.IsInf(w, 0) || w < 1 {
			return fmt.Errorf("vectorize: idf weight %d is %v, not a finite number >= 1", j, w)
		}
	}
	count := Count{Config: t.Config}
	if err := count.SetVocabulary(names); err != nil {
		return err
	}
	t.count = count
	t.idf = append([]float64(nil), idf...)
	if idf == nil {
		t.idf = nil
	}
	return nil
}
