using System.Globalization;
using System.Text.Json;
using WasmProbe.Debugging;
using WasmProbe.Instrumentation;
using WasmProbe.Wasm.Binary;

namespace WasmProbe.Cli.Commands;

/// <summary><c>wasmprobe trace &lt;file.wasm&gt; --invoke EXPORT [ARGS...] [--break FUNC@PC]... [--step] [--max-stops N]</c>:
/// runs an export and prints one JSON object per stop (JSON Lines), then the final event.</summary>
public sealed class TraceCommand : ICommand
{
    public string Name => "trace";
    public string Synopsis => "<file.wasm> --invoke EXPORT [ARGS...] [--break FUNC@PC|FILE:LINE]... [--on-call FUNC]... [--on-return FUNC]... [--watch ADDR:LEN|VARIABLE]... [--watch-global GLOBAL]... [--step] [--vars] [--max-stops N] [--wasi] [--arg VALUE]... [--env NAME=VALUE]... [--dir HOST::GUEST[::rw]]... [--stdin FILE]";
    public string Summary => "run an export and print every stop as a JSON line (breakpoints, steps, exceptions, end)";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        Invocation.Option,
        new("break", "b", "FUNC@PC|FILE:LINE", "stop before the instruction at PC (hex 0x.. or decimal) of FUNC (name or index), or at a source line (DWARF); repeatable", Repeatable: true),
        new("on-call", null, "FUNC", "stop at every call of FUNC (name or index), before its first instruction: its locals are the arguments; repeatable", Repeatable: true),
        new("on-return", null, "FUNC", "stop at every return of FUNC (return, end, a taken branch out, a tail call) as a return event with its exit, the call's arguments and the results; repeatable", Repeatable: true),
        new("watch-global", null, "GLOBAL", "stop before every global.set of a mutable global (name or index); repeatable", Repeatable: true),
        new("watch", "w", "ADDR:LEN|VARIABLE", "stop before every write to a byte of [ADDR, ADDR+LEN) of memory 0 (hex 0x.. or decimal), or of a global source variable or a path into one (DWARF: config.isInit, stock[2].qty); repeatable", Repeatable: true),
        new("step", null, null, "stop before every instruction"),
        new("vars", null, null, "add the top frame's source variables in scope (DWARF) to every stop: \"vars\": {NAME: VALUE}, values as JSON of their source types"),
        new("max-stops", null, "N", "after N stops, run to the end without stopping (default 100000)"),
        .. HostOptions.Specs,
    ];

    public int Execute(ParsedArguments arguments, CommandContext context)
    {
        var invocation = Invocation.From(arguments);
        string path = invocation.Path, entry = invocation.Entry;
        var (loaded, values) = invocation.Load();
        int maxStops = arguments.Option("max-stops") is { } max
            ? int.TryParse(max, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : throw new UsageException($"--max-stops needs a whole number, not '{max}'")
            : 100_000;
        bool step = arguments.Flag("step");
        bool variables = arguments.Flag("vars");
        var watches = arguments.Values("watch").Select(WatchRange).ToList();
        var globalWatches = arguments.Values("watch-global").ToList();
        var host = HostOptions.From(arguments, loaded.Module, path, new Engine.GuestOptions().Deadline);

        DebugSession session;
        try
        {
            session = DebugSession.Create(loaded.Bytes, new DebugSessionOptions
            {
                Entry = entry,
                Arguments = values,
                Mode = step ? InstrumentationMode.Debug : InstrumentationMode.Static,
                Host = host,
                WatchWrites = watches.Count > 0 || globalWatches.Count > 0,
            });
        }
        catch (Exception e) when (e is WasmFormatException or NotSupportedException or ArgumentException)
        {
            throw new CommandException($"{path}: {e.Message}");
        }

        using (session)
        {
            foreach (string location in arguments.Values("break")) AddBreakpoint(session, location);
            foreach (string function in arguments.Values("on-call"))
            {
                try
                {
                    session.AddCallBreakpoint(function);
                }
                catch (ArgumentException e)
                {
                    throw new CommandException($"--on-call {function}: {e.Message}");
                }
            }
            var returns = new List<ReturnStops>();
            foreach (string function in arguments.Values("on-return"))
            {
                try
                {
                    returns.Add(ReturnStops.Arm(session, session.Module.Names.ResolveFunction(function)));
                }
                catch (ArgumentException e)
                {
                    throw new CommandException($"--on-return {function}: {e.Message}");
                }
            }
            foreach (var (text, range) in watches)
            {
                try
                {
                    if (range is var (address, length)) session.AddWatchpoint(address, length);
                    else session.AddWatchpoint(text);
                }
                catch (ArgumentException e)
                {
                    throw new CommandException($"--watch {text}: {e.Message}");
                }
            }
            foreach (string global in globalWatches)
            {
                try
                {
                    session.AddGlobalWatchpoint(global);
                }
                catch (ArgumentException e)
                {
                    throw new CommandException($"--watch-global {global}: {e.Message}");
                }
            }
            using var lines = new JsonLines(context.Out);
            int stops = 0;
            var final = session.Run(stop =>
            {
                var watching = returns.FirstOrDefault(r => r.Owns(stop));
                var returned = watching?.Observe(stop);
                // The entry and exits not taken only keep the return stops' books.
                if (watching is not null && returned is null) return ResumeAction.Continue;
                WriteStop(lines, session, stop, variables, returned);
                if (++stops >= maxStops) return ResumeAction.RunToCompletion;
                return step ? ResumeAction.StepInto : ResumeAction.Continue;
            }, step ? ResumeAction.StepInto : ResumeAction.Continue);
            WriteStop(lines, session, final, variables, null);
            if (host.Wasi) context.Error.Write(session.Stdout + session.Stderr);
            return final is FinishedStop { ExitCode: null or 0 } ? 0 : 1;
        }
    }

    /// <summary>FUNC@PC or FILE:LINE, either after MODULE! for a linked module (as stops print them: mathlib!gcd).</summary>
    private static void AddBreakpoint(DebugSession session, string text)
    {
        int bang = text.IndexOf('!');
        string? module = bang > 0 ? text[..bang] : null;
        string location = text[(bang + 1)..];
        int at = location.LastIndexOf('@');
        int colon = location.LastIndexOf(':');
        if (at <= 0 && colon > 0 && int.TryParse(location[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int line))
        {
            try
            {
                if (module is null) session.AddBreakpointAtLine(location[..colon], line);
                else session.AddBreakpointAtLine(module, location[..colon], line);
                return;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                throw new CommandException($"--break {text}: {e.Message}");
            }
        }
        if (at <= 0) throw new UsageException($"--break takes FUNC@PC or FILE:LINE (MODULE!FUNC@PC or MODULE!FILE:LINE in a linked module), not '{text}'");
        string function = location[..at], pcText = location[(at + 1)..];
        bool hex = pcText.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        if (!int.TryParse(hex ? pcText[2..] : pcText, hex ? NumberStyles.HexNumber : NumberStyles.None, CultureInfo.InvariantCulture, out int pc))
            throw new UsageException($"'{pcText}' is not a pc (use 0x2a or 42)");
        try
        {
            if (module is null) session.AddBreakpoint(function, pc);
            else session.AddBreakpoint(module, function, pc);
        }
        catch (ArgumentException e)
        {
            throw new CommandException($"--break {text}: {e.Message}");
        }
    }

    /// <summary>ADDR:LEN, or (null range) a source variable path.</summary>
    private static (string Text, (long Address, long Length)? Range) WatchRange(string text)
    {
        if (text.Length > 0 && (char.IsLetter(text[0]) || text[0] is '_' or '*') && !text.Contains(':')) return (text, null);
        int colon = text.IndexOf(':');
        if (colon <= 0 || Number(text[..colon]) is not { } address || Number(text[(colon + 1)..]) is not { } length)
            throw new UsageException($"--watch takes ADDR:LEN (hex 0x.. or decimal) or a source variable, not '{text}'");
        return (text, (address, length));
    }

    private static long? Number(string text)
    {
        bool hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        return long.TryParse(hex ? text[2..] : text, hex ? NumberStyles.HexNumber : NumberStyles.None, CultureInfo.InvariantCulture, out long value) ? value : null;
    }

    /// <param name="returned">When the stop is a return (--on-return): the return.</param>
    private static void WriteStop(JsonLines lines, DebugSession session, StopEvent stop, bool variables, Probes.FunctionReturn? returned)
    {
        var json = lines.Writer;
        json.WriteStartObject();
        json.WriteString(Names.Event, returned is not null ? Names.Return : Names.EventOf(stop.Kind));
        if (stop is FinishedStop finished)
        {
            json.WriteStartArray("results");
            foreach (var value in finished.Results) ValueText.Write(json, value);
            json.WriteEndArray();
            if (finished.ExitCode is { } code) json.WriteNumber("exit_code", code);
        }
        else
        {
            var top = session.TopFrame;
            // A stop in a linked module: its frames name their modules, so they are read in full.
            var frames = top?.Module is null ? null : session.Frames;
            var backtrace = frames?.Select(f => f.Location).ToList() ?? session.Backtrace;
            if (stop.Location is { } location)
            {
                json.WriteNumber(Names.Func, location.Function);
                json.WriteNumber(Names.Pc, location.Pc);
                if (top?.Module is { } module && top.Location == location) json.WriteString(Names.Module, module);
            }
            switch (stop)
            {
                case TrapStop trap:
                    json.WriteString("code", trap.Code);
                    json.WriteString("message", trap.Message);
                    break;
                case HostErrorStop host:
                    json.WriteString("code", "host");
                    json.WriteString("message", host.Exception.Message);
                    break;
                case ExceptionStop exception:
                    if (exception.Tag is { } tag) json.WriteNumber("tag", tag);
                    json.WriteStartArray("payload");
                    foreach (var value in exception.Payload) ValueText.Write(json, value);
                    json.WriteEndArray();
                    if (exception.Caught is { } caught) json.WriteBoolean("caught", caught);
                    break;
                case WatchpointStop { Write: var write }:
                    json.WriteNumber("address", write.Address);
                    json.WriteNumber("length", write.Length);
                    json.WriteString("old_bytes", Convert.ToHexStringLower(write.OldBytes));
                    json.WriteString("new_bytes", Convert.ToHexStringLower(write.NewBytes));
                    break;
                case BreakpointStop when returned is not null:
                    json.WriteString("exit", returned.Exit.Kind.ToString());
                    WriteValues(json, Names.Args, returned.Args);
                    WriteValues(json, Names.Results, returned.Results);
                    break;
                case GlobalWatchpointStop { Write: var global }:
                    json.WriteNumber("global", global.Watchpoint.Global);
                    json.WritePropertyName("old");
                    ValueText.Write(json, global.OldValue);
                    json.WritePropertyName("new");
                    ValueText.Write(json, global.NewValue);
                    break;
                case InterruptedStop interrupted:
                    json.WriteNumber("deadline_ms", (long)interrupted.Deadline.TotalMilliseconds);
                    break;
            }
            if (backtrace.Count > 0 && top is { LocalsOrNull: not null })
            {
                WriteValues(json, Names.Locals, top.LocalsOrNull);
                WriteValues(json, Names.Stack, top.StackOrNull);
                if (variables) WriteVariables(json, top.Variables);
            }
            json.WriteStartArray(Names.Frames);
            for (int i = 0; i < backtrace.Count; i++)
            {
                json.WriteStartObject();
                json.WriteNumber(Names.Func, backtrace[i].Function);
                json.WriteNumber(Names.Pc, backtrace[i].Pc);
                if (frames?[i].Module is { } module) json.WriteString(Names.Module, module);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        json.WriteEndObject();
        lines.EndLine();
    }

    /// <summary>The top frame's variables by name, their values typed as <see cref="VariableJson"/> writes them.</summary>
    private static void WriteVariables(Utf8JsonWriter json, IReadOnlyList<Wasm.Dwarf.Variables.VariableValue> variables)
    {
        json.WriteStartObject("vars");
        foreach (var variable in variables)
        {
            json.WritePropertyName(variable.Name);
            VariableJson.Write(json, variable);
        }
        json.WriteEndObject();
    }

    private static void WriteValues(Utf8JsonWriter json, JsonEncodedText name, IReadOnlyList<Inspection.WasmValue>? values)
    {
        if (values is null) return;
        json.WriteStartArray(name);
        foreach (var value in values) ValueText.Write(json, value);
        json.WriteEndArray();
    }

    /// <summary>The names every stop writes, encoded once (a trace writes hundreds of thousands of stops a second).</summary>
    private static class Names
    {
        public static readonly JsonEncodedText Event = JsonEncodedText.Encode("event");
        public static readonly JsonEncodedText Return = JsonEncodedText.Encode("return");
        public static readonly JsonEncodedText Func = JsonEncodedText.Encode("func");
        public static readonly JsonEncodedText Pc = JsonEncodedText.Encode("pc");
        public static readonly JsonEncodedText Module = JsonEncodedText.Encode("module");
        public static readonly JsonEncodedText Locals = JsonEncodedText.Encode("locals");
        public static readonly JsonEncodedText Stack = JsonEncodedText.Encode("stack");
        public static readonly JsonEncodedText Frames = JsonEncodedText.Encode("frames");
        public static readonly JsonEncodedText Args = JsonEncodedText.Encode("args");
        public static readonly JsonEncodedText Results = JsonEncodedText.Encode("results");

        private static readonly JsonEncodedText[] Events = [.. Enum.GetValues<StopKind>().Select(kind => JsonEncodedText.Encode(kind switch
        {
            StopKind.HostError => "trap",
            StopKind.Exception => "exception",
            StopKind.GlobalWatchpoint => "global_watchpoint",
            _ => kind.ToString().ToLowerInvariant(),
        }))];

        public static JsonEncodedText EventOf(StopKind kind) => Events[(int)kind];
    }
}
