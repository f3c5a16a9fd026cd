namespace BulkSafety.Sql;

/// <summary>What a <see cref="SqlToken"/> is.</summary>
internal enum SqlTokenKind
{
    /// <summary>A keyword or an unquoted identifier.</summary>
    Word,

    /// <summary>A quoted identifier: <c>"x"</c>, <c>`x`</c> or <c>[x]</c>.</summary>
    QuotedIdentifier,

    /// <summary>A string literal: <c>'x'</c>, <c>E'x'</c>, <c>X'00'</c> or a PostgreSQL dollar-quoted string.</summary>
    String,

    /// <summary>A numeric literal.</summary>
    Number,

    /// <summary>A named or numbered parameter: <c>@p</c>, <c>:p</c>, <c>$1</c>, <c>?1</c> (SQLite also <c>$p</c>).</summary>
    Parameter,

    /// <summary>A bare <c>?</c>: a parameter bound by position.</summary>
    PositionalParameter,

    /// <summary>An operator or punctuation character.</summary>
    Symbol,
}

/// <summary>One token of a SQL text: its kind, where it is, and how deep inside parentheses.</summary>
/// <param name="Kind">What the token is.</param>
/// <param name="Start">Its first character in the text.</param>
/// <param name="Length">Its length in characters.</param>
/// <param name="Depth">The number of parentheses open around it (a parenthesis itself counts at the outer level).</param>
internal readonly record struct SqlToken(SqlTokenKind Kind, int Start, int Length, int Depth)
{
    public int End => Start + Length;

    public ReadOnlySpan<char> Text(string sql) => sql.AsSpan(Start, Length);

    public bool IsWord(string sql, string word)
        => Kind == SqlTokenKind.Word && Text(sql).Equals(word, StringComparison.OrdinalIgnoreCase);

    public bool IsSymbol(string sql, char symbol) => Kind == SqlTokenKind.Symbol && Length == 1 && sql[Start] == symbol;
}
