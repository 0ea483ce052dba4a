using WasmProbe.Wasm.Encoding;
using WasmProbe.Wasm.Instructions;
using WasmProbe.Wasm.Model;
using WasmProbe.Wasm.Types;

namespace CompilerBackend;

/// <summary>One emitted instruction and the piece of source whose value it leaves on top of the operand stack.</summary>
public sealed record Emitted(Opcode Opcode, int Immediate, string Computes);

/// <param name="Body">The instructions of <c>eval</c>, in order (the final <c>end</c> not included).</param>
public sealed record Compiled(byte[] Wasm, IReadOnlyList<Emitted> Body);

/// <summary>Compiles integer expressions over named parameters — <c>(a + 3) * b - a / 2</c> — to a wasm module
/// exporting <c>eval</c>. It records, for every instruction it emits, which subexpression that instruction completes:
/// that is what the tests check against the running guest.</summary>
public sealed class ExpressionCompiler
{
    /// <summary>Emits the operands of '-' in the wrong order: the bug the failing example catches.</summary>
    public bool SwapSubtractionOperands { get; init; }

    public Compiled Compile(string source, params string[] parameters)
    {
        var parser = new Parser(Tokenize(source), parameters, SwapSubtractionOperands);
        var body = parser.Expression();
        parser.ExpectEnd();
        return new Compiled(Encode(body, parameters.Length), body);
    }

    private static byte[] Encode(List<Emitted> body, int parameterCount)
    {
        var instructions = body.Select(e => new Instruction(e.Opcode, -1, 0, e.Immediate))
            .Append(new Instruction(Opcode.End, -1, 0)).ToArray();
        var module = new Module();
        var signature = new FunctionType([.. Enumerable.Repeat(ValType.I32, parameterCount)], [ValType.I32]);
        module.RecGroups.Add(new RecGroup([SubType.Plain(CompositeType.OfFunction(signature))], Explicit: false));
        module.FunctionTypeIndices.Add(0);
        module.Exports.Add(new Export("eval", ExternalKind.Function, 0));
        module.Bodies.Add(new FunctionBody([], new Expression(instructions, [])));
        return ModuleEncoder.Encode(module);
    }

    private static List<string> Tokenize(string source)
    {
        var tokens = new List<string>();
        for (int i = 0; i < source.Length;)
        {
            if (char.IsWhiteSpace(source[i]))
            {
                i++;
                continue;
            }
            int start = i++;
            if (char.IsLetterOrDigit(source[start]))
            {
                while (i < source.Length && char.IsLetterOrDigit(source[i])) i++;
            }
            tokens.Add(source[start..i]);
        }
        return tokens;
    }

    /// <summary>Recursive descent; each method returns the code for its subexpression.</summary>
    private sealed class Parser(List<string> tokens, string[] parameters, bool swapSubtraction)
    {
        private int _position;

        private string? Peek => _position < tokens.Count ? tokens[_position] : null;

        public void ExpectEnd()
        {
            if (Peek is { } extra) throw new FormatException($"unexpected '{extra}'");
        }

        // expression := term (('+' | '-') term)*
        public List<Emitted> Expression() => Binary(Term, "+", "-");

        // term := factor (('*' | '/') factor)*
        private List<Emitted> Term() => Binary(Factor, "*", "/");

        private List<Emitted> Binary(Func<List<Emitted>> operand, string first, string second)
        {
            int start = _position;
            var code = operand();
            while (Peek == first || Peek == second)
            {
                string op = tokens[_position++];
                var right = operand();
                code = op == "-" && swapSubtraction ? [.. right, .. code] : [.. code, .. right];
                code.Add(new Emitted(OpcodeOf(op), 0, Text(start)));
            }
            return code;
        }

        private static Opcode OpcodeOf(string op) => op switch
        {
            "+" => Opcode.I32Add,
            "-" => Opcode.I32Sub,
            "*" => Opcode.I32Mul,
            _ => Opcode.I32DivS,
        };

        // factor := number | parameter | '(' expression ')'
        private List<Emitted> Factor()
        {
            string token = Peek ?? throw new FormatException("unexpected end of expression");
            _position++;
            if (token == "(")
            {
                var inner = Expression();
                if (Peek != ")") throw new FormatException("missing ')'");
                _position++;
                return inner;
            }
            if (int.TryParse(token, out int number)) return [new Emitted(Opcode.I32Const, number, token)];
            int index = Array.IndexOf(parameters, token);
            if (index < 0) throw new FormatException($"unknown name '{token}'");
            return [new Emitted(Opcode.LocalGet, index, token)];
        }

        private string Text(int start) => string.Join(" ", tokens.Skip(start).Take(_position - start));
    }
}
