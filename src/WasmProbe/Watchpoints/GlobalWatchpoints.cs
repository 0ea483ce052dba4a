using WasmProbe.Engine;
using WasmProbe.Inspection;

namespace WasmProbe.Watchpoints;

/// <summary>A watched global: every <c>global.set</c> of it stops.</summary>
public sealed record GlobalWatchpoint(int Global);

/// <summary>A <c>global.set</c> about to run: the instruction at <see cref="Pc"/> of <see cref="Function"/> replaces
/// <see cref="OldValue"/> with <see cref="NewValue"/>.</summary>
public sealed record GlobalWriteHit(GlobalWatchpoint Watchpoint, int Function, int Pc, WasmValue OldValue, WasmValue NewValue)
{
    public override string ToString() =>
        $"global.set of global {Watchpoint.Global} by function {Function} at pc 0x{Pc:x}: {OldValue.FormatValue()} -> {NewValue.FormatValue()}";
}

/// <summary>The global watchpoints of one guest. A watched global's flag, a global of the build, arms the check the
/// guest makes before each <c>global.set</c> of it (see <see cref="Instrumentation.WriteWatch"/>).</summary>
public sealed class GlobalWatchpoints
{
    private readonly List<GlobalWatchpoint> _watchpoints = [];
    private readonly Func<int, IGuestGlobal?> _flag;
    private readonly Func<int, IGuestGlobal?> _global;
    private readonly Dictionary<int, IGuestGlobal?> _watched = [];

    internal GlobalWatchpoints(Func<int, IGuestGlobal?> flag, Func<int, IGuestGlobal?> global)
    {
        _flag = flag;
        _global = global;
    }

    /// <summary>Called on the guest's thread before the write.</summary>
    public event Action<GlobalWriteHit>? Hit;

    public IReadOnlyList<GlobalWatchpoint> All => _watchpoints;

    /// <exception cref="ArgumentException">The global cannot be watched in this build (immutable, or not a number).</exception>
    public void Add(GlobalWatchpoint watchpoint)
    {
        var flag = _flag(watchpoint.Global) ?? throw new ArgumentException($"global {watchpoint.Global} cannot be watched (it is immutable or not of a number type, or the build does not watch writes)", nameof(watchpoint));
        _watchpoints.Add(watchpoint);
        flag.Set(WasmValue.I32(1));
    }

    public bool Remove(GlobalWatchpoint watchpoint)
    {
        if (!_watchpoints.Remove(watchpoint)) return false;
        if (!_watchpoints.Any(w => w.Global == watchpoint.Global)) _flag(watchpoint.Global)!.Set(WasmValue.I32(0));
        return true;
    }

    /// <summary>The guest's report of a write of <paramref name="bits"/> to a watched global.</summary>
    internal void OnWrite(int global, int function, int pc, long bits)
    {
        // Looked up once per global: a watched __stack_pointer is written by every call.
        if (!_watched.TryGetValue(global, out var current)) _watched[global] = current = _global(global);
        if (current is null) return;
        var old = current.Get();
        var value = FromBits(current.Type.Type, bits);
        foreach (var watchpoint in _watchpoints.ToArray())
        {
            if (watchpoint.Global == global) Hit?.Invoke(new GlobalWriteHit(watchpoint, function, pc, old, value));
        }
    }

    private static WasmValue FromBits(ValType type, long bits) => type.Kind switch
    {
        ValueKind.I32 => WasmValue.I32((int)bits),
        ValueKind.F32 => WasmValue.F32Bits((uint)bits),
        ValueKind.F64 => WasmValue.F64Bits((ulong)bits),
        _ => WasmValue.I64(bits),
    };
}
