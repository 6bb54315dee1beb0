package agreement

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
)

// MaxResamples bounds BootstrapConfig.Resamples.
const MaxResamples = 1_000_000

// BootstrapConfig configures BootstrapAlpha. The zero value draws 1000
// resamples with seed 0 for a 95% interval.
type BootstrapConfig struct {
	// Resamples is the number of bootstrap resamples; 0 means 1000. At
	// most MaxResamples.
	Resamples int
	// Seed seeds the PCG generator (math/rand/v2's NewPCG(Seed, 0)); the
	// same seed gives the same interval.
	Seed uint64
	// Confidence is the coverage of the interval, in (0, 1); 0 means 0.95.
	Confidence float64
}

// ConfidenceInterval is a bootstrap percentile confidence interval for alpha.
type ConfidenceInterval struct {
	Low, High  float64
	Confidence float64
	// Resamples counts the resamples drawn; Undefined counts those whose
	// alpha was undefined (for example a resample of units that all agree
	// on one value), which are left out of the percentiles.
	Resamples, Undefined int
}

// BootstrapAlpha computes a percentile bootstrap confidence interval for
// Krippendorff's alpha. The resampling unit is the unit: each resample draws
// as many pairable units as the data hold, uniformly with replacement, and
// recomputes alpha from their coincidence matrix (the ordinal metric from
// the resample's own marginals). The interval's ends are the (1-c)/2 and
// (1+c)/2 quantiles of the defined resampled alphas, with linear
// interpolation between order statistics (numpy's default percentile).
// It checks ctx between resamples and reports progress (nil allowed).
func BootstrapAlpha(ctx context.Context, d *Data, cfg AlphaConfig, bs BootstrapConfig, progress func(fraction float64, message string)) (*ConfidenceInterval, error) {
	if bs.Resamples == 0 {
		bs.Resamples = 1000
	}
	if bs.Resamples < 0 || bs.Resamples > MaxResamples {
		return nil, fmt.Errorf("bootstrap resamples %d out of range [1, %d]", bs.Resamples, MaxResamples)
	}
	if bs.Confidence == 0 {
		bs.Confidence = 0.95
	}
	if !(bs.Confidence > 0 && bs.Confidence < 1) {
		return nil, fmt.Errorf("bootstrap confidence %v not in (0, 1)", bs.Confidence)
	}
	t, err := newAlphaTable(d, cfg)
	if err != nil {
		return nil, err
	}
	if _, _, _, err := t.alpha(t.coincidence(nil)); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(bs.Seed, 0))
	nu := len(t.units)
	sample := make([]int, nu)
	alphas := make([]float64, 0, bs.Resamples)
	iv := &ConfidenceInterval{Confidence: bs.Confidence, Resamples: bs.Resamples}
	for r := 0; r < bs.Resamples; r++ {
		if r%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if progress != nil {
				progress(float64(r)/float64(bs.Resamples), "bootstrapping alpha")
			}
		}
		for i := range sample {
			sample[i] = rng.IntN(nu)
		}
		a, _, _, err := t.alpha(t.coincidence(sample))
		if errors.Is(err, ErrUndefined) {
			iv.Undefined++
			continue
		}
		if err != nil {
			return nil, err
		}
		alphas = append(alphas, a)
	}
	if progress != nil {
		progress(1, "bootstrapping alpha")
	}
	if len(alphas) == 0 {
		return nil, &UndefinedError{Statistic: StatInterval, Reason: AllResamplesUndefined, Resamples: bs.Resamples}
	}
	sort.Float64s(alphas)
	iv.Low = quantile(alphas, (1-bs.Confidence)/2)
	iv.High = quantile(alphas, (1+bs.Confidence)/2)
	return iv, nil
}

// quantile returns the q-quantile of sorted x by linear interpolation
// between order statistics at position (len(x)-1)*q.
func quantile(x []float64, q float64) float64 {
	h := float64(len(x)-1) * q
	lo := math.Floor(h)
	i := int(lo)
	if i+1 >= len(x) {
		return x[len(x)-1]
	}
	return x[i] + (h-lo)*(x[i+1]-x[i])
}
