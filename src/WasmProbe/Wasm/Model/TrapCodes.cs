namespace WasmProbe.Wasm.Model;

/// <summary>The names WasmProbe gives traps (a trap stop's code, and what <c>[ExpectTrap]</c> takes): the wasm spec's
/// wording in snake case, one per Wasmtime trap code.</summary>
public static class TrapCodes
{
    public const string IntegerDivideByZero = "integer_divide_by_zero";
    public const string IntegerOverflow = "integer_overflow";
    public const string Unreachable = "unreachable";
    public const string MemoryOutOfBounds = "memory_out_of_bounds";
    public const string TableOutOfBounds = "table_out_of_bounds";
    public const string IndirectCallToNull = "indirect_call_to_null";
    public const string BadSignature = "bad_signature";
    public const string BadConversionToInteger = "bad_conversion_to_integer";
    public const string StackOverflow = "stack_overflow";
    public const string Interrupt = "interrupt";
    public const string NullReference = "null_reference";
    public const string ArrayOutOfBounds = "array_out_of_bounds";
    public const string CastFailure = "cast_failure";
    public const string HeapMisaligned = "heap_misaligned";
    public const string AllocationTooLarge = "allocation_too_large";
    /// <summary>A wasm exception that no handler caught.</summary>
    public const string UncaughtException = "uncaught_exception";

    /// <summary>Every name, in the order above. <see cref="Interrupt"/> is listed but never ends a run as a trap (an
    /// interrupted run is its own outcome).</summary>
    public static readonly string[] All =
    [
        IntegerDivideByZero, IntegerOverflow, Unreachable, MemoryOutOfBounds, TableOutOfBounds, IndirectCallToNull, BadSignature,
        BadConversionToInteger, StackOverflow, Interrupt, NullReference, ArrayOutOfBounds, CastFailure, HeapMisaligned,
        AllocationTooLarge, UncaughtException,
    ];
}
