namespace BulkSafety.Sql;

/// <summary>How a name written in SQL compares with a name in the EF model, as the engine resolves it.</summary>
internal enum SqlNameMatch
{
    /// <summary>Exactly: a quoted PostgreSQL name.</summary>
    Exact,

    /// <summary>After folding ASCII letters to lower case: an unquoted PostgreSQL name.</summary>
    FoldedToLower,

    /// <summary>ASCII letters regardless of case: every SQLite name, quoted or not.</summary>
    IgnoreAsciiCase,
}

/// <summary>A table or column name as a SQL text wrote it (quotes removed) and how the engine compares it.</summary>
internal readonly record struct SqlName(string Value, SqlNameMatch Match)
{
    /// <summary>Whether the engine resolves this name to the model's <paramref name="name"/>.</summary>
    public bool Matches(string name) => Match switch
    {
        SqlNameMatch.Exact => string.Equals(Value, name, StringComparison.Ordinal),
        SqlNameMatch.FoldedToLower => string.Equals(FoldAscii(Value), name, StringComparison.Ordinal),
        _ => string.Equals(FoldAscii(Value), FoldAscii(name), StringComparison.Ordinal),
    };

    /// <summary>The name of an identifier token: quotes removed and doubled quotes undone.</summary>
    public static SqlName Of(string sql, SqlToken token, SqlLexicon lexicon)
    {
        var text = token.Text(sql);
        if (token.Kind != SqlTokenKind.QuotedIdentifier)
        {
            return new(text.ToString(), lexicon.QuotedNamesIgnoreCase ? SqlNameMatch.IgnoreAsciiCase : SqlNameMatch.FoldedToLower);
        }

        var match = lexicon.QuotedNamesIgnoreCase ? SqlNameMatch.IgnoreAsciiCase : SqlNameMatch.Exact;
        if (text.StartsWith("U&", StringComparison.OrdinalIgnoreCase))
        {
            // Unicode escapes inside the name are not decoded: such a name is compared as written, and so will not match.
            text = text[2..];
        }

        var inner = text[1..^1].ToString();
        return text[0] switch
        {
            '"' => new(inner.Replace("\"\"", "\"", StringComparison.Ordinal), match),
            '`' => new(inner.Replace("``", "`", StringComparison.Ordinal), match),
            _ => new(inner, match),
        };
    }

    /// <inheritdoc/>
    public override string ToString() => Value;

    private static string FoldAscii(string name) => string.Create(name.Length, name, static (span, source) =>
    {
        for (var i = 0; i < span.Length; i++)
        {
            var c = source[i];
            span[i] = char.IsAsciiLetterUpper(c) ? (char)(c + 32) : c;
        }
    });
}
