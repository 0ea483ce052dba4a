using System.Globalization;
using WasmProbe.Coverage;
using WasmProbe.Coverage.Reports;
using WasmProbe.Debugging;
using WasmProbe.Instrumentation;
using WasmProbe.Wasm.Binary;
using WasmProbe.Wasm.Model;

namespace WasmProbe.Cli.Commands;

/// <summary><c>wasmprobe coverage &lt;file.wasm&gt; --invoke EXPORT [ARGS...] --out DIR</c>: runs an export with coverage
/// counters, writes Cobertura and LCOV (and the listing the reports use as source when the module has no DWARF) to DIR
/// and prints the result and the coverage summary.</summary>
public sealed class CoverageCommand : ICommand
{
    public string Name => "coverage";
    public string Synopsis => "<file.wasm> --invoke EXPORT [ARGS...] --out DIR [--wasi] [--arg VALUE]... [--env NAME=VALUE]... [--dir HOST::GUEST[::rw]]... [--stdin FILE] [--listing] [--include GLOBS]... [--exclude GLOBS]... [--threshold PERCENT [--threshold-type KINDS]] [--timeout SECONDS]";
    public string Summary => "run an export and write its guest coverage as Cobertura and LCOV";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        Invocation.Option,
        new("out", "o", "DIR", "where the reports go (coverage.cobertura.xml, coverage.lcov.info, coverage.summary.txt, <module>.lst); default ./wasmprobe-coverage"),
        .. HostOptions.Specs,
        new("listing", null, null, "use the module's listing as the source even when it has DWARF line tables"),
        new("include", null, "GLOBS", "count only source files (DWARF), else functions, matching these semicolon-separated globs; repeatable", Repeatable: true),
        new("exclude", null, "GLOBS", "do not count source files (DWARF), else functions, matching these globs (exclude wins); repeatable", Repeatable: true),
        new("threshold", null, "PERCENT", "fail (exit code 1) when a module's coverage is below this"),
        new("threshold-type", null, "KINDS", "what --threshold measures: line, branch, function, or a list (line,branch); default all three"),
        new("timeout", null, "SECONDS", "stop the guest after this long (default 10)"),
    ];

    public int Execute(ParsedArguments arguments, CommandContext context)
    {
        var invocation = Invocation.From(arguments);
        string path = invocation.Path, entry = invocation.Entry;
        string output = arguments.Option("out") ?? "wasmprobe-coverage";
        var timeout = TimeSpan.FromSeconds(10);
        if (arguments.Option("timeout") is { } seconds)
        {
            if (!double.TryParse(seconds, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !(value > 0) || double.IsInfinity(value))
                throw new UsageException($"--timeout needs a positive number of seconds, not '{seconds}'");
            timeout = TimeSpan.FromSeconds(value);
        }

        var filter = new CoverageFilter(arguments.Values("include"), arguments.Values("exclude"));
        CoverageThreshold? threshold;
        try
        {
            threshold = CoverageThreshold.Parse(arguments.Option("threshold"), arguments.Option("threshold-type"));
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }
        if (threshold is null && arguments.Flag("threshold-type")) throw new UsageException("--threshold-type needs --threshold");

        var (loaded, values) = invocation.Load();
        var host = HostOptions.From(arguments, loaded.Module, path, timeout);

        var collector = new CoverageCollector();
        DebugSession session;
        try
        {
            session = DebugSession.Create(loaded.Bytes, new DebugSessionOptions
            {
                ModuleName = Path.GetFileName(path),
                Entry = entry,
                Arguments = values,
                Mode = InstrumentationMode.Static,
                ExceptionStops = ExceptionStops.None,
                Coverage = true,
                CoverageCollector = collector,
                Host = host,
            });
        }
        catch (Exception e) when (e is WasmFormatException or NotSupportedException or ArgumentException)
        {
            throw new CommandException($"{path}: {e.Message}");
        }

        StopEvent final;
        using (session)
        {
            final = session.Run(_ => ResumeAction.RunToCompletion, ResumeAction.RunToCompletion);
            if (host.Wasi) context.Error.Write(session.Stdout + session.Stderr);
        }
        if (collector.Modules.Count == 0) throw new CommandException($"{path}: no coverage was collected");

        CoverageReportFiles files;
        try
        {
            files = CoverageReport.Write(collector.Modules, output, "coverage",
                arguments.Flag("listing") ? (m, listing) => SourceMaps.For(m.Module, listing, preferListing: true) : null, filter, threshold);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandException($"cannot write the reports to {output}: {e.Message}");
        }

        context.Out.WriteLine(Describe(final));
        context.Out.WriteLine(files.Summary);
        foreach (var failure in files.ThresholdFailures) context.Error.WriteLine($"error: coverage below the threshold: {failure}");
        if (final is FinishedStop { ExitCode: null or 0 }) return files.ThresholdFailures.Count == 0 ? Program.Success : Program.Failure;
        if (final is FinishedStop { ExitCode: { } code })
        {
            context.Error.WriteLine($"error: the guest exited with code {code}; the coverage was written");
            return Program.Failure;
        }
        context.Error.WriteLine($"error: {entry} did not return ({Describe(final)}); the coverage up to there was written");
        return Program.Failure;
    }

    private static string Describe(StopEvent final) => final switch
    {
        FinishedStop { ExitCode: { } code } => $"exit code: {code}",
        FinishedStop finished => $"result: {(finished.Results.Count == 0 ? "(none)" : string.Join(" ", finished.Results.Select(r => r.FormatValue())))}",
        TrapStop trap => $"trap: {trap.Code}: {trap.Message}{At(trap.Location)}",
        HostErrorStop host => $"host error: {host.Exception.Message}{At(host.Location)}",
        InterruptedStop interrupted => $"interrupted after {interrupted.Deadline.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s{At(interrupted.Location)}",
        _ => final.Kind.ToString(),
    };

    private static string At(CodeLocation? location) => location is { } l ? $" at func[{l.Function}] pc 0x{l.Pc:x}" : "";
}
