using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using WasmProbe.Wasm.Binary;

namespace WasmProbe.Wasm.Encoding;

/// <summary>Writes a module's code section body by body, as a rewrite produces them, with each instruction's pc:
/// nothing is kept per body but its bytes in the section and its entries in one pc map. <see cref="EncodeInto"/>
/// encodes the rest of the module around it. Bodies are encoded on a worker while the caller rewrites the next ones
/// (on a large module encoding is a third of the rewrite's time).</summary>
public sealed class CodeSectionWriter
{
    /// <summary>Bodies waiting to be encoded: a bound, so a producer faster than the worker does not hold them all.</summary>
    private const int QueueCapacity = 256;

    private readonly WasmWriter _payload;
    private readonly WasmWriter _scratch = new(4096);
    private readonly PcMap _pcMap = new();
    private readonly int _count;
    private int _written;
    private readonly Channel<FunctionBody> _queue = Channel.CreateBounded<FunctionBody>(new BoundedChannelOptions(QueueCapacity) { SingleReader = true, SingleWriter = true });
    private readonly Task _worker;
    private ExceptionDispatchInfo? _failure;

    /// <param name="count">The number of bodies the section will hold.</param>
    /// <param name="capacity">An estimate of the section's size in bytes.</param>
    public CodeSectionWriter(int count, int capacity)
    {
        _count = count;
        _payload = new WasmWriter(Math.Max(4096, capacity));
        _payload.U32(count);
        _worker = Task.Run(WriteQueued);
    }

    /// <summary>Queues the next body; it must not change afterwards.</summary>
    public void Add(FunctionBody body)
    {
        if (!_queue.Writer.TryWrite(body)) _queue.Writer.WriteAsync(body).AsTask().GetAwaiter().GetResult();
        _written++;
    }

    /// <summary>Encodes the queued bodies in order. After a failure it drains the queue, so that the producer never
    /// waits on a worker that stopped; <see cref="EncodeInto"/> rethrows the failure.</summary>
    private async Task WriteQueued()
    {
        await foreach (var body in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (_failure is not null) continue;
            try
            {
                ModuleEncoder.WriteBody(_payload, _scratch, body, _pcMap);
            }
            catch (Exception e)
            {
                _failure = ExceptionDispatchInfo.Capture(e);
            }
        }
    }

    /// <summary>Encodes <paramref name="module"/> with this code section in place of its bodies; the pc map's entries
    /// move from section offsets to module offsets.</summary>
    public (byte[] Bytes, PcMap PcMap) EncodeInto(Module module)
    {
        if (_written != _count) throw new InvalidOperationException($"the code section has {_written} of its {_count} bodies");
        _queue.Writer.Complete();
        _worker.GetAwaiter().GetResult();
        _failure?.Throw();
        var bytes = ModuleEncoder.Encode(module, pcMap: null, codeSection: _payload);
        _pcMap.Shift(0, ModuleEncoder.SectionPayloadOffset(bytes, SectionId.Code));
        return (bytes, _pcMap);
    }
}
