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

/// <summary>A constant of a wasm type, as bits (f32/f64 as their IEEE bits; v128 as two halves; refs: null only, with
/// the reference type's <see cref="Wasm.Types.ValType.ToBits"/> in Low).</summary>
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
    WasiSpec WasiSettings,
    EquatableArray<string> Links,
    int DeadlineMilliseconds,
    bool EmitFacts,
    int MemoryCount,
    EquatableArray<ExportSpec> Exports,
    EquatableArray<GlobalSpec> Globals,
    EquatableArray<TagSpec> Tags,
    EquatableArray<ViewSpec> Views,
    EquatableArray<ProbeMethodSpec> Methods,
    EquatableArray<MockSpec> Mocks,
    EquatableArray<SourceTypeSpec> SourceTypes);

/// <summary>A [MockImport] method checked against its import: parameters and result as C# keywords ("void": none).</summary>
internal sealed record MockSpec(string MethodName, string Module, string Name, EquatableArray<string> ParameterTypes, string ReturnType);

/// <summary>An [ExpectImportCalls]: the import, and how many calls the run must make.</summary>
internal sealed record ImportCallsSpec(string Module, string Name, int Count);

/// <param name="PerFunction">For a local of a [BreakAtLine] view over several functions: its index in each function
/// (in <see cref="LineSpec.Functions"/> order); empty otherwise (<see cref="Index"/> is the index).</param>
internal sealed record TypedSlot(int Index, string Identifier, ClrKind Kind, string WasmType, string Description, EquatableArray<int> PerFunction = default);

internal sealed record ExportSpec(string ExportName, string Identifier, EquatableArray<TypedSlot> Parameters, EquatableArray<TypedSlot> Results, string Signature);

/// <summary>An exception tag a stop can throw (its payload has no references): <c>ForceThrow_Identifier(p0, p1, ...)</c>.</summary>
internal sealed record TagSpec(int Index, string Identifier, string DisplayName, EquatableArray<TypedSlot> Payload);

internal sealed record GlobalSpec(int Index, string Identifier, string DisplayName, ClrKind Kind, string WasmType, bool Mutable);

/// <summary>One of the locations a [BreakAtLine] line resolved to.</summary>
internal sealed record LineLocationSpec(int Function, string FunctionName, int Pc, string Instruction);

/// <summary>A [BreakAtLine] line and where it starts.</summary>
/// <param name="File">The file as written in the attribute.</param>
/// <param name="ResolvedFiles">The full path(s) from the line table that it names.</param>
/// <param name="Locations">Every reachable pc where the line starts, in pc order.</param>
/// <param name="Functions">The distinct functions of <paramref name="Locations"/>, in order of first appearance.</param>
/// <param name="TypedStack">Whether every location has the same operand stack types (which the view's Stack then types).</param>
internal sealed record LineSpec(string File, int Line, string ResolvedFiles, EquatableArray<LineLocationSpec> Locations, EquatableArray<int> Functions, bool TypedStack);

/// <summary>A generated stop view type: one per BreakAt location (<c>Fib_0x2a</c>), per StepFrom location
/// (<c>Fib_0x2a_Steps</c>) and per BreakAtLine line (<c>Sort_c_L33</c>; then Function, Pc and Instruction are those of
/// the line's first location).</summary>
/// <param name="Stack">Typed operand stack slots, by depth (S0 = top); Index is the bottom-first slot. Empty for step
/// views and for line views whose locations have different stacks.</param>
internal sealed record ViewSpec(
    string TypeName,
    ProbeKind Kind,
    int Function,
    string FunctionName,
    int Pc,
    string Instruction,
    EquatableArray<TypedSlot> Locals,
    EquatableArray<TypedSlot> Stack,
    LineSpec? Line = null,
    EquatableArray<TypedSlot> Args = default,
    EquatableArray<TypedSlot> Results = default,
    EquatableArray<int> ExitPcs = default,
    TypedSlot? Global = null,
    EquatableArray<TypedSlot>? Returns = null,
    SourceVariablesSpec? Variables = null,
    string? Module = null);

/// <summary>A view's typed source variables (DWARF): those in scope, with one type, at every location of the stop (the
/// structure views and enums their types need are the class's <see cref="ProbeClassSpec.SourceTypes"/>).</summary>
internal sealed record SourceVariablesSpec(EquatableArray<SourceMemberSpec> Variables);

/// <param name="Read">The C# expression that reads it, with <c>{0}</c> for its untyped value (a VariableValue).</param>
internal sealed record SourceMemberSpec(string Name, string Identifier, string SourceType, string ClrType, string Read);

/// <summary>A generated structure view (<paramref name="Members"/>) or C# enum (<paramref name="Enumerators"/>).</summary>
internal sealed record SourceTypeSpec(string Identifier, string SourceType, bool IsEnum, EquatableArray<SourceMemberSpec> Members, EquatableArray<SourceEnumeratorSpec> Enumerators);

internal sealed record SourceEnumeratorSpec(string Identifier, long Value);

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
    EquatableArray<ExpectationSpec> Expectations,
    LineSpec? Line = null,
    EndingSpec? Ending = null,
    EquatableArray<ImportCallsSpec> ImportCalls = default,
    WatchSpec? Watch = null,
    EquatableArray<WatchSpec> NoWrites = default,
    string? Module = null,
    bool EarlyReturns = false);

/// <summary>A validated memory range of [BreakOnWrite] or [ExpectNoWrite].</summary>
internal sealed record WatchSpec(int Memory, long Address, long Length);

/// <summary>How the probe's run must end: with these results of the entry, or (<paramref name="Trap"/>) with a trap,
/// of <paramref name="TrapCode"/> when given.</summary>
internal sealed record EndingSpec(bool Trap, EquatableArray<ValueSpec> Results, string? TrapCode);

/// <param name="Index">Local/global index, or the bottom-first stack slot, or the memory index.</param>
/// <param name="Label">Local/global display name; for stack: the depth.</param>
/// <param name="Functions">For a local of a [BreakAtLine] probe over several functions: the functions, and in
/// <paramref name="Indices"/> the local's index in each (<paramref name="Index"/> is then unused).</param>
/// <param name="Variable">[ExpectVariable]: the value converted to the source type (<paramref name="Label"/> is the path).</param>
internal sealed record ExpectationSpec(
    ExpectationKind Kind,
    int Index,
    string Label,
    int Depth,
    long Address,
    ValueSpec? Value,
    EquatableArray<byte> Bytes,
    string MemoryFormat,
    int Hit,
    EquatableArray<int> Functions = default,
    EquatableArray<int> Indices = default,
    Wasm.Dwarf.Variables.ExpectedValue? Variable = null);
