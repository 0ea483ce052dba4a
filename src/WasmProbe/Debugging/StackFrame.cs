using WasmProbe.Inspection;
using WasmProbe.Wasm.Dwarf.Variables;

namespace WasmProbe.Debugging;

/// <summary>One wasm frame. For the innermost frame of a stop, <see cref="Location"/> is the stop's pc; for a parent
/// frame, the pc of its call instruction. Locals are parameters then declared locals; the operand stack is bottom
/// first, as it was before the instruction at <see cref="Location"/> executed.</summary>
public sealed class StackFrame
{
    internal StackFrame(CodeLocation location, string functionName, IReadOnlyList<WasmValue>? locals, IReadOnlyList<WasmValue>? stack, Func<int, string?> localName)
    {
        Location = location;
        FunctionName = functionName;
        LocalsOrNull = locals;
        StackOrNull = stack;
        _localName = localName;
    }

    private readonly Func<int, string?> _localName;

    public CodeLocation Location { get; }
    public int Function => Location.Function;
    public int Pc => Location.Pc;
    public string FunctionName { get; }

    /// <summary>The linked module this frame runs in (its name in <see cref="Engine.GuestOptions.Links"/>), or null
    /// for the guest's own frames. A linked module's frame has its location in that module (function index and pc of
    /// its binary); it has values only as the stopped frame of a breakpoint in that module.</summary>
    public string? Module { get; init; }

    /// <summary>Null when the debugger has no record of this frame's values (a trap outside instrumented code).</summary>
    public IReadOnlyList<WasmValue>? LocalsOrNull { get; }
    public IReadOnlyList<WasmValue>? StackOrNull { get; }

    public IReadOnlyList<WasmValue> Locals => LocalsOrNull ?? throw new InvalidOperationException($"the locals of {this} are not known");
    public IReadOnlyList<WasmValue> Stack => StackOrNull ?? throw new InvalidOperationException($"the operand stack of {this} is not known");

    public string? LocalName(int index) => _localName(index);

    /// <summary>Where the session finds source positions (DWARF); set by whoever creates the frame.</summary>
    internal SourceMap? Sources { get; set; }

    /// <summary>The paused guest, where source variables are read from; set by whoever creates the frame.</summary>
    internal GuestView? Guest { get; set; }

    /// <summary>The source variables in scope at <see cref="Pc"/>, from DWARF: the innermost scope's first (an inner
    /// name hides an outer one), then the compile unit's globals. Each has its type as the source language spells it
    /// and a value read from this frame and the guest's memory, or is unavailable where the compiler kept no location
    /// for it (never a guess). Read them while the guest is paused. Empty without DWARF.</summary>
    public IReadOnlyList<VariableValue> Variables =>
        Sources?.InfoOrNull is { } info && Guest is { } guest ? [.. info.VariablesAt(Pc).Select(v => v.Evaluate(Pc, new FrameState(this, guest)))] : [];

    /// <summary>A source expression over the variables in scope: <c>name</c>, <c>name.field</c>, <c>name[3]</c>,
    /// <c>name->field</c>, <c>*name</c>, combined (<c>items[2].qty</c>). A name not in scope or a step that does not fit
    /// the type is a <see cref="VariablePathException"/> that lists what is in scope.</summary>
    public VariableValue Variable(string path)
    {
        var info = Sources?.Info ?? throw new InvalidOperationException($"{this}: the module has no DWARF (build the guest with -g)");
        var guest = Guest ?? throw new InvalidOperationException($"{this}: the guest is not paused here");
        return VariablePath.Resolve(path, info.VariablesAt(Pc), Pc, new FrameState(this, guest));
    }

    /// <summary>The source position of <see cref="Pc"/> (for a parent frame: of its call) from the module's DWARF,
    /// with the DWARF function name (for inlined code: the inlined function's); null without line information.</summary>
    public Wasm.Dwarf.SourceLocation? Source => Sources?.Locate(Pc);

    /// <summary>The source-level frames at <see cref="Pc"/>, innermost first: with inlining, the inlined functions and
    /// their call sites, then this wasm function's own position. Empty without line information.</summary>
    public IReadOnlyList<Wasm.Dwarf.SourceLocation> SourceFrames => Sources?.Symbolize(Pc) ?? [];

    /// <summary><c>function+0xpc</c>, followed by <c> at file:line:column</c> when the module has line information for
    /// the pc (and <c> in name</c> when the DWARF function there, e.g. an inlined one, has another name).</summary>
    public override string ToString()
    {
        string text = $"{(Module is null ? "" : Module + "!")}{FunctionName}+0x{Pc:x}";
        if (Source is not { } source) return text;
        text += $" at {source.Position}";
        return source.Function is null || source.Function == FunctionName ? text : $"{text} in {source.Function}";
    }
}
