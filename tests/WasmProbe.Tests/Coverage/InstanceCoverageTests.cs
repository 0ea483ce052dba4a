using WasmProbe.Coverage;
using WasmProbe.Debugging;
using WasmProbe.Engine;
using WasmProbe.Inspection;
using WasmProbe.Probes;
using WasmProbe.Tests.Debugging;
using WasmProbe.Tests.Dwarf;

namespace WasmProbe.Tests.Coverage;

/// <summary>Coverage of <c>Instantiate()</c> instances (what plain [Fact] tests use): every call is counted, read
/// when the instance is disposed, and merged per module with the debug sessions' runs.</summary>
public sealed class InstanceCoverageTests : IDisposable
{
    private readonly string _wat = Path.Combine(Path.GetTempPath(), $"wasmprobe-instance-{Guid.NewGuid():N}.wasm");

    public void Dispose() => File.Delete(_wat);

    /// <summary>What the generated <c>Class.Instance</c> is: a ProbeInstance over the class's module.</summary>
    private sealed class Guest(ProbeModule module) : ProbeInstance(module);

    private static ProbeModule Module(string path, CoverageCollector collector, bool wasi = false) =>
        new(typeof(InstanceCoverageTests), path, null, [], wasi) { Coverage = true, CoverageCollector = collector };

    [Fact]
    public void An_instance_of_the_c_guest_counts_what_a_session_of_the_same_run_counts()
    {
        var fromInstance = new CoverageCollector();
        using (var guest = new Guest(Module(CGuest.PathOf("sort-O0.wasm"), fromInstance, wasi: true)))
        {
            guest.Invoke("_start");
            guest.Stdout.ShouldBe(CGuest.SortOutput);
            fromInstance.Modules.ShouldBeEmpty("counted when the instance is done");
        }
        var instance = fromInstance.Modules.ShouldHaveSingleItem();

        var fromSession = new CoverageCollector();
        using (var session = DebugSession.Open(CGuest.PathOf("sort-O0.wasm"), new DebugSessionOptions
        {
            Entry = "_start", Host = new GuestOptions { Wasi = true, WasiArguments = ["sort-O0.wasm"] }, Coverage = true, CoverageCollector = fromSession,
        }))
        {
            session.Run(_ => ResumeAction.Continue).ShouldBeOfType<FinishedStop>();
        }
        var session1 = fromSession.Modules.ShouldHaveSingleItem();

        instance.Name.ShouldBe("sort-O0.wasm");
        instance.ModuleId.ShouldBe(session1.ModuleId);
        instance.Runs.ShouldBe(1);
        instance.Counts.Counters.ShouldBe(session1.Counts.Counters);
        instance.Totals.ShouldBe(session1.Totals);
        instance.Function("insertion_sort").Calls.ShouldBe(1);
        instance.Totals.InstructionsCovered.ShouldBeGreaterThan(0);
    }

    [Fact]
    public void Every_call_of_an_instance_counts_and_a_trapping_call_stops_where_it_trapped()
    {
        File.WriteAllBytes(_wat, Wat.ToBinary("""
            (module
              (func $div (export "div") (param i32 i32) (result i32)
                local.get 0
                local.get 1
                i32.div_s
                i32.const 1
                i32.add))
            """));
        var collector = new CoverageCollector();
        using (var guest = new Guest(Module(_wat, collector)))
        {
            guest.Invoke("div", WasmValue.I32(8), WasmValue.I32(2)).Single().AsInt32().ShouldBe(5);
            Should.Throw<WasmTrapException>(() => guest.Invoke("div", WasmValue.I32(1), WasmValue.I32(0))).Code.ShouldBe("integer_divide_by_zero");
            guest.Invoke("div", WasmValue.I32(9), WasmValue.I32(3)).Single().AsInt32().ShouldBe(4);
        }
        var div = collector.Modules.ShouldHaveSingleItem().Function("div");
        div.Calls.ShouldBe(3);
        // local.get, local.get, i32.div_s ran in all three calls; the trapping one went no further.
        div.Instructions.Select(i => i.Hits).ShouldBe([3, 3, 3, 2, 2, 2]);
    }

    [Fact]
    public void Without_coverage_nothing_is_collected()
    {
        var collector = new CoverageCollector();
        using (var guest = new Guest(new ProbeModule(typeof(InstanceCoverageTests), CGuest.PathOf("sort-O0.wasm"), null, [], wasi: true) { Coverage = false, CoverageCollector = collector }))
        {
            guest.Invoke("_start");
        }
        collector.Modules.ShouldBeEmpty();
    }
}
