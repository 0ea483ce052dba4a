using System.Globalization;

namespace WasmProbe.Generators;

// Values in generated code: wasm values as literals, and the CLR types of wasm values with the conversions between them.
public sealed partial class WasmProbeGenerator
{
    private static string WasmValueOf(string type, string expression) => type switch
    {
        "int" => $"{Value}.I32({expression})",
        "long" => $"{Value}.I64({expression})",
        "float" => $"{Value}.F32({expression})",
        _ => $"{Value}.F64({expression})",
    };

    private static string Literal(ValueSpec value) => value.Kind switch
    {
        ClrKind.I32 => $"{Value}.I32({unchecked((int)(uint)value.Low).ToString(CultureInfo.InvariantCulture)})",
        ClrKind.I64 => $"{Value}.I64({unchecked((long)value.Low).ToString(CultureInfo.InvariantCulture)}L)",
        ClrKind.F32 => $"{Value}.F32Bits(0x{value.Low.ToString("x8", CultureInfo.InvariantCulture)}u /* {FloatText(BitConverter.ToSingle(BitConverter.GetBytes((uint)value.Low), 0))} */)",
        ClrKind.F64 => $"{Value}.F64Bits(0x{value.Low.ToString("x16", CultureInfo.InvariantCulture)}ul /* {FloatText(BitConverter.Int64BitsToDouble(unchecked((long)value.Low)))} */)",
        ClrKind.V128 => $"{Value}.V128(0x{value.Low.ToString("x16", CultureInfo.InvariantCulture)}ul, 0x{value.High.ToString("x16", CultureInfo.InvariantCulture)}ul)",
        _ => $"{Value}.Null({RefType(value)})",
    };

    private static string Literal(Wasm.Dwarf.Variables.ExpectedValue value) =>
        $"new {Variables}.ExpectedValue({Variables}.ExpectedValueKind.{value.Kind}, {value.Bits.ToString(CultureInfo.InvariantCulture)}L{(value.Text is null ? "" : ", " + Identifiers.Literal(value.Text))}) /* {value.Display.Replace("*/", "* /")} */";

    private static string FloatText(double value) =>
        double.IsNaN(value) ? "nan" : double.IsPositiveInfinity(value) ? "inf" : double.IsNegativeInfinity(value) ? "-inf"
        : value == 0 && BitConverter.DoubleToInt64Bits(value) < 0 ? "-0" : value.ToString("R", CultureInfo.InvariantCulture);

    private static string FloatText(float value) =>
        float.IsNaN(value) ? "nan" : float.IsPositiveInfinity(value) ? "inf" : float.IsNegativeInfinity(value) ? "-inf"
        : value == 0 && BitConverter.GetBytes(value)[3] >= 0x80 ? "-0" : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The null's reference type: by name for the abbreviations, else from its bits (<c>(ref null $t)</c>,
    /// <c>nullref</c>, ...).</summary>
    private static string RefType(ValueSpec value) => value.WasmType switch
    {
        "funcref" => "global::WasmProbe.Wasm.Types.ValType.FuncRef",
        "externref" => "global::WasmProbe.Wasm.Types.ValType.ExternRef",
        "anyref" => "global::WasmProbe.Wasm.Types.ValType.AnyRef",
        "exnref" => "global::WasmProbe.Wasm.Types.ValType.ExnRef",
        _ => $"global::WasmProbe.Wasm.Types.ValType.FromBits(0x{value.Low.ToString("x", CultureInfo.InvariantCulture)}L /* {value.WasmType} */)",
    };

    private static string ClrType(ClrKind kind) => kind switch
    {
        ClrKind.I32 => "int",
        ClrKind.I64 => "long",
        ClrKind.F32 => "float",
        ClrKind.F64 => "double",
        ClrKind.V128 => "global::System.Runtime.Intrinsics.Vector128<byte>",
        _ => Value,
    };

    private static string FromValue(ClrKind kind, string expression) => kind switch
    {
        ClrKind.I32 => expression + ".AsInt32()",
        ClrKind.I64 => expression + ".AsInt64()",
        ClrKind.F32 => expression + ".AsSingle()",
        ClrKind.F64 => expression + ".AsDouble()",
        ClrKind.V128 => expression + ".AsVector128()",
        _ => expression,
    };

    private static string ToValue(ClrKind kind, string expression) => kind switch
    {
        ClrKind.I32 => $"{Value}.I32({expression})",
        ClrKind.I64 => $"{Value}.I64({expression})",
        ClrKind.F32 => $"{Value}.F32({expression})",
        ClrKind.F64 => $"{Value}.F64({expression})",
        ClrKind.V128 => $"{Value}.V128({expression})",
        _ => expression,
    };

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
    private static string Bool(bool value) => value ? "true" : "false";
}
