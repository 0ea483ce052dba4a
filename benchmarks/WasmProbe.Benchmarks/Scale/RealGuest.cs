namespace WasmProbe.Benchmarks.Scale;

/// <summary>Calls of one export: <see cref="Calls"/> calls with the same arguments, on one instance.</summary>
public sealed record Workload(string Export, int[] Arguments, int Calls = 1)
{
    public override string ToString() => $"{Export}({string.Join(", ", Arguments)})" + (Calls > 1 ? $" x {Calls}" : "");
}

/// <summary>A committed, compiler-produced guest and how the scale benchmark exercises it: <see cref="Timed"/> for
/// run-time ratios, <see cref="Traced"/> through the CLI, and <see cref="ColdFunction"/>, a function on a path the
/// workload could take but never does (an error or panic path), for the breakpoint that is never hit.</summary>
public sealed record RealGuest(string Name, string Path, bool Wasi, Workload Timed, Workload Traced, string ColdFunction)
{
    public static IReadOnlyList<RealGuest> All { get; } =
    [
        new("sqlite-O0", "guests/sqlite/sqlite-O0.wasm", true, new("sqlite_inserts", [50_000]), new("sqlite_inserts", [1000]), "sqlite3_log"),
        new("sqlite-O2", "guests/sqlite/sqlite-O2.wasm", true, new("sqlite_inserts", [100_000]), new("sqlite_inserts", [1000]), "sqlite3_log"),
        // Its main is tiny (each of its 2,000 functions loops 3 times), so a timing calls it many times.
        new("big-O0", "examples/CGuest/guest/big-O0.wasm", true, new("_start", [], Calls: 2000), new("_start", []), "abort"),
        new("orderbook-O0", "guests/rust/orderbook-O0.wasm", false, new("run", [100_000]), new("run", [1000]), "rust_begin_unwind"),
        new("orderbook-O2", "guests/rust/orderbook-O2.wasm", false, new("run", [300_000]), new("run", [1000]), "rust_begin_unwind"),
    ];
}
