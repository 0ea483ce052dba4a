namespace WasmProbe.Tests.Coverage;

/// <summary>The <c>spectest</c> host module the spec suite's modules import: globals, a table, a memory and print
/// functions that do nothing.</summary>
internal static class CoverageSpectest
{
    public static void Define(Wasmtime.Linker linker, Wasmtime.Store store)
    {
        linker.AllowShadowing = true;
        linker.Define("spectest", "global_i32", new Wasmtime.Global(store, Wasmtime.ValueKind.Int32, 666, Wasmtime.Mutability.Immutable));
        linker.Define("spectest", "global_i64", new Wasmtime.Global(store, Wasmtime.ValueKind.Int64, 666L, Wasmtime.Mutability.Immutable));
        linker.Define("spectest", "global_f32", new Wasmtime.Global(store, Wasmtime.ValueKind.Float32, 666.6f, Wasmtime.Mutability.Immutable));
        linker.Define("spectest", "global_f64", new Wasmtime.Global(store, Wasmtime.ValueKind.Float64, 666.6, Wasmtime.Mutability.Immutable));
        linker.Define("spectest", "table", new Wasmtime.Table(store, Wasmtime.TableKind.FuncRef, null, 10, 20));
        linker.Define("spectest", "memory", new Wasmtime.Memory(store, 1, 2));
        linker.DefineFunction("spectest", "print", () => { });
        linker.DefineFunction("spectest", "print_i32", (int _) => { });
        linker.DefineFunction("spectest", "print_i64", (long _) => { });
        linker.DefineFunction("spectest", "print_f32", (float _) => { });
        linker.DefineFunction("spectest", "print_f64", (double _) => { });
        linker.DefineFunction("spectest", "print_i32_f32", (int _, float _) => { });
        linker.DefineFunction("spectest", "print_f64_f64", (double _, double _) => { });
    }
}
