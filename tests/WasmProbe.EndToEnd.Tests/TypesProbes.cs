using System.Runtime.Intrinsics;
using WasmProbe.Probes;

namespace WasmProbe.EndToEnd.Tests;

// types.wasm (guests/types.wat): func 0 is the import env.scale, func 1 is mix.
//   0x07d  global.get $ratio   stack [f64 (f64)wide, f64 (f64)x]
//   0x085  local.set 5         stack [f64 d, i32 7]; local 5 has no name
[WasmModule("guests/types.wasm", Entry = "mix", Args = new object[] { 3, 1.5f })]
public partial class TypesProbes
{
    // env.scale multiplies by 10: the guest imports it, so every run and instance needs it.
    static partial void ConfigureLinker(Wasmtime.Linker linker, Wasmtime.Store store) =>
        linker.Define("env", "scale", Wasmtime.Function.FromCallback(store, (long v) => v * 10));

    [BreakAt("mix", 0x7d)]
    [ExpectLocal("i", 3)]
    [ExpectLocal("x", 1.5f)]
    [ExpectLocal("wide", 30L)]
    [ExpectLocal("vec", "01 00 00 00 02 00 00 00 03 00 00 00 04 00 00 00")]
    [ExpectStack(0, 1.5)]
    [ExpectStack(1, 30)]
    [ExpectGlobal("ratio", 0.5)]
    [ExpectMemory<long>(0x10, 30)]
    [ExpectMemory(0x10, "1e 00 00 00 00 00 00 00")]
    public void Every_numeric_type(Mix_0x7d stop)
    {
        int i = stop.Locals.i;
        float x = stop.Locals.x;
        long wide = stop.Locals.wide;
        double d = stop.Locals.d;
        Vector128<byte> vec = stop.Locals.vec;
        (i, x, wide, d).ShouldBe((3, 1.5f, 30L, 0.0));
        vec.AsInt32().ShouldBe(Vector128.Create(1, 2, 3, 4));
        double s0 = stop.Stack.S0;
        double s1 = stop.Stack.S1;
        (s0, s1).ShouldBe((1.5, 30.0));
        stop.Globals.ratio.ShouldBe(0.5);
        stop.Memory.ReadInt64(0x10).ShouldBe(30L);
    }

    [BreakAt("mix", 0x85)]
    [ExpectLocal("d", 30.75)]
    [ExpectLocal("local5", 0)]
    [ExpectStack(0, 7)]
    [ExpectStack(1, 30.75)]
    public void Unnamed_local_and_mixed_stack(Mix_0x85 stop)
    {
        stop.Locals.local5.ShouldBe(0);
        stop.Stack.S0.ShouldBe(7);
        stop.Stack.S1.ShouldBe(30.75);
        stop.Globals.ratio = 2.0; // writable: mutable global (the guest no longer reads it)
        stop.Globals.ratio.ShouldBe(2.0);
    }

    [Fact]
    public void Host_imports_apply_to_instances_too()
    {
        using var guest = Instantiate();
        guest.Exports.mix(2, 4f).ShouldBe(22.0);
        guest.Globals.ratio = 0.25;
        guest.Exports.mix(1, 4f).ShouldBe(11.0);
    }
}
