;; Textlab's WebAssembly SIMD kernels (128-bit SIMD, no relaxed or threaded
;; features). The module has no memory of its own: it imports the Go
;; engine's memory as env.mem and works on Go's slices in place, at the
;; addresses Go passes. Assembled by `make simd` (wabt's wat2wasm) into
;; static/simd.wasm; wasm/simd calls it, and its tests compare it with the
;; Go kernels it replaces.
(module
  (import "env" "mem" (memory 1))

  ;; hsum_i32 returns the sum of the four i32 lanes of v.
  (func $hsum_i32 (param $v v128) (result i32)
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $v)) (i32x4.extract_lane 1 (local.get $v)))
      (i32.add (i32x4.extract_lane 2 (local.get $v)) (i32x4.extract_lane 3 (local.get $v)))))

  ;; tail_i8 returns the sum of x[c]·w[c] for c in [$from, $cols).
  (func $tail_i8 (param $x i32) (param $w i32) (param $from i32) (param $cols i32) (result i32)
    (local $s i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $from) (local.get $cols)))
        (local.set $s (i32.add (local.get $s)
          (i32.mul
            (i32.load8_s (i32.add (local.get $x) (local.get $from)))
            (i32.load8_s (i32.add (local.get $w) (local.get $from))))))
        (local.set $from (i32.add (local.get $from) (i32.const 1)))
        (br $next)))
    (local.get $s))

  ;; dot_rows_i8(dst, x, w, rows, cols): dst[r] = Σ_c x[c]·w[r·cols + c] in
  ;; int32 (wrapping, as Go's int32 does) for r < rows. Four rows of w are
  ;; taken at a time so each 16 values of x are loaded and widened once; 16
  ;; products are widened to int16 and summed pairwise into four int32
  ;; lanes (i32x4.dot_i16x8_s). The inner loops make no calls: V8 does not
  ;; inline WebAssembly functions there (an inner call cost 3.5x).
  (func (export "dot_rows_i8")
    (param $dst i32) (param $x i32) (param $w i32) (param $rows i32) (param $cols i32)
    (local $r i32) (local $c i32) (local $n16 i32)
    (local $xv v128) (local $xl v128) (local $xh v128) (local $wv v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $w1 i32) (local $w2 i32) (local $w3 i32)
    (local.set $n16 (i32.and (local.get $cols) (i32.const -16)))
    ;; Four rows at a time.
    (block $quads_done
      (loop $quads
        (br_if $quads_done (i32.gt_u (i32.add (local.get $r) (i32.const 4)) (local.get $rows)))
        (local.set $w1 (i32.add (local.get $w) (local.get $cols)))
        (local.set $w2 (i32.add (local.get $w1) (local.get $cols)))
        (local.set $w3 (i32.add (local.get $w2) (local.get $cols)))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $a2 (v128.const i32x4 0 0 0 0))
        (local.set $a3 (v128.const i32x4 0 0 0 0))
        (local.set $c (i32.const 0))
        (block $cols_done
          (loop $cols
            (br_if $cols_done (i32.ge_u (local.get $c) (local.get $n16)))
            (local.set $xv (v128.load (i32.add (local.get $x) (local.get $c))))
            (local.set $xl (i16x8.extend_low_i8x16_s (local.get $xv)))
            (local.set $xh (i16x8.extend_high_i8x16_s (local.get $xv)))
            (local.set $wv (v128.load (i32.add (local.get $w) (local.get $c))))
            (local.set $a0 (i32x4.add (local.get $a0) (i32x4.add
              (i32x4.dot_i16x8_s (local.get $xl) (i16x8.extend_low_i8x16_s (local.get $wv)))
              (i32x4.dot_i16x8_s (local.get $xh) (i16x8.extend_high_i8x16_s (local.get $wv))))))
            (local.set $wv (v128.load (i32.add (local.get $w1) (local.get $c))))
            (local.set $a1 (i32x4.add (local.get $a1) (i32x4.add
              (i32x4.dot_i16x8_s (local.get $xl) (i16x8.extend_low_i8x16_s (local.get $wv)))
              (i32x4.dot_i16x8_s (local.get $xh) (i16x8.extend_high_i8x16_s (local.get $wv))))))
            (local.set $wv (v128.load (i32.add (local.get $w2) (local.get $c))))
            (local.set $a2 (i32x4.add (local.get $a2) (i32x4.add
              (i32x4.dot_i16x8_s (local.get $xl) (i16x8.extend_low_i8x16_s (local.get $wv)))
              (i32x4.dot_i16x8_s (local.get $xh) (i16x8.extend_high_i8x16_s (local.get $wv))))))
            (local.set $wv (v128.load (i32.add (local.get $w3) (local.get $c))))
            (local.set $a3 (i32x4.add (local.get $a3) (i32x4.add
              (i32x4.dot_i16x8_s (local.get $xl) (i16x8.extend_low_i8x16_s (local.get $wv)))
              (i32x4.dot_i16x8_s (local.get $xh) (i16x8.extend_high_i8x16_s (local.get $wv))))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $cols)))
        (i32.store offset=0 (local.get $dst) (i32.add (call $hsum_i32 (local.get $a0))
          (call $tail_i8 (local.get $x) (local.get $w) (local.get $n16) (local.get $cols))))
        (i32.store offset=4 (local.get $dst) (i32.add (call $hsum_i32 (local.get $a1))
          (call $tail_i8 (local.get $x) (local.get $w1) (local.get $n16) (local.get $cols))))
        (i32.store offset=8 (local.get $dst) (i32.add (call $hsum_i32 (local.get $a2))
          (call $tail_i8 (local.get $x) (local.get $w2) (local.get $n16) (local.get $cols))))
        (i32.store offset=12 (local.get $dst) (i32.add (call $hsum_i32 (local.get $a3))
          (call $tail_i8 (local.get $x) (local.get $w3) (local.get $n16) (local.get $cols))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $w (i32.add (local.get $w3) (local.get $cols)))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $quads)))
    ;; The remaining rows one by one.
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $c (i32.const 0))
        (block $cols_done
          (loop $cols
            (br_if $cols_done (i32.ge_u (local.get $c) (local.get $n16)))
            (local.set $xv (v128.load (i32.add (local.get $x) (local.get $c))))
            (local.set $wv (v128.load (i32.add (local.get $w) (local.get $c))))
            (local.set $a0 (i32x4.add (local.get $a0) (i32x4.add
              (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $xv)) (i16x8.extend_low_i8x16_s (local.get $wv)))
              (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $xv)) (i16x8.extend_high_i8x16_s (local.get $wv))))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $cols)))
        (i32.store (local.get $dst) (i32.add (call $hsum_i32 (local.get $a0))
          (call $tail_i8 (local.get $x) (local.get $w) (local.get $n16) (local.get $cols))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (local.set $w (i32.add (local.get $w) (local.get $cols)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows))))

  ;; hsum_f32 returns (v0 + v1) + (v2 + v3).
  (func $hsum_f32 (param $v v128) (result f32)
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
      (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))

  ;; tail_f32 returns the sum of x[c]·w[c] for c in [$from, $cols), in order.
  (func $tail_f32 (param $x i32) (param $w i32) (param $from i32) (param $cols i32) (result f32)
    (local $s f32) (local $off i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $from) (local.get $cols)))
        (local.set $off (i32.shl (local.get $from) (i32.const 2)))
        (local.set $s (f32.add (local.get $s)
          (f32.mul
            (f32.load (i32.add (local.get $x) (local.get $off)))
            (f32.load (i32.add (local.get $w) (local.get $off))))))
        (local.set $from (i32.add (local.get $from) (i32.const 1)))
        (br $next)))
    (local.get $s))

;; dot_f32 returns Σ x[c]·w[c] for c < $in: four partial sums (lane c mod
  ;; 4) added as (l0 + l1) + (l2 + l3), then the last $in mod 4 products in
  ;; order ($n4 is $in rounded down to a multiple of 4).
  (func $dot_f32 (param $x i32) (param $w i32) (param $n4 i32) (param $in i32) (result f32)
    (local $c i32) (local $off i32) (local $acc v128)
    (block $done
      (loop $cols
        (br_if $done (i32.ge_u (local.get $c) (local.get $n4)))
        (local.set $off (i32.shl (local.get $c) (i32.const 2)))
        (local.set $acc (f32x4.add (local.get $acc)
          (f32x4.mul
            (v128.load (i32.add (local.get $x) (local.get $off)))
            (v128.load (i32.add (local.get $w) (local.get $off))))))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $cols)))
    (f32.add (call $hsum_f32 (local.get $acc))
      (call $tail_f32 (local.get $x) (local.get $w) (local.get $n4) (local.get $in))))

  ;; matmul_t_f32(out, x, w, n, in, od): out[i·od + j] = Σ_c x[i·in + c]·w[j·in + c]
  ;; for i < n, j < od: x·Wᵀ with W in nn.Linear's [od][in] layout. Every
  ;; product is dot_f32's sum (same order whichever path computes it). Two
  ;; rows of x and four rows of W at a time: each vector of W loaded serves
  ;; two rows, each vector of x four outputs (eight accumulators).
  (func (export "matmul_t_f32")
    (param $out i32) (param $x i32) (param $w i32) (param $n i32) (param $in i32) (param $od i32)
    (local $i i32) (local $j i32) (local $c i32) (local $n4 i32) (local $stride i32) (local $ostride i32)
    (local $x0 i32) (local $x1 i32) (local $o0 i32) (local $o1 i32) (local $off i32)
    (local $w0 i32) (local $w1 i32) (local $w2 i32) (local $w3 i32)
    (local $xv0 v128) (local $xv1 v128) (local $wv v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local.set $n4 (i32.and (local.get $in) (i32.const -4)))
    (local.set $stride (i32.shl (local.get $in) (i32.const 2)))
    (local.set $ostride (i32.shl (local.get $od) (i32.const 2)))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $x0 (i32.add (local.get $x) (i32.mul (local.get $i) (local.get $stride))))
        (local.set $o0 (i32.add (local.get $out) (i32.mul (local.get $i) (local.get $ostride))))
        ;; The second row of the pair; the last row of an odd n pairs with
        ;; itself (its results are written twice, identically).
        (local.set $x1 (local.get $x0))
        (local.set $o1 (local.get $o0))
        (if (i32.lt_u (i32.add (local.get $i) (i32.const 1)) (local.get $n))
          (then
            (local.set $x1 (i32.add (local.get $x0) (local.get $stride)))
            (local.set $o1 (i32.add (local.get $o0) (local.get $ostride)))))
        (local.set $w0 (local.get $w))
        (local.set $j (i32.const 0))
        (block $quads_done
          (loop $quads
            (br_if $quads_done (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $od)))
            (local.set $w1 (i32.add (local.get $w0) (local.get $stride)))
            (local.set $w2 (i32.add (local.get $w1) (local.get $stride)))
            (local.set $w3 (i32.add (local.get $w2) (local.get $stride)))
            (local.set $a0 (v128.const f32x4 0 0 0 0))
            (local.set $a1 (v128.const f32x4 0 0 0 0))
            (local.set $a2 (v128.const f32x4 0 0 0 0))
            (local.set $a3 (v128.const f32x4 0 0 0 0))
            (local.set $b0 (v128.const f32x4 0 0 0 0))
            (local.set $b1 (v128.const f32x4 0 0 0 0))
            (local.set $b2 (v128.const f32x4 0 0 0 0))
            (local.set $b3 (v128.const f32x4 0 0 0 0))
            (local.set $c (i32.const 0))
            (block $cols_done
              (loop $cols
                (br_if $cols_done (i32.ge_u (local.get $c) (local.get $n4)))
                (local.set $off (i32.shl (local.get $c) (i32.const 2)))
                (local.set $xv0 (v128.load (i32.add (local.get $x0) (local.get $off))))
                (local.set $xv1 (v128.load (i32.add (local.get $x1) (local.get $off))))
                (local.set $wv (v128.load (i32.add (local.get $w0) (local.get $off))))
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $xv0) (local.get $wv))))
                (local.set $b0 (f32x4.add (local.get $b0) (f32x4.mul (local.get $xv1) (local.get $wv))))
                (local.set $wv (v128.load (i32.add (local.get $w1) (local.get $off))))
                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $xv0) (local.get $wv))))
                (local.set $b1 (f32x4.add (local.get $b1) (f32x4.mul (local.get $xv1) (local.get $wv))))
                (local.set $wv (v128.load (i32.add (local.get $w2) (local.get $off))))
                (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $xv0) (local.get $wv))))
                (local.set $b2 (f32x4.add (local.get $b2) (f32x4.mul (local.get $xv1) (local.get $wv))))
                (local.set $wv (v128.load (i32.add (local.get $w3) (local.get $off))))
                (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $xv0) (local.get $wv))))
                (local.set $b3 (f32x4.add (local.get $b3) (f32x4.mul (local.get $xv1) (local.get $wv))))
                (local.set $c (i32.add (local.get $c) (i32.const 4)))
                (br $cols)))
            (f32.store offset=0 (local.get $o0) (f32.add (call $hsum_f32 (local.get $a0))
              (call $tail_f32 (local.get $x0) (local.get $w0) (local.get $n4) (local.get $in))))
            (f32.store offset=0 (local.get $o1) (f32.add (call $hsum_f32 (local.get $b0))
              (call $tail_f32 (local.get $x1) (local.get $w0) (local.get $n4) (local.get $in))))
            (f32.store offset=4 (local.get $o0) (f32.add (call $hsum_f32 (local.get $a1))
              (call $tail_f32 (local.get $x0) (local.get $w1) (local.get $n4) (local.get $in))))
            (f32.store offset=4 (local.get $o1) (f32.add (call $hsum_f32 (local.get $b1))
              (call $tail_f32 (local.get $x1) (local.get $w1) (local.get $n4) (local.get $in))))
            (f32.store offset=8 (local.get $o0) (f32.add (call $hsum_f32 (local.get $a2))
              (call $tail_f32 (local.get $x0) (local.get $w2) (local.get $n4) (local.get $in))))
            (f32.store offset=8 (local.get $o1) (f32.add (call $hsum_f32 (local.get $b2))
              (call $tail_f32 (local.get $x1) (local.get $w2) (local.get $n4) (local.get $in))))
            (f32.store offset=12 (local.get $o0) (f32.add (call $hsum_f32 (local.get $a3))
              (call $tail_f32 (local.get $x0) (local.get $w3) (local.get $n4) (local.get $in))))
            (f32.store offset=12 (local.get $o1) (f32.add (call $hsum_f32 (local.get $b3))
              (call $tail_f32 (local.get $x1) (local.get $w3) (local.get $n4) (local.get $in))))
            (local.set $o0 (i32.add (local.get $o0) (i32.const 16)))
            (local.set $o1 (i32.add (local.get $o1) (i32.const 16)))
            (local.set $w0 (i32.add (local.get $w3) (local.get $stride)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $quads)))
        ;; The remaining outputs of the pair one by one.
        (block $singles_done
          (loop $singles
            (br_if $singles_done (i32.ge_u (local.get $j) (local.get $od)))
            (f32.store (local.get $o0) (call $dot_f32 (local.get $x0) (local.get $w0) (local.get $n4) (local.get $in)))
            (f32.store (local.get $o1) (call $dot_f32 (local.get $x1) (local.get $w0) (local.get $n4) (local.get $in)))
            (local.set $o0 (i32.add (local.get $o0) (i32.const 4)))
            (local.set $o1 (i32.add (local.get $o1) (i32.const 4)))
            (local.set $w0 (i32.add (local.get $w0) (local.get $stride)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $singles)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $rows))))

  ;; matvec_f32(out, w, x, rows, cols): out[r] = Σ_c w[r·cols + c]·x[c] for
  ;; r < rows, summed in column order exactly as Go's tensor.Dot does
  ;; (s = s + w·x, each product and sum rounded to float32), so the results
  ;; are bit for bit Go's: the lanes hold four rows, not four columns. Four
  ;; columns of four rows are loaded as rows and transposed with shuffles;
  ;; then each column, times x[c] splatted, is added in order.
  (func (export "matvec_f32")
    (param $out i32) (param $w i32) (param $x i32) (param $rows i32) (param $cols i32)
    (local $r i32) (local $c i32) (local $n4 i32) (local $stride i32) (local $off i32)
    (local $w1 i32) (local $w2 i32) (local $w3 i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local $acc v128)
    (local.set $n4 (i32.and (local.get $cols) (i32.const -4)))
    (local.set $stride (i32.shl (local.get $cols) (i32.const 2)))
    (block $quads_done
      (loop $quads
        (br_if $quads_done (i32.gt_u (i32.add (local.get $r) (i32.const 4)) (local.get $rows)))
        (local.set $w1 (i32.add (local.get $w) (local.get $stride)))
        (local.set $w2 (i32.add (local.get $w1) (local.get $stride)))
        (local.set $w3 (i32.add (local.get $w2) (local.get $stride)))
        (local.set $acc (v128.const f32x4 0 0 0 0))
        (local.set $c (i32.const 0))
        (block $cols_done
          (loop $cols
            (br_if $cols_done (i32.ge_u (local.get $c) (local.get $n4)))
            (local.set $off (i32.shl (local.get $c) (i32.const 2)))
            (local.set $a0 (v128.load (i32.add (local.get $w) (local.get $off))))
            (local.set $a1 (v128.load (i32.add (local.get $w1) (local.get $off))))
            (local.set $a2 (v128.load (i32.add (local.get $w2) (local.get $off))))
            (local.set $a3 (v128.load (i32.add (local.get $w3) (local.get $off))))
            ;; t0 = (a0[0] a1[0] a0[1] a1[1]), t1 = (a2[0] a3[0] a2[1] a3[1]),
            ;; t2 = (a0[2] a1[2] a0[3] a1[3]), t3 = (a2[2] a3[2] a2[3] a3[3]).
            (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a0) (local.get $a1)))
            (local.set $t1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a2) (local.get $a3)))
            (local.set $t2 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a0) (local.get $a1)))
            (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a2) (local.get $a3)))
            ;; Column c, c+1, c+2, c+3 of the four rows, each times x, in order.
            (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t1))
              (v128.load32_splat (i32.add (local.get $x) (local.get $off))))))
            (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t1))
              (v128.load32_splat offset=4 (i32.add (local.get $x) (local.get $off))))))
            (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t2) (local.get $t3))
              (v128.load32_splat offset=8 (i32.add (local.get $x) (local.get $off))))))
            (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t2) (local.get $t3))
              (v128.load32_splat offset=12 (i32.add (local.get $x) (local.get $off))))))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $cols)))
        ;; The last cols mod 4 columns, continuing each row's sum in order.
        (f32.store offset=0 (local.get $out)
          (call $tail_f32_from (f32x4.extract_lane 0 (local.get $acc)) (local.get $x) (local.get $w) (local.get $n4) (local.get $cols)))
        (f32.store offset=4 (local.get $out)
          (call $tail_f32_from (f32x4.extract_lane 1 (local.get $acc)) (local.get $x) (local.get $w1) (local.get $n4) (local.get $cols)))
        (f32.store offset=8 (local.get $out)
          (call $tail_f32_from (f32x4.extract_lane 2 (local.get $acc)) (local.get $x) (local.get $w2) (local.get $n4) (local.get $cols)))
        (f32.store offset=12 (local.get $out)
          (call $tail_f32_from (f32x4.extract_lane 3 (local.get $acc)) (local.get $x) (local.get $w3) (local.get $n4) (local.get $cols)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $w (i32.add (local.get $w3) (local.get $stride)))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $quads)))
    ;; The remaining rows one by one, in order.
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $rows)))
        (f32.store (local.get $out)
          (call $tail_f32_from (f32.const 0) (local.get $x) (local.get $w) (i32.const 0) (local.get $cols)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $w (i32.add (local.get $w) (local.get $stride)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows))))

  ;; tail_f32_from returns $s + Σ x[c]·w[c] for c in [$from, $cols), adding
  ;; in order with float32 rounding after every product and sum.
  (func $tail_f32_from (param $s f32) (param $x i32) (param $w i32) (param $from i32) (param $cols i32) (result f32)
    (local $off i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $from) (local.get $cols)))
        (local.set $off (i32.shl (local.get $from) (i32.const 2)))
        (local.set $s (f32.add (local.get $s)
          (f32.mul
            (f32.load (i32.add (local.get $x) (local.get $off)))
            (f32.load (i32.add (local.get $w) (local.get $off))))))
        (local.set $from (i32.add (local.get $from) (i32.const 1)))
        (br $next)))
    (local.get $s))
)
