using WasmProbe.Inspection;
using WasmProbe.Instrumentation;
using WasmProbe.Probes;
using WasmProbe.Wasm.Resolution;

namespace WasmProbe.Debugging;

/// <summary>The returns of one function, seen through breakpoints at its entry (which keep each call's arguments and
/// call depth, innermost call last) and at each of its exits (<see cref="FunctionExits"/>): a stop at an exit whose
/// branch is taken is a return. A call an exception unwound never returns: its entry is dropped once a stop shows a
/// shallower one. What <see cref="OnReturnAttribute"/> probes and <c>wasmprobe trace --on-return</c> stop at.</summary>
public sealed class ReturnStops
{
    private readonly DebugSession _session;
    private readonly Dictionary<int, FunctionExit> _exits;
    private readonly Breakpoint[] _breakpoints;
    /// <summary>Per call: its depth (frames on the stack, its own included; null where the engine's backtrace is cut
    /// short, deeper than any known depth) and its arguments.</summary>
    private readonly Stack<(int? Depth, WasmValue[] Args)> _calls = new();
    private readonly int _entryPc, _parameters, _results;

    private ReturnStops(DebugSession session, int function)
    {
        _session = session;
        Function = function;
        var analysis = session.Analysis(function);
        _exits = FunctionExits.Of(analysis).ToDictionary(e => e.Pc);
        if (session.Mode == InstrumentationMode.Debug && _exits.Values.FirstOrDefault(FunctionExits.IsCast) is { } cast)
            throw new NotSupportedException(
                $"{session.Module.Names.FunctionOrIndex(function)} can return through the {(cast.Kind == ExitKind.BranchOnCast ? "br_on_cast" : "br_on_cast_fail")} at pc 0x{cast.Pc:x}, "
                + "which leaves depending on the reference's run-time type: only a static build's stop tests it. Watch its returns in a session in InstrumentationMode.Static "
                + "([OnReturn] tests and wasmprobe trace without --step use one)");
        _parameters = analysis.Locals.ParameterCount;
        _results = session.Module.IndexSpaces.FunctionTypeOfFunction(function).Results.Length;
        _entryPc = PcResolver.Entry(analysis);
        _breakpoints = [.. _exits.Keys.Append(_entryPc).Distinct().Order().Select(pc => session.AddBreakpoint(function, pc))];
    }

    /// <summary>Sets the breakpoints (in a static session, before the run starts).</summary>
    public static ReturnStops Arm(DebugSession session, int function) => new(session, function);

    public int Function { get; }

    public bool Owns(StopEvent stop) => stop is BreakpointStop { Breakpoint: var b } && Array.IndexOf(_breakpoints, b) >= 0;

    /// <summary>At a stop this set <see cref="Owns"/>: keeps the arguments at the entry; at an exit that is taken, the
    /// return (its results as they are on the operand stack; none for a tail call); else null.</summary>
    public FunctionReturn? Observe(StopEvent stop)
    {
        if (!Owns(stop)) return null;
        int pc = ((BreakpointStop)stop).Breakpoint.Location.Pc;
        var frame = _session.TopFrame!;
        int? depth = _session.StopDepth;
        if (pc == _entryPc)
        {
            // Entries this deep or deeper belong to calls that have ended without a return: unwound.
            DropDeeperThan(depth - 1);
            _calls.Push((depth, [.. frame.Locals.Take(_parameters)]));
        }
        var stack = frame.Stack;
        if (!_exits.TryGetValue(pc, out var exit) || !Leaves(exit, stack, _session)) return null;
        DropDeeperThan(depth);
        var returned = exit.Kind == ExitKind.TailCall ? [] : stack.Skip(stack.Count - exit.ValuesAboveResults - _results).Take(_results).ToArray();
        return new FunctionReturn(exit, _calls.TryPop(out var call) ? call.Args : [], returned);
    }

    /// <param name="depth">Null: the depth is not known, nothing is dropped.</param>
    private void DropDeeperThan(int? depth)
    {
        if (depth is not { } known) return;
        while (_calls.TryPeek(out var call) && (call.Depth is not { } d || d > known)) _calls.Pop();
    }

    private static bool Leaves(FunctionExit exit, IReadOnlyList<WasmValue> stack, DebugSession session) => exit.Kind switch
    {
        ExitKind.BranchOnCast => session.TopCastMatches,
        ExitKind.BranchOnCastFail => !session.TopCastMatches,
        ExitKind.BranchIf => stack[^1].AsInt32() != 0,
        ExitKind.BranchOnNull => stack[^1].IsNull,
        ExitKind.BranchOnNonNull => !stack[^1].IsNull,
        ExitKind.BranchTable => exit.Leaving![Math.Min((uint)stack[^1].AsInt32(), (uint)(exit.Leaving.Length - 1))],
        _ => true,
    };
}
