using WasmProbe.Wasm.Binary;

namespace WasmProbe.Wasm.Decoding;

/// <summary>Decodes a module binary into a <see cref="Module"/>. Rejects malformed input with
/// <see cref="WasmFormatException"/> (never another exception type); does not validate typing rules.</summary>
public static class ModuleDecoder
{
    /// <param name="bodies">Lazy: function bodies are decoded when their <see cref="FunctionBody.Code"/> is first read
    /// (the code section's layout and every body's locals are still checked here); a malformed body is then reported
    /// there. Callers that look at a few functions of a large module (the source generator) decode only those.</param>
    public static Module Decode(byte[] bytes, BodyDecoding bodies = BodyDecoding.Eager)
    {
        if (bytes is null) throw new ArgumentNullException(nameof(bytes));
        var instructions = InstructionDecoder.Rent();
        try
        {
            return new Session(bytes, instructions, bodies).Run();
        }
        finally
        {
            instructions.Return();
        }
    }

    /// <summary>Code sections from this size on are decoded in parallel (below it, starting the workers costs more).</summary>
    private const int ParallelCodeSectionBytes = 1 << 20;

    private sealed class Session(byte[] bytes, InstructionDecoder instructions, BodyDecoding bodies)
    {
        private readonly WasmReader _r = new(bytes);
        private readonly InstructionDecoder _instructions = instructions;
        private readonly Module _module = new();
        private int _functionSectionCount = -1;
        private int _dataSectionCount = -1;

        public Module Run()
        {
            ReadHeader();
            int lastRank = 0;
            while (!_r.AtEnd)
            {
                int sectionStart = _r.Position;
                byte rawId = _r.ReadByte();
                _r.NonCanonical = false;
                int size = (int)Math.Min(_r.ReadU32(), int.MaxValue);
                if (size > _r.Remaining) throw _r.Error(sectionStart, $"section size {size} out of bounds ({_r.Remaining} bytes left): unexpected end");
                int payloadEnd = _r.Position + size;
                int outerEnd = _r.End;
                _r.End = payloadEnd;

                if (rawId > (byte)SectionId.Tag) throw _r.Error(sectionStart, $"malformed section id {rawId}");
                var id = (SectionId)rawId;
                if (id == SectionId.Custom)
                {
                    _module.Layout.Add(new SectionSlot(id, _module.CustomSections.Count));
                    string name = _r.ReadName();
                    var payload = _r.ReadBytes(_r.Remaining);
                    _module.CustomSections.Add(new CustomSection(name, payload) { OriginalEncoding = _r.NonCanonical ? Slice(sectionStart, payloadEnd) : null });
                }
                else
                {
                    int rank = SectionOrder.Rank(id);
                    if (rank <= lastRank) throw _r.Error(sectionStart, $"unexpected content after last section: {id} section out of order or repeated");
                    lastRank = rank;
                    _module.Layout.Add(new SectionSlot(id));
                    ReadKnownSection(id);
                    if (_r.NonCanonical) _module.OriginalSections[id] = Slice(sectionStart, payloadEnd);
                }
                if (_r.Position != payloadEnd) throw _r.Error(_r.Position, $"section size mismatch: {id} section declared {size} bytes but its contents end at 0x{_r.Position:x}");
                _r.End = outerEnd;
            }
            CheckCounts();
            return _module;
        }

        private void ReadHeader()
        {
            if (bytes.Length < 4 || bytes[0] != 0 || bytes[1] != 0x61 || bytes[2] != 0x73 || bytes[3] != 0x6D)
                throw new WasmFormatException(0, "magic header not detected");
            if (bytes.Length < 8) throw new WasmFormatException(bytes.Length, "unexpected end: truncated version");
            if (bytes[4] != 1 || bytes[5] != 0 || bytes[6] != 0 || bytes[7] != 0)
                throw new WasmFormatException(4, "unknown binary version (components and other layers are not core modules)");
            _r.Position = 8;
        }

        private void CheckCounts()
        {
            int functions = Math.Max(0, _functionSectionCount);
            if (functions != _module.Bodies.Count)
                throw new WasmFormatException(bytes.Length, $"function and code section have inconsistent lengths ({functions} declared, {_module.Bodies.Count} bodies)");
            if (_module.DataCount is { } dataCount && dataCount != (uint)Math.Max(0, _dataSectionCount))
                throw new WasmFormatException(bytes.Length, $"data count and data section have inconsistent lengths ({dataCount} vs {Math.Max(0, _dataSectionCount)})");
        }

        private byte[] Slice(int start, int end)
        {
            var result = new byte[end - start];
            Buffer.BlockCopy(bytes, start, result, 0, result.Length);
            return result;
        }

        private void ReadKnownSection(SectionId id)
        {
            switch (id)
            {
                case SectionId.Type: ReadVector(() => _module.RecGroups.Add(TypeDecoder.ReadRecGroup(_r))); break;
                case SectionId.Import: ReadVector(ReadImport, minSize: 4); break;
                case SectionId.Function:
                    _functionSectionCount = ReadVector(() => _module.FunctionTypeIndices.Add(_r.ReadIndex()));
                    break;
                case SectionId.Table: ReadVector(ReadTable, minSize: 3); break;
                case SectionId.Memory: ReadVector(() => _module.Memories.Add(new MemoryType(TypeDecoder.ReadLimits(_r, isMemory: true))), minSize: 2); break;
                case SectionId.Tag: ReadVector(() => _module.Tags.Add(new TagType(ReadTagType())), minSize: 2); break;
                case SectionId.Global: ReadVector(ReadGlobal, minSize: 3); break;
                case SectionId.Export: ReadVector(ReadExport, minSize: 3); break;
                case SectionId.Start: _module.Start = _r.ReadIndex(); break;
                case SectionId.Element: ReadVector(ReadElement, minSize: 2); break;
                case SectionId.DataCount: _module.DataCount = _r.ReadU32(); break;
                case SectionId.Code: ReadCodeSection(); break;
                case SectionId.Data: _dataSectionCount = ReadVector(ReadData, minSize: 2); break;
            }
        }

        private int ReadVector(Action readOne, int minSize = 1)
        {
            int count = _r.ReadCount(minSize);
            for (int i = 0; i < count; i++) readOne();
            return count;
        }

        private int ReadTagType()
        {
            int at = _r.Position;
            byte attribute = _r.ReadByte();
            if (attribute != 0) throw _r.Error(at, $"malformed tag attribute 0x{attribute:x2} (only exceptions, 0x00, exist)");
            return _r.ReadIndex();
        }

        private void ReadImport()
        {
            string moduleName = _r.ReadName();
            string name = _r.ReadName();
            int at = _r.Position;
            byte kind = _r.ReadByte();
            var import = kind switch
            {
                0 => new Import(moduleName, name, ExternalKind.Function) { TypeIndex = _r.ReadIndex() },
                1 => new Import(moduleName, name, ExternalKind.Table) { Table = TypeDecoder.ReadTableType(_r) },
                2 => new Import(moduleName, name, ExternalKind.Memory) { Memory = new MemoryType(TypeDecoder.ReadLimits(_r, isMemory: true)) },
                3 => new Import(moduleName, name, ExternalKind.Global) { Global = TypeDecoder.ReadGlobalType(_r) },
                4 => new Import(moduleName, name, ExternalKind.Tag) { TypeIndex = ReadTagType() },
                _ => throw _r.Error(at, $"malformed import kind 0x{kind:x2}"),
            };
            _module.Imports.Add(import);
        }

        private void ReadTable()
        {
            if (_r.PeekByte() != 0x40)
            {
                _module.Tables.Add(new TableDefinition(TypeDecoder.ReadTableType(_r), null));
                return;
            }
            _r.Position++;
            int at = _r.Position;
            if (_r.ReadByte() != 0) throw _r.Error(at, "malformed table: 0x40 must be followed by 0x00");
            var type = TypeDecoder.ReadTableType(_r);
            _module.Tables.Add(new TableDefinition(type, ReadExpression()));
        }

        private void ReadGlobal()
        {
            var type = TypeDecoder.ReadGlobalType(_r);
            _module.Globals.Add(new GlobalDefinition(type, ReadExpression()));
        }

        private void ReadExport()
        {
            string name = _r.ReadName();
            int at = _r.Position;
            byte kind = _r.ReadByte();
            if (kind > 4) throw _r.Error(at, $"malformed export kind 0x{kind:x2}");
            _module.Exports.Add(new Export(name, (ExternalKind)kind, _r.ReadIndex()));
        }

        private void ReadElement()
        {
            int at = _r.Position;
            uint flags = _r.ReadU32();
            if (flags > 7) throw _r.Error(at, $"malformed elements segment kind {flags}");
            var mode = (flags & 1) == 0 ? SegmentMode.Active : (flags & 2) == 0 ? SegmentMode.Passive : SegmentMode.Declarative;
            int table = 0;
            Expression? offset = null;
            if (mode == SegmentMode.Active)
            {
                if ((flags & 2) != 0) table = _r.ReadIndex();
                offset = ReadExpression();
            }
            bool usesExpressions = (flags & 4) != 0;
            bool hasTypeField = (flags & 3) != 0;
            var elementType = ValType.FuncRef;
            if (usesExpressions)
            {
                if (hasTypeField) elementType = TypeDecoder.ReadReferenceType(_r);
                int count = _r.ReadCount();
                var expressions = new Expression[count];
                for (int i = 0; i < count; i++) expressions[i] = ReadExpression();
                _module.Elements.Add(new ElementSegment((byte)flags, mode, table, offset, elementType) { Expressions = expressions });
            }
            else
            {
                if (hasTypeField)
                {
                    int kindAt = _r.Position;
                    if (_r.ReadByte() != 0) throw _r.Error(kindAt, "malformed element kind (only funcref, 0x00, exists)");
                }
                int count = _r.ReadCount();
                var functions = new int[count];
                for (int i = 0; i < count; i++) functions[i] = _r.ReadIndex();
                _module.Elements.Add(new ElementSegment((byte)flags, mode, table, offset, elementType) { FunctionIndices = functions });
            }
        }

        private void ReadData()
        {
            int at = _r.Position;
            uint flags = _r.ReadU32();
            if (flags > 2) throw _r.Error(at, $"malformed data segment kind {flags}");
            var mode = flags == 1 ? SegmentMode.Passive : SegmentMode.Active;
            int memory = flags == 2 ? _r.ReadIndex() : 0;
            var offset = mode == SegmentMode.Active ? ReadExpression() : null;
            int length = _r.ReadCount();
            _module.Data.Add(new DataSegment((byte)flags, mode, memory, offset, _r.ReadBytes(length)));
        }

        private void ReadCodeSection()
        {
            _module.CodeSectionPayloadOffset = _r.Position;
            int count = _r.ReadCount();
            if (bodies == BodyDecoding.Lazy)
            {
                for (int i = 0; i < count; i++) _module.Bodies.Add(ReadLazyBody(_r));
                return;
            }
            int firstDataIndexUse;
            if (_r.Remaining >= ParallelCodeSectionBytes) firstDataIndexUse = ReadBodiesInParallel(count);
            else
            {
                for (int i = 0; i < count; i++) _module.Bodies.Add(ReadBody(bytes, _r, _instructions));
                firstDataIndexUse = _instructions.FirstDataIndexUse;
            }
            CheckDataCount(firstDataIndexUse, _module.DataCount is not null);
        }

        /// <summary>A body's size and locals, with its instructions left to <see cref="LazyBody"/>.</summary>
        private FunctionBody ReadLazyBody(WasmReader r)
        {
            int bodyStart = r.Position;
            bool outerNonCanonical = r.NonCanonical;
            int size = r.ReadCount();
            int bodyEnd = r.Position + size;
            int outerEnd = r.End;
            r.End = bodyEnd;
            var locals = ReadLocals(r);
            r.End = outerEnd;
            r.Position = bodyEnd;
            r.NonCanonical = outerNonCanonical;
            return new FunctionBody(locals, new LazyBody(bytes, bodyStart, outerEnd, _module.DataCount is not null)) { Offset = bodyStart, End = bodyEnd };
        }

        /// <summary>Decodes the bodies on all cores: their size prefixes are read first, then each body with a reader
        /// of its own. Fails as the sequential decoder does: with the first body's error, else with the prefix that
        /// could not be read. Returns the first data index use.</summary>
        private int ReadBodiesInParallel(int count)
        {
            var starts = new List<int>(count);
            var scan = new WasmReader(bytes, _r.Position, _r.End);
            WasmFormatException? prefixError = null;
            try
            {
                for (int i = 0; i < count; i++)
                {
                    int start = scan.Position;
                    int size = scan.ReadCount();
                    scan.Position += size;
                    starts.Add(start);
                }
            }
            catch (WasmFormatException e)
            {
                prefixError = e;
            }

            var decoded = new FunctionBody[starts.Count];
            var errors = new WasmFormatException?[starts.Count];
            int firstDataIndexUse = int.MaxValue;
            Parallel.For(0, starts.Count, InstructionDecoder.Rent, (i, _, decoder) =>
            {
                try
                {
                    decoded[i] = ReadBody(bytes, new WasmReader(bytes, starts[i], _r.End), decoder);
                }
                catch (WasmFormatException e)
                {
                    errors[i] = e;
                }
                return decoder;
            }, decoder =>
            {
                if (decoder.FirstDataIndexUse >= 0) InterlockedMin(ref firstDataIndexUse, decoder.FirstDataIndexUse);
                decoder.Return();
            });
            if (Array.Find(errors, e => e is not null) is { } error) throw error;
            if (prefixError is not null) throw prefixError;
            _module.Bodies.AddRange(decoded);
            _r.Position = scan.Position;
            return firstDataIndexUse == int.MaxValue ? -1 : firstDataIndexUse;
        }

        private static void InterlockedMin(ref int target, int value)
        {
            int current;
            while (value < (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current) { }
        }

        private Expression ReadExpression() => _instructions.Decode(_r);
    }

    internal static void CheckDataCount(int firstDataIndexUse, bool hasDataCount)
    {
        if (firstDataIndexUse >= 0 && !hasDataCount)
            throw new WasmFormatException(firstDataIndexUse, "data count section required: code uses a data index but the module has no data count section");
    }

    /// <summary>The body whose size field is at <paramref name="r"/>'s position.</summary>
    internal static FunctionBody ReadBody(byte[] bytes, WasmReader r, InstructionDecoder decoder)
    {
        int bodyStart = r.Position;
        bool outerNonCanonical = r.NonCanonical;
        r.NonCanonical = false;
        int size = r.ReadCount();
        int bodyEnd = r.Position + size;
        int outerEnd = r.End;
        r.End = bodyEnd;
        var locals = ReadLocals(r);
        var code = decoder.Decode(r);
        if (r.Position != bodyEnd) throw r.Error(r.Position, "section size mismatch: function body continues after its final end");
        r.End = outerEnd;

        // A body keeps its own verbatim copy, so its quirks do not make the whole section verbatim.
        var original = r.NonCanonical ? bytes.AsSpan(bodyStart, bodyEnd - bodyStart).ToArray() : null;
        r.NonCanonical = outerNonCanonical;
        return new FunctionBody(locals, code) { Offset = bodyStart, End = bodyEnd, OriginalEncoding = original };
    }

    private static LocalGroup[] ReadLocals(WasmReader r)
    {
        int groupCount = r.ReadCount(2);
        var locals = groupCount == 0 ? [] : new LocalGroup[groupCount];
        ulong total = 0;
        for (int i = 0; i < groupCount; i++)
        {
            int at = r.Position;
            uint n = r.ReadU32();
            total += n;
            if (total > uint.MaxValue) throw r.Error(at, "too many locals");
            locals[i] = new LocalGroup(n, TypeDecoder.ReadValType(r));
        }
        return locals;
    }
}
