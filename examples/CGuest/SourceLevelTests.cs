using WasmProbe.Debugging;

namespace CGuest;

/// <summary>The same guest driven through the session API at source lines: line breakpoints, line steps, C
/// backtraces, and the program's output in the test log.</summary>
public class SourceLevelTests
{
    private static readonly string Guest = Path.Combine(AppContext.BaseDirectory, "guest");

    private static DebugSession Sort(string build = "sort-O0.wasm") =>
        DebugSession.Open(Path.Combine(Guest, build), new DebugSessionOptions { Entry = "_start", Host = new() { Wasi = true } });

    [Fact]
    public async Task The_program_prints_the_sorted_numbers_and_their_sum()
    {
        await using var session = Sort();
        (await session.ContinueAsync()).ShouldBeOfType<FinishedStop>();
        TestContext.Current.TestOutputHelper?.WriteLine("guest stdout: " + session.Stdout);
        session.Stdout.ShouldBe("1 2 3 5 7 9 \nsum=27\n");
    }

    [Theory]
    [InlineData("sort-O0.wasm")]
    [InlineData("sort-O2.wasm")]
    public async Task The_inner_loop_line_runs_once_per_inversion(string build)
    {
        await using var session = Sort(build);
        var line = session.AddBreakpointAtLine("sort.c", 33);
        while (await session.ContinueAsync() is BreakpointStop)
        {
        }
        line.HitCount.ShouldBe(8); // inversions of 5, 2, 9, 1, 7, 3
    }

    [Fact]
    public async Task A_backtrace_shows_the_c_functions_and_lines()
    {
        await using var session = Sort();
        session.AddBreakpointAtLine("sort.c", 33);
        (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();

        var frames = session.Frames;
        frames[0].Source!.Function.ShouldBe("insertion_sort");
        frames[0].Source!.Line.ShouldBe(33);
        frames[1].Source!.Function.ShouldBe("main");
        frames[1].Source!.Line.ShouldBe(51);
        frames[0].ToString().ShouldEndWith("sort.c:33:24");
    }

    [Fact]
    public async Task Stepping_over_lines_walks_the_outer_loop_of_the_sort()
    {
        await using var session = Sort();
        session.AddBreakpointAtLine("sort.c", 29);
        (await session.ContinueAsync()).ShouldBeOfType<BreakpointStop>();
        var lines = new List<int>();
        for (int step = 0; step < 8; step++)
        {
            await session.StepLineAsync(StepKind.Over);
            lines.Add(session.Frames[0].Source!.Line);
        }
        // i = 1: key = 2 is smaller than a[0] = 5, so 5 shifts right once (33, 34), then j = -1 ends the inner loop.
        lines.ShouldBe([30, 31, 32, 33, 34, 32, 36, 29]);
    }
}
