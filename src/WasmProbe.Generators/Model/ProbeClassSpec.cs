namespace WasmProbe.Generators.Model;

// What the emitter needs for one probe class, after checking the request against the module. Value-equatable.

internal sealed record ProbeClassResult(ProbeClassSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>A WebAssembly value type as generated code sees it.</summary>
internal enum ClrKind
{
    I32,
    I64,
    F32,
    F64,
    V128,
    Reference,
}

/// <summary>A constant of a wasm type, as bits (f32/f64 as their IEEE bits; v128 as two halves; refs: null only).</summary>
internal sealed record ValueSpec(ClrKind Kind, ulong Low, ulong High, string WasmType);

internal sealed record ProbeClassSpec(
    string? Namespace,
    EquatableArray<ContainingType> ContainingTypes,
    string Name,
    string FullName,
    string Keyword,
    string ModulePath,
    string? Entry,
    EquatableArray<ValueSpec> Arguments,
    bool Wasi,
    int DeadlineMilliseconds,
    bool EmitFacts,
    int MemoryCount,
    EquatableArray<ExportSpec> Exports,
    EquatableArray<GlobalSpec> Globals,
    EquatableArray<ViewSpec> Views,
    EquatableArray<ProbeMethodSpec> Methods);

internal sealed record TypedSlot(int Index, string Identifier, ClrKind Kind, string WasmType, string Description);

internal sealed record ExportSpec(string ExportName, string Identifier, EquatableArray<TypedSlot> Parameters, EquatableArray<TypedSlot> Results, string Signature);

internal sealed record GlobalSpec(int Index, string Identifier, string DisplayName, ClrKind Kind, string WasmType, bool Mutable);

/// <summary>A generated stop view type: one per BreakAt location (<c>Fib_0x2a</c>) and per StepFrom location (<c>Fib_0x2a_Steps</c>).</summary>
/// <param name="Stack">Typed operand stack slots, by depth (S0 = top); Index is the bottom-first slot. Empty for step views.</param>
internal sealed record ViewSpec(
    string TypeName,
    ProbeKind Kind,
    int Function,
    string FunctionName,
    int Pc,
    string Instruction,
    EquatableArray<TypedSlot> Locals,
    EquatableArray<TypedSlot> Stack);

internal enum ParameterKind
{
    None,
    View,
    Session,
}

internal sealed record ProbeMethodSpec(
    string MethodName,
    string TestMethodName,
    string DisplayName,
    ProbeKind Kind,
    string ViewTypeName,
    ParameterKind Parameter,
    bool IsStatic,
    int Function,
    int Pc,
    int Hit,
    bool Optional,
    int Steps,
    int StepMode,
    EquatableArray<ExpectationSpec> Expectations);

/// <param name="Index">Local/global index, or the bottom-first stack slot, or the memory index.</param>
/// <param name="Label">Local/global display name; for stack: the depth.</param>
internal sealed record ExpectationSpec(
    ExpectationKind Kind,
    int Index,
    string Label,
    int Depth,
    long Address,
    ValueSpec? Value,
    EquatableArray<byte> Bytes,
    string MemoryFormat,
    int Hit);
