;; Every way a function can return, for [OnReturn]: classify(x) returns 1 through a br_if to its own label (x = 0),
;; 2 through return (x = 1), 3 through a br_table entry (x = 2), and 4 or 5 by falling off its end (x < 10, else).
;; halve(n) halves its parameter in place while it is even, so at its return n is no longer the argument.
;; box(x) is null for 0, else x as an i31ref. unbox(x) returns -1 through a br_on_null to its own label (x = 0), else -x
;; by falling off its end; first(a, b) returns box(a) through a br_on_non_null to its own label (a != 0), else box(b).
;; make(x) is null for 0, an i31ref for even x, else a $cell struct. kind(x) returns (1, an i31ref) through a br_on_cast
;; to its own label for even x != 0, (2, null) through a br_on_cast_fail to its own label for 0, and (3, the $cell) by
;; falling off its end for odd x. kinds() = kind(4) + 10 kind(0) + 100 kind(5) (their i32 results) = 321.
(module
  (type $cell (struct (field i32)))
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
      (i32.add (call $classify (i32.const 5)) (call $classify (i32.const 50)))))
  (func $halve (export "halve") (param $n i32) (result i32)
    (block $odd
      (loop $even
        (br_if $odd (i32.and (local.get $n) (i32.const 1)))
        (local.set $n (i32.shr_u (local.get $n) (i32.const 1)))
        (br $even)))
    (local.get $n))
  (func $halvings (export "halvings") (result i32)
    (i32.add (call $halve (i32.const 48)) (call $halve (i32.const 7))))
  (func $box (param $x i32) (result (ref null i31))
    local.get $x
    if (result (ref null i31))
      local.get $x
      ref.i31
    else
      ref.null i31
    end)
  (func $unbox (export "unbox") (param $x i32) (result i32)
    i32.const -1
    local.get $x
    call $box
    br_on_null 0
    i31.get_s
    i32.mul)
  (func $first (param $a i32) (param $b i32) (result (ref null i31))
    local.get $a
    call $box
    br_on_non_null 0
    local.get $b
    call $box)
  (func $unboxes (export "unboxes") (result i32)
    (i32.add
      (i32.add (call $unbox (i32.const 0)) (call $unbox (i32.const 5)))
      (i32.add (i31.get_s (call $first (i32.const 0) (i32.const 7))) (i31.get_s (call $first (i32.const 3) (i32.const 7))))))
  (func $make (param $x i32) (result eqref)
    local.get $x
    i32.eqz
    if (result eqref)
      ref.null eq
    else
      local.get $x
      i32.const 1
      i32.and
      if (result eqref)
        local.get $x
        struct.new $cell
      else
        local.get $x
        ref.i31
      end
    end)
  (func $kind (param $x i32) (result i32 eqref) (local $r eqref)
    i32.const 1
    local.get $x
    call $make
    br_on_cast 0 eqref (ref i31)
    local.set $r
    drop
    i32.const 2
    local.get $r
    br_on_cast_fail 0 eqref (ref $cell)
    drop
    drop
    i32.const 3
    local.get $r)
  (func $kind_of (param $x i32) (result i32)
    local.get $x
    call $kind
    drop)
  (func $kinds (export "kinds") (result i32)
    (i32.add
      (i32.add (call $kind_of (i32.const 4)) (i32.mul (call $kind_of (i32.const 0)) (i32.const 10)))
      (i32.mul (call $kind_of (i32.const 5)) (i32.const 100)))))
