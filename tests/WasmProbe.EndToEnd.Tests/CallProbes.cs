using WasmProbe.Probes;

namespace WasmProbe.EndToEnd.Tests;

// [OnCall]: a stop at every call of a function, before its first instruction, with its arguments typed.
[WasmModule("guests/fib.wasm", Entry = "fib", Args = new object[] { 10 })]
public partial class FibCallProbes
{
    private int _calls;

    [OnCall("add")]
    public void Every_call_of_add_stops_with_its_arguments(Add_Call stop)
    {
        _calls++;
        stop.Hit.ShouldBe(_calls);
        stop.Frames.Count.ShouldBe(2);
        stop.Frames[1].FunctionName.ShouldBe("fib");
        stop.Args.x.ShouldBeLessThanOrEqualTo(stop.Args.y);
        stop.Stack.Count.ShouldBe(0);
    }

    [OnCall("add", Hit = 9)]
    [ExpectLocal("x", 21)]
    public void The_ninth_call_adds_21_and_34(Add_Call stop) => stop.Args.y.ShouldBe(34);

    [OnCall("fib")]
    [ExpectFinish(55)]
    public void The_entry_is_called_once_by_the_host(Fib_Call stop)
    {
        stop.Hit.ShouldBe(1);
        stop.Args.n.ShouldBe(10);
        stop.Frames.Count.ShouldBe(1);
    }
}

// The C plugin (clang-14 -O1): its export, called by the host with the channel count.
[WasmModule("guests/plugin.wasm", Entry = "average", Args = new object[] { 3 })]
public partial class PluginCallProbes
{
    [MockImport("host", "read_sensor")]
    public static int ReadSensor(int channel) => channel;

    [MockImport("host", "log_value")]
    public static void LogValue(int channel, int value) { }

    [OnCall("average")]
    [ExpectFinish(1)]
    public void Average_is_called_with_the_channel_count(Average_Call stop)
    {
        stop.Hit.ShouldBe(1);
        stop.Args.p0.ShouldBe(3); // clang names no locals in the name section: p0 is the first parameter
    }
}
