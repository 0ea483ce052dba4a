using WasmProbe.Debugging;
using WasmProbe.Instrumentation;
using WasmProbe.Tests.Dwarf;
using WasmProbe.Wasm.Binary;
using WasmProbe.Wasm.Decoding;

namespace WasmProbe.Tests.RealGuests;

/// <summary>The debug build's code budget (<see cref="DebugCodeBudget"/>): past it, functions write their locals
/// through by calls, which must change nothing a stop shows.</summary>
public class DebugCodeBudgetTests
{
    private const int Steps = 500;

    private static readonly string OrderbookO0 = Repository.PathOf("guests", "rust", "orderbook-O0.wasm");

    public static TheoryData<string> Guests => new() { "sort-O0", "orderbook-O0" };

    private static (byte[] Wasm, DebugSessionOptions Options) Guest(string name) => name == "sort-O0"
        ? (CGuest.Read("sort-O0.wasm"), CGuest.Options)
        : (File.ReadAllBytes(OrderbookO0), new DebugSessionOptions { Entry = "run", Arguments = [20] });

    /// <summary>Each stop of the first <see cref="Steps"/> steps: where, and every frame's function, pc, locals and
    /// stack (the parents' read from what their writes left in the debug memory).</summary>
    private static List<string> StepTrace(string guest, double debugCodeRatio)
    {
        var (wasm, options) = Guest(guest);
        using var session = DebugSession.Create(wasm, new DebugSessionOptions
        {
            Entry = options.Entry, Arguments = options.Arguments, Host = options.Host, Coverage = false, DebugCodeRatio = debugCodeRatio,
        });
        var trace = new List<string>();
        session.Run(stop =>
        {
            trace.Add($"{stop.Location} " + string.Join(" | ", session.Frames.Select(f =>
                $"{f.Function}@{f.Pc} [{string.Join(", ", f.Locals)}] [{string.Join(", ", f.StackOrNull ?? [])}]")));
            return trace.Count < Steps ? ResumeAction.StepInto : ResumeAction.RunToCompletion;
        }, ResumeAction.StepInto).ShouldBeOfType<FinishedStop>();
        return trace;
    }

    [Theory]
    [MemberData(nameof(Guests))]
    public void Writing_locals_through_by_calls_shows_every_frame_as_writing_them_inline(string guest)
    {
        var byCalls = StepTrace(guest, debugCodeRatio: 0);
        var inline = StepTrace(guest, debugCodeRatio: double.PositiveInfinity);

        byCalls.Count.ShouldBe(Steps);
        byCalls.ShouldBe(inline);
    }

    [Fact]
    public void A_rust_opt_level_0_guest_debug_build_stays_within_three_times_its_code_by_writing_through_by_calls()
    {
        var original = File.ReadAllBytes(OrderbookO0);
        var module = ModuleDecoder.Decode(original);
        double Ratio(double budget) => (double)CodeSection.Size(Instrumenter.Instrument(module,
            new InstrumentationOptions { Mode = InstrumentationMode.Debug, DebugCodeRatio = budget }).Bytes) / CodeSection.Size(original);

        Ratio(DebugCodeBudget.Ratio).ShouldBeLessThanOrEqualTo(3.0);
        Ratio(double.PositiveInfinity).ShouldBeGreaterThan(3.0, "every local written through inline, as below the budget");
    }
}
