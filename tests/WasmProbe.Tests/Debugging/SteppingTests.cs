using WasmProbe.Debugging;
using WasmProbe.Inspection;

namespace WasmProbe.Tests.Debugging;

public class SteppingTests
{
    private const string Add = """
        (module
          (func $add (export "add") (param i32 i32) (result i32)
            local.get 0
            local.get 1
            i32.add))
        """;

    private static int[] Ints(IReadOnlyList<WasmValue> values) => [.. values.Select(v => v.AsInt32())];

    [Fact]
    public async Task Single_stepping_add_stops_before_each_instruction_with_the_stack_before_it()
    {
        await using var session = Wat.Session(Add, new DebugSessionOptions { Entry = "add", Arguments = [1, 2] });
        var pcs = Wat.Pcs(session, "add");
        var stops = new List<(int Pc, int[] Stack, int[] Locals)>();

        var stop = await session.StepIntoAsync();
        while (stop is StepStop step)
        {
            var frame = session.Frames[0];
            stops.Add((step.At.Pc, Ints(frame.Stack), Ints(frame.Locals)));
            stop = await session.StepIntoAsync();
        }

        stops.Select(s => s.Pc).ShouldBe(pcs);
        stops.Select(s => s.Stack).ShouldBe([[], [1], [1, 2], [3]]);
        stops.ShouldAllBe(s => s.Locals.SequenceEqual(new[] { 1, 2 }));
        stop.ShouldBeOfType<FinishedStop>().Results.Single().AsInt32().ShouldBe(3);
    }

    [Fact]
    public void Stepping_with_an_inline_handler_sees_the_same_stops()
    {
        using var session = Wat.Session(Add, new DebugSessionOptions { Entry = "add", Arguments = [1, 2] });
        var stacks = new List<int[]>();
        var final = session.Run(stop =>
        {
            stacks.Add(Ints(session.Frames[0].Stack));
            return ResumeAction.StepInto;
        }, first: ResumeAction.StepInto);

        stacks.ShouldBe([[], [1], [1, 2], [3]]);
        final.ShouldBeOfType<FinishedStop>().Results.Single().AsInt32().ShouldBe(3);
    }
}
