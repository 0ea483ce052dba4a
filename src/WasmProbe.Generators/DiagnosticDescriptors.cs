using Microsoft.CodeAnalysis;

namespace WasmProbe.Generators;

/// <summary>The generator's diagnostics. Ids are stable; each is an error reported at the attribute argument at fault.
/// The README's diagnostics table documents a fix for each.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "WasmProbe";

    public static readonly DiagnosticDescriptor ModuleNotListed = Error("WP0001", "WebAssembly module not listed in the project",
        "The module '{0}' is not listed in the project as a WasmModule item ({1})");

    public static readonly DiagnosticDescriptor ModuleNotFound = Error("WP0002", "WebAssembly module file not found",
        "The module '{0}' is listed in the project but the file does not exist: {1}");

    public static readonly DiagnosticDescriptor ModuleMalformed = Error("WP0003", "Malformed WebAssembly module",
        "The module '{0}' is malformed: {1} (at byte offset 0x{2})");

    public static readonly DiagnosticDescriptor UnknownFunction = Error("WP0004", "Unknown function",
        "The module '{0}' has no function {1}{2}");

    public static readonly DiagnosticDescriptor ImportedFunction = Error("WP0005", "Function is imported",
        "Function {0} of '{1}' is imported and has no code to stop in; pick a function the module defines ({2})");

    public static readonly DiagnosticDescriptor PcOutsideFunction = Error("WP0006", "pc outside the function",
        "pc 0x{0} is outside {1}: its instructions span 0x{2}..0x{3}");

    public static readonly DiagnosticDescriptor PcNotInstructionStart = Error("WP0007", "pc is not the start of an instruction",
        "pc 0x{0} is not the start of an instruction in {1}; nearest valid pcs: {2}");

    public static readonly DiagnosticDescriptor PcUnreachable = Error("WP0008", "pc is unreachable code",
        "pc 0x{0} in {1} is unreachable code and can never stop; nearest reachable pcs: {2}");

    public static readonly DiagnosticDescriptor UnknownLocal = Error("WP0009", "Unknown local",
        "{0} has no local {1} ({2})");

    public static readonly DiagnosticDescriptor UnknownGlobal = Error("WP0010", "Unknown global",
        "The module '{0}' has no global {1} (its globals: {2})");

    public static readonly DiagnosticDescriptor ValueNotConvertible = Error("WP0011", "Value not convertible to the wasm type",
        "{0} cannot be converted to {1}{2}");

    public static readonly DiagnosticDescriptor StackDepthOutOfRange = Error("WP0012", "Operand stack depth out of range",
        "Stack depth {0} does not exist at {1}: {2}");

    public static readonly DiagnosticDescriptor MemoryOutOfRange = Error("WP0013", "Memory address outside the memory",
        "{0} is outside {1}");

    public static readonly DiagnosticDescriptor WrongStopViewParameter = Error("WP0014", "Wrong probe method parameter",
        "The parameter of probe method '{0}' must be {1}, a DebugSession, or nothing; found {2}");

    public static readonly DiagnosticDescriptor ClassShape = Error("WP0015", "Probe class must be a public, non-static, non-generic partial class",
        "Class '{0}' {1}: [WasmModule] classes get generated members and tests, so declare them 'public partial' (and their containing types 'partial'), not static and not generic");

    public static readonly DiagnosticDescriptor EntryArgumentCount = Error("WP0016", "Wrong number of entry arguments",
        "{0}");

    public static readonly DiagnosticDescriptor ExpectationWithoutProbe = Error("WP0017", "Expectation without a probe",
        "Method '{0}' {1}");

    public static readonly DiagnosticDescriptor SeveralProbes = Error("WP0026", "More than one probe on a method",
        "Method '{0}' has more than one of [BreakAt], [BreakAtLine], [StepFrom], [OnCall], [OnReturn], [BreakOnWrite] and [BreakOnGlobalWrite]: give each probe its own method");

    public static readonly DiagnosticDescriptor TooManyProbeParameters = Error("WP0027", "Probe method with more than one parameter",
        "Probe method '{0}' has {1} parameters; it takes one ({2} or a DebugSession) or none");

    public static readonly DiagnosticDescriptor FinishMismatch = Error("WP0028", "[ExpectFinish] does not match the entry",
        "[ExpectFinish] on '{0}' {1}");

    public static readonly DiagnosticDescriptor UnknownTrapCode = Error("WP0029", "Unknown trap code",
        "[ExpectTrap] on '{0}': {1} is not a trap code; use one of: {2}");

    public static readonly DiagnosticDescriptor SeveralEndings = Error("WP0030", "Both [ExpectFinish] and [ExpectTrap]",
        "Method '{0}' has both [ExpectFinish] and [ExpectTrap]: a run either returns or traps; keep one");

    public static readonly DiagnosticDescriptor UnknownImport = Error("WP0031", "Unknown function import",
        "The module '{0}' has no function import {1} ({2})");

    public static readonly DiagnosticDescriptor MockSignature = Error("WP0032", "[MockImport] method does not match the import",
        "[MockImport] method '{0}' cannot provide {1}: {2}");

    public static readonly DiagnosticDescriptor ImportNotMocked = Error("WP0033", "[ExpectImportCalls] of an import that is not mocked",
        "[ExpectImportCalls] of {0}: no [MockImport] method of '{1}' provides it, so its calls are not recorded");

    public static readonly DiagnosticDescriptor NeverReturns = Error("WP0034", "Function never returns",
        "{0} never returns (no reachable return, end or branch out of it), so [OnReturn] could never stop");

    public static readonly DiagnosticDescriptor ExpectationNotAtThisProbe = Error("WP0035", "Expectation that this kind of probe cannot check",
        "[{0}] needs {1}, not [{2}]");

    public static readonly DiagnosticDescriptor ResultIndexOutOfRange = Error("WP0036", "Result index out of range",
        "[ExpectResult] of result {0}: {1}");

    public static readonly DiagnosticDescriptor RangeNotWatchable = Error("WP0037", "Memory range cannot be watched",
        "[{0}] of memory {1}: {2}");

    public static readonly DiagnosticDescriptor UnknownWatchedVariable = Error("WP0038", "Watched source variable not found",
        "[{0}] of {1}");

    public static readonly DiagnosticDescriptor GlobalNotWatchable = Error("WP0039", "Global cannot be watched",
        "[BreakOnGlobalWrite] of {0}");

    public static readonly DiagnosticDescriptor UnknownVariable = Error("WP0040", "Unknown source variable",
        "[ExpectVariable] '{0}' at {1}: {2}");

    public static readonly DiagnosticDescriptor VariablePathMismatch = Error("WP0041", "Variable path does not fit the variable's type",
        "[ExpectVariable] '{0}' at {1}: {2}");

    public static readonly DiagnosticDescriptor VariableUnavailable = Error("WP0042", "Source variable unavailable at the probe",
        "[ExpectVariable] '{0}': the compiler kept no location for '{1}' at {2} (optimized out); probe a line where it is live, or build with -O0");

    public static readonly DiagnosticDescriptor NoDebugInfo = Error("WP0043", "Module has no DWARF variable information",
        "The module '{0}' has no .debug_info to find source variable '{1}' in (build it with -g and keep its .debug_* custom sections)");

    public static readonly DiagnosticDescriptor InternalError = Error("WP0025", "WasmProbe generator failure",
        "WasmProbe's generator failed on class '{0}' (module '{1}'): {2} ({3}). This is a bug in WasmProbe, not a problem of the module: please report it with this message and the module");

    public static readonly DiagnosticDescriptor InvalidProbeMethod = Error("WP0018", "Invalid probe method",
        "Probe method '{0}' {1}");

    public static readonly DiagnosticDescriptor InvalidCount = Error("WP0019", "Invalid Hit or Steps",
        "{0} must be {1} (was {2})");

    public static readonly DiagnosticDescriptor NoLineInfo = Error("WP0020", "Module has no DWARF line information",
        "The module '{0}' has no DWARF line information to find line {1} of '{2}' in (build it with -g and keep its .debug_* custom sections, or use [BreakAt] with a pc)");

    public static readonly DiagnosticDescriptor UnknownSourceFile = Error("WP0021", "Unknown source file",
        "{0}");

    public static readonly DiagnosticDescriptor LineWithoutCode = Error("WP0022", "Source line without code",
        "{0}");

    public static readonly DiagnosticDescriptor DwarfMalformed = Error("WP0023", "Malformed DWARF debug information",
        "The DWARF debug information of '{0}' is malformed: {1} (at {2}+0x{3})");

    public static readonly DiagnosticDescriptor InvalidWasiSetting = Error("WP0024", "Invalid WASI setting",
        "{0}");

    public static readonly DiagnosticDescriptor InvalidLink = Error("WP0044", "Invalid linked module",
        "{0}");

    public static readonly DiagnosticDescriptor LinkMismatch = Error("WP0045", "Import not provided by the linked module",
        "The module '{0}' imports {1}, which the linked module '{2}' does not provide: {3}");

    public static readonly DiagnosticDescriptor MockOfLinkedImport = Error("WP0046", "Import mocked and linked",
        "[MockImport(\"{0}\", \"{1}\")] mocks an import the linked module '{2}' provides: the import would be defined twice; remove the mock or the [LinkModule]");

    public static readonly DiagnosticDescriptor ProbeModuleNotLinked = Error("WP0047", "Probe in a module that is not linked",
        "{0}");

    public static readonly DiagnosticDescriptor FileInSeveralModules = Error("WP0048", "Source file of several linked modules",
        "{0}");

    private static readonly DiagnosticDescriptor[] All =
    [
        ModuleNotListed, ModuleNotFound, ModuleMalformed, UnknownFunction, ImportedFunction, PcOutsideFunction,
        PcNotInstructionStart, PcUnreachable, UnknownLocal, UnknownGlobal, ValueNotConvertible, StackDepthOutOfRange,
        MemoryOutOfRange, WrongStopViewParameter, ClassShape, EntryArgumentCount, ExpectationWithoutProbe,
        InvalidProbeMethod, InvalidCount, NoLineInfo, UnknownSourceFile, LineWithoutCode, DwarfMalformed,
        InvalidWasiSetting, InternalError, SeveralProbes, TooManyProbeParameters, FinishMismatch, UnknownTrapCode,
        SeveralEndings, UnknownImport, MockSignature, ImportNotMocked, NeverReturns, ExpectationNotAtThisProbe,
        ResultIndexOutOfRange, RangeNotWatchable, UnknownWatchedVariable, GlobalNotWatchable, UnknownVariable,
        VariablePathMismatch, VariableUnavailable, NoDebugInfo, InvalidLink, LinkMismatch, MockOfLinkedImport,
        ProbeModuleNotLinked, FileInSeveralModules,
    ];

    public static DiagnosticDescriptor ById(string id)
    {
        foreach (var descriptor in All)
        {
            if (descriptor.Id == id) return descriptor;
        }
        throw new ArgumentException($"unknown diagnostic {id}", nameof(id));
    }

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
            helpLinkUri: null, customTags: WellKnownDiagnosticTags.NotConfigurable);
}
