namespace WasmProbe.Benchmarks;

/// <summary>One named benchmark. <see cref="Run"/> prints its results (a table and one PASS/FAIL line per target) and
/// returns whether every target was met.</summary>
public interface IBenchmark
{
    /// <summary>The command-line name (lower case, e.g. "codec").</summary>
    string Name { get; }

    /// <summary>One line for the usage text.</summary>
    string Description { get; }

    bool Run(TextWriter output);
}
