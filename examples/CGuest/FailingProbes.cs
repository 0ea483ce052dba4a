using WasmProbe.Probes;

namespace CGuest;

// Fails on purpose to show a failure at a C guest (README); run in-process by FailureMessageTests.
[WasmModule("guest/sort-O0.wasm", Entry = "_start", Wasi = true, GenerateFacts = false)]
public partial class FailingSortProbes
{
    // Wrong on purpose: insertion_sort receives 6 numbers, not 5.
    [BreakAt("insertion_sort", 0x34b, Hit = 1)]
    public void Sorting_five_numbers(Insertion_sort_0x34b stop) => stop.Variables.n.ShouldBe(5);

    // Wrong on purpose: the first key is 2.
    [BreakAtLine("sort.c", 36, Hit = 1)]
    [ExpectVariable("key", 3)]
    public void The_first_key_is_three()
    {
    }
}

// Fails on purpose: a failure while stepping inside the linked module names where it is in that module.
[WasmModule("guest/fractions.wasm", Entry = "add", Args = new object[] { 1, 2, 1, 3 }, GenerateFacts = false)]
[LinkModule("guest/mathlib.wasm")]
public partial class FailingFractionsProbes
{
    // Wrong on purpose: the step into the call of gcd is in mathlib.
    [StepFrom("add", 0x147, Mode = StepMode.Into)]
    public void Stays_in_add(Add_0x147_Steps stop) => stop.InStartFunction.ShouldBeTrue();
}

public class FailureMessageTests
{
    [Fact]
    public void A_failing_assertion_in_a_c_guest_shows_where_with_the_source_line()
    {
        var error = Should.Throw<ProbeFailedException>(new FailingSortProbes().Sorting_five_numbers_WasmProbe);
        error.Message.ShouldStartWith("insertion_sort+0x34b (pc 0x34b, hit 1 of 5): ");
        error.Message.ShouldContain("#0 insertion_sort+0x34b at /cguest/sort.c:36:20");
        error.Message.ShouldContain("#1 __original_main+0x419 at /cguest/sort.c:51:5 in main");
    }

    [Fact]
    public void A_failing_variable_expectation_names_the_variable_and_shows_the_frames_variables()
    {
        var error = Should.Throw<ProbeFailedException>(new FailingSortProbes().The_first_key_is_three_WasmProbe);
        error.Message.ShouldStartWith("sort.c:36 (insertion_sort+0x34b, hit 1 of 5): variable key expected 3 but was 2");
        error.Message.ShouldContain("source variables of insertion_sort+0x34b at /cguest/sort.c:36:20:\n  key = 2 (int)\n  j = -1 (int)\n  i = 1 (int)");
    }

    [Fact]
    public void A_failure_while_stepping_in_the_linked_module_names_the_step_there()
    {
        var error = Should.Throw<ProbeFailedException>(new FailingFractionsProbes().Stays_in_add_WasmProbe);
        error.Message.ShouldStartWith("add+0x147 (pc 0x147, hit 1), step 1 at mathlib!gcd+0x59: ");
    }
}

// Fails on purpose: wc exits with 2 (a file is missing), and the class expects the default, 0.
[WasmModule("guest/wc-O0.wasm", Entry = "_start", Wasi = true, GenerateFacts = false,
    WasiArgs = new[] { "/data/missing.txt" }, Dirs = new[] { "data::/data" })]
public partial class FailingWcProbes
{
    [BreakAtLine("wc.c", 49, Optional = true)]
    public void Runs_to_the_end() { }
}

public class ExitCodeFailureTests
{
    [Fact]
    public void An_unexpected_exit_code_fails_the_probe_run_with_the_code()
    {
        var error = Should.Throw<ProbeFailedException>(new FailingWcProbes().Runs_to_the_end_WasmProbe);
        error.Message.ShouldContain("the guest exited with code 2 (proc_exit), expected 0");
    }
}
