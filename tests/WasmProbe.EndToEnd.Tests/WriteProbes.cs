using WasmProbe.Probes;

namespace WasmProbe.EndToEnd.Tests;

// [BreakOnWrite] and [ExpectNoWrite]: store(0x400, 7) overwrites the 42 of fib.wasm's data segment.
[WasmModule("guests/fib.wasm", Entry = "store", Args = new object[] { 0x400, 7 })]
public partial class StoreWriteProbes
{
    [BreakOnWrite(0x402, 1)]
    [ExpectMemory<int>(0x400, 42)]
    [ExpectFinish(42)]
    public void The_store_is_seen_before_it_writes(Write_0x402 stop)
    {
        stop.Hit.ShouldBe(1);
        stop.FunctionName.ShouldBe("store");
        stop.Address.ShouldBe(0x400);
        stop.Length.ShouldBe(4);
        stop.OldBytes.ShouldBe(new byte[] { 0x2a, 0, 0, 0 });
        stop.NewBytes.ShouldBe(new byte[] { 7, 0, 0, 0 });
        stop.Frames.ShouldBeEmpty();
    }

    [BreakOnWrite(0x404, 4, Optional = true)]
    [ExpectNoWrite(0x3fc, 4)]
    [ExpectNoWrite(0x404, 0x100)]
    public void Writes_beside_the_word_are_not_seen(Write_0x404 stop) => throw new InvalidOperationException($"unexpected {stop}");

    [OnReturn("store")]
    [ExpectNoWrite(0, 0x400)]
    [ExpectResult(0, 42)]
    public void Nothing_writes_below_the_data(Store_Return stop) => stop.Memory.ReadInt32(0x400).ShouldBe(7);
}

// [BreakOnGlobalWrite]: fib counts its calls in the mutable global calls.
[WasmModule("guests/fib.wasm", Entry = "fib", Args = new object[] { 10 })]
public partial class CallsWriteProbes
{
    [BreakOnGlobalWrite("calls")]
    [ExpectGlobal("calls", 0)]
    [ExpectFinish(55)]
    public void Fib_counts_its_one_call(Global_calls_Write stop)
    {
        stop.Hit.ShouldBe(1);
        stop.FunctionName.ShouldBe("fib");
        stop.OldValue.ShouldBe(0);
        stop.NewValue.ShouldBe(1);
    }
}
