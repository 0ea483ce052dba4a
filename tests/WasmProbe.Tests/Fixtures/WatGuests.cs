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
}
