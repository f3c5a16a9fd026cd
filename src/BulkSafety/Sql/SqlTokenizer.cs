namespace BulkSafety.Sql;

/// <summary>
/// Splits a SQL text into tokens by the lexical rules of one engine (<see cref="SqlLexicon"/>), so that the keywords
/// that shape a statement are found where the engine finds them, never inside a string literal, a quoted identifier, a
/// comment or an identifier the engine reads as one word. It does not judge the grammar. Text the engine would read in
/// a way this tokenizer does not model — an unterminated literal or comment, unbalanced parentheses, a control
/// character, a comment that nests where the engine does not — makes the whole text unreadable
/// (<see langword="null"/>), and callers refuse to estimate it.
/// </summary>
internal static class SqlTokenizer
{
    /// <summary>The tokens of <paramref name="sql"/> as <paramref name="lexicon"/>'s engine reads them, or <see langword="null"/>.</summary>
    public static List<SqlToken>? Tokenize(string sql, SqlLexicon lexicon)
    {
        var tokens = new List<SqlToken>();
        var depth = 0;
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (SqlLexicon.IsWhitespace(c))
            {
                i++;
                continue;
            }

            if (char.IsControl(c))
            {
                return null;
            }

            if (c == '-' && Next(sql, i) == '-')
            {
                i = LineCommentEnd(sql, i, lexicon);
                continue;
            }

            if (c == '/' && Next(sql, i) == '*')
            {
                if (BlockCommentEnd(sql, i, lexicon) is not { } commentEnd)
                {
                    return null;
                }

                i = commentEnd;
                continue;
            }

            var tokenDepth = depth;
            var (kind, end) = ReadToken(sql, i, lexicon);
            if (end < 0)
            {
                return null;
            }

            if (kind == SqlTokenKind.Symbol && c == '(')
            {
                depth++;
            }
            else if (kind == SqlTokenKind.Symbol && c == ')')
            {
                if (--depth < 0)
                {
                    return null;
                }

                tokenDepth = depth;
            }

            tokens.Add(new SqlToken(kind, i, end - i, tokenDepth));
            i = end;
        }

        return depth == 0 ? tokens : null;
    }

    // The kind and end of the token that starts at i; -1 when it does not end.
    private static (SqlTokenKind Kind, int End) ReadToken(string sql, int i, SqlLexicon lexicon)
    {
        var c = sql[i];
        switch (c)
        {
            case '\'':
                return (SqlTokenKind.String, QuotedEnd(sql, i, '\'', backslashEscapes: false));
            case '"':
                return (SqlTokenKind.QuotedIdentifier, QuotedEnd(sql, i, '"', backslashEscapes: false));
            case '`' when lexicon.BracketAndBacktickIdentifiers:
                return (SqlTokenKind.QuotedIdentifier, QuotedEnd(sql, i, '`', backslashEscapes: false));
            case '[' when lexicon.BracketAndBacktickIdentifiers:
                return (SqlTokenKind.QuotedIdentifier, sql.IndexOf(']', i + 1) is var close and >= 0 ? close + 1 : -1);
            case '$' when char.IsAsciiDigit(Next(sql, i)):
                return (SqlTokenKind.Parameter, DigitsEnd(sql, i + 1));
            case '$' when lexicon.DollarNamedParameters:
                return SqliteDollarParameter(sql, i);
            case '$' when lexicon.PostgresStrings:
                return DollarQuotedEnd(sql, i) is var dollarEnd and > 0 ? (SqlTokenKind.String, dollarEnd) : (SqlTokenKind.Symbol, i + 1);
            case '@' or ':' when SqlLexicon.IsIdentifierStart(Next(sql, i)) && !(c == ':' && i > 0 && sql[i - 1] == ':'):
                return (SqlTokenKind.Parameter, WordEnd(sql, i + 1));
            case '?' when lexicon.QuestionMarkParameters:
                return char.IsAsciiDigit(Next(sql, i)) ? (SqlTokenKind.Parameter, DigitsEnd(sql, i + 1)) : (SqlTokenKind.PositionalParameter, i + 1);
            case '.' when char.IsAsciiDigit(Next(sql, i)):
            case >= '0' and <= '9':
                return (SqlTokenKind.Number, NumberEnd(sql, i));
        }

        if (!SqlLexicon.IsIdentifierStart(c))
        {
            return (SqlTokenKind.Symbol, i + 1);
        }

        var end = WordEnd(sql, i);
        if (end < sql.Length && PrefixedLiteral(sql, i, end, lexicon) is { } literal)
        {
            return literal;
        }

        return (SqlTokenKind.Word, end);
    }

    // A one-letter prefix glued to a quote: X'…' (both engines); PostgreSQL also E'…' (backslash escapes), B'…', N'…',
    // and U&'…' / U&"…".
    private static (SqlTokenKind Kind, int End)? PrefixedLiteral(string sql, int start, int wordEnd, SqlLexicon lexicon)
    {
        var prefix = char.ToUpperInvariant(sql[start]);
        var next = sql[wordEnd];
        if (wordEnd - start != 1)
        {
            return null;
        }

        if (next == '\'' && (prefix == 'X' || (lexicon.PostgresStrings && prefix is 'E' or 'B' or 'N')))
        {
            return (SqlTokenKind.String, QuotedEnd(sql, wordEnd, '\'', backslashEscapes: prefix == 'E'));
        }

        if (lexicon.PostgresStrings && prefix == 'U' && next == '&' && wordEnd + 1 < sql.Length && sql[wordEnd + 1] is '\'' or '"')
        {
            var quote = sql[wordEnd + 1];
            return (quote == '\'' ? SqlTokenKind.String : SqlTokenKind.QuotedIdentifier, QuotedEnd(sql, wordEnd + 1, quote, backslashEscapes: false));
        }

        return null;
    }

    private static char Next(string sql, int i) => i + 1 < sql.Length ? sql[i + 1] : '\0';

    private static int WordEnd(string sql, int i)
    {
        while (i < sql.Length && SqlLexicon.IsIdentifierPart(sql[i]))
        {
            i++;
        }

        return i;
    }

    private static int DigitsEnd(string sql, int i)
    {
        while (i < sql.Length && char.IsAsciiDigit(sql[i]))
        {
            i++;
        }

        return i;
    }

    private static int NumberEnd(string sql, int i)
    {
        while (i < sql.Length && (char.IsAsciiLetterOrDigit(sql[i]) || sql[i] is '.' or '_' || (sql[i] is '+' or '-' && sql[i - 1] is 'e' or 'E')))
        {
            i++;
        }

        return i;
    }

    // SQLite's TCL-style $name may continue with ::name segments and a (…) suffix, which this reader does not follow.
    private static (SqlTokenKind Kind, int End) SqliteDollarParameter(string sql, int i)
    {
        if (!SqlLexicon.IsIdentifierStart(Next(sql, i)))
        {
            return (SqlTokenKind.Symbol, i + 1);
        }

        var end = WordEnd(sql, i + 1);
        return end < sql.Length && sql[end] is ':' or '(' ? (SqlTokenKind.Parameter, -1) : (SqlTokenKind.Parameter, end);
    }

    // The position after the closing quote; a doubled quote is part of the text. -1 when unterminated.
    private static int QuotedEnd(string sql, int open, char quote, bool backslashEscapes)
    {
        for (var i = open + 1; i < sql.Length; i++)
        {
            if (backslashEscapes && sql[i] == '\\')
            {
                i++;
            }
            else if (sql[i] == quote)
            {
                if (i + 1 < sql.Length && sql[i + 1] == quote)
                {
                    i++;
                }
                else
                {
                    return i + 1;
                }
            }
        }

        return -1;
    }

    // PostgreSQL: $tag$ ... $tag$, the tag empty or an identifier without '$'; -1 when unterminated, 0 when no tag opens.
    private static int DollarQuotedEnd(string sql, int open)
    {
        var tagEnd = open + 1;
        if (tagEnd < sql.Length && SqlLexicon.IsIdentifierStart(sql[tagEnd]))
        {
            while (tagEnd < sql.Length && SqlLexicon.IsIdentifierPart(sql[tagEnd]) && sql[tagEnd] != '$')
            {
                tagEnd++;
            }
        }

        if (tagEnd >= sql.Length || sql[tagEnd] != '$')
        {
            return 0;
        }

        var tag = sql.AsSpan(open, tagEnd - open + 1);
        var close = sql.AsSpan(tagEnd + 1).IndexOf(tag, StringComparison.Ordinal);
        return close < 0 ? -1 : tagEnd + 1 + close + tag.Length;
    }

    private static int LineCommentEnd(string sql, int open, SqlLexicon lexicon)
    {
        var end = lexicon.LineCommentEndsAtCarriageReturn ? sql.AsSpan(open).IndexOfAny('\n', '\r') : sql.AsSpan(open).IndexOf('\n');
        return end < 0 ? sql.Length : open + end + 1;
    }

    // PostgreSQL nests block comments; SQLite does not. A comment that never closes is refused on both (SQLite would
    // read it to the end of the text, PostgreSQL would fail).
    private static int? BlockCommentEnd(string sql, int open, SqlLexicon lexicon)
    {
        var depth = 0;
        for (var i = open; i + 1 < sql.Length; i++)
        {
            if (sql[i] == '/' && sql[i + 1] == '*' && (depth == 0 || lexicon.NestedBlockComments))
            {
                depth++;
                i++;
            }
            else if (sql[i] == '*' && sql[i + 1] == '/')
            {
                if (--depth == 0)
                {
                    return i + 2;
                }

                i++;
            }
        }

        return null;
    }
}
