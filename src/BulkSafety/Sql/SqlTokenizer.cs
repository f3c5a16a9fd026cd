namespace BulkSafety.Sql;

/// <summary>
/// Splits a SQL text into tokens by the lexical rules of one engine (<see cref="SqlLexicon"/>), so that the keywords
/// that shape a statement are found where the engine finds them, never inside a string literal, a quoted identifier, a
/// comment or an identifier the engine reads as one word. It does not judge the grammar. Text the engine would read in
/// a way this tokenizer does not model — an unterminated literal or comment, unbalanced parentheses, a control
/// character, a comment that nests where the engine does not, a MySQL comment whose content the server runs — makes the
/// whole text unreadable
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
            if (lexicon.IsWhitespace(c))
            {
                i++;
                continue;
            }

            if (char.IsControl(c))
            {
                return null;
            }

            if (IsLineComment(sql, i, lexicon))
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
            case '\'' when lexicon.IsMySql:
                return (SqlTokenKind.String, QuotedEnd(sql, i, '\'', MySqlBackslashEscapes(lexicon)));
            case '"' when lexicon.MySqlModes is { AnsiQuotes: false }:
                return (SqlTokenKind.String, QuotedEnd(sql, i, '"', MySqlBackslashEscapes(lexicon)));
            case '\'':
                return (SqlTokenKind.String, QuotedEnd(sql, i, '\'', backslashEscapes: false));
            case '"':
                return (SqlTokenKind.QuotedIdentifier, QuotedEnd(sql, i, '"', backslashEscapes: false));
            case '`' when lexicon.BacktickIdentifiers:
                return (SqlTokenKind.QuotedIdentifier, QuotedEnd(sql, i, '`', backslashEscapes: false));
            case '[' when lexicon.BracketAndBacktickIdentifiers:
                return (SqlTokenKind.QuotedIdentifier, sql.IndexOf(']', i + 1) is var close and >= 0 ? close + 1 : -1);
            case '$' or (>= '0' and <= '9') when lexicon.IsMySql:
            case '.' when lexicon.IsMySql && char.IsAsciiDigit(Next(sql, i)):
                return MySqlWordOrNumber(sql, i);
            case '$' when char.IsAsciiDigit(Next(sql, i)):
                return (SqlTokenKind.Parameter, DigitsEnd(sql, i + 1));
            case '$' when lexicon.DollarNamedParameters:
                return SqliteDollarParameter(sql, i);
            case '$' when lexicon.PostgresStrings:
                return DollarQuotedEnd(sql, i) is var dollarEnd and > 0 ? (SqlTokenKind.String, dollarEnd) : (SqlTokenKind.Symbol, i + 1);
            case '@' or ':' when SqlLexicon.IsIdentifierStart(Next(sql, i)) && !(c == ':' && (lexicon.IsMySql || (i > 0 && sql[i - 1] == ':'))):
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

    // A one-letter prefix glued to a quote: X'…' (every engine); PostgreSQL also E'…' (backslash escapes), B'…', N'…',
    // and U&'…' / U&"…"; MySQL B'…' and N'…' (a string like any other).
    private static (SqlTokenKind Kind, int End)? PrefixedLiteral(string sql, int start, int wordEnd, SqlLexicon lexicon)
    {
        var prefix = char.ToUpperInvariant(sql[start]);
        var next = sql[wordEnd];
        if (wordEnd - start != 1)
        {
            return null;
        }

        if (lexicon.IsMySql && next == '\'' && prefix is 'X' or 'B' or 'N')
        {
            return (SqlTokenKind.String, QuotedEnd(sql, wordEnd, '\'', backslashEscapes: prefix == 'N' && MySqlBackslashEscapes(lexicon)));
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

    private static bool MySqlBackslashEscapes(SqlLexicon lexicon) => lexicon.MySqlModes is { NoBackslashEscapes: false };

    // MySQL reads an unquoted name that starts with a digit or '$' as an identifier unless it is a number (12, 1.5, 1., .5,
    // 1e-3, 0x1F, 0b101): a run of identifier characters is one token either way; a number goes on through a decimal
    // point and a signed exponent.
    private static (SqlTokenKind Kind, int End) MySqlWordOrNumber(string sql, int i)
    {
        var end = sql[i] == '.' ? i : WordEnd(sql, i);
        if (sql[i] == '$')
        {
            return (SqlTokenKind.Word, end);
        }

        var digits = DigitsEnd(sql, i);
        if (digits == end && end < sql.Length && sql[end] == '.')
        {
            end = DigitsEnd(sql, end + 1);
            digits = end;
            if (end < sql.Length && sql[end] is 'e' or 'E')
            {
                end = WordEnd(sql, end);
            }
        }

        if (end < sql.Length && sql[end] is '+' or '-' && sql[end - 1] is 'e' or 'E' && end - 1 == digits && char.IsAsciiDigit(Next(sql, end)))
        {
            end = DigitsEnd(sql, end + 1);
        }

        var text = sql.AsSpan(i, end - i);
        return (IsMySqlNumber(text) ? SqlTokenKind.Number : SqlTokenKind.Word, end);
    }

    private static bool IsMySqlNumber(ReadOnlySpan<char> text)
    {
        if (text.Length > 2 && text[0] == '0' && text[1] is 'x' or 'b')
        {
            return !text[2..].ContainsAnyExcept(text[1] == 'x' ? "0123456789abcdefABCDEF" : "01");
        }

        var exponent = text.IndexOfAny('e', 'E');
        var mantissa = exponent < 0 ? text : text[..exponent];
        if (mantissa.ContainsAnyExcept("0123456789.") || mantissa.Count('.') > 1 || !mantissa.ContainsAnyInRange('0', '9'))
        {
            return false;
        }

        var power = exponent < 0 ? "0" : text[(exponent + 1)..].TrimStart("+-");
        return power.Length > 0 && !power.ContainsAnyExceptInRange('0', '9');
    }

    // '--' starts a comment on SQLite and PostgreSQL; on MySQL only when a space or an ASCII control character follows (or
    // the text ends: the server sees its terminating NUL), else it is two minus signs — a character above U+007F is the
    // first byte of an identifier to it. MySQL also reads '#' as a line comment.
    private static bool IsLineComment(string sql, int i, SqlLexicon lexicon)
        => lexicon.IsMySql
            ? sql[i] == '#' || (sql[i] == '-' && Next(sql, i) == '-' && (i + 2 == sql.Length || sql[i + 2] is <= ' ' or '\u007F'))
            : sql[i] == '-' && Next(sql, i) == '-';

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
    // read it to the end of the text, PostgreSQL would fail). MySQL runs the content of /*!…*/ and /*M!…*/, and /*+…*/
    // holds optimizer hints: refused, as is a comment that holds /* (MariaDB reads one level of nesting in places).
    private static int? BlockCommentEnd(string sql, int open, SqlLexicon lexicon)
    {
        if (lexicon.IsMySql)
        {
            var close = sql.IndexOf("*/", open + 2, StringComparison.Ordinal);
            var content = close < 0 ? "" : sql.AsSpan(open + 2, close - open - 2);
            return close < 0 || content.StartsWith("!") || content.StartsWith("M!") || content.StartsWith("+") || content.Contains("/*", StringComparison.Ordinal)
                ? null
                : close + 2;
        }

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
