// Package libmf computes the float32 elementary functions expf, sinf and
// cosf with the same bits as the GNU C library on x86-64, so a Go program
// can reproduce a C program such as llama2.c's run.c exactly. Checked on
// all 2^32 arguments against glibc 2.36 (Debian 12), both builds.
//
// Go's math package rounds exp, sin and cos correctly in float64; rounding
// that to float32 differs from glibc's float32 functions in a small share of
// results (about 0.07% of exp values; 46 of the 4,096 RoPE sin/cos values
// of a llama2.c model with head size 8), because glibc evaluates a short polynomial in double
// precision whose error (a little over half an ulp of the float result) sometimes
// lands on the other side of a rounding boundary. A model whose sampling
// sorts near-equal probabilities notices.
//
// The methods follow the published algorithms of glibc's float32 routines
// (from Arm's Optimized Routines, Szabolcs Nagy 2017-2018):
//
//   - exp: x·32/ln2 = k + r with k an integer and |r| ≤ 1/2;
//     exp(x) = 2^(k/32)·2^(r/32), the first from a 32-entry table of
//     2^(i/32) with the exponent added to its bits, the second a cubic
//     polynomial in r, all in float64, rounded to float32 once at the end.
//   - sin and cos: the argument is reduced by multiples of π/2 (in float64
//     for |x| < 120, with a 4/π bit table for larger values), then an odd
//     degree-7 or even degree-8 polynomial gives sin or cos of the reduced
//     argument, chosen and negated by the quadrant.
//
// The polynomial coefficients below are the published minimax values of
// those routines; the tables are computed here from their definitions.
//
// glibc on x86-64 picks one of two builds at load time: processors with FMA
// run a build in which the compiler fused each a + b·c into one rounding.
// The results differ in rare cases, so both are provided: FMA (the variant
// most x86-64 processors made since 2013 run) and Plain.
package libmf

import (
	"math"
	"math/big"
)

// Variant selects which of glibc's two x86-64 builds to reproduce.
type Variant struct {
	// FMA fuses every a + b·c of the polynomials into one rounding, as
	// glibc's build for processors with fused multiply-add does (the build
	// a current x86-64 machine runs). False evaluates them as separate
	// multiplications and additions, as the baseline x86-64 build does.
	FMA bool
}

// FMA is the variant most current x86-64 processors run.
var FMA = Variant{FMA: true}

// Plain is the variant of x86-64 processors without fused multiply-add.
var Plain = Variant{FMA: false}

// madd returns a + b·c, rounded once when fused and twice otherwise.
func madd(fused bool, a, b, c float64) float64 {
	if fused {
		return math.FMA(b, c, a)
	}
	return a + b*c
}

// round32 rounds y, the float64 result of the unfused evaluation, to
// float32 as the variant would. Fused and unfused evaluations differ by far
// less than bound (an over-estimate of that difference), so when
// everything within bound of y rounds to one float32, that is the fused
// result as well; only otherwise, about one argument in a thousand, is the
// fused evaluation run. This keeps the FMA variant fast where math.FMA is
// emulated in software (WebAssembly). The exhaustive comparison with
// glibc covers this shortcut.
func (v Variant) round32(y, bound float64, fused func() float64) float32 {
	if v.FMA && float32(y-bound) != float32(y+bound) {
		return float32(fused())
	}
	return float32(y)
}

// top12 returns the sign-stripped exponent bits of a float32 and the top
// three bits of its mantissa: glibc's quick range test.
func top12(x float32) uint32 {
	return (math.Float32bits(x) >> 20) & 0x7ff
}

// exp constants: 2^(r/32) ≈ 1 + c2·r + c1·r² + c0·r³ for |r| ≤ 1/2, with
// the published coefficients of 2^t scaled by powers of 1/32.
const (
	expBits   = 5
	expN      = 1 << expBits
	invLn2N   = 0x1.71547652b82fep+0 * expN // 32/ln 2
	expShift  = 0x1.8p+52                   // adding it rounds to an integer
	expC0     = 0x1.c6af84b912394p-5 / expN / expN / expN
	expC1     = 0x1.ebfce50fac4f3p-3 / expN / expN
	expC2     = 0x1.62e42ff0c52d6p-1 / expN
	expMaxArg = 0x1.62e42ep6  // above: the result overflows float32
	expMinArg = -0x1.9fe368p6 // below: the result rounds to zero
)

// exp2Table[i] holds the bits of 2^(i/32) rounded to float64, less i<<47,
// so that adding k<<47 for k ≡ i (mod 32) gives the bits of 2^(k/32).
var exp2Table = func() (t [expN]uint64) {
	for i := range t {
		t[i] = math.Float64bits(exp2Frac(i, expN)) - uint64(i)<<(52-expBits)
	}
	return t
}()

// exp2Frac returns 2^(i/n) correctly rounded to float64, for 0 ≤ i < n
// and n a power of two. It starts from math.Exp2 (within an ulp) and moves
// to a neighbour while the exact value lies outside the candidate's
// rounding interval, found by raising the interval's ends to the n-th power
// exactly (by squaring, in big floats wide enough for every bit).
func exp2Frac(i, n int) float64 {
	target := new(big.Float).SetMantExp(big.NewFloat(1), i) // 2^i, exact
	// pow returns ((a+b)/2)^n exactly: 54 bits, squared log2(n) times.
	pow := func(a, b float64) *big.Float {
		x := new(big.Float).SetPrec(uint(54 * n)).SetFloat64(a)
		x.Add(x, big.NewFloat(b))
		x.Quo(x, big.NewFloat(2))
		for k := n; k > 1; k /= 2 {
			x.Mul(x, x)
		}
		return x
	}
	f := math.Exp2(float64(i) / float64(n))
	for {
		down, up := math.Nextafter(f, 0), math.Nextafter(f, 2)
		switch {
		case pow(down, f).Cmp(target) > 0:
			f = down
		case pow(f, up).Cmp(target) < 0:
			f = up
		default:
			return f
		}
	}
}

// Exp returns e^x with the bits glibc's expf gives.
func (v Variant) Exp(x float32) float32 {
	if top12(x) >= top12(88) {
		switch {
		case math.IsInf(float64(x), -1):
			return 0
		case math.IsInf(float64(x), 1) || x != x:
			return x + x
		case x > expMaxArg:
			return float32(math.Inf(1))
		case x < expMinArg:
			return 0
		}
	}
	y := expDouble(x, false)
	return v.round32(y, 0x1p-40*y, func() float64 { return expDouble(x, true) })
}

// expDouble returns e^x in float64 before the final rounding, for
// −104 < x < 88.73.
func expDouble(x float32, fused bool) float64 {
	z := invLn2N * float64(x)
	kd := z + expShift // the low bits of kd's mantissa hold round(z)
	ki := math.Float64bits(kd)
	kd -= expShift
	r := madd(fused, -kd, invLn2N, float64(x)) // z − kd, with z unrounded when fused
	s := math.Float64frombits(exp2Table[ki%expN] + ki<<(52-expBits))
	p := madd(fused, expC1, expC0, r)
	y := madd(fused, 1, expC2, r)
	y = madd(fused, y, p, r*r)
	return y * s
}

// sin and cos constants: the published minimax coefficients of
// sin(x) ≈ x + s1·x³ + s2·x⁵ + s3·x⁷ and
// cos(x) ≈ c0 + c1·x² + c2·x⁴ + c3·x⁶ + c4·x⁸ on |x| ≤ π/4.
const (
	hpi     = 0x1.921fb54442d18p0 // π/2 rounded to float64
	hpiInv  = 0x1.45f306dc9c883p+23
	pi63    = 0x1.921fb54442d18p-62 // π·2^-63: a 2^-62 quadrant fraction in radians
	sinS1   = -0x1.555545995a603p-3
	sinS2   = 0x1.1107605230bc4p-7
	sinS3   = -0x1.994eb3774cf24p-13
	cosC0   = 0x1p0
	cosC1   = -0x1.ffffffd0c621cp-2
	cosC2   = 0x1.55553e1068f19p-5
	cosC3   = -0x1.6c087e89a359dp-10
	cosC4   = 0x1.99343027bf8c3p-16
	pio4f   = float32(0x1.921fb54442d18p-1)
	tinyArg = float32(0x1p-12)
	fastArg = float32(120)
)

// quadrantSign[n] is the sign of sin on quadrant n of the circle.
var quadrantSign = [4]float64{1, -1, -1, 1}

// invPio4 holds 4/π in overlapping 32-bit windows:
// invPio4[i] = floor(4/π · 2^(8i+7)) mod 2^32.
var invPio4 = func() (t [24]uint32) {
	const prec = 320
	fourOverPi := new(big.Float).SetPrec(prec).Quo(big.NewFloat(4).SetPrec(prec), bigPi(prec))
	for i := range t {
		w := new(big.Float).SetPrec(prec).SetMantExp(fourOverPi, 8*i+7)
		n, _ := w.Int(nil)
		t[i] = uint32(n.Uint64()) // keeps the low 32 bits
	}
	return t
}()

// bigPi returns π to prec bits by Machin's formula
// π = 16·atan(1/5) − 4·atan(1/239).
func bigPi(prec uint) *big.Float {
	atanInv := func(n int64) *big.Float {
		// atan(1/n) = Σ (−1)^k / ((2k+1)·n^(2k+1))
		sum := new(big.Float).SetPrec(prec)
		pow := new(big.Float).SetPrec(prec).Quo(big.NewFloat(1).SetPrec(prec), big.NewFloat(float64(n)))
		n2 := big.NewFloat(float64(n * n)).SetPrec(prec)
		eps := new(big.Float).SetPrec(prec).SetMantExp(big.NewFloat(1), -int(prec)-8)
		for k := int64(0); pow.Cmp(eps) > 0; k++ {
			term := new(big.Float).SetPrec(prec).Quo(pow, big.NewFloat(float64(2*k+1)))
			if k%2 == 0 {
				sum.Add(sum, term)
			} else {
				sum.Sub(sum, term)
			}
			pow.Quo(pow, n2)
		}
		return sum
	}
	a := atanInv(5)
	a.Mul(a, big.NewFloat(16))
	b := atanInv(239)
	b.Mul(b, big.NewFloat(4))
	return a.Sub(a, b)
}

// Sin returns sin(x) with the bits glibc's sinf gives.
func (v Variant) Sin(x float32) float32 { return v.sinCos(x, false) }

// Cos returns cos(x) with the bits glibc's cosf gives.
func (v Variant) Cos(x float32) float32 { return v.sinCos(x, true) }

func (v Variant) sinCos(x float32, cos bool) float32 {
	switch t := top12(x); {
	case t >= top12(float32(math.Inf(1))): // Inf or NaN
		return float32(math.NaN())
	case t < top12(tinyArg):
		if cos {
			return 1
		}
		return x
	}
	y := sinCosDouble(x, cos, false)
	// The reduction x − n·π/2 may differ by 2^-47 between the evaluations,
	// the polynomials by a few float64 ulps of the result.
	bound := 0x1p-44 + 0x1p-40*math.Abs(y)
	return v.round32(y, bound, func() float64 { return sinCosDouble(x, cos, true) })
}

// sinCosDouble returns sin(x), or cos(x) when cos is set, in float64 before
// the final rounding, for finite x with |x| ≥ 2^-12.
func sinCosDouble(x float32, cos, fused bool) float64 {
	var r float64
	var n, q int // the quadrant of |x|, and the one whose signs apply
	switch t := top12(x); {
	case t < top12(pio4f):
		xd := float64(x)
		if cos {
			return poly(fused, xd, xd*xd, 1, false)
		}
		return poly(fused, xd, xd*xd, 0, false)
	case t < top12(fastArg):
		r, n = reduceFast(fused, float64(x))
		q = n
	default:
		r, n = reduceLarge(math.Float32bits(x))
		q = n
		if !cos {
			q += int(math.Float32bits(x) >> 31) // sin(−x) = −sin(x): the signs of the next quadrant
		}
	}
	if cos {
		n ^= 1 // cos(x) = sin(x + π/2)
	}
	return poly(fused, r*quadrantSign[q&3], r*r, n, q&2 != 0)
}

// poly evaluates sin(x) for even n and cos(x) for odd n, x2 = x·x, and
// negates the cosine when negCos is set.
func poly(fused bool, x, x2 float64, n int, negCos bool) float64 {
	if n&1 == 0 {
		x3 := x * x2
		s1 := madd(fused, sinS2, x2, sinS3)
		x7 := x3 * x2
		s := madd(fused, x, x3, sinS1)
		return madd(fused, s, x7, s1)
	}
	c0, c1, c2, c3, c4 := cosC0, cosC1, cosC2, cosC3, cosC4
	if negCos {
		c0, c1, c2, c3, c4 = -c0, -c1, -c2, -c3, -c4
	}
	x4 := x2 * x2
	p2 := madd(fused, c3, x2, c4)
	p1 := madd(fused, c0, x2, c1)
	x6 := x4 * x2
	c := madd(fused, p1, x4, c2)
	return madd(fused, c, x6, p2)
}

// reduceFast returns x − n·π/2 and the quadrant n nearest x·2/π, for
// |x| < 120.
func reduceFast(fused bool, x float64) (float64, int) {
	r := x * hpiInv // x·2/π·2^24
	n := (int32(r) + 0x800000) >> 24
	return madd(fused, x, -float64(n), hpi), int(n)
}

// reduceLarge returns |x| − n·π/2 and n for a finite float32 with bits xi
// and |x| ≥ 120, multiplying the 24-bit mantissa by 96 bits of 4/π chosen
// by the exponent.
func reduceLarge(xi uint32) (float64, int) {
	arr := invPio4[(xi>>26)&15:]
	shift := (xi >> 23) & 7
	m := (xi&0xffffff | 0x800000) << shift
	res0 := uint64(m * arr[0]) // only its low 32 bits matter
	res1 := uint64(m) * uint64(arr[4])
	res2 := uint64(m) * uint64(arr[8])
	res0 = res2>>32 | res0<<32
	res0 += res1
	n := (res0 + 1<<61) >> 62
	res0 -= n << 62
	return float64(int64(res0)) * pi63, int(n)
}
