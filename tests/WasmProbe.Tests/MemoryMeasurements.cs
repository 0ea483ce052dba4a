namespace WasmProbe.Tests;

/// <summary>Tests that bound the process's heap or working set run in this collection: after the parallel tests and
/// one at a time, so what they measure is their own (a parallel neighbour's allocations once pushed a bound over).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurements
{
    public const string Name = "memory measurements";
}
