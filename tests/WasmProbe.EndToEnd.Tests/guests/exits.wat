;; Every way a function can return, for [OnReturn]: classify(x) returns 1 through a br_if to its own label (x = 0),
;; 2 through return (x = 1), 3 through a br_table entry (x = 2), and 4 or 5 by falling off its end (x < 10, else).
(module
  (func $classify (export "classify") (param $x i32) (result i32)
    i32.const 1
    local.get $x
    i32.eqz
    br_if 0
    drop
    local.get $x
    i32.const 1
    i32.eq
    if
      i32.const 2
      return
    end
    block $other (result i32)
      i32.const 3
      local.get $x
      i32.const 2
      i32.sub
      br_table 1 0
    end
    drop
    local.get $x
    i32.const 10
    i32.lt_u
    if (result i32)
      i32.const 4
    else
      i32.const 5
    end)
  (func $sum_classes (export "sum_classes") (result i32)
    (i32.add
      (i32.add (i32.add (call $classify (i32.const 0)) (call $classify (i32.const 1))) (call $classify (i32.const 2)))
      (i32.add (call $classify (i32.const 5)) (call $classify (i32.const 50))))))
