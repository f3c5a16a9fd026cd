namespace BulkSafety.Probes;

/// <summary>
/// Splits a SQL text into tokens so that the keywords that shape a DELETE or UPDATE can be found without being fooled by
/// string literals, quoted identifiers, comments or parameters. It knows the lexical rules that SQLite and PostgreSQL
/// share, plus each one's own quoting (backticks and brackets; E-strings, dollar quoting, nested comments). It does not
/// judge the grammar: an unterminated literal or comment, or unbalanced parentheses, make the text unreadable
/// (<see langword="null"/>), and callers refuse to estimate it.
/// </summary>
internal static class SqlTokenizer
{
    /// <summary>The tokens of <paramref name="sql"/>, or <see langword="null"/> when it is not well formed.</summary>
    public static List<SqlToken>? Tokenize(string sql)
    {
        var tokens = new List<SqlToken>();
        var depth = 0;
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            int end;
            var kind = SqlTokenKind.Symbol;
            var tokenDepth = depth;
            if (c == '-' && Next(sql, i) == '-')
            {
                end = sql.IndexOf('\n', i);
                i = end < 0 ? sql.Length : end + 1;
                continue;
            }

            if (c == '/' && Next(sql, i) == '*')
            {
                if (BlockCommentEnd(sql, i) is not { } commentEnd)
                {
                    return null;
                }

                i = commentEnd;
                continue;
            }

            switch (c)
            {
                case '\'':
                    kind = SqlTokenKind.String;
                    end = QuotedEnd(sql, i, '\'', backslashEscapes: false);
                    break;
                case '"':
                    kind = SqlTokenKind.QuotedIdentifier;
                    end = QuotedEnd(sql, i, '"', backslashEscapes: false);
                    break;
                case '`':
                    kind = SqlTokenKind.QuotedIdentifier;
                    end = QuotedEnd(sql, i, '`', backslashEscapes: false);
                    break;
                case '[':
                    kind = SqlTokenKind.QuotedIdentifier;
                    end = sql.IndexOf(']', i + 1) is var close and >= 0 ? close + 1 : -1;
                    break;
                case '(':
                    depth++;
                    end = i + 1;
                    break;
                case ')':
                    if (--depth < 0)
                    {
                        return null;
                    }

                    tokenDepth = depth;
                    end = i + 1;
                    break;
                case '$' when char.IsAsciiDigit(Next(sql, i)):
                    kind = SqlTokenKind.Parameter;
                    end = WordEnd(sql, i + 1);
                    break;
                case '$':
                    kind = SqlTokenKind.String;
                    end = DollarQuotedEnd(sql, i);
                    break;
                case '@' or ':' when IsWordStart(Next(sql, i)) && !(c == ':' && i > 0 && sql[i - 1] == ':'):
                    kind = SqlTokenKind.Parameter;
                    end = WordEnd(sql, i + 1);
                    break;
                case '?':
                    kind = char.IsAsciiDigit(Next(sql, i)) ? SqlTokenKind.Parameter : SqlTokenKind.PositionalParameter;
                    end = kind == SqlTokenKind.Parameter ? WordEnd(sql, i + 1) : i + 1;
                    break;
                case '.' when char.IsAsciiDigit(Next(sql, i)):
                case >= '0' and <= '9':
                    kind = SqlTokenKind.Number;
                    end = NumberEnd(sql, i);
                    break;
                default:
                    if (IsWordStart(c))
                    {
                        end = WordEnd(sql, i);
                        // A one-letter prefix glued to a quote is a literal: E'..' (backslash escapes), X'..', B'..', N'..'.
                        if (end - i == 1 && end < sql.Length && sql[end] == '\'' && "EeXxBbNn".Contains(c, StringComparison.Ordinal))
                        {
                            kind = SqlTokenKind.String;
                            end = QuotedEnd(sql, end, '\'', backslashEscapes: c is 'E' or 'e');
                        }
                        else
                        {
                            kind = SqlTokenKind.Word;
                        }
                    }
                    else
                    {
                        end = i + 1;
                    }

                    break;
            }

            if (end < 0)
            {
                return null;
            }

            tokens.Add(new SqlToken(kind, i, end - i, tokenDepth));
            i = end;
        }

        return depth == 0 ? tokens : null;
    }

    private static char Next(string sql, int i) => i + 1 < sql.Length ? sql[i + 1] : '\0';

    private static bool IsWordStart(char c) => char.IsLetter(c) || c == '_';

    private static int WordEnd(string sql, int i)
    {
        while (i < sql.Length && (char.IsLetterOrDigit(sql[i]) || sql[i] is '_' or '$'))
        {
            i++;
        }

        return i;
    }

    private static int NumberEnd(string sql, int i)
    {
        while (i < sql.Length && (char.IsAsciiLetterOrDigit(sql[i]) || sql[i] == '.' || (sql[i] is '+' or '-' && sql[i - 1] is 'e' or 'E')))
        {
            i++;
        }

        return i;
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

    // PostgreSQL: $tag$ ... $tag$ (the tag may be empty). A '$' that opens no tag is a lone symbol.
    private static int DollarQuotedEnd(string sql, int open)
    {
        var tagEnd = open + 1;
        while (tagEnd < sql.Length && (char.IsLetterOrDigit(sql[tagEnd]) || sql[tagEnd] == '_'))
        {
            tagEnd++;
        }

        if (tagEnd >= sql.Length || sql[tagEnd] != '$')
        {
            return open + 1;
        }

        var tag = sql.AsSpan(open, tagEnd - open + 1);
        var close = sql.AsSpan(tagEnd + 1).IndexOf(tag, StringComparison.Ordinal);
        return close < 0 ? -1 : tagEnd + 1 + close + tag.Length;
    }

    // PostgreSQL nests block comments and SQLite does not, so a comment that opens another one reads differently in the
    // two: refused rather than guessed.
    private static int? BlockCommentEnd(string sql, int open)
    {
        var close = sql.IndexOf("*/", open + 2, StringComparison.Ordinal);
        if (close < 0 || sql.AsSpan(open + 2, close - open - 2).Contains("/*", StringComparison.Ordinal))
        {
            return null;
        }

        return close + 2;
    }
}
