using WasmProbe.Debugging;
using WasmProbe.Tests.Fixtures;

namespace WasmProbe.Tests.Debugging;

public class ExceptionTests
{
    private const string Guest = WatGuests.Exceptions;

    [Fact]
    public async Task Caught_exception_stops_at_the_throw_with_its_payload_before_unwinding()
    {
        await using var session = Wat.Session(Guest, new DebugSessionOptions { Entry = "caught" });
        var throwPc = Wat.Pcs(session, "thrower")[2];

        var stop = (await session.ContinueAsync()).ShouldBeOfType<ExceptionStop>();

        stop.At.Pc.ShouldBe(throwPc);
        stop.Tag.ShouldBe(0);
        stop.Payload.Select(v => v.ToString()).ShouldBe(["i32:5", "i64:99"]);
        stop.Caught.ShouldBe(true);
        session.Frames.Select(f => f.FunctionName).ShouldBe(["thrower", "caught"]);
        (await session.ContinueAsync()).ShouldBeOfType<FinishedStop>().Results[0].AsInt32().ShouldBe(5);
    }

    [Fact]
    public async Task Uncaught_exception_stops_at_the_throw_then_ends_the_run()
    {
        await using var session = Wat.Session(Guest, new DebugSessionOptions { Entry = "uncaught" });

        var stop = (await session.ContinueAsync()).ShouldBeOfType<ExceptionStop>();
        stop.Caught.ShouldBe(false);
        stop.Payload.Select(v => v.ToString()).ShouldBe(["i32:6", "i64:99"]);

        var trap = (await session.ContinueAsync()).ShouldBeOfType<TrapStop>();
        trap.Code.ShouldBe("uncaught_exception");
    }

    [Fact]
    public async Task Only_uncaught_exceptions_stop_when_asked()
    {
        await using var caught = Wat.Session(Guest, new DebugSessionOptions { Entry = "caught", ExceptionStops = ExceptionStops.Uncaught });
        (await caught.ContinueAsync()).ShouldBeOfType<FinishedStop>();

        await using var uncaught = Wat.Session(Guest, new DebugSessionOptions { Entry = "uncaught", ExceptionStops = ExceptionStops.Uncaught });
        (await uncaught.ContinueAsync()).ShouldBeOfType<ExceptionStop>().Caught.ShouldBe(false);
    }
}
