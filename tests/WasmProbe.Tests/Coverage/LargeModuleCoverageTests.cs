using WasmProbe.Coverage;
using WasmProbe.Wasm.Decoding;

namespace WasmProbe.Tests.Coverage;

/// <summary>The coverage rewrite's memory is linear in the module: bounded allocation and retention per input byte on
/// the two shapes that used to blow up (bounds on memory, not on time).</summary>
[Collection(MemoryMeasurements.Name)]
public class LargeModuleCoverageTests
{
    /// <summary>Everything the rewrite allocates, garbage included (decoding excluded).</summary>
    private const double MaxAllocatedPerInputByte = 350;

    /// <summary>What the instrumentation keeps: the rewritten module and the per-function flow graphs and plans (a Debug
    /// build of the parallel rewrite measured 100.2 B/B on the 20,000-if shape, Release below 100).</summary>
    private const double MaxRetainedPerInputByte = 110;

    [Fact]
    public void Coverage_of_a_function_with_twenty_thousand_ifs_allocates_linearly() =>
        ShouldStayLinear(GeneratedModules.OneHugeFunction(ifs: 20_000));

    [Fact]
    public void Coverage_of_thirty_thousand_functions_allocates_linearly() =>
        ShouldStayLinear(GeneratedModules.ManySmallFunctions(functions: 30_000));

    private static void ShouldStayLinear(string wat)
    {
        var bytes = Wasmtime.Module.ConvertText(wat).ToArray();
        var module = ModuleDecoder.Decode(bytes);
        long retainedBefore = GC.GetTotalMemory(forceFullCollection: true);
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);

        var instrumentation = CoverageInstrumenter.Build(module, "generated");
        instrumentation.Bytes.Length.ShouldBeGreaterThan(bytes.Length);

        double allocated = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (double)bytes.Length;
        double retained = (GC.GetTotalMemory(forceFullCollection: true) - retainedBefore) / (double)bytes.Length;
        GC.KeepAlive(instrumentation);
        GC.KeepAlive(module);
        allocated.ShouldBeLessThan(MaxAllocatedPerInputByte, $"bytes allocated per input byte ({bytes.Length} input bytes)");
        retained.ShouldBeLessThan(MaxRetainedPerInputByte, $"bytes retained per input byte ({bytes.Length} input bytes)");
    }
}
