using WasmProbe.Inspection;
using WasmProbe.Wasm.Model;

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

    /// <summary>Null when the debugger has no record of this frame's values (a trap outside instrumented code).</summary>
    public IReadOnlyList<WasmValue>? LocalsOrNull { get; }
    public IReadOnlyList<WasmValue>? StackOrNull { get; }

    public IReadOnlyList<WasmValue> Locals => LocalsOrNull ?? throw new InvalidOperationException($"the locals of {this} are not known");
    public IReadOnlyList<WasmValue> Stack => StackOrNull ?? throw new InvalidOperationException($"the operand stack of {this} is not known");

    public string? LocalName(int index) => _localName(index);

    public override string ToString() => $"{FunctionName}+0x{Pc:x}";
}
