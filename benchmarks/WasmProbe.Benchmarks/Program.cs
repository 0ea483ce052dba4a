using System.Diagnostics;
using System.Reflection;
using WasmProbe.Benchmarks;

var output = Console.Out;
if (args is [ScaleBenchmark.ChildCommand, .. var childArguments]) return ScaleBenchmark.RunChild(childArguments, output);

// Add new benchmarks (debugger, coverage, dwarf, ...) here as further IBenchmark classes.
var scale = new ScaleBenchmark(args.Skip(1).ToArray());
IBenchmark[] benchmarks =
[
    new CodecBenchmark(),
    new DebuggerBenchmark(),
    new WatchpointBenchmark(),
    new CoverageBenchmark(),
    new LargeCoverageBenchmark(),
    new DwarfBenchmark(),
    new CacheBenchmark(),
    new SteppingBenchmark(),
    scale,
];

bool badArguments = args.Length == 0 || (args.Length > 1 && !args[0].Equals(scale.Name, StringComparison.OrdinalIgnoreCase));
if (badArguments || args[0] is "-h" or "--help")
{
    output.WriteLine("usage: dotnet run -c Release --project benchmarks/WasmProbe.Benchmarks -- <benchmark>|all");
    output.WriteLine("       dotnet run -c Release --project benchmarks/WasmProbe.Benchmarks -- scale [GUEST...]");
    foreach (var benchmark in benchmarks) output.WriteLine($"  {benchmark.Name,-10} {benchmark.Description}");
    output.WriteLine($"  {"all",-10} every benchmark above, in turn");
    output.WriteLine("exit code: 0 if every target was met, 1 if one was missed, 2 for bad arguments");
    return badArguments ? 2 : 0;
}

var selected = args[0].Equals("all", StringComparison.OrdinalIgnoreCase)
    ? benchmarks
    : benchmarks.Where(b => b.Name.Equals(args[0], StringComparison.OrdinalIgnoreCase)).ToArray();
if (selected.Length == 0)
{
    Console.Error.WriteLine($"unknown benchmark '{args[0]}'; known: {string.Join(", ", benchmarks.Select(b => b.Name))}, all");
    return 2;
}

if (typeof(WasmProbe.Wasm.Decoding.ModuleDecoder).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled == true)
    output.WriteLine("WARNING: WasmProbe was built without optimizations (Debug); run with -c Release for meaningful numbers.");
output.WriteLine($".NET {Environment.Version}, {Environment.ProcessorCount} logical CPUs, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");

bool allPassed = true;
foreach (var benchmark in selected)
{
    output.WriteLine();
    output.WriteLine($"== {benchmark.Name}: {benchmark.Description}");
    allPassed &= benchmark.Run(output);
}
return allPassed ? 0 : 1;
