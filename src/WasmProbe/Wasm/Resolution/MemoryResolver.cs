namespace WasmProbe.Wasm.Resolution;

/// <summary>Memories by index.</summary>
public static class MemoryResolver
{
    public static Resolution<int> Resolve(Module module, int index)
    {
        int count = module.IndexSpaces.Memories.Length;
        if (index >= 0 && index < count) return Resolution<int>.Found(index);
        return new ResolutionProblem(ResolutionStatus.MemoryIndexOutOfRange, $"memory {index} does not exist (the module has {count})");
    }
}
