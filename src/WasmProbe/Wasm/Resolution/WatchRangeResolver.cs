using WasmProbe.Wasm.Model;

namespace WasmProbe.Wasm.Resolution;

/// <summary>Byte ranges of a memory that a write watchpoint can watch: a 32-bit memory (the write check compares
/// 32-bit addresses), a range of at least one byte. The generator also asks for the range to lie in the memory's
/// declared minimum size, which every run has from its start; a session may watch memory the guest has grown.</summary>
public static class WatchRangeResolver
{
    /// <returns>The memory index.</returns>
    /// <param name="withinMinimum">Require the range to lie in the declared minimum size (else: in 4 GiB).</param>
    public static Resolution<int> Resolve(Module module, int memory, long address, long length, bool withinMinimum)
    {
        var found = MemoryResolver.Resolve(module, memory);
        if (!found.IsResolved) return found;
        var declared = module.IndexSpaces.Memories[memory];
        if (declared.Limits.Is64) return new ResolutionProblem(ResolutionStatus.MemoryNotWatchable, $"memory {memory} is 64-bit: only 32-bit memories can be watched");
        if (length <= 0) return new ResolutionProblem(ResolutionStatus.WatchRangeEmpty, $"a watched range needs at least one byte (the length is {length})");
        ulong end = withinMinimum ? declared.MinimumBytes : 1UL << 32;
        if (address < 0 || (ulong)address + (ulong)length > end)
        {
            string range = $"[0x{address:x}, 0x{address + length:x})";
            return new ResolutionProblem(ResolutionStatus.WatchRangeOutsideMemory, withinMinimum
                ? $"{range} lies outside the declared minimum size of memory {memory} ({declared.Limits.Minimum} {(declared.Limits.Minimum == 1 ? "page" : "pages")} = 0x{end:x} bytes)"
                : $"{range} lies outside a 32-bit memory");
        }
        return Resolution<int>.Found(memory);
    }
}
