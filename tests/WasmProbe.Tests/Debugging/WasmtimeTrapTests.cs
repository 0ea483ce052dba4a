using WasmProbe.Engine;

namespace WasmProbe.Tests.Debugging;

/// <summary>Pins how Wasmtime .NET reports the ends of a call that <see cref="GuestInstance"/> tells apart by type and
/// structure, never by message text: a trap carries its code, an exception nobody caught is a trap without one, and a
/// host callback's exception comes back as the inner exception of a (non-trap) Wasmtime error.</summary>
public class WasmtimeTrapTests
{
    private static Exception Invoke(string wat, Action<Wasmtime.Linker, Wasmtime.Store>? define = null)
    {
        using var module = Wasmtime.Module.FromBytes(WasmtimeRuntime.Engine, "m", Wat.ToBinary(wat));
        using var store = new Wasmtime.Store(WasmtimeRuntime.Engine);
        store.SetEpochDeadline(1_000_000);
        var linker = new Wasmtime.Linker(WasmtimeRuntime.Engine);
        define?.Invoke(linker, store);
        var instance = linker.Instantiate(store, module);
        return Should.Throw<Exception>(() => instance.GetFunction("f")!.Invoke());
    }

    [Fact]
    public void An_uncaught_exception_is_a_trap_without_a_trap_code()
    {
        var e = Invoke("""(module (tag $t (param i32)) (func (export "f") i32.const 7 throw $t))""");
        var trap = e.ShouldBeOfType<Wasmtime.TrapException>();
        trap.Type.ShouldBe(Wasmtime.TrapCode.Undefined);
        trap.InnerException.ShouldBeNull();
        trap.Frames.ShouldNotBeNull().Count.ShouldBe(1);
        GuestInstance.IsUncaughtException(trap).ShouldBeTrue();
    }

    [Fact]
    public void A_trap_carries_its_code()
    {
        var trap = Invoke("""(module (func (export "f") unreachable))""").ShouldBeOfType<Wasmtime.TrapException>();
        trap.Type.ShouldBe(Wasmtime.TrapCode.Unreachable);
        GuestInstance.IsUncaughtException(trap).ShouldBeFalse();
    }

    [Fact]
    public void A_host_callback_exception_is_the_inner_exception_of_a_wasmtime_error()
    {
        var e = Invoke("""(module (import "host" "fail" (func $fail)) (func (export "f") call $fail))""",
            (linker, store) => linker.Define("host", "fail", Wasmtime.Function.FromCallback(store, () => throw new InvalidOperationException("from the host"))));
        e.ShouldNotBeOfType<Wasmtime.TrapException>();
        e.ShouldBeAssignableTo<Wasmtime.WasmtimeException>().InnerException.ShouldBeOfType<InvalidOperationException>().Message.ShouldBe("from the host");
    }
}
