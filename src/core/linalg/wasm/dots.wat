;; Dot products between rows of two row-major f64 matrices in linear memory,
;; accumulated into a third: out[i*ldo + j] += Σ_t A[i*k + t] · B[j*k + t].
;;
;; The micro-kernel holds a 4×2 block of outputs as 8 f64x2 accumulators (each
;; summing even and odd t separately, added at the end): 6 vector loads feed 16
;; multiply-adds. Callers pad: k even, rows of A in multiples of 4, rows of B
;; in multiples of 2 (zero padding adds exact zeros).
;;
;; lower ≠ 0: only blocks with j ≤ ioff+i+3 are computed (the lower triangle,
;; diagonal blocks in full) for symmetric products, A being rows ioff.. of B.
;;
;; Source of dots.wasm.ts; rebuild with `node src/core/linalg/wasm/build.mjs`.
(module
  (memory (export "mem") 1 65536)
  (func (export "dots")
    (param $a i32) (param $b i32) (param $k i32) (param $ni i32) (param $nj i32)
    (param $out i32) (param $ldo i32) (param $lower i32) (param $ioff i32)
    (local $i i32) (local $j i32) (local $t i32) (local $rowb i32) (local $jend i32)
    (local $pa0 i32) (local $pa1 i32) (local $pa2 i32) (local $pa3 i32) (local $pb0 i32) (local $pb1 i32)
    (local $o i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $rowb (i32.shl (local.get $k) (i32.const 3)))
    (local.set $i (i32.const 0))
    (block $iexit
      (loop $iloop
        (br_if $iexit (i32.ge_u (local.get $i) (local.get $ni)))
        (local.set $pa0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rowb))))
        (local.set $pa1 (i32.add (local.get $pa0) (local.get $rowb)))
        (local.set $pa2 (i32.add (local.get $pa1) (local.get $rowb)))
        (local.set $pa3 (i32.add (local.get $pa2) (local.get $rowb)))
        (local.set $jend (local.get $nj))
        (if (local.get $lower)
          (then
            (if (i32.lt_u (i32.add (i32.add (local.get $i) (local.get $ioff)) (i32.const 4)) (local.get $nj))
              (then (local.set $jend (i32.add (i32.add (local.get $i) (local.get $ioff)) (i32.const 4)))))))
        (local.set $j (i32.const 0))
        (block $jexit
          (loop $jloop
            (br_if $jexit (i32.ge_u (local.get $j) (local.get $jend)))
            (local.set $pb0 (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $rowb))))
            (local.set $pb1 (i32.add (local.get $pb0) (local.get $rowb)))
            (local.set $c00 (v128.const f64x2 0 0)) (local.set $c01 (v128.const f64x2 0 0))
            (local.set $c10 (v128.const f64x2 0 0)) (local.set $c11 (v128.const f64x2 0 0))
            (local.set $c20 (v128.const f64x2 0 0)) (local.set $c21 (v128.const f64x2 0 0))
            (local.set $c30 (v128.const f64x2 0 0)) (local.set $c31 (v128.const f64x2 0 0))
            (local.set $t (i32.const 0))
            (block $texit
              (loop $tloop
                (br_if $texit (i32.ge_u (local.get $t) (local.get $rowb)))
                (local.set $a0 (v128.load (i32.add (local.get $pa0) (local.get $t))))
                (local.set $a1 (v128.load (i32.add (local.get $pa1) (local.get $t))))
                (local.set $a2 (v128.load (i32.add (local.get $pa2) (local.get $t))))
                (local.set $a3 (v128.load (i32.add (local.get $pa3) (local.get $t))))
                (local.set $b0 (v128.load (i32.add (local.get $pb0) (local.get $t))))
                (local.set $b1 (v128.load (i32.add (local.get $pb1) (local.get $t))))
                (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $a0) (local.get $b0))))
                (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $a0) (local.get $b1))))
                (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $a1) (local.get $b0))))
                (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (local.get $a1) (local.get $b1))))
                (local.set $c20 (f64x2.add (local.get $c20) (f64x2.mul (local.get $a2) (local.get $b0))))
                (local.set $c21 (f64x2.add (local.get $c21) (f64x2.mul (local.get $a2) (local.get $b1))))
                (local.set $c30 (f64x2.add (local.get $c30) (f64x2.mul (local.get $a3) (local.get $b0))))
                (local.set $c31 (f64x2.add (local.get $c31) (f64x2.mul (local.get $a3) (local.get $b1))))
                (local.set $t (i32.add (local.get $t) (i32.const 16)))
                (br $tloop)))
            ;; out row i+r, columns j, j+1
            (local.set $o (i32.add (local.get $out)
              (i32.shl (i32.add (i32.mul (local.get $i) (local.get $ldo)) (local.get $j)) (i32.const 3))))
            (call $acc2 (local.get $o) (local.get $c00) (local.get $c01))
            (local.set $o (i32.add (local.get $o) (i32.shl (local.get $ldo) (i32.const 3))))
            (call $acc2 (local.get $o) (local.get $c10) (local.get $c11))
            (local.set $o (i32.add (local.get $o) (i32.shl (local.get $ldo) (i32.const 3))))
            (call $acc2 (local.get $o) (local.get $c20) (local.get $c21))
            (local.set $o (i32.add (local.get $o) (i32.shl (local.get $ldo) (i32.const 3))))
            (call $acc2 (local.get $o) (local.get $c30) (local.get $c31))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br $jloop)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $iloop))))
  ;; p[j] += A[i][j]·v[i] and p[i] += Σ_{j<i} A[i][j]·v[j] + A[i][i]·v[i] for k1 ≤ j ≤ i < n:
;; p += A·v for the symmetric A stored in the lower triangle (row stride ld
;; elements), f64x2 along each row. Byte addresses m, v, p.
  (func (export "symv")
    (param $m i32) (param $ld i32) (param $v i32) (param $p i32) (param $k1 i32) (param $n i32)
    (local $i i32) (local $j i32) (local $row i32) (local $vi f64) (local $vis v128)
    (local $s v128) (local $x v128) (local $ss f64) (local $a f64) (local $q i32)
    (local.set $i (local.get $k1))
    (block $iexit
      (loop $iloop
        (br_if $iexit (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $row (i32.add (local.get $m) (i32.shl (i32.mul (local.get $i) (local.get $ld)) (i32.const 3))))
        (local.set $vi (f64.load (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $vis (f64x2.splat (local.get $vi)))
        (local.set $s (v128.const f64x2 0 0))
        (local.set $j (local.get $k1))
        (block $jexit
          (loop $jloop
            (br_if $jexit (i32.gt_u (i32.add (local.get $j) (i32.const 2)) (local.get $i)))
            (local.set $x (v128.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3)))))
            (local.set $s (f64x2.add (local.get $s)
              (f64x2.mul (local.get $x) (v128.load (i32.add (local.get $v) (i32.shl (local.get $j) (i32.const 3)))))))
            (local.set $q (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 3))))
            (v128.store (local.get $q) (f64x2.add (v128.load (local.get $q)) (f64x2.mul (local.get $x) (local.get $vis))))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br $jloop)))
        (local.set $ss (f64.add (f64x2.extract_lane 0 (local.get $s)) (f64x2.extract_lane 1 (local.get $s))))
        (if (i32.lt_u (local.get $j) (local.get $i))
          (then
            (local.set $a (f64.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3)))))
            (local.set $ss (f64.add (local.get $ss)
              (f64.mul (local.get $a) (f64.load (i32.add (local.get $v) (i32.shl (local.get $j) (i32.const 3)))))))
            (local.set $q (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 3))))
            (f64.store (local.get $q) (f64.add (f64.load (local.get $q)) (f64.mul (local.get $a) (local.get $vi))))))
        (local.set $q (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 3))))
        (f64.store (local.get $q)
          (f64.add (f64.load (local.get $q))
            (f64.add (local.get $ss)
              (f64.mul (f64.load (i32.add (local.get $row) (i32.shl (local.get $i) (i32.const 3)))) (local.get $vi)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $iloop))))
  ;; y[0..m) += a·x[0..m), m even (byte addresses).
  (func $axpy (param $y i32) (param $x i32) (param $a f64) (param $m i32)
    (local $as v128) (local $end i32)
    (local.set $as (f64x2.splat (local.get $a)))
    (local.set $end (i32.add (local.get $y) (i32.shl (local.get $m) (i32.const 3))))
    (block $exit
      (loop $l
        (br_if $exit (i32.ge_u (local.get $y) (local.get $end)))
        (v128.store (local.get $y)
          (f64x2.add (v128.load (local.get $y)) (f64x2.mul (v128.load (local.get $x)) (local.get $as))))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (br $l))))
  ;; Σ_i v[i]·... : u[0..m) = Σ_{i∈[k1,n)} v[i]·W[i,:]; then W[i,:] −= β·v[i]·u for the
  ;; reflector H = I − β v vᵀ applied to the rows of W (n×m, m even; byte addresses).
  (func (export "reflect")
    (param $w i32) (param $m i32) (param $v i32) (param $u i32) (param $k1 i32) (param $n i32) (param $beta f64)
    (local $i i32) (local $vi f64) (local $rowb i32)
    (local.set $rowb (i32.shl (local.get $m) (i32.const 3)))
    (memory.fill (local.get $u) (i32.const 0) (local.get $rowb))
    (local.set $i (local.get $k1))
    (block $e1
      (loop $l1
        (br_if $e1 (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $vi (f64.load (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 3)))))
        (if (f64.ne (local.get $vi) (f64.const 0))
          (then (call $axpy (local.get $u) (i32.add (local.get $w) (i32.mul (local.get $i) (local.get $rowb))) (local.get $vi) (local.get $m))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l1)))
    (local.set $i (local.get $k1))
    (block $e2
      (loop $l2
        (br_if $e2 (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $vi (f64.load (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 3)))))
        (if (f64.ne (local.get $vi) (f64.const 0))
          (then (call $axpy (i32.add (local.get $w) (i32.mul (local.get $i) (local.get $rowb))) (local.get $u)
            (f64.neg (f64.mul (local.get $beta) (local.get $vi))) (local.get $m))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l2))))
  ;; Solves L·Y = B then Lᵀ·X = Y in place: L lower n×n (row stride ldl elements),
  ;; B n×m (m even) with each column a right-hand side (byte addresses).
  (func (export "cholsolve") (param $l i32) (param $ldl i32) (param $b i32) (param $m i32) (param $n i32)
    (local $i i32) (local $j i32) (local $rowb i32) (local $li i32) (local $bi i32) (local $lij f64)
    (local.set $rowb (i32.shl (local.get $m) (i32.const 3)))
    (local.set $i (i32.const 0))
    (block $fe
      (loop $fl
        (br_if $fe (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $li (i32.add (local.get $l) (i32.shl (i32.mul (local.get $i) (local.get $ldl)) (i32.const 3))))
        (local.set $bi (i32.add (local.get $b) (i32.mul (local.get $i) (local.get $rowb))))
        (local.set $j (i32.const 0))
        (block $je
          (loop $jl
            (br_if $je (i32.ge_u (local.get $j) (local.get $i)))
            (local.set $lij (f64.load (i32.add (local.get $li) (i32.shl (local.get $j) (i32.const 3)))))
            (if (f64.ne (local.get $lij) (f64.const 0))
              (then (call $axpy (local.get $bi) (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $rowb)))
                (f64.neg (local.get $lij)) (local.get $m))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $jl)))
        (call $scale (local.get $bi) (f64.div (f64.const 1) (f64.load (i32.add (local.get $li) (i32.shl (local.get $i) (i32.const 3))))) (local.get $m))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $fl)))
    (local.set $i (local.get $n))
    (block $be
      (loop $bl
        (br_if $be (i32.eqz (local.get $i)))
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (local.set $li (i32.add (local.get $l) (i32.shl (i32.mul (local.get $i) (local.get $ldl)) (i32.const 3))))
        (local.set $bi (i32.add (local.get $b) (i32.mul (local.get $i) (local.get $rowb))))
        (call $scale (local.get $bi) (f64.div (f64.const 1) (f64.load (i32.add (local.get $li) (i32.shl (local.get $i) (i32.const 3))))) (local.get $m))
        (local.set $j (i32.const 0))
        (block $je2
          (loop $jl2
            (br_if $je2 (i32.ge_u (local.get $j) (local.get $i)))
            (local.set $lij (f64.load (i32.add (local.get $li) (i32.shl (local.get $j) (i32.const 3)))))
            (if (f64.ne (local.get $lij) (f64.const 0))
              (then (call $axpy (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $rowb))) (local.get $bi)
                (f64.neg (local.get $lij)) (local.get $m))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $jl2)))
        (br $bl))))
  ;; y[0..m) *= a, m even.
  (func $scale (param $y i32) (param $a f64) (param $m i32)
    (local $as v128) (local $end i32)
    (local.set $as (f64x2.splat (local.get $a)))
    (local.set $end (i32.add (local.get $y) (i32.shl (local.get $m) (i32.const 3))))
    (block $exit
      (loop $l
        (br_if $exit (i32.ge_u (local.get $y) (local.get $end)))
        (v128.store (local.get $y) (f64x2.mul (v128.load (local.get $y)) (local.get $as)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (br $l))))
  ;; out[0] += lane0(x) + lane1(x); out[1] += lane0(y) + lane1(y)
  (func $acc2 (param $o i32) (param $x v128) (param $y v128)
    (f64.store (local.get $o)
      (f64.add (f64.load (local.get $o))
        (f64.add (f64x2.extract_lane 0 (local.get $x)) (f64x2.extract_lane 1 (local.get $x)))))
    (f64.store offset=8 (local.get $o)
      (f64.add (f64.load offset=8 (local.get $o))
        (f64.add (f64x2.extract_lane 0 (local.get $y)) (f64x2.extract_lane 1 (local.get $y)))))))
