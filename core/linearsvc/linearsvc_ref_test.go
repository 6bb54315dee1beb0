//go:build ref && !js

package linearsvc

import (
	"testing"

	"textlab/core/classify"
	"textlab/internal/classifytest"
)

// TestParametersMatchScikitLearn compares the fitted weights and
// intercepts with scikit-learn's LinearSVC on the same TF-IDF feature
// matrices.
func TestParametersMatchScikitLearn(t *testing.T) {
	classifytest.CheckParameters(t, classifytest.Parity{
		Import:     "from sklearn.svm import LinearSVC",
		Estimator:  "LinearSVC()",
		Weights:    "coef_",
		Intercepts: "intercept_",
		Features:   classifytest.Tfidf,
		Tolerance:  1e-3,
		New:        func() classify.Linear { return new(Model) },
	})
}
