namespace CompilerBackend;

/// <summary>An independent interpreter for the same expressions: the oracle the compiled code is checked against.</summary>
public static class Reference
{
    public static int Evaluate(string expression, IReadOnlyDictionary<string, int> variables)
    {
        var tokens = expression.Replace("(", " ( ").Replace(")", " ) ").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int position = 0;
        int Expression()
        {
            int value = Term();
            while (position < tokens.Length && tokens[position] is "+" or "-")
                value = tokens[position++] == "+" ? value + Term() : value - Term();
            return value;
        }
        int Term()
        {
            int value = Factor();
            while (position < tokens.Length && tokens[position] is "*" or "/")
                value = tokens[position++] == "*" ? value * Factor() : value / Factor();
            return value;
        }
        int Factor()
        {
            string token = tokens[position++];
            if (token != "(") return int.TryParse(token, out int number) ? number : variables[token];
            int value = Expression();
            position++;
            return value;
        }
        return Expression();
    }
}
