using System.Globalization;
using System.Text.RegularExpressions;
using WasmProbe.Instrumentation;
using WasmProbe.Wasm.Binary;
using WasmProbe.Wasm.Decoding;
using WasmProbe.Wasm.Encoding;

namespace WasmProbe.Engine;

/// <summary>The per-function limits of Wasmtime 50's validator (wasmparser) that instrumentation can push a body past,
/// checked before compiling, and the translation of Wasmtime's rejection of an instrumented module into an
/// <see cref="InstrumentedModuleRejectedException"/> naming the function and the limit.</summary>
internal static partial class WasmtimeLimits
{
    public const string BodySize = "function body size";
    public const string Locals = "function locals";
    public const long MaxBodySize = 7_654_321;
    public const long MaxLocals = 50_000;

    /// <exception cref="InstrumentedModuleRejectedException">A body of the instrumented module is over a limit (and the
    /// original module valid: an invalid one is left to Wasmtime to reject).</exception>
    public static void ThrowIfExceeded(InstrumentedModule module)
    {
        var over = Bodies(module.Bytes).FirstOrDefault(b => b.Size > MaxBodySize || b.Locals > MaxLocals);
        if (over is null || !OriginalIsValid(module)) return;
        throw over.Size > MaxBodySize
            ? Rejected(module, over.Index, BodySize, MaxBodySize, over.Size, "", null)
            : Rejected(module, over.Index, Locals, MaxLocals, over.Locals, "", null);
    }

    /// <summary>Whether Wasmtime accepts the module before instrumentation (only then is a rejection WasmProbe's fault).</summary>
    public static bool OriginalIsValid(InstrumentedModule module) =>
        Wasmtime.Module.Validate(WasmtimeRuntime.Engine, ModuleEncoder.Encode(module.Original)) is null;

    /// <summary>Wasmtime's rejection of the instrumented module, explained: the function from the offset or function
    /// index in the message, the limit from the message or the known limits.</summary>
    public static InstrumentedModuleRejectedException Explain(InstrumentedModule module, Wasmtime.WasmtimeException error)
    {
        string message = error.Message;
        var bodies = Bodies(module.Bytes).ToList();
        int? body = null;
        if (FunctionIndex().Match(message) is { Success: true } index)
            body = int.Parse(index.Groups[1].Value, CultureInfo.InvariantCulture) - ImportedFunctions(module.Bytes);
        else if (Offset().Match(message) is { Success: true } at)
        {
            long offset = at.Groups["hex"].Success ? long.Parse(at.Groups["hex"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture) : long.Parse(at.Groups["dec"].Value, CultureInfo.InvariantCulture);
            body = bodies.FirstOrDefault(b => b.Start <= offset && offset < b.End)?.Index;
        }
        var measured = body is { } d && d >= 0 && d < bodies.Count ? bodies[d] : null;

        string? limit = null;
        long? limitValue = null, actual = null;
        if (ExceedsLimit().Match(message) is { Success: true } exceeded)
        {
            limit = exceeded.Groups["what"].Value;
            limitValue = long.Parse(exceeded.Groups["limit"].Value, CultureInfo.InvariantCulture);
            if (limit == BodySize) actual = measured?.Size;
        }
        else if (message.Contains("too many locals", StringComparison.Ordinal))
        {
            (limit, limitValue, actual) = (Locals, MaxLocals, measured?.Locals);
        }

        if (body is null && limit is null)
        {
            var over = bodies.FirstOrDefault(b => b.Size > MaxBodySize || b.Locals > MaxLocals);
            if (over is not null)
            {
                body = over.Index;
                (limit, limitValue, actual) = over.Size > MaxBodySize ? (BodySize, MaxBodySize, over.Size) : (Locals, MaxLocals, over.Locals);
            }
        }
        return Rejected(module, body, limit, limitValue, actual, $" Wasmtime said: {message}", error);
    }

    private static InstrumentedModuleRejectedException Rejected(InstrumentedModule module, int? body, string? limit, long? limitValue, long? actual, string said, Exception? inner)
    {
        var original = module.Original;
        int? function = body is { } d && d >= 0 && d < original.Bodies.Count ? original.ImportedFunctionCount + d : null;
        string? name = function is { } f ? original.Names.FunctionOrIndex(f) : null;
        string who = name is not null ? $"function '{name}' (func[{function}])"
            : body is { } added ? $"a function WasmProbe added (body {added} of the instrumented module)"
            : "the module";
        string what = limit is null ? ""
            : $" exceeds Wasmtime's limit on {limit}: {(actual is { } a ? $"{a:N0} after instrumentation, " : "")}the limit is {limitValue:N0}";
        string message = $"Wasmtime rejected the instrumented module{(limit is null ? $" ({who})" : $": {who}{what}")}. " +
            $"This is a WasmProbe bug (the original module is valid); please report it with the module.{said}";
        return new InstrumentedModuleRejectedException(message, function, name, limit, limitValue, actual, inner);
    }

    private sealed record Body(int Index, long Start, long End, long Size, long Locals);

    /// <summary>The code section's bodies: where each starts (its size field) and ends, its size and local count.</summary>
    private static IEnumerable<Body> Bodies(byte[] wasm)
    {
        var reader = new WasmReader(wasm) { Position = 8 };
        while (!reader.AtEnd)
        {
            byte id = reader.ReadByte();
            int size = (int)reader.ReadU32();
            int end = reader.Position + size;
            if (id != 10)
            {
                reader.Position = end;
                continue;
            }
            uint count = reader.ReadU32();
            for (int d = 0; d < count; d++)
            {
                int start = reader.Position;
                int bodySize = (int)reader.ReadU32();
                int bodyEnd = reader.Position + bodySize;
                long locals = 0;
                uint groups = reader.ReadU32();
                for (uint g = 0; g < groups; g++)
                {
                    locals += reader.ReadU32();
                    if (reader.ReadByte() is 0x63 or 0x64) reader.ReadS33();
                }
                yield return new Body(d, start, bodyEnd, bodySize, locals);
                reader.Position = bodyEnd;
            }
            yield break;
        }
    }

    private static int ImportedFunctions(byte[] wasm) => ModuleDecoder.Decode(wasm).ImportedFunctionCount;

    [GeneratedRegex(@"wasm\[\d+\]::function\[(\d+)\]")]
    private static partial Regex FunctionIndex();

    [GeneratedRegex(@"at offset (?:0x(?<hex>[0-9a-fA-F]+)|(?<dec>\d+))")]
    private static partial Regex Offset();

    [GeneratedRegex(@"(?<what>[a-z][a-z ]*?)(?: count)? exceeds limit of (?<limit>\d+)")]
    private static partial Regex ExceedsLimit();
}
