using System.Text;

namespace WasmProbe.Tests.Coverage;

/// <summary>The two shapes of large module the coverage pass must stay linear on, as WAT: one huge function full of
/// ifs, and a great many small functions. Shared with the benchmarks (linked into WasmProbe.Benchmarks).</summary>
public static class GeneratedModules
{
    /// <summary>One exported function <c>run(x)</c> of about 7 instructions per if.</summary>
    public static string OneHugeFunction(int ifs)
    {
        var wat = new StringBuilder("(module (func (export \"run\") (param $x i32) (result i32) (local $acc i32)\n");
        for (int k = 0; k < ifs; k++)
            wat.Append("local.get $x (if (then local.get $acc i32.const ").Append(k % 7 + 1).Append(" i32.add local.set $acc))\n");
        return wat.Append("local.get $acc))").ToString();
    }

    /// <summary><paramref name="functions"/> small functions with a branch each; <c>run(x)</c> calls the first.</summary>
    public static string ManySmallFunctions(int functions)
    {
        var wat = new StringBuilder("(module\n");
        for (int f = 0; f < functions; f++)
        {
            wat.Append("(func $f").Append(f).Append(" (param $x i32) (result i32) (if (result i32) (i32.lt_u (local.get $x) (i32.const ")
                .Append(f % 100).Append(")) (then (i32.add (local.get $x) (i32.const 1))) (else (i32.mul (local.get $x) (i32.const 3)))))\n");
        }
        return wat.Append("(func (export \"run\") (param $x i32) (result i32) (call $f0 (local.get $x))))").ToString();
    }
}
