namespace WasmProbe.Tests.Fixtures;

/// <summary>Small guests in the text format that several test classes run.</summary>
public static class WatGuests
{
    /// <summary>sum(n): i = 0; acc = 0; loop { acc += i; i++; br_if i &lt; n }; acc.</summary>
    public const string Loop = """
        (module
          (func $sum (export "sum") (param $n i32) (result i32) (local $i i32) (local $acc i32)
            (loop $again
              local.get $acc
              local.get $i
              i32.add
              local.set $acc
              local.get $i
              i32.const 1
              i32.add
              local.tee $i
              local.get $n
              i32.lt_s
              br_if $again)
            local.get $acc))
        """;

    /// <summary>Exceptions of tag $oops (i32, i64): caught() calls a thrower inside a try_table that catches it and
    /// returns the code; uncaught() lets it out. guarded(x) returns work(x) = x + 1, or code * 1000 + extra when an
    /// $oops reaches its try_table (from work, or from the call itself); $none carries nothing, $handle a reference.</summary>
    public const string Exceptions = """
        (module
          (tag $oops (export "oops") (param i32 i64))
          (tag $none (export "none"))
          (tag $handle (export "handle") (param externref))
          (func $thrower (param $code i32)
            local.get $code
            i64.const 99
            throw $oops)
          (func $caught (export "caught") (result i32)
            (block $handler (result i32 i64)
              (try_table (catch $oops $handler)
                i32.const 5
                call $thrower)
              i32.const -1
              i64.const -1)
            drop)
          (func $uncaught (export "uncaught")
            i32.const 6
            call $thrower)
          (func $work (export "work") (param $x i32) (result i32)
            local.get $x
            i32.const 1
            i32.add)
          (func $guarded (export "guarded") (param $x i32) (result i32) (local $extra i32)
            (block $handler (result i32 i64)
              (try_table (result i32) (catch $oops $handler)
                local.get $x
                call $work)
              return)
            i32.wrap_i64
            local.set $extra
            i32.const 1000
            i32.mul
            local.get $extra
            i32.add))
        """;
}
