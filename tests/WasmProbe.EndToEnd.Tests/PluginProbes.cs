using WasmProbe.Probes;

namespace WasmProbe.EndToEnd.Tests;

// [MockImport]: guests/plugin.c (clang-14, wasm32, -O1 -g) reads every sensor from its host; the class provides the
// host functions, and the probe checks how the plugin called them.
[WasmModule("guests/plugin.wasm", Entry = "average", Args = new object[] { 4 })]
public partial class PluginProbes
{
    [MockImport("host", "read_sensor")]
    public static int ReadSensor(int channel) => 10 * (channel + 1);

    [MockImport("host", "log_value")]
    public static void LogValue(int channel, int value) => value.ShouldBe(ReadSensor(channel));

    [BreakAtLine("plugin.c", 12)]
    [ExpectImportCalls("host", "read_sensor", 4)]
    [ExpectImportCalls("host", "log_value", 4)]
    [ExpectFinish(25)]
    public void Averages_the_mocked_sensors(Plugin_c_L12 stop)
    {
        var calls = ImportCallLog.Current!.Calls;
        // Before the stop's read: one read and one log per earlier channel, in that order.
        calls.Count.ShouldBe(2 * (stop.Hit - 1));
        calls.Where((_, i) => i % 2 == 0).ShouldAllBe(c => c.Name == "read_sensor");
    }
}

public class PluginMockTests
{
    [Fact]
    public void An_instance_calls_the_class_s_mocks()
    {
        using var plugin = PluginProbes.Instantiate();

        plugin.Exports.average(2).ShouldBe(15);
        plugin.Exports.average(0).ShouldBe(0);
    }

    [Fact]
    public void Calls_are_recorded_in_order_with_arguments_and_results()
    {
        new PluginCallsProbes().Two_channels_WasmProbe();
    }

    [Fact]
    public void Another_number_of_calls_than_expected_fails_with_the_calls_made()
    {
        Should.Throw<ProbeFailedException>(new PluginCallsProbes().Three_reads_WasmProbe).Message
            .ShouldBe("import host.read_sensor was called 2 times, expected 3 [ExpectImportCalls]: host.read_sensor(0) -> [7], host.read_sensor(1) -> [9]");
    }
}

[WasmModule("guests/plugin.wasm", Entry = "average", Args = new object[] { 2 }, GenerateFacts = false)]
public partial class PluginCallsProbes
{
    [MockImport("host", "read_sensor")]
    public static int ReadSensor(int channel) => channel == 0 ? 7 : 9;

    [MockImport("host", "log_value")]
    public static void LogValue(int channel, int value) { }

    [BreakAtLine("plugin.c", 16)]
    [ExpectFinish(8)]
    public void Two_channels()
    {
        ImportCallLog.Current!.Calls.Select(c => c.ToString()).ShouldBe(
            ["host.read_sensor(0) -> [7]", "host.log_value(0, 7)", "host.read_sensor(1) -> [9]", "host.log_value(1, 9)"]);
    }

    [BreakAtLine("plugin.c", 16)]
    [ExpectImportCalls("host", "read_sensor", 3)]
    public void Three_reads()
    {
    }
}
