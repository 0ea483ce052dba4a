using System.Globalization;
using System.Text;
using WasmProbe.Debugging;
using WasmProbe.Inspection;

namespace WasmProbe.Probes;

/// <summary>Collects what went wrong during one probe run and turns it into the failure message. Only the first
/// failing stop gets the full context (backtrace, locals, operand stack); a few more failing stops are listed by a
/// line each, the rest counted.</summary>
internal sealed class FailureReport
{
    public const int MaxListedStops = 5;

    private readonly List<FailingStop> _stops = [];
    private readonly List<string> _endings = [];
    private string? _context;
    private int _unlisted;

    public Exception? FirstException { get; private set; }

    public bool HasFailures => _stops.Count > 0 || _endings.Count > 0;

    /// <summary>False once enough failing stops are listed: later ones are only counted.</summary>
    public bool WantsMore => _stops.Count < MaxListedStops;

    /// <param name="where">Formats the stop's headline given the final hit count (known only at the end).</param>
    /// <param name="context">The stop's context; null: the session's frames (<see cref="Context"/>).</param>
    public void AddStop(Func<int, string> where, List<string> failures, Exception? exception, DebugSession session, string? context = null)
    {
        if (!WantsMore)
        {
            _unlisted++;
            return;
        }
        FirstException ??= exception;
        _stops.Add(new FailingStop(where, failures));
        _context ??= context ?? Context(session.Frames);
    }

    /// <summary>A failure of the run as a whole (never hit, trap, ...), with its own context text if any.</summary>
    public void AddEnding(string text) => _endings.Add(text);

    public string Format(int totalHits)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < _stops.Count; i++)
        {
            string where = _stops[i].Where(totalHits);
            foreach (string failure in _stops[i].Failures) AppendLine(sb, $"{where}: {failure}");
            if (i == 0 && _context is not null) sb.Append(_context);
        }
        if (_unlisted > 0) AppendLine(sb, $"... and {_unlisted} more failing {(_unlisted == 1 ? "stop" : "stops")} not shown");
        foreach (string ending in _endings) sb.Append(ending.EndsWith('\n') ? ending : ending + "\n");
        return sb.ToString().TrimEnd('\n');
    }

    private static void AppendLine(StringBuilder sb, string text) => sb.Append(text).Append('\n');

    /// <summary>The wasm backtrace (innermost first), the top frame's source variables (with DWARF), locals and
    /// operand stack.</summary>
    public static string Context(IReadOnlyList<StackFrame> frames)
    {
        var sb = new StringBuilder();
        AppendLine(sb, "wasm backtrace (innermost first):");
        if (frames.Count == 0) AppendLine(sb, "  (no wasm frames)");
        for (int i = 0; i < frames.Count; i++) AppendLine(sb, $"  #{i} {frames[i]}");
        if (frames.Count == 0) return sb.ToString();
        var top = frames[0];
        var variables = SourceVariables(top);
        if (variables.Count > 0)
        {
            AppendLine(sb, $"source variables of {top}:");
            foreach (var variable in variables)
                AppendLine(sb, $"  {variable.Name} = {(variable.IsAvailable ? variable.Display : "<optimized out>")} ({variable.Type.Name})");
        }
        if (top.LocalsOrNull is { } locals)
        {
            AppendLine(sb, locals.Count == 0 ? $"locals of {top}: none" : $"locals of {top}:");
            for (int i = 0; i < locals.Count; i++) AppendLine(sb, $"  {top.LocalName(i) ?? "local" + i.ToString(CultureInfo.InvariantCulture)}: {Typed(locals[i])}");
        }
        if (top.StackOrNull is { } stack)
        {
            AppendLine(sb, stack.Count == 0 ? $"operand stack of {top}: empty" : $"operand stack of {top} (S0 = top):");
            for (int depth = 0; depth < stack.Count; depth++) AppendLine(sb, $"  S{depth}: {Typed(stack[stack.Count - 1 - depth])}");
        }
        return sb.ToString();
    }

    private static string Typed(WasmValue value) => $"{value.Type} = {value.FormatValue()}";

    /// <summary>The frame's source variables; none when the module's DWARF cannot be read (the report still shows the
    /// wasm values).</summary>
    private static IReadOnlyList<Wasm.Dwarf.Variables.VariableValue> SourceVariables(StackFrame frame)
    {
        try
        {
            return frame.Variables;
        }
        catch (Wasm.Dwarf.DwarfFormatException)
        {
            return [];
        }
    }

    /// <summary>One line for an exception the probe method threw: assertion exceptions (xunit's, Shouldly's, ...) by
    /// their message, others with their type name first.</summary>
    public static string Describe(Exception e)
    {
        string message = e.Message.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n');
        bool assertion = e.GetType().GetInterfaces().Any(i => i.Name == "IAssertionException")
            || e.GetType().Name.EndsWith("AssertException", StringComparison.Ordinal)
            || e.GetType().Name.EndsWith("AssertionException", StringComparison.Ordinal);
        string text = assertion ? message : $"{e.GetType().FullName}: {message}";
        return text.Replace("\n", "\n    ", StringComparison.Ordinal);
    }

    public static string Results(IReadOnlyList<WasmValue> results) => "[" + string.Join(", ", results.Select(v => v.FormatValue())) + "]";

    /// <summary>The text for a run that did not finish normally, or null when it did.</summary>
    /// <param name="exitCode">The exit code the run must end with (<see cref="ProbeModule.ExitCode"/>).</param>
    public static string? Abnormal(StopEvent final, int exitCode = 0) => final switch
    {
        FinishedStop { ExitCode: { } code } when code != exitCode => $"the guest exited with code {code} (proc_exit), expected {exitCode}",
        FinishedStop { ExitCode: null } when exitCode != 0 => $"the guest returned normally (exit code 0), expected exit code {exitCode}",
        TrapStop trap => $"the guest trapped: {trap.Code}: {trap.Message}\n" + Context(trap.Frames),
        HostErrorStop host => $"a host function threw {host.Exception.GetType().FullName}: {host.Exception.Message}\n" + Context(host.Frames),
        InterruptedStop interrupted => $"the guest ran longer than the {interrupted.Deadline.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms deadline without stopping\n" + Context(interrupted.Frames),
        _ => null,
    };

    public static string Outcome(StopEvent final) => final is FinishedStop finished
        ? finished.ExitCode is { } code ? $"the guest exited with code {code}" : $"the guest finished with results {Results(finished.Results)}"
        : final switch
        {
            TrapStop trap => $"the guest trapped ({trap.Code})",
            HostErrorStop => "a host function threw",
            InterruptedStop => "the guest was interrupted at the deadline",
            _ => $"the run ended with {final.Kind}",
        };

    private sealed record FailingStop(Func<int, string> Where, List<string> Failures);
}
