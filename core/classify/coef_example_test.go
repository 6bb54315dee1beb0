package classify_test

import (
	"fmt"
	"math"

	"textlab/core/classify"
)

// A two-class model stores one weight row (class 1's score), as
// scikit-learn's coef_ does; a NaN weight is refused.
func ExampleCheckCoef() {
	coef, intercept, err := classify.CheckCoef([][]float64{{0.5, -1}}, []float64{0.25}, 2)
	fmt.Println(coef, intercept, err)
	_, _, err = classify.CheckCoef([][]float64{{math.NaN(), 1}}, []float64{0}, 2)
	fmt.Println(err)
	// Output:
	// [[0.5 -1]] [0.25] <nil>
	// weight [0][0] is NaN
}
