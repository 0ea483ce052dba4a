;; Exceptions for forced throws: parse(x) returns check(x) = x * 2, or -code when check throws $invalid (code), which
;; its try_table catches; $fatal (i64) is caught nowhere.
(module
  (tag $invalid (export "invalid") (param i32))
  (tag $fatal (export "fatal") (param i64))
  (func $check (export "check") (param $x i32) (result i32)
    local.get $x
    i32.const 2
    i32.mul)
  (func $parse (export "parse") (param $x i32) (result i32)
    (block $handler (result i32)
      (try_table (result i32) (catch $invalid $handler)
        local.get $x
        call $check)
      return)
    i32.const -1
    i32.mul))
