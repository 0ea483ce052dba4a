using WasmProbe.Probes;

namespace WasmProbe.EndToEnd.Tests;

/// <summary>Runs the deliberately failing probes of <see cref="FailingFibProbes"/>, <see cref="FailingStoreProbes"/> and <see cref="TrappingProbes"/>
/// in-process (their generated test methods are plain methods) and pins their failure messages verbatim.</summary>
public class FailureMessageTests
{
    private readonly FailingFibProbes _fib = new();
    private readonly FailingStoreProbes _store = new();

    private static string Failure(Action probe) => Should.Throw<ProbeFailedException>(probe).Message;

    [Fact]
    public void A_wrong_local_names_the_hit_out_of_all_hits_with_backtrace_locals_and_stack()
    {
        Failure(_fib.Wrong_local_at_hit_3_WasmProbe).ShouldBe("""
            fib+0xa1 (pc 0xa1, hit 3 of 10): local n expected 10 but was 8
            wasm backtrace (innermost first):
              #0 fib+0xa1
            locals of fib+0xa1:
              n: i32 = 8
              a: i32 = 1
              b: i32 = 2
              i: i32 = 2
            operand stack of fib+0xa1 (S0 = top):
              S0: i32 = 1
              S1: i32 = 8
            """);
    }

    [Fact]
    public void Failures_at_many_hits_show_the_first_in_full_list_a_few_and_count_the_rest()
    {
        Failure(_fib.Wrong_local_at_every_later_hit_WasmProbe).ShouldBe("""
            fib+0xa1 (pc 0xa1, hit 2 of 10): local n expected 10 but was 9
            wasm backtrace (innermost first):
              #0 fib+0xa1
            locals of fib+0xa1:
              n: i32 = 9
              a: i32 = 1
              b: i32 = 1
              i: i32 = 1
            operand stack of fib+0xa1 (S0 = top):
              S0: i32 = 1
              S1: i32 = 9
            fib+0xa1 (pc 0xa1, hit 3 of 10): local n expected 10 but was 8
            fib+0xa1 (pc 0xa1, hit 4 of 10): local n expected 10 but was 7
            fib+0xa1 (pc 0xa1, hit 5 of 10): local n expected 10 but was 6
            fib+0xa1 (pc 0xa1, hit 6 of 10): local n expected 10 but was 5
            ... and 4 more failing stops not shown
            """);
    }

    [Fact]
    public void Passing_hits_between_failing_ones_are_not_counted_as_failures()
    {
        string[] lines = Failure(_fib.Fails_at_all_hits_but_1_and_5_WasmProbe).Split('\n');
        lines[0].ShouldBe("fib+0xa1 (pc 0xa1, hit 2 of 10): System.InvalidOperationException: n = 9");
        lines.Where(l => l.StartsWith("fib+0xa1", StringComparison.Ordinal)).Select(l => l[..l.IndexOf(':')])
            .ShouldBe([.. new[] { 2, 3, 4, 6, 7 }.Select(h => $"fib+0xa1 (pc 0xa1, hit {h} of 10)")]);
        lines[^1].ShouldBe("... and 3 more failing stops not shown");
    }

    [Fact]
    public void Declarative_and_method_failures_at_one_stop_are_all_listed()
    {
        var failure = Should.Throw<ProbeFailedException>(_fib.Assertion_in_the_method_WasmProbe);
        failure.Message.ShouldBe("""
            fib+0xab (pc 0xab, hit 2 of 9): global calls expected 2 but was 1
            fib+0xab (pc 0xab, hit 2 of 9): memory[0x400] expected int 41 but was int 42 (bytes 2a 00 00 00)
            fib+0xab (pc 0xab, hit 2 of 9): public void Assertion_in_the_method(Fib_0xab stop) => stop.Locals.a
                    should be
                5
                    but was
                1
            wasm backtrace (innermost first):
              #0 fib+0xab
            locals of fib+0xab:
              n: i32 = 9
              a: i32 = 1
              b: i32 = 1
              i: i32 = 1
            operand stack of fib+0xab (S0 = top):
              S0: i32 = 1
              S1: i32 = 1
              S2: i32 = 1
            """);
        failure.InnerException.ShouldBeOfType<Shouldly.ShouldAssertException>();
    }

    [Fact]
    public void Other_exceptions_from_the_method_show_their_type()
    {
        Failure(_fib.Exception_in_the_method_WasmProbe).ShouldStartWith("""
            fib+0xab (pc 0xab, hit 1 of 9): System.InvalidOperationException: a is 0
            wasm backtrace (innermost first):
              #0 fib+0xab
            """);
    }

    [Fact]
    public void A_breakpoint_never_hit_fails_with_how_the_run_ended()
    {
        Failure(_fib.Never_hit_WasmProbe).ShouldBe("fib+0x8d (pc 0x8d): the breakpoint was never hit; the guest finished with results [55]");
    }

    [Fact]
    public void A_hit_number_never_reached_fails_with_the_hit_count()
    {
        Failure(_fib.Hit_beyond_the_count_WasmProbe).ShouldBe("fib+0xa1 (pc 0xa1): hit 10 times, never a hit 11; the guest finished with results [55]");
    }

    [Fact]
    public void Stepping_past_the_end_of_the_run_fails()
    {
        Failure(_fib.Steps_past_the_end_WasmProbe).ShouldBe("fib+0xc3 (pc 0xc3): stepping ended after 1 of 5 steps; the guest finished with results [55]");
    }

    [Fact]
    public void A_failure_while_stepping_names_the_step_and_where_it_is()
    {
        Failure(_fib.Wrong_value_while_stepping_WasmProbe).ShouldBe("""
            fib+0xa5 (pc 0xa5, hit 1), step 2 at fib+0xa9: if (stop.Step == 2) stop.Stack.Count
                    should be
                5
                    but was
                2
            wasm backtrace (innermost first):
              #0 fib+0xa9
            locals of fib+0xa9:
              n: i32 = 10
              a: i32 = 0
              b: i32 = 1
              i: i32 = 0
            operand stack of fib+0xa9 (S0 = top):
              S0: i32 = 0
              S1: i32 = 1
            """);
    }

    [Fact]
    public void A_trap_fails_with_its_code_message_and_backtrace()
    {
        Failure(new TrappingProbes().Divide_by_zero_WasmProbe).ShouldBe("""
            divide+0xe1 (pc 0xe1, hit 1 of 1): stack S0 expected 1 but was 0
            wasm backtrace (innermost first):
              #0 divide+0xe1
            locals of divide+0xe1:
              a: i32 = 7
              b: i32 = 0
            operand stack of divide+0xe1 (S0 = top):
              S0: i32 = 0
              S1: i32 = 7
            the guest trapped: integer_divide_by_zero: integer divide by zero
            wasm backtrace (innermost first):
              #0 divide+0xe1
            locals of divide+0xe1:
              a: i32 = 7
              b: i32 = 0
            operand stack of divide+0xe1 (S0 = top):
              S0: i32 = 0
              S1: i32 = 7
            """);
    }

    [Fact]
    public void A_failing_line_probe_names_the_line_the_location_and_the_hit_across_all_locations()
    {
        // The headline names the line as written, the location hit (of the line's two: insertion_sort+0x1e2 and
        // __original_main+0x333) and the hit counted over both; the backtrace shows where in the C source that is
        // (main's copy of the inlined insertion_sort). At -O2 clang keeps no location for the C variables at this pc
        // (they show as optimized out, never guessed); local7 is key, local4 a[j]; S1 is &a[j].
        Failure(new FailingSortLineProbes().Third_shift_moves_9_WasmProbe).ShouldBe("""
            sort.c:33 (__original_main+0x333, hit 3 of 8): public void Third_shift_moves_9(Sort_c_L33 stop) => stop.Memory.ReadInt32(stop.Stack.S1)
                    should be
                9
                    but was
                5
            wasm backtrace (innermost first):
              #0 __original_main+0x333 at /cguest/sort.c:33:22 in insertion_sort
              #1 _start+0x185 at build/libc-bottom-half/crt/crt1-command.c:12:13
              #2 _start.command_export+0x3f52
            source variables of __original_main+0x333 at /cguest/sort.c:33:22 in insertion_sort:
              key = <optimized out> (int)
              j = <optimized out> (int)
              i = <optimized out> (int)
              a = <optimized out> (int *)
              n = <optimized out> (int)
            locals of __original_main+0x333 at /cguest/sort.c:33:22 in insertion_sort:
              local0: i32 = 70224
              local1: i32 = 6
              local2: i32 = 70260
              local3: i32 = 2
              local4: i32 = 5
              local5: i32 = 70264
              local6: i32 = 3
              local7: i32 = 1
            operand stack of __original_main+0x333 at /cguest/sort.c:33:22 in insertion_sort (S0 = top):
              S0: i32 = 4
              S1: i32 = 70260
            """);
    }

    [Fact]
    public void A_line_hit_number_never_reached_fails_with_the_count_over_all_locations()
    {
        Failure(new FailingSortLineProbes().A_ninth_shift_WasmProbe)
            .ShouldBe("sort.c:33 (at insertion_sort+0x1e2, __original_main+0x333): hit 8 times, never a hit 9; the guest finished with results []");
    }

    [Fact]
    public void A_line_never_hit_lists_where_it_starts()
    {
        Failure(new FailingSortLineProbes().The_program_aborts_WasmProbe)
            .ShouldBe("abort.c:5 (at abort+0xcf1): the line was never hit; the guest finished with results []");
    }

    [Fact]
    public void A_local_with_another_index_in_each_inlined_copy_is_read_from_the_function_stopped_in()
    {
        // What the generator emits for [ExpectLocal("key", ...)] when key is local 5 of insertion_sort and local 7 of
        // main (given local names; clang's output has none): the index of the function the guest stopped in.
        static void Run(int expectedKey) => ProbeRunner.RunLineBreakpoint(
            FailingSortLineProbes.WasmModule,
            new LineProbe("key", "sort.c", 33, [new(6, 0x1e2), new(7, 0x333)], 1, false,
                [Expectation.Local([6, 7], [5, 7], "key", WasmProbe.Inspection.WasmValue.I32(expectedKey))]),
            null);
        Run(2);
        Failure(() => Run(99)).Split('\n')[0].ShouldBe("sort.c:33 (__original_main+0x333, hit 1 of 8): local key expected 99 but was 2");
    }

    [Fact]
    public void Probe_failures_are_assertion_failures_for_xunit()
    {
        typeof(ProbeFailedException).GetInterfaces().ShouldContain(i => i.Name == "IAssertionException");
    }

    [Fact]
    public void A_run_returning_other_results_than_expect_finish_fails_with_both()
    {
        Failure(_fib.Wrong_result_WasmProbe).ShouldBe("the entry returned [55], expected [56] [ExpectFinish]");
    }

    [Fact]
    public void A_run_that_returns_where_a_trap_was_expected_fails_with_its_results()
    {
        Failure(_fib.Expects_a_trap_but_returns_WasmProbe).ShouldBe("the guest finished with results [55], expected a trap [ExpectTrap]");
    }

    [Fact]
    public void Another_trap_than_expected_fails_with_both_codes_and_the_trap_s_frames()
    {
        Failure(new TrappingProbes().Wrong_trap_code_WasmProbe).ShouldBe("""
            the guest trapped with integer_divide_by_zero (integer divide by zero), expected a trap (unreachable) [ExpectTrap]
            wasm backtrace (innermost first):
              #0 divide+0xe1
            locals of divide+0xe1:
              a: i32 = 7
              b: i32 = 0
            operand stack of divide+0xe1 (S0 = top):
              S0: i32 = 0
              S1: i32 = 7
            """);
    }

    [Fact]
    public void A_failing_return_names_the_exit_and_the_return_out_of_all_returns()
    {
        Failure(_fib.Wrong_argument_at_a_return_WasmProbe).ShouldBe("""
            add returning at 0x7a (End, return 2 of 9): local x expected 99 but was 1
            wasm backtrace (innermost first):
              #0 add+0x7a
              #1 fib+0xab
            locals of add+0x7a:
              x: i32 = 1
              y: i32 = 1
            operand stack of add+0x7a (S0 = top):
              S0: i32 = 2
            """);
    }

    [Fact]
    public void A_wrong_argument_and_result_name_the_return_they_were_checked_at()
    {
        Failure(_fib.Wrong_argument_and_result_at_a_return_WasmProbe).ShouldBe("""
            add returning at 0x7a (End, return 3 of 9): argument y expected 3 but was 2
            add returning at 0x7a (End, return 3 of 9): result R0 expected 4 but was 3
            wasm backtrace (innermost first):
              #0 add+0x7a
              #1 fib+0xab
            locals of add+0x7a:
              x: i32 = 1
              y: i32 = 2
            operand stack of add+0x7a (S0 = top):
              S0: i32 = 3
            """);
    }

    [Fact]
    public void A_forbidden_write_names_the_writer_and_its_bytes()
    {
        Failure(_store.Writes_a_forbidden_range_WasmProbe).ShouldBe("""
            memory[0x402..0x40a] must not be written [ExpectNoWrite]: written by store+0xd5, 4 bytes at 0x400
            bytes at 0x400 before the write: 2a 00 00 00
            bytes it writes: 07 00 00 00
            """);
    }

    [Fact]
    public void A_failing_write_stop_shows_the_write_instead_of_frames()
    {
        Failure(_store.Expects_the_new_value_before_the_write_WasmProbe).ShouldBe("""
            memory[0x400..0x404] (store+0xd5, 4 bytes at 0x400, write 1 of 1): memory[0x400] expected int 7 but was int 42 (bytes 2a 00 00 00)
            bytes at 0x400 before the write: 2a 00 00 00
            bytes it writes: 07 00 00 00
            """);
    }

    [Fact]
    public void A_range_never_written_says_how_the_run_ended()
    {
        Failure(_store.Never_written_WasmProbe).ShouldBe("memory[0x800..0x804] (writes): the range was never written; the guest finished with results [42]");
    }
}
