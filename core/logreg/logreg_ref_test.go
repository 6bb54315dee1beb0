//go:build ref && !js

package logreg

import (
	"testing"

	"textlab/core/classify"
	"textlab/internal/classifytest"
)

// TestParametersMatchScikitLearn compares the fitted weights and
// intercepts with scikit-learn's LogisticRegression on the same TF-IDF feature
// matrices.
func TestParametersMatchScikitLearn(t *testing.T) {
	classifytest.CheckParameters(t, classifytest.Parity{
		Import:     "from sklearn.linear_model import LogisticRegression",
		Estimator:  "LogisticRegression()",
		Weights:    "coef_",
		Intercepts: "intercept_",
		Features:   classifytest.Tfidf,
		Tolerance:  1e-3,
		New:        func() classify.Linear { return new(Model) },
	})
}
