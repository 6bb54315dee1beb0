//go:build ref && !js

package naivebayes

import (
	"testing"

	"textlab/core/classify"
	"textlab/internal/classifytest"
)

// TestParametersMatchScikitLearn compares the fitted log probabilities
// with scikit-learn's MultinomialNB (feature_log_prob_, class_log_prior_)
// on the same count feature matrices.
func TestParametersMatchScikitLearn(t *testing.T) {
	classifytest.CheckParameters(t, classifytest.Parity{
		Import:     "from sklearn.naive_bayes import MultinomialNB",
		Estimator:  "MultinomialNB()",
		Weights:    "feature_log_prob_",
		Intercepts: "class_log_prior_",
		Features:   classifytest.Count,
		Tolerance:  1e-12,
		New:        func() classify.Linear { return new(Model) },
	})
}
