using System.Collections;
using System.Text;
using WasmProbe.Wasm.Dwarf.Variables;

namespace WasmProbe.Probes;

/// <summary>Typed reads of source values, for the <c>Variables</c> properties the generator gives views of modules
/// with DWARF: each converts a <see cref="VariableValue"/> to the C# type of its source type, and throws
/// <see cref="InvalidOperationException"/> (saying why) where it is unavailable (optimized out) or not of that kind.</summary>
public static class SourceValue
{
    public static sbyte SByte(VariableValue value) => unchecked((sbyte)value.AsInteger());
    public static byte Byte(VariableValue value) => unchecked((byte)value.AsInteger());
    public static short Int16(VariableValue value) => unchecked((short)value.AsInteger());
    public static ushort UInt16(VariableValue value) => unchecked((ushort)value.AsInteger());
    public static int Int32(VariableValue value) => unchecked((int)value.AsInteger());
    public static uint UInt32(VariableValue value) => unchecked((uint)value.AsInteger());
    public static long Int64(VariableValue value) => value.AsInteger();
    public static ulong UInt64(VariableValue value) => unchecked((ulong)value.AsInteger());
    public static bool Boolean(VariableValue value) => value.AsInteger() != 0;
    public static float Single(VariableValue value) => (float)Double(value);

    public static double Double(VariableValue value) => value.TryGetFloat(out double d) ? d
        : throw new InvalidOperationException($"{value.Expression} ({value.Type.Name}) is not an available float: {(value.IsAvailable ? value.Display : value.UnavailableReason)}");

    /// <summary>A Rust <c>char</c> (a Unicode scalar, which a C# <c>char</c> cannot always hold).</summary>
    public static Rune Rune(VariableValue value) => new(checked((int)value.AsInteger()));

    /// <summary>A Rust <c>&amp;str</c>.</summary>
    public static string String(VariableValue value) => value.TryGetString(int.MaxValue, out string? text) ? text
        : throw new InvalidOperationException($"{value.Expression} ({value.Type.Name}) is not an available string: {(value.IsAvailable ? value.Display : value.UnavailableReason)}");

    /// <summary>A member of a structure or union (of a Rust enum: of its active variant).</summary>
    public static VariableValue Member(VariableValue value, string name) => value.Member(name)
        ?? throw new InvalidOperationException($"{value.Expression} ({value.Type.Name}) has no member '{name}' here");
}

/// <summary>A source value read lazily at the stop: the base of the generated structure views.</summary>
public abstract class SourceView(VariableValue value)
{
    /// <summary>The untyped value (its type, address, <see cref="VariableValue.Display"/>).</summary>
    public VariableValue Untyped { get; } = value;

    public override string ToString() => Untyped.Display;
}

/// <summary>A C array or Rust slice whose elements are read as <typeparamref name="T"/>.</summary>
public sealed class SourceArray<T>(VariableValue value, Func<VariableValue, T> read) : SourceView(value), IReadOnlyList<T>
{
    /// <summary>The element count: the array's length, or the slice's at the stop.</summary>
    public int Length => Untyped.Type.Resolved is { Kind: DwarfTypeKind.Array, Dimensions: [{ } count, ..] } ? checked((int)count)
        : checked((int)(Untyped.RustSliceElements()?.Length ?? throw new InvalidOperationException($"{Untyped.Expression} ({Untyped.Type.Name}): its length cannot be read here")));

    public int Count => Length;

    public T this[int index] => read(Untyped.Element(index) ?? throw new ArgumentOutOfRangeException(nameof(index), index, $"{Untyped.Expression} has {Length} elements"));

    public IEnumerator<T> GetEnumerator()
    {
        for (int i = 0; i < Length; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A pointer or reference whose target is read as <typeparamref name="T"/>; indexing is pointer arithmetic
/// (<c>items[i]</c>).</summary>
public sealed class SourcePointer<T>(VariableValue value, Func<VariableValue, T> read) : SourceView(value)
{
    public ulong Address => unchecked((ulong)Untyped.AsInteger());

    public bool IsNull => Address == 0;

    /// <summary>What it points at (<c>*p</c>).</summary>
    public T Value => read(Untyped.Dereference()!);

    public T this[int index] => read(Untyped.Element(index)!);
}
