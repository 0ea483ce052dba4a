;; Probe-test guest: locals and stack values of every numeric type, an unnamed local, a host import.
;; Rebuild with ./build.sh, then re-check the pcs the probes use: wasm-objdump -d types.wasm
(module
  (import "env" "scale" (func $scale (param i64) (result i64)))
  (memory 1)
  (global $ratio (mut f64) (f64.const 0.5))

  ;; mix(i, x) stores i * 2 as i64 at 0x10 and returns ((f64)scale(i) + x * ratio) as f64
  (func $mix (export "mix") (param $i i32) (param $x f32) (result f64)
    (local $wide i64) (local $d f64) (local $vec v128) (local i32)
    local.get $i
    i64.extend_i32_s
    local.tee $wide
    call $scale
    local.set $wide
    v128.const i32x4 1 2 3 4
    local.set $vec
    i32.const 0x10
    local.get $wide
    i64.store
    local.get $wide
    f64.convert_i64_s
    local.get $x
    f64.promote_f32
    global.get $ratio
    f64.mul
    f64.add
    local.tee $d
    i32.const 7
    local.set 5))
