using WasmProbe.Probes;

namespace Fibonacci;

// A probe that fails on purpose, to show what a failure looks like (README). GenerateFacts = false keeps it out of
// the normal test run; FailureMessageTests runs it in-process and checks the message.
[WasmModule("guest/fib.wasm", Entry = "fib", Args = new object[] { 10 }, GenerateFacts = false)]
public partial class FailingFibonacciProbes
{
    // Wrong on purpose: at the 4th addition a is 2, not 3.
    [BreakAt("fib", 0x70, Hit = 4)]
    [ExpectLocal("a", 3)]
    public void Fourth_addition()
    {
    }
}

public class FailureMessageTests
{
    [Fact]
    public void A_wrong_expectation_names_the_stop_the_hit_and_the_values()
    {
        var error = Should.Throw<ProbeFailedException>(new FailingFibonacciProbes().Fourth_addition_WasmProbe);
        error.Message.ShouldBe("""
            fib+0x70 (pc 0x70, hit 4 of 10): local a expected 3 but was 2
            wasm backtrace (innermost first):
              #0 fib+0x70
            locals of fib+0x70:
              n: i32 = 10
              i: i32 = 3
              a: i32 = 2
              b: i32 = 3
              t: i32 = 3
            operand stack of fib+0x70 (S0 = top):
              S0: i32 = 3
              S1: i32 = 2
            """);
    }
}
