namespace WasmProbe.Wasm.Resolution;

/// <summary>Why a name, index, pc or entry did not resolve. The generator maps each to a diagnostic id, the runtime to
/// an exception, the CLI to its error line.</summary>
public enum ResolutionStatus
{
    Resolved,
    /// <summary>No function has this name (name section, then exports).</summary>
    FunctionNotFound,
    /// <summary>A function index past the end of the function index space.</summary>
    FunctionIndexOutOfRange,
    /// <summary>The function is imported, so it has no code to stop in.</summary>
    FunctionImported,
    PcOutsideFunction,
    PcNotInstructionStart,
    PcUnreachable,
    LocalNotFound,
    LocalIndexOutOfRange,
    GlobalNotFound,
    GlobalIndexOutOfRange,
    MemoryIndexOutOfRange,
    WatchRangeEmpty,
    /// <summary>Past the memory's address space, or (at compile time) past its declared minimum size.</summary>
    WatchRangeOutsideMemory,
    /// <summary>An immutable global, or one of a reference or vector type.</summary>
    GlobalNotWatchable,
    /// <summary>A source variable was named, but the module has no DWARF.</summary>
    NoDebugInfo,
    /// <summary>No global source variable fits the path.</summary>
    VariableNotFound,
    /// <summary>The variable (or path) has no fixed address in memory, or no known size.</summary>
    VariableNotInMemory,
    /// <summary>The module has no tags (it does not use exception handling), so nothing can be thrown.</summary>
    NoTags,
    TagNotFound,
    TagIndexOutOfRange,
    /// <summary>No function is exported under the entry's name.</summary>
    EntryNotExported,
    /// <summary>The entry takes another number of arguments than given.</summary>
    EntryArgumentCount,
    /// <summary>A probe names a module that is not linked.</summary>
    ModuleNotLinked,
    /// <summary>A line probe's file is in the DWARF of several linked modules (and not the guest's).</summary>
    FileInSeveralModules,
}
