using BulkSafety.Sql;

namespace BulkSafety.Databases;

/// <summary>
/// What a piece of PostgreSQL text calls when it is evaluated: the functions it names (<c>f(…)</c>, <c>s.f(…)</c>), the
/// operators it writes (<c>=</c>, <c>@&gt;</c>, <c>OPERATOR(s.op)</c>) or implies (<c>LIKE</c> is <c>~~</c>, <c>IN</c> is
/// <c>=</c>, …) and the types it casts to (<c>::t</c>, <c>CAST(… AS t)</c>). Syntax that looks like a call but is none — <c>IN (…)</c>, <c>COALESCE(…)</c>, a type's modifiers —
/// is left out. Names are as PostgreSQL resolves them: unquoted ones folded to lower case. A name this reader mistakes
/// for a function is one the catalog check does not find, which refuses the probe: the errors fall on the safe side.
/// </summary>
internal sealed class PostgresCalls
{
    // Words that are syntax, not functions, when a parenthesis follows them; the special forms among them (COALESCE,
    // NULLIF, GREATEST, LEAST, TRIM, ...) compute values without calling a catalog function by that name.
    private static readonly HashSet<string> NotFunctions = new(StringComparer.OrdinalIgnoreCase)
    {
        "all", "and", "any", "array", "as", "between", "by", "case", "cast", "coalesce", "cube", "distinct", "else", "except",
        "exists", "filter", "from", "greatest", "group", "grouping", "having", "ilike", "in", "intersect", "is", "join", "lateral",
        "least", "like", "not", "nullif", "on", "or", "order", "over", "partition", "rollup", "row", "select", "sets", "similar",
        "some", "then", "trim", "union", "using", "values", "when", "where", "with", "within", "interval",
    };

    // Syntax that compares through operators the text does not write, resolved by name like any other: LIKE is ~~, IN
    // and IS DISTINCT FROM are =, BETWEEN is >= and <=, a simple CASE and NULLIF compare with =, a join USING or NATURAL
    // with =.
    private static readonly Dictionary<string, string[]> ImpliedOperators = new(StringComparer.OrdinalIgnoreCase)
    {
        ["like"] = ["~~", "!~~"],
        ["ilike"] = ["~~*", "!~~*"],
        ["similar"] = ["~", "!~"],
        ["between"] = [">=", "<=", ">", "<"],
        ["in"] = ["=", "<>"],
        ["distinct"] = ["=", "<>"],
        ["nullif"] = ["="],
        ["case"] = ["="],
        ["using"] = ["="],
        ["natural"] = ["="],
    };

    private const string OperatorCharacters = "+-*/<>=~!@#%^&|`?";

    private PostgresCalls()
    {
    }

    /// <summary>Function names, each as <c>name</c> or <c>schema.name</c>.</summary>
    public HashSet<string> Functions { get; } = new(StringComparer.Ordinal);

    /// <summary>Operator names, each as <c>op</c> or <c>schema.op</c>.</summary>
    public HashSet<string> Operators { get; } = new(StringComparer.Ordinal);

    /// <summary>Type names cast to, as <c>to_regtype</c> reads them.</summary>
    public HashSet<string> Types { get; } = new(StringComparer.Ordinal);

    public static PostgresCalls Of(string sql, IReadOnlyList<SqlToken> tokens)
    {
        var calls = new PostgresCalls();
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.Kind == SqlTokenKind.Symbol && OperatorCharacters.Contains(sql[token.Start], StringComparison.Ordinal))
            {
                i = calls.ReadOperator(sql, tokens, i);
            }
            else if (token.Kind == SqlTokenKind.Symbol && sql[token.Start] == ':' && i + 1 < tokens.Count && tokens[i + 1].IsSymbol(sql, ':') && tokens[i + 1].Start == token.End)
            {
                i = calls.ReadType(sql, tokens, i + 2);
            }
            else if (token.IsWord(sql, "CAST") && i + 1 < tokens.Count && tokens[i + 1].IsSymbol(sql, '('))
            {
                calls.ReadCastType(sql, tokens, i + 1);
            }
            else if (token.IsWord(sql, "OPERATOR") && i + 1 < tokens.Count && tokens[i + 1].IsSymbol(sql, '('))
            {
                i = calls.ReadOperatorSyntax(sql, tokens, i + 2);
            }
            else if (token.Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier)
            {
                if (token.Kind == SqlTokenKind.Word && ImpliedOperators.TryGetValue(token.Text(sql).ToString(), out var implied))
                {
                    calls.Operators.UnionWith(implied);
                }

                i = calls.ReadName(sql, tokens, i);
            }
        }

        return calls;
    }

    // name, schema.name or db.schema.name; a call when '(' follows, unless the name is syntax or follows AS (an alias's
    // column list, or a cast's type).
    private int ReadName(string sql, IReadOnlyList<SqlToken> tokens, int start)
    {
        var parts = new List<string> { Name(sql, tokens[start]) };
        var i = start;
        while (i + 2 < tokens.Count && tokens[i + 1].IsSymbol(sql, '.') && tokens[i + 2].Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier)
        {
            parts.Add(Name(sql, tokens[i + 2]));
            i += 2;
        }

        var isCall = i + 1 < tokens.Count && tokens[i + 1].IsSymbol(sql, '(');
        var syntax = parts.Count == 1 && tokens[start].Kind == SqlTokenKind.Word && NotFunctions.Contains(parts[0]);
        var afterAs = start > 0 && tokens[start - 1].IsWord(sql, "AS");
        if (isCall && !syntax && !afterAs)
        {
            Functions.Add(string.Join('.', parts.TakeLast(2)));
        }

        return i;
    }

    // A run of operator characters with nothing between them is one operator.
    private int ReadOperator(string sql, IReadOnlyList<SqlToken> tokens, int start)
    {
        var end = start;
        while (end + 1 < tokens.Count && tokens[end + 1].Kind == SqlTokenKind.Symbol && tokens[end + 1].Start == tokens[end].End
            && OperatorCharacters.Contains(sql[tokens[end + 1].Start], StringComparison.Ordinal))
        {
            end++;
        }

        Operators.Add(sql[tokens[start].Start..tokens[end].End]);
        return end;
    }

    // OPERATOR(schema.op)
    private int ReadOperatorSyntax(string sql, IReadOnlyList<SqlToken> tokens, int start)
    {
        var close = start;
        while (close < tokens.Count && !tokens[close].IsSymbol(sql, ')'))
        {
            close++;
        }

        var text = string.Concat(Enumerable.Range(start, close - start).Select(i => tokens[i].Kind == SqlTokenKind.Symbol ? sql[tokens[i].Start..tokens[i].End] : Name(sql, tokens[i])));
        Operators.Add(text);
        return close;
    }

    // CAST( ... AS type ): the type after the AS at the parenthesis' own level.
    private void ReadCastType(string sql, IReadOnlyList<SqlToken> tokens, int open)
    {
        var depth = tokens[open].Depth + 1;
        for (var i = open + 1; i < tokens.Count && !(tokens[i].IsSymbol(sql, ')') && tokens[i].Depth == depth - 1); i++)
        {
            if (tokens[i].Depth == depth && tokens[i].IsWord(sql, "AS"))
            {
                ReadType(sql, tokens, i + 1);
                return;
            }
        }
    }

    // A type name: qualified, with the multi-word spellings PostgreSQL knows, modifiers and array brackets skipped.
    private int ReadType(string sql, IReadOnlyList<SqlToken> tokens, int start)
    {
        if (start >= tokens.Count || tokens[start].Kind is not (SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier))
        {
            return start - 1;
        }

        var words = new List<string> { sql[tokens[start].Start..tokens[start].End] };
        var i = start;
        while (i + 2 < tokens.Count && tokens[i + 1].IsSymbol(sql, '.'))
        {
            words[^1] += "." + sql[tokens[i + 2].Start..tokens[i + 2].End];
            i += 2;
        }

        var first = words[0].ToLowerInvariant();
        if (first == "double" && Next(sql, tokens, i, "precision"))
        {
            words.Add("precision");
            i++;
        }
        else if (first is "character" or "char" or "bit" or "national" && Next(sql, tokens, i, "varying"))
        {
            words.Add("varying");
            i++;
        }

        i = SkipModifiers(sql, tokens, i);
        if (first is "timestamp" or "time" && (Next(sql, tokens, i, "with") || Next(sql, tokens, i, "without")) && Next(sql, tokens, i + 1, "time") && Next(sql, tokens, i + 2, "zone"))
        {
            words.Add(sql[tokens[i + 1].Start..tokens[i + 1].End] + " time zone");
            i += 3;
        }

        Types.Add(string.Join(' ', words));
        return i;
    }

    private static int SkipModifiers(string sql, IReadOnlyList<SqlToken> tokens, int i)
    {
        if (i + 1 < tokens.Count && tokens[i + 1].IsSymbol(sql, '('))
        {
            var depth = tokens[i + 1].Depth;
            i += 2;
            while (i < tokens.Count && !(tokens[i].IsSymbol(sql, ')') && tokens[i].Depth == depth))
            {
                i++;
            }
        }

        while (i + 2 < tokens.Count && tokens[i + 1].IsSymbol(sql, '[') && tokens[i + 2].IsSymbol(sql, ']'))
        {
            i += 2;
        }

        return i;
    }

    private static bool Next(string sql, IReadOnlyList<SqlToken> tokens, int i, string word) => i + 1 < tokens.Count && tokens[i + 1].IsWord(sql, word);

    private static string Name(string sql, SqlToken token)
    {
        var name = SqlName.Of(sql, token, SqlLexicon.Postgres);
        return name.Match == SqlNameMatch.Exact ? name.Value : name.Value.ToLowerInvariant();
    }
}
