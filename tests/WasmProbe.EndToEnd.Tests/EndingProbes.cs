using WasmProbe.Probes;

namespace WasmProbe.EndToEnd.Tests;

// [ExpectFinish] and [ExpectTrap]: how a probe's run must end, checked once its stops are.
[WasmModule("guests/fib.wasm", Entry = "fib", Args = new object[] { 10 })]
public partial class FibEndingProbes
{
    [BreakAt("fib", 0xa1, Hit = 1)]
    [ExpectFinish(55)]
    public void Fib_10_returns_55()
    {
    }
}

[WasmModule("guests/fib.wasm", Entry = "divide", Args = new object[] { 7, 0 })]
public partial class DivideEndingProbes
{
    [BreakAt("divide", 0xe1)]
    [ExpectTrap("integer_divide_by_zero")]
    public void Dividing_by_zero_traps()
    {
    }

    [BreakAt("divide", 0xe1)]
    [ExpectTrap]
    public void Any_trap_will_do()
    {
    }
}

// The Rust guest (guests/rust, rustc 1.63 -O2 -g): run(1000) returns the simulation's checksum.
[WasmModule("../../guests/rust/orderbook-O2.wasm", Entry = "run", Args = new object[] { 1000 })]
public partial class OrderBookEndingProbes
{
    [BreakAtLine("lib.rs", 137)]
    [ExpectFinish(8280655453717114498L)]
    public void Run_1000_returns_its_checksum()
    {
    }
}
