namespace WasmProbe.Wasm.Binary;

/// <summary>The bytes are not a well-formed WebAssembly module (or a transformation met one it cannot handle).
/// <see cref="Offset"/> is the module-relative byte offset where the problem was found.</summary>
public class WasmFormatException : Exception
{
    public WasmFormatException(long offset, string reason)
        : base($"{reason} (at byte offset 0x{offset:x})")
    {
        Offset = offset;
        Reason = reason;
    }

    public long Offset { get; }

    /// <summary>The message without the offset suffix.</summary>
    public string Reason { get; }
}

/// <summary>A well-formed module that breaks a typing rule the stack analysis relies on.</summary>
public sealed class WasmValidationException(long offset, string reason) : WasmFormatException(offset, reason);
