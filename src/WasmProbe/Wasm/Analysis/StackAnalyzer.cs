using WasmProbe.Wasm.Binary;

namespace WasmProbe.Wasm.Analysis;

/// <summary>Computes a <see cref="FunctionAnalysis"/> by running the validation algorithm's operand and control
/// stacks over a body. It assumes a valid module but never trusts it: a bad index or a stack underflow in reachable
/// code raises <see cref="WasmValidationException"/> with the instruction's offset.</summary>
public sealed partial class StackAnalyzer
{
    private readonly Module _module;
    private readonly IndexSpaces _spaces;

    private readonly Buffers? _buffers;

    public StackAnalyzer(Module module)
    {
        _module = module;
        _spaces = module.IndexSpaces;
    }

    /// <param name="reuseBuffers">Every analysis reuses the arrays of the previous one, which it invalidates: for a
    /// pass that analyses function after function and drops each analysis before the next (a module's worth of
    /// analyses is otherwise allocated, and collected, per pass).</param>
    internal StackAnalyzer(Module module, bool reuseBuffers) : this(module)
    {
        if (reuseBuffers) _buffers = new Buffers();
    }

    /// <summary>The per-instruction and per-node arrays of an analysis, kept for the next one.</summary>
    private sealed class Buffers
    {
        public int[] StackNode = [], Height = [], Depth = [], BlockBase = [], Partner = [], NodeParent = [];
        public bool[] Reachable = [];
        public ValType[] NodeType = [];
    }

    /// <summary>Analyzes the body of a function the module defines (not an import).</summary>
    public FunctionAnalysis Analyze(int functionIndex)
    {
        int defined = functionIndex - _spaces.ImportedFunctionCount;
        if (functionIndex < 0 || defined >= _module.Bodies.Count)
            throw new ArgumentOutOfRangeException(nameof(functionIndex), $"function {functionIndex} does not exist (the module has {_spaces.FunctionCount} functions)");
        if (defined < 0)
            throw new ArgumentOutOfRangeException(nameof(functionIndex), $"function {functionIndex} is imported and has no body");
        var body = _module.Bodies[defined];
        FunctionType type;
        try
        {
            type = _spaces.FunctionTypeOfFunction(functionIndex);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new WasmValidationException(body.Offset, e.Message);
        }
        return new Run(this, functionIndex, type, body).Execute();
    }

    private struct Frame
    {
        public Opcode Kind;
        public ValType[] Params;
        public ValType[] Results;
        public int Height;
        public int BaseNode;
        public bool Unreachable;
        public int StartIndex;
        public int ElseIndex;

        public readonly ValType[] LabelTypes => Kind == Opcode.Loop ? Params : Results;
    }

    private sealed partial class Run
    {
        private readonly IndexSpaces _spaces;
        private readonly int _functionIndex;
        private readonly FunctionType _type;
        private readonly FunctionBody _body;
        private readonly LocalTypes _locals;
        private readonly Expression _code;

        private readonly int[] _stackNode;
        private readonly int[] _height;
        private readonly int[] _depth;
        private readonly int[] _blockBase;
        private readonly bool[] _reachable;
        private readonly int[] _partner;
        private int[] _nodeParent;
        private ValType[] _nodeType;
        private int _nodeCount;

        private Frame[] _frames = new Frame[16];
        private int _frameCount;
        private int _top = -1;
        private int _stackHeight;
        private int _pc;

        public Run(StackAnalyzer owner, int functionIndex, FunctionType type, FunctionBody body)
        {
            _spaces = owner._spaces;
            _functionIndex = functionIndex;
            _type = type;
            _body = body;
            _code = body.Code;
            _locals = new LocalTypes(type.Parameters, body.Locals);
            int n = _code.Count;
            _buffers = owner._buffers;
            if (_buffers is { } reused && reused.StackNode.Length >= n)
            {
                (_stackNode, _height, _depth, _blockBase, _reachable, _partner) = (reused.StackNode, reused.Height, reused.Depth, reused.BlockBase, reused.Reachable, reused.Partner);
                (_nodeParent, _nodeType) = (reused.NodeParent, reused.NodeType);
                return;
            }
            _stackNode = new int[n];
            _height = new int[n];
            _depth = new int[n];
            _blockBase = new int[n];
            _reachable = new bool[n];
            _partner = new int[n];
            _nodeParent = new int[Math.Max(16, n)];
            _nodeType = new ValType[Math.Max(16, n)];
        }

        private readonly Buffers? _buffers;

        public FunctionAnalysis Execute()
        {
            PushFrame(Opcode.Block, [], _type.Results, -1);
            var instructions = _code.Instructions;
            for (int i = 0; i < instructions.Length; i++)
            {
                if (_frameCount == 0) throw Invalid(instructions[i].Offset, "instructions after the function's final end");
                _stackNode[i] = _top;
                _height[i] = _stackHeight;
                _depth[i] = _frameCount;
                _blockBase[i] = _frames[_frameCount - 1].Height;
                _reachable[i] = !_frames[_frameCount - 1].Unreachable;
                _partner[i] = -1;
                _pc = instructions[i].Offset;
                Apply(i, instructions[i]);
            }
            if (_frameCount != 0) throw Invalid(_body.Offset, "function body does not close all its blocks");
            if (_buffers is { } keep)
            {
                (keep.StackNode, keep.Height, keep.Depth, keep.BlockBase, keep.Reachable, keep.Partner) = (_stackNode, _height, _depth, _blockBase, _reachable, _partner);
                (keep.NodeParent, keep.NodeType) = (_nodeParent, _nodeType);
            }
            return new FunctionAnalysis(_functionIndex, _type, _body, _locals, _stackNode, _height, _depth, _blockBase, _reachable, _partner, _nodeParent, _nodeType);
        }

        private WasmValidationException Invalid(long offset, string reason) => new(offset, reason);
        private WasmValidationException Invalid(string reason) => new(_pc, reason);

        // ----- operand stack -----

        private void Push(ValType type)
        {
            if (_nodeCount == _nodeParent.Length)
            {
                Array.Resize(ref _nodeParent, _nodeCount * 2);
                Array.Resize(ref _nodeType, _nodeCount * 2);
            }
            _nodeParent[_nodeCount] = _top;
            _nodeType[_nodeCount] = type;
            _top = _nodeCount++;
            _stackHeight++;
        }

        private void PushAll(ValType[] types)
        {
            foreach (var t in types) Push(t);
        }

        private ValType Pop()
        {
            ref var frame = ref _frames[_frameCount - 1];
            if (_stackHeight == frame.Height)
            {
                if (frame.Unreachable) return ValType.Unknown;
                throw Invalid("type mismatch: operand stack underflow");
            }
            var type = _nodeType[_top];
            _top = _nodeParent[_top];
            _stackHeight--;
            return type;
        }

        private void PopAll(ValType[] types)
        {
            for (int i = types.Length - 1; i >= 0; i--) Pop();
        }

        private void PopCount(int count)
        {
            for (int i = 0; i < count; i++) Pop();
        }

        private void SetUnreachable()
        {
            ref var frame = ref _frames[_frameCount - 1];
            _top = frame.BaseNode;
            _stackHeight = frame.Height;
            frame.Unreachable = true;
        }

        // ----- control stack -----

        private void PushFrame(Opcode kind, ValType[] parameters, ValType[] results, int startIndex)
        {
            if (_frameCount == _frames.Length) Array.Resize(ref _frames, _frameCount * 2);
            _frames[_frameCount++] = new Frame
            {
                Kind = kind,
                Params = parameters,
                Results = results,
                Height = _stackHeight,
                BaseNode = _top,
                StartIndex = startIndex,
                ElseIndex = -1,
            };
            PushAll(parameters);
        }

        private ref Frame Label(int label)
        {
            if ((uint)label >= (uint)_frameCount) throw Invalid($"unknown label {label}: only {_frameCount} enclosing blocks");
            return ref _frames[_frameCount - 1 - label];
        }

        private (ValType[] Params, ValType[] Results) BlockSignature(BlockType type)
        {
            if (type.IsEmpty) return ([], []);
            if (type.IsValueType) return ([], [type.ValType]);
            var function = FunctionType(type.TypeIndex);
            return (function.Parameters, function.Results);
        }

        private void EndFrame(int index)
        {
            ref var frame = ref _frames[_frameCount - 1];
            PopAll(frame.Results);
            if (_stackHeight != frame.Height && !frame.Unreachable)
                throw Invalid($"type mismatch: {_stackHeight - frame.Height} values remain on the stack at the end of the block");
            _partner[index] = frame.StartIndex;
            if (frame.StartIndex >= 0) _partner[frame.StartIndex] = index;
            if (frame.ElseIndex >= 0) _partner[frame.ElseIndex] = index;
            var results = frame.Results;
            _top = frame.BaseNode;
            _stackHeight = frame.Height;
            _frameCount--;
            if (_frameCount > 0) PushAll(results);
        }

        private void ElseLike(int index, Opcode kind)
        {
            ref var frame = ref _frames[_frameCount - 1];
            if (frame.StartIndex < 0) throw Invalid($"{OpcodeTable.Get(kind).Name} outside of a block");
            PopAll(frame.Results);
            if (_stackHeight != frame.Height && !frame.Unreachable)
                throw Invalid($"type mismatch: {_stackHeight - frame.Height} values remain on the stack before {OpcodeTable.Get(kind).Name}");
            _top = frame.BaseNode;
            _stackHeight = frame.Height;
            frame.Unreachable = false;
            frame.Kind = kind;
            frame.ElseIndex = index;
        }

        // ----- index spaces -----

        private FunctionType FunctionType(int typeIndex)
        {
            if ((uint)typeIndex >= (uint)_spaces.Types.Length || _spaces.Types[typeIndex].Composite.Kind != CompositeKind.Func)
                throw Invalid($"type {typeIndex} is not a function type");
            return _spaces.Types[typeIndex].Composite.Function;
        }

        private CompositeType Composite(int typeIndex, CompositeKind kind)
        {
            if ((uint)typeIndex >= (uint)_spaces.Types.Length || _spaces.Types[typeIndex].Composite.Kind != kind)
                throw Invalid($"type {typeIndex} is not a {kind.ToString().ToLowerInvariant()} type");
            return _spaces.Types[typeIndex].Composite;
        }

        private FieldType Field(int typeIndex, int field)
        {
            var fields = Composite(typeIndex, CompositeKind.Struct).Fields;
            if ((uint)field >= (uint)fields.Length) throw Invalid($"struct type {typeIndex} has no field {field}");
            return fields[field];
        }

        private FieldType ArrayElement(int typeIndex) => Composite(typeIndex, CompositeKind.Array).ArrayElement;

        private ValType Local(int index) =>
            _locals.TryGet(index, out var type) ? type : throw Invalid($"unknown local {index}: the function has {_locals.Count} locals");

        private GlobalType Global(int index) =>
            (uint)index < (uint)_spaces.Globals.Length ? _spaces.Globals[index] : throw Invalid($"unknown global {index}");

        private TableType Table(int index) =>
            (uint)index < (uint)_spaces.Tables.Length ? _spaces.Tables[index] : throw Invalid($"unknown table {index}");

        private ValType MemoryAddress(int index) =>
            (uint)index < (uint)_spaces.Memories.Length ? _spaces.Memories[index].Limits.AddressType : throw Invalid($"unknown memory {index}");

        private FunctionType TagType(int index) =>
            (uint)index < (uint)_spaces.TagTypes.Length ? FunctionType(_spaces.TagTypes[index].TypeIndex) : throw Invalid($"unknown tag {index}");

        private int FunctionTypeIndex(int function) =>
            (uint)function < (uint)_spaces.FunctionTypeIndices.Length ? _spaces.FunctionTypeIndices[function] : throw Invalid($"unknown function {function}");

        private static ValType Letter(char c, ValType address) => c switch
        {
            'i' => ValType.I32,
            'l' => ValType.I64,
            'f' => ValType.F32,
            'd' => ValType.F64,
            'v' => ValType.V128,
            _ => address,
        };
    }
}
