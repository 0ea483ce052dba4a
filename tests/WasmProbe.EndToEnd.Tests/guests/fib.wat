;; Probe-test guest: iterative Fibonacci with named locals, a helper call, a mutable global and a data segment.
;; Rebuild with ./build.sh (wat2wasm --debug-names), then re-check the pcs the probes use: wasm-objdump -d fib.wasm
(module
  (memory (export "memory") 1)
  (global $__stack_pointer (mut i32) (i32.const 65536))
  (global $calls (export "calls") (mut i32) (i32.const 0))
  (global $limit i64 (i64.const 1000))
  (data (i32.const 0x400) "\2a\00\00\00")

  (func $add (param $x i32) (param $y i32) (result i32)
    local.get $x
    local.get $y
    i32.add)

  ;; fib(n): a = 0, b = 1; while (n > 1) { (a, b) = (b, a + b); n-- }; n < 2 ? n : b
  (func $fib (export "fib") (param $n i32) (result i32)
    (local $a i32) (local $b i32) (local $i i32)
    global.get $calls
    i32.const 1
    i32.add
    global.set $calls
    local.get $n
    i32.const 2
    i32.lt_s
    if
      local.get $n
      return
    end
    i32.const 0
    local.set $a
    i32.const 1
    local.set $b
    block $done
      loop $next
        local.get $n
        i32.const 1
        i32.gt_s
        i32.eqz
        br_if $done
        local.get $b
        local.get $a
        local.get $b
        call $add
        local.set $b
        local.set $a
        local.get $n
        i32.const 1
        i32.sub
        local.set $n
        local.get $i
        i32.const 1
        i32.add
        local.set $i
        br $next
      end
    end
    local.get $b)

  ;; store(addr, value): writes value at addr and returns the old value.
  (func $store (export "store") (param $addr i32) (param $value i32) (result i32)
    (local $old i32)
    local.get $addr
    i32.load
    local.set $old
    local.get $addr
    local.get $value
    i32.store
    local.get $old)

  ;; divide(a, b) = a / b (traps when b is 0).
  (func $divide (export "divide") (param $a i32) (param $b i32) (result i32)
    local.get $a
    local.get $b
    i32.div_s)

  (func $pair (export "pair") (param $x i32) (result i32 i64)
    local.get $x
    local.get $x
    i64.extend_i32_s
    i64.const 1000
    i64.mul))
