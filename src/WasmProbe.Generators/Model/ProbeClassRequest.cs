namespace WasmProbe.Generators.Model;

// What the syntax stage extracts from a [WasmModule] class: attribute arguments as plain values with the locations of
// their syntax, nothing from the module yet. Value-equatable, so an edit elsewhere leaves it unchanged.

/// <summary>A constant from an attribute argument: the value (boxed primitive, string or null), its C# type keyword
/// (int, uint, double, string, ... or "null"), and where it was written.</summary>
internal sealed record ConstantArg(object? Value, string TypeName, LocationInfo? Location);

/// <summary>A type that encloses the probe class, reopened by the generated partial declaration.</summary>
internal sealed record ContainingType(string Keyword, string Name);

internal sealed record ProbeClassRequest(
    string? Namespace,
    EquatableArray<ContainingType> ContainingTypes,
    string Name,
    string FullName,
    string Keyword,
    string? ShapeProblem,
    bool IsPublic,
    LocationInfo? NameLocation,
    string ModulePath,
    LocationInfo? ModulePathLocation,
    string? Entry,
    LocationInfo? EntryLocation,
    EquatableArray<ConstantArg> Args,
    bool HasArgs,
    LocationInfo? ArgsLocation,
    bool Wasi,
    WasiRequest WasiSettings,
    int DeadlineMilliseconds,
    bool GenerateFacts,
    EquatableArray<string> MemberNames,
    EquatableArray<ProbeMethodRequest> Methods,
    EquatableArray<MockRequest> Mocks,
    EquatableArray<LinkRequest> Links);

/// <summary>A [MockImport] method: the import it provides and its signature as C# type keywords ("void" for none).</summary>
internal sealed record MockRequest(string MethodName, bool IsStatic, bool IsGeneric, ConstantArg Module, ConstantArg Name,
    EquatableArray<string> ParameterTypes, string ReturnType, LocationInfo? AttributeLocation, LocationInfo? NameLocation);

/// <summary>An [ExpectImportCalls] of a probe method.</summary>
internal sealed record ImportCallsRequest(ConstantArg Module, ConstantArg Name, ConstantArg Count, LocationInfo? Location);

/// <summary>A memory range as [BreakOnWrite] and [ExpectNoWrite] write it, with where its parts are.</summary>
internal sealed record WatchRequest(ConstantArg Address, ConstantArg Length, int Memory, LocationInfo? MemoryLocation, LocationInfo? Location);

internal enum ProbeKind
{
    Breakpoint,
    Steps,
    Line,
    /// <summary>[OnCall]: a breakpoint at the function's first instruction.</summary>
    Call,
    /// <summary>[OnReturn]: breakpoints at the function's entry and exits.</summary>
    Return,
    /// <summary>[BreakOnWrite]: a write watchpoint on a memory range.</summary>
    Write,
    /// <summary>[BreakOnGlobalWrite]: a watchpoint on a global's writes.</summary>
    GlobalWrite,
}

/// <summary>The parameter of a probe method as written: its type's simple name (error types keep the written name,
/// because the generated view type does not exist yet when the generator runs) and full name.</summary>
internal sealed record ParameterInfo(string TypeName, string FullTypeName, bool IsErrorType, LocationInfo? Location);

/// <param name="Function">[BreakAt]/[StepFrom]: the function argument (null for [BreakAtLine]).</param>
/// <param name="Pc">[BreakAt]/[StepFrom]: the pc argument.</param>
/// <param name="File">[BreakAtLine]: the file argument (null for the others).</param>
/// <param name="Line">[BreakAtLine]: the line argument.</param>
/// <param name="Watch">[BreakOnWrite]: the range.</param>
/// <param name="NoWrites">[ExpectNoWrite]s.</param>
/// <param name="Global">[BreakOnGlobalWrite]: the global argument.</param>
internal sealed record ProbeMethodRequest(
    string Name,
    LocationInfo? NameLocation,
    bool IsStatic,
    bool ReturnsVoid,
    bool IsGeneric,
    ProbeKind? Kind,
    LocationInfo? ProbeAttributeLocation,
    bool HasBothProbeKinds,
    ConstantArg? Function,
    ConstantArg? Pc,
    ConstantArg? File,
    ConstantArg? Line,
    int Hit,
    LocationInfo? HitLocation,
    bool Optional,
    int Steps,
    LocationInfo? StepsLocation,
    int StepMode,
    EquatableArray<ParameterInfo> Parameters,
    EquatableArray<ExpectationRequest> Expectations,
    EndingRequest? Ending,
    bool HasBothEndings,
    EquatableArray<ImportCallsRequest> ImportCalls,
    WatchRequest? Watch = null,
    EquatableArray<WatchRequest> NoWrites = default,
    ConstantArg? Global = null,
    ConstantArg? Module = null,
    bool EarlyReturns = false);

/// <summary>[ExpectFinish] (<paramref name="Trap"/> false: the results as written) or [ExpectTrap] (its code, if
/// given), and where the attribute is.</summary>
internal sealed record EndingRequest(bool Trap, EquatableArray<ConstantArg> Results, ConstantArg? Code, LocationInfo? Location);

internal enum ExpectationKind
{
    Local,
    Stack,
    Global,
    Memory,
    TypedMemory,
    /// <summary>[ExpectArg]: a parameter of an [OnCall]/[OnReturn] probe's function, by name or index.</summary>
    Arg,
    /// <summary>[ExpectResult]: a result of an [OnReturn] probe's function, by index.</summary>
    Result,
    /// <summary>[ExpectVariable]: a source variable or a path into one, from DWARF.</summary>
    Variable,
}

/// <param name="Target">Local/global: name (string) or index (int); stack: depth; memory: address (long); variable: the path.</param>
/// <param name="Value">The expected value; for byte-string memory expectations, the string.</param>
/// <param name="MemoryType">TypedMemory: the type argument's C# keyword (int, float, ...).</param>
internal sealed record ExpectationRequest(
    ExpectationKind Kind,
    ConstantArg Target,
    ConstantArg Value,
    int Hit,
    LocationInfo? HitLocation,
    int Memory,
    LocationInfo? MemoryLocation,
    string? MemoryType,
    LocationInfo? AttributeLocation);
