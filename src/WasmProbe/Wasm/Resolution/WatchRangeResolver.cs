using WasmProbe.Wasm.Dwarf;
using WasmProbe.Wasm.Dwarf.Variables;

namespace WasmProbe.Wasm.Resolution;

/// <summary>Byte ranges of a memory that a write watchpoint can watch: a range of at least one byte within the memory's
/// address space (4 GiB for a 32-bit memory; 2^63 bytes for a 64-bit one, whose ends the host keeps as longs). The
/// generator also asks for the range to lie in the memory's declared minimum size, which every run has from its
/// start; a session may watch memory the guest has grown, or will grow.</summary>
public static class WatchRangeResolver
{
    /// <returns>The memory index.</returns>
    /// <param name="withinMinimum">Require the range to lie in the declared minimum size (else: in the address space).</param>
    public static Resolution<int> Resolve(Module module, int memory, long address, long length, bool withinMinimum)
    {
        var found = MemoryResolver.Resolve(module, memory);
        if (!found.IsResolved) return found;
        var declared = module.IndexSpaces.Memories[memory];
        if (length <= 0) return new ResolutionProblem(ResolutionStatus.WatchRangeEmpty, $"a watched range needs at least one byte (the length is {length})");
        ulong end = withinMinimum ? declared.MinimumBytes : declared.Limits.Is64 ? long.MaxValue : 1UL << 32;
        if (address < 0 || (ulong)address + (ulong)length > end)
        {
            string range = $"[0x{address:x}, 0x{address + length:x})";
            return new ResolutionProblem(ResolutionStatus.WatchRangeOutsideMemory, withinMinimum
                ? $"{range} lies outside the declared minimum size of memory {memory} ({declared.Limits.Minimum} {(declared.Limits.Minimum == 1 ? "page" : "pages")} = 0x{end:x} bytes)"
                : $"{range} lies outside a {(declared.Limits.Is64 ? "64" : "32")}-bit memory");
        }
        return Resolution<int>.Found(memory);
    }

    /// <summary>Globals whose writes can be watched: mutable ones of a number type (the guest passes the new value as
    /// bits).</summary>
    public static bool CanWatch(Types.GlobalType global) =>
        global.Mutable && global.Type.Kind is Types.ValueKind.I32 or Types.ValueKind.I64 or Types.ValueKind.F32 or Types.ValueKind.F64;

    /// <summary>A global, resolved, whose writes can be watched.</summary>
    public static Resolution<int> Global(Module module, Resolution<int> global)
    {
        if (!global.IsResolved) return global;
        var type = module.IndexSpaces.Globals[global.Value];
        if (CanWatch(type)) return global;
        string name = module.Names.Global(global.Value) ?? "global " + global.Value;
        return new ResolutionProblem(ResolutionStatus.GlobalNotWatchable, type.Mutable
            ? $"{name} is of type {type.Type}: only globals of a number type can be watched"
            : $"{name} is immutable: nothing ever writes it");
    }

    /// <summary>The bytes of a global source variable, or a path into one (<c>stock[2].qty</c>, <c>config.isInit</c>),
    /// from the module's DWARF: its fixed address in memory 0 and the size of its type. A path through a pointer has
    /// no fixed address (the pointer's value is known only while the guest runs).</summary>
    public static Resolution<VariableRange> ResolveVariable(DwarfInfo dwarf, string path)
    {
        if (dwarf.CompileUnits.Count == 0)
            return new ResolutionProblem(ResolutionStatus.NoDebugInfo, $"'{path}': the module has no DWARF debug information to find it in (build it with -g), so give the address");
        var globals = dwarf.GlobalVariables;
        VariableValue value;
        try
        {
            value = VariablePath.Resolve(path, globals, 0, NoFrame.Instance);
        }
        catch (VariablePathException e) when (e.Error == VariablePathError.UnknownVariable)
        {
            var some = globals.Select(g => g.Name).Distinct().Take(12).ToList();
            return new ResolutionProblem(ResolutionStatus.VariableNotFound,
                $"'{path}': no global variable of that name in the module's DWARF ({(some.Count == 0 ? "it has none" : $"its globals include {string.Join(", ", some)}")})");
        }
        catch (VariablePathException e)
        {
            return new ResolutionProblem(ResolutionStatus.VariableNotFound, $"'{path}': {e.Message}");
        }
        if (value.Address is not { } address)
            return new ResolutionProblem(ResolutionStatus.VariableNotInMemory, $"'{path}': no fixed address in memory ({value.UnavailableReason ?? "it is not kept in memory"}); a path through a pointer can be watched from a DebugSession while the guest runs");
        long size = value.Type.Resolved.Size;
        if (size <= 0)
            return new ResolutionProblem(ResolutionStatus.VariableNotInMemory, $"'{path}': its type {value.Type.Name} has no known size");
        return Resolution<VariableRange>.Found(new VariableRange((long)address, size, value.Type.Name));
    }

    /// <summary>No frame and no memory: a global's address comes from its location alone.</summary>
    private sealed class NoFrame : IFrameState
    {
        public static readonly NoFrame Instance = new();

        public bool TryGetLocal(int index, out ulong bits) => Fail(out bits);
        public bool TryGetOperand(int index, out ulong bits) => Fail(out bits);
        public bool TryGetGlobal(int index, out ulong bits) => Fail(out bits);
        public bool TryReadMemory(ulong address, byte[] buffer, int offset, int count) => false;

        private static bool Fail(out ulong bits)
        {
            bits = 0;
            return false;
        }
    }
}

/// <summary>Where a watched source variable lies: <see cref="Length"/> bytes at <see cref="Address"/> of memory 0.</summary>
public sealed record VariableRange(long Address, long Length, string TypeName);
