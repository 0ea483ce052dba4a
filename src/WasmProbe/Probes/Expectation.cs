using System.Buffers.Binary;
using System.Globalization;
using WasmProbe.Debugging;
using WasmProbe.Inspection;
using WasmProbe.Wasm.Dwarf;
using WasmProbe.Wasm.Dwarf.Variables;

namespace WasmProbe.Probes;

/// <summary>How <see cref="Expectation.Memory"/> shows its values in a failure message.</summary>
public enum MemoryFormat
{
    Bytes,
    Byte,
    SByte,
    Int16,
    UInt16,
    Int32,
    UInt32,
    Int64,
    UInt64,
    Single,
    Double,
}

/// <summary>One declarative check at a stop, built by generated code from an <c>Expect*</c> attribute (whose value the
/// generator has already converted to the checked slot's type). <see cref="Check"/> returns null when it holds, else
/// the failure text (for example <c>local n expected 10 but was 8</c>).</summary>
public abstract class Expectation
{
    private protected Expectation(int hit) => Hit = hit;

    /// <summary>The only hit (1-based) at which this is checked; 0: every hit.</summary>
    public int Hit { get; }

    public abstract string? Check(DebugSession session);

    public static Expectation Local(int index, string name, WasmValue expected, int hit = 0) => new LocalExpectation(index, name, expected, hit);

    /// <summary>A local whose index depends on the function the guest is stopped in: a <see cref="BreakAtLineAttribute"/>
    /// line whose code lies in several functions (inlined copies) names a local they all have, by name.</summary>
    /// <param name="functions">The functions, and <paramref name="indices"/> the local's index in each.</param>
    public static Expectation Local(int[] functions, int[] indices, string name, WasmValue expected, int hit = 0) =>
        new FunctionLocalExpectation(functions, indices, name, expected, hit);

    /// <param name="depth">0 = the top of the operand stack.</param>
    /// <param name="slot">The same value counted from the bottom (slot 0), as <see cref="DebugSession.StackSlot"/> takes it;
    /// the generator knows the stack height at the probe's pc.</param>
    public static Expectation Stack(int depth, int slot, WasmValue expected, int hit = 0) => new StackExpectation(depth, slot, expected, hit);

    public static Expectation Global(int index, string name, WasmValue expected, int hit = 0) => new GlobalExpectation(index, name, expected, hit);

    public static Expectation Memory(int memory, long address, byte[] expected, MemoryFormat format = MemoryFormat.Bytes, int hit = 0) =>
        new MemoryExpectation(memory, address, expected, format, hit);

    /// <summary>An argument of the call an <see cref="OnCallAttribute"/> probe stops at the entry of, or an
    /// <see cref="OnReturnAttribute"/> probe at the return of (as passed at entry).</summary>
    public static Expectation Arg(int index, string name, WasmValue expected, int hit = 0) => new ArgExpectation(index, name, expected, hit);

    /// <summary>Result <paramref name="index"/> of a return an <see cref="OnReturnAttribute"/> probe stops at.</summary>
    public static Expectation Result(int index, WasmValue expected, int hit = 0) => new ResultExpectation(index, expected, hit);

    /// <summary>A source variable or a path into one (see <see cref="ExpectVariableAttribute"/>), resolved at the stop.</summary>
    public static Expectation Variable(string path, ExpectedValue expected, int hit = 0) => new VariableExpectation(path, expected, hit);

    /// <summary>Bit-exact equality, except that any NaN matches an expected NaN (its payload is rarely the point).</summary>
    internal static bool Same(WasmValue expected, WasmValue actual)
    {
        if (expected.Type.Kind == ValueKind.F32 && actual.Type.Kind == ValueKind.F32 && float.IsNaN(expected.AsSingle())) return float.IsNaN(actual.AsSingle());
        if (expected.Type.Kind == ValueKind.F64 && actual.Type.Kind == ValueKind.F64 && double.IsNaN(expected.AsDouble())) return double.IsNaN(actual.AsDouble());
        if (expected.Type.IsRef) return actual.Type.IsRef && expected.IsNull == actual.IsNull;
        return expected.Type.Kind == actual.Type.Kind && expected.Bits == actual.Bits && expected.HighBits == actual.HighBits && actual.IsAvailable;
    }

    internal static string? Compare(string what, WasmValue expected, WasmValue actual) =>
        Same(expected, actual) ? null : $"{what} expected {expected.FormatValue()} but was {actual.FormatValue()}";
}

/// <summary>A check that an <see cref="OnReturnAttribute"/> probe makes against the return it stops at (the session's
/// frame no longer holds the call's arguments).</summary>
internal abstract class ReturnExpectation(int hit) : Expectation(hit)
{
    public abstract string? Check(FunctionReturn returning);
}

/// <summary>At a call's entry (<see cref="OnCallAttribute"/>) the parameters are the arguments; at its return, the
/// runner's copy from the entry.</summary>
internal sealed class ArgExpectation(int index, string name, WasmValue expected, int hit) : ReturnExpectation(hit)
{
    public override string? Check(DebugSession session) => Compare($"argument {name}", expected, session.Local(index));

    public override string? Check(FunctionReturn returning) => Compare($"argument {name}", expected, returning.Args[index]);
}

internal sealed class ResultExpectation(int index, WasmValue expected, int hit) : ReturnExpectation(hit)
{
    public override string? Check(DebugSession session) => $"result R{index}: only an [OnReturn] probe stops at a return";

    public override string? Check(FunctionReturn returning) => returning.Exit.Kind == Wasm.Resolution.ExitKind.TailCall
        ? $"result R{index}: the function returns by a tail call at 0x{returning.Exit.Pc:x}, whose results are the callee's"
        : Compare($"result R{index}", expected, returning.Results[index]);
}

internal sealed class LocalExpectation(int index, string name, WasmValue expected, int hit) : Expectation(hit)
{
    public override string? Check(DebugSession session) => Compare($"local {name}", expected, session.Local(index));
}

internal sealed class FunctionLocalExpectation(int[] functions, int[] indices, string name, WasmValue expected, int hit) : Expectation(hit)
{
    public override string? Check(DebugSession session)
    {
        int function = session.LastStop?.Location?.Function ?? -1;
        int i = Array.IndexOf(functions, function);
        return i < 0
            ? $"local {name}: the guest is stopped in {session.Module.Names.FunctionOrIndex(function)}, where the local is not known"
            : Compare($"local {name}", expected, session.Local(indices[i]));
    }
}

internal sealed class VariableExpectation(string path, ExpectedValue expected, int hit) : Expectation(hit)
{
    public override string? Check(DebugSession session)
    {
        try
        {
            return expected.Mismatch(session.Variable(path)) is { } mismatch ? $"variable {path} {mismatch}" : null;
        }
        catch (Exception e) when (e is VariablePathException or DwarfFormatException)
        {
            return $"variable {path}: {e.Message}";
        }
    }
}

internal sealed class StackExpectation(int depth, int slot, WasmValue expected, int hit) : Expectation(hit)
{
    public override string? Check(DebugSession session) => Compare($"stack S{depth}", expected, session.StackSlot(slot));
}

internal sealed class GlobalExpectation(int index, string name, WasmValue expected, int hit) : Expectation(hit)
{
    public override string? Check(DebugSession session) => Compare($"global {name}", expected, session.Global(index).Value);
}

internal sealed class MemoryExpectation(int memory, long address, byte[] expected, MemoryFormat format, int hit) : Expectation(hit)
{
    public override string? Check(DebugSession session)
    {
        var access = session.Memory(memory);
        string where = memory == 0 ? "memory" : $"memory {memory}";
        if (address + expected.Length > access.Size)
            return $"{where}[0x{address:x}..0x{address + expected.Length:x}] is outside the memory ({access.Size} bytes)";
        var actual = access.Read(address, expected.Length);
        if (actual.AsSpan().SequenceEqual(expected)) return null;
        return format == MemoryFormat.Bytes
            ? $"{where}[0x{address:x}..0x{address + expected.Length:x}] expected {Hex(expected)} but was {Hex(actual)}"
            : $"{where}[0x{address:x}] expected {Typed(expected)} but was {Typed(actual)} (bytes {Hex(actual)})";
    }

    internal static string Hex(byte[] bytes) => string.Join(" ", bytes.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));

    private string Typed(byte[] b) => format switch
    {
        MemoryFormat.Byte => "byte " + b[0].ToString(CultureInfo.InvariantCulture),
        MemoryFormat.SByte => "sbyte " + ((sbyte)b[0]).ToString(CultureInfo.InvariantCulture),
        MemoryFormat.Int16 => "short " + BinaryPrimitives.ReadInt16LittleEndian(b).ToString(CultureInfo.InvariantCulture),
        MemoryFormat.UInt16 => "ushort " + BinaryPrimitives.ReadUInt16LittleEndian(b).ToString(CultureInfo.InvariantCulture),
        MemoryFormat.Int32 => "int " + BinaryPrimitives.ReadInt32LittleEndian(b).ToString(CultureInfo.InvariantCulture),
        MemoryFormat.UInt32 => "uint " + BinaryPrimitives.ReadUInt32LittleEndian(b).ToString(CultureInfo.InvariantCulture),
        MemoryFormat.Int64 => "long " + BinaryPrimitives.ReadInt64LittleEndian(b).ToString(CultureInfo.InvariantCulture),
        MemoryFormat.UInt64 => "ulong " + BinaryPrimitives.ReadUInt64LittleEndian(b).ToString(CultureInfo.InvariantCulture),
        MemoryFormat.Single => "float " + FloatText.Format(BinaryPrimitives.ReadSingleLittleEndian(b), BinaryPrimitives.ReadUInt32LittleEndian(b)),
        MemoryFormat.Double => "double " + FloatText.Format(BinaryPrimitives.ReadDoubleLittleEndian(b), BinaryPrimitives.ReadUInt64LittleEndian(b)),
        _ => Hex(b),
    };
}
