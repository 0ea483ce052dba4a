using WasmProbe.Probes;
using WasmProbe.Wasm.Resolution;

namespace WasmProbe.EndToEnd.Tests;

// [OnReturn]: a stop at every return of a function, with its results and the arguments of that call.
// guests/exits.wat returns through a br_if, a return, a br_table entry and by falling off its end.
[WasmModule("guests/exits.wasm", Entry = "sum_classes")]
public partial class ExitProbes
{
    private static readonly (int X, int Result, ExitKind Exit)[] Returns =
        [(0, 1, ExitKind.BranchIf), (1, 2, ExitKind.Return), (2, 3, ExitKind.BranchTable), (5, 4, ExitKind.End), (50, 5, ExitKind.End)];

    [OnReturn("classify")]
    [ExpectFinish(15)]
    public void Every_way_out_stops_once_with_its_result(Classify_Return stop)
    {
        var (x, result, exit) = Returns[stop.Hit - 1];
        stop.Args.x.ShouldBe(x);
        stop.Results.R0.ShouldBe(result);
        stop.Return.Exit.Kind.ShouldBe(exit);
        stop.Frames[1].FunctionName.ShouldBe("sum_classes");
    }

    [OnReturn("classify", Hit = 5)]
    [ExpectLocal("x", 50)]
    public void The_fifth_return_is_the_last(Classify_Return stop) => stop.Results.R0.ShouldBe(5);
}

// Contracts as attributes: [ExpectArg] is the argument as passed, though halve has changed its parameter by then.
[WasmModule("guests/exits.wasm", Entry = "halvings")]
public partial class HalveContractProbes
{
    [OnReturn("halve", Hit = 1)]
    [ExpectArg("n", 48)]
    [ExpectLocal("n", 3)]
    [ExpectResult(0, 3)]
    [ExpectFinish(10)]
    public void Halving_48_returns_3()
    {
    }

    [OnReturn("halve", Hit = 2)]
    [ExpectArg(0, 7)]
    [ExpectResult(0, 7)]
    public void An_odd_argument_comes_back(Halve_Return stop) => stop.Return.Exit.Kind.ShouldBe(ExitKind.End);

    [OnCall("halve")]
    [ExpectArg("n", 7, Hit = 2)]
    public void The_second_call_passes_7(Halve_Call stop) => stop.Args.n.ShouldBe(stop.Hit == 1 ? 48 : 7);
}

// Exits through br_on_null and br_on_non_null to the function's own label: unboxes() = unbox(0) + unbox(5) +
// first(0, 7) + first(3, 7) = -1 - 5 + 7 + 3.
[WasmModule("guests/exits.wasm", Entry = "unboxes")]
public partial class NullBranchExitProbes
{
    private static readonly (int X, int Result, ExitKind Exit)[] Unboxes = [(0, -1, ExitKind.BranchOnNull), (5, -5, ExitKind.End)];
    private static readonly (int A, ExitKind Exit)[] Firsts = [(0, ExitKind.End), (3, ExitKind.BranchOnNonNull)];

    [OnReturn("unbox")]
    [ExpectFinish(4)]
    public void A_null_branch_out_returns_the_values_below_the_reference(Unbox_Return stop)
    {
        var (x, result, exit) = Unboxes[stop.Hit - 1];
        stop.Args.x.ShouldBe(x);
        stop.Results.R0.ShouldBe(result);
        stop.Return.Exit.Kind.ShouldBe(exit);
    }

    [OnReturn("first")]
    public void A_non_null_branch_out_returns_the_reference(First_Return stop)
    {
        var (a, exit) = Firsts[stop.Hit - 1];
        stop.Args.a.ShouldBe(a);
        stop.Return.Exit.Kind.ShouldBe(exit);
        stop.Results.R0.IsNull.ShouldBeFalse();
    }

    [OnReturn("unbox", Hit = 1)]
    [ExpectFinish(105)]
    public void A_result_set_at_a_null_branch_out_is_what_the_caller_sees(Unbox_Return stop) => stop.Results.R0 = 100;
}

// Exits through br_on_cast and br_on_cast_fail to the function's own label, taken or not by the reference's run-time
// type: kind(4) leaves through the br_on_cast with an i31ref, kind(0) through the br_on_cast_fail with null, kind(5)
// passes both (its reference is a $cell) and falls off its end. kinds() = 1 + 10 * 2 + 100 * 3.
[WasmModule("guests/exits.wasm", Entry = "kinds")]
public partial class CastBranchExitProbes
{
    private static readonly (int X, int Result, bool Null, ExitKind Exit)[] Kinds =
        [(4, 1, false, ExitKind.BranchOnCast), (0, 2, true, ExitKind.BranchOnCastFail), (5, 3, false, ExitKind.End)];

    [OnReturn("kind")]
    [ExpectFinish(321)]
    public void A_cast_branch_out_stops_only_when_the_cast_decides_to_leave(Kind_Return stop)
    {
        var (x, result, isNull, exit) = Kinds[stop.Hit - 1];
        stop.Args.x.ShouldBe(x);
        stop.Return.Exit.Kind.ShouldBe(exit);
        stop.Results.R0.ShouldBe(result);
        stop.Results.R1.IsNull.ShouldBe(isNull);
        stop.Frames[1].FunctionName.ShouldBe("kind_of");
    }

    [OnReturn("kind", Hit = 2)]
    [ExpectArg("x", 0)]
    [ExpectResult(0, 2)]
    [ExpectFinish(301 + 10 * 7)]
    public void A_result_set_at_a_failed_cast_branch_out_is_what_the_caller_sees(Kind_Return stop) => stop.Results.R0 = 7;
}

// fib.wasm: add's results against its arguments, and the entry's own return.
[WasmModule("guests/fib.wasm", Entry = "fib", Args = new object[] { 10 })]
public partial class FibReturnProbes
{
    [OnReturn("add")]
    public void Add_returns_the_sum_of_its_arguments(Add_Return stop) => stop.Results.R0.ShouldBe(stop.Args.x + stop.Args.y);

    [OnReturn("fib")]
    public void Fib_returns_55_for_10(Fib_Return stop)
    {
        stop.Hit.ShouldBe(1);
        stop.Args.n.ShouldBe(10);
        stop.Results.R0.ShouldBe(55);
    }
}

// The Rust guest (rustc 1.63 -O2): run(1000)'s return, and the C plugin's.
[WasmModule("../../guests/rust/orderbook-O2.wasm", Entry = "run", Args = new object[] { 1000 })]
public partial class OrderBookReturnProbes
{
    [OnReturn("run")]
    public void Run_returns_the_checksum(Run_Return stop)
    {
        stop.Args.p0.ShouldBe(1000);
        stop.Results.R0.ShouldBe(8280655453717114498L);
    }
}
