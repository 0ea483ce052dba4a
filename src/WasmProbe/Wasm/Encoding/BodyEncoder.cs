using WasmProbe.Wasm.Binary;

namespace WasmProbe.Wasm.Encoding;

/// <summary>Encodes rewritten bodies one after another into <see cref="EncodedBody"/>s, reusing its writers and pc map
/// from body to body (a rewrite of a large module encodes tens of thousands).</summary>
public sealed class BodyEncoder
{
    private readonly WasmWriter _scratch = new(4096);
    private readonly WasmWriter _output = new(4096);
    private readonly PcMap _map = new();

    /// <summary>A body that holds only its encoding (see <see cref="FunctionBody.Encoded"/>); <paramref name="offset"/>
    /// is the original body's, so pcs still find their function.</summary>
    public FunctionBody Encode(LocalGroup[] locals, ReadOnlySpan<Instruction> code, long[] pool, int offset)
    {
        _output.Clear();
        _map.Clear();
        ModuleEncoder.WriteCode(_output, _scratch, locals, code, pool, _map);
        var encoded = new EncodedBody(_output.ToArray(), _map.NewOffsets(), _map.OriginalOffsets());
        return new FunctionBody([], new Expression([], [])) { Offset = offset, Encoded = encoded };
    }

    public FunctionBody Encode(FunctionBody body) => Encode(body.Locals, body.Code.Instructions, body.Code.Pool, body.Offset);
}
