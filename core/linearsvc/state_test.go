package linearsvc

import (
	"testing"

	"textlab/internal/classifytest"
)

func TestSetCoefRoundTrip(t *testing.T) {
	classifytest.CheckCoefRoundTrip(t, func() classifytest.CoefModel { return new(Model) })
}

func TestSetCoefRejects(t *testing.T) {
	var m Model
	classifytest.CheckCoefRejects(t, m.SetCoef)
}
