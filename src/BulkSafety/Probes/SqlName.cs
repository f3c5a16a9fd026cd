namespace BulkSafety.Probes;

/// <summary>
/// A table or column name as a SQL text wrote it: the name itself (quotes removed) and whether it was quoted, which
/// decides how it compares — a quoted name exactly, an unquoted one regardless of case (SQLite ignores case; PostgreSQL
/// folds it, and EF's names are quoted anyway).
/// </summary>
internal readonly record struct SqlName(string Value, bool Quoted)
{
    public bool Matches(string name)
        => string.Equals(Value, name, Quoted ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase);

    /// <summary>The name of an identifier token: quotes removed and doubled quotes undone.</summary>
    public static SqlName Of(string sql, SqlToken token)
    {
        var text = token.Text(sql);
        if (token.Kind != SqlTokenKind.QuotedIdentifier)
        {
            return new(text.ToString(), Quoted: false);
        }

        var inner = text[1..^1].ToString();
        return text[0] switch
        {
            '"' => new(inner.Replace("\"\"", "\"", StringComparison.Ordinal), Quoted: true),
            '`' => new(inner.Replace("``", "`", StringComparison.Ordinal), Quoted: true),
            _ => new(inner, Quoted: true),
        };
    }

    /// <inheritdoc/>
    public override string ToString() => Value;
}
