using WasmProbe.Wasm.Types;

namespace WasmProbe.Instrumentation;

/// <summary>One array per distinct operand-stack shape, shared by every site with that shape: a debug build has a
/// site per instruction, and most of them repeat a few shapes.</summary>
internal sealed class StackShapes
{
    private readonly Dictionary<ValType[], ValType[]> _shapes = new(ShapeComparer.Instance);

    public ValType[] Intern(ValType[] stack)
    {
        if (stack.Length == 0) return [];
        if (_shapes.TryGetValue(stack, out var shared)) return shared;
        _shapes.Add(stack, stack);
        return stack;
    }

    private sealed class ShapeComparer : IEqualityComparer<ValType[]>
    {
        public static readonly ShapeComparer Instance = new();

        public bool Equals(ValType[]? x, ValType[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(ValType[] stack)
        {
            var hash = new HashCode();
            foreach (var type in stack) hash.Add(type);
            return hash.ToHashCode();
        }
    }
}
