;; Iterative Fibonacci with a memo table in linear memory and a call counter.
;; Rebuild: ./build.sh (needs wabt's wat2wasm); the built fib.wasm is checked in.
(module
  (memory (export "memory") 1)
  (global $calls (export "calls") (mut i32) (i32.const 0))

  ;; fib(n): a, b = 0, 1; repeat n times: a, b = b, a + b; return a.
  ;; memo[i] (at 0x400 + 4*i) receives fib(i) for every i computed.
  (func $fib (export "fib") (param $n i32) (result i32) (local $i i32) (local $a i32) (local $b i32) (local $t i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (local.set $b (i32.const 1))
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $next
        (i32.store offset=0x400 (i32.shl (local.get $i) (i32.const 2)) (local.get $a))
        (local.set $t (i32.add (local.get $a) (local.get $b)))
        (local.set $a (local.get $b))
        (local.set $b (local.get $t))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $next (i32.lt_u (local.get $i) (local.get $n)))))
    (local.get $a))

  ;; fib_sum(n) = fib(0) + ... + fib(n), through calls to $fib.
  (func $fib_sum (export "fib_sum") (param $n i32) (result i32) (local $k i32) (local $sum i32)
    (loop $each
      (local.set $sum (i32.add (local.get $sum) (call $fib (local.get $k))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $each (i32.le_u (local.get $k) (local.get $n))))
    (local.get $sum)))
