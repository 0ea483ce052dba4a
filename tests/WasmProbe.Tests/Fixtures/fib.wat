;; Fixture for the disassembler and CLI tests (tests/WasmProbe.Tests/Text).
;; Rebuild: wat2wasm --debug-names fib.wat -o fib.wasm
(module
  (import "env" "log" (func $log (param i32)))
  (memory 1)
  (global $calls (mut i32) (i32.const 0))

  ;; Iterative Fibonacci: a loop, an if/else, named locals, a global.
  (func $fib (export "fibonacci") (param $n i32) (result i32)
    (local $a i32) (local $b i32) (local $tmp i64)
    global.get $calls
    i32.const 1
    i32.add
    global.set $calls
    local.get $n
    i32.const 2
    i32.lt_s
    if (result i32)
      local.get $n
    else
      i32.const 0
      local.set $a
      i32.const 1
      local.set $b
      block $done
        loop $next
          local.get $n
          i32.const 1
          i32.le_s
          br_if $done
          local.get $a
          local.get $b
          i32.add
          local.get $b
          local.set $a
          local.set $b
          local.get $n
          i32.const -1
          i32.add
          local.set $n
          br $next
        end
      end
      local.get $b
    end)

  ;; Memoized lookup: memory load/store, a call, and unreachable code after return.
  (func $memo (export "memo") (param $i i32) (result i32)
    (local $v i32)
    local.get $i
    i32.const 2
    i32.shl
    i32.load offset=8
    local.tee $v
    if
      local.get $v
      return
    end
    local.get $i
    i32.const 2
    i32.shl
    local.get $i
    call $fib
    local.tee $v
    i32.store offset=8
    local.get $v
    call $log
    local.get $v
    return
    i32.const 7
    drop
    unreachable)

  ;; An unnamed, unexported function with an f64 constant and a 64-bit load.
  (func (param f64) (result f64)
    local.get 0
    f64.const -1.5
    f64.mul
    i32.const 0
    i64.load align=4
    f64.convert_i64_s
    f64.add))
