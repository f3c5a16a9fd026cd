using System.Globalization;
using System.Text;

namespace BulkSafety.Testing.AdversarialSql;

/// <summary>SQL text made readable in test names and failure messages.</summary>
internal static class SqlText
{
    /// <summary>Every control character and every character from U+007F up as <c>\uXXXX</c>.</summary>
    public static string Escape(string sql)
    {
        var text = new StringBuilder(sql.Length);
        foreach (var c in sql)
        {
            if (c is < ' ' or >= '\u007F')
            {
                text.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }
}

/// <summary>
/// Generates the variants of a statement that attack how its text is split into tokens: every character some reader
/// might take for whitespace, and comments of every kind between every two tokens.
/// </summary>
internal static class SqlVariants
{
    /// <summary>The ASCII whitespace, the control characters near it, and every Unicode space and line separator.</summary>
    public static readonly IReadOnlyList<(string Name, string Text)> Separators =
    [
        ("space", " "), ("tab", "\t"), ("LF", "\n"), ("CR alone", "\r"), ("CRLF", "\r\n"), ("form feed", "\f"), ("vertical tab", "\v"),
        ("U+0085 next line", "\u0085"), ("U+00A0 no-break space", "\u00A0"), ("U+1680 ogham space", "\u1680"), ("U+180E mongolian vowel separator", "\u180E"),
        ("U+2000 en quad", "\u2000"), ("U+2001 em quad", "\u2001"), ("U+2002 en space", "\u2002"), ("U+2003 em space", "\u2003"),
        ("U+2004 three-per-em space", "\u2004"), ("U+2005 four-per-em space", "\u2005"), ("U+2006 six-per-em space", "\u2006"),
        ("U+2007 figure space", "\u2007"), ("U+2008 punctuation space", "\u2008"), ("U+2009 thin space", "\u2009"), ("U+200A hair space", "\u200A"),
        ("U+200B zero width space", "\u200B"), ("U+2028 line separator", "\u2028"), ("U+2029 paragraph separator", "\u2029"),
        ("U+202F narrow no-break space", "\u202F"), ("U+205F medium mathematical space", "\u205F"), ("U+3000 ideographic space", "\u3000"),
        ("U+FEFF byte order mark", "\uFEFF"),
    ];

    /// <summary>Comments as both engines write them; how each ends is where the engines differ.</summary>
    public static readonly IReadOnlyList<(string Name, string Text)> Comments =
    [
        ("empty block comment", "/**/"),
        ("block comment holding ; ' \" and --", "/* ; ' \" -- */"),
        ("line comment ending at LF", "-- c\n"),
        ("line comment ending at CR alone", "-- c\r"),
        ("nested block comment hiding OR true from a non-nesting reader", "/* a /* b */ OR true --*/"),
    ];

    /// <summary>
    /// The statement written as <paramref name="tokens"/> with each separator: once between every two tokens, and once
    /// only between <paramref name="gluedAfter"/> and the token after it (the others single spaces).
    /// </summary>
    public static IEnumerable<(string Title, string Sql)> WithSeparators(IReadOnlyList<string> tokens, int gluedAfter)
    {
        foreach (var (name, text) in Separators)
        {
            yield return ($"{name} between every two tokens", string.Join(text, tokens));
            yield return ($"{name} between '{tokens[gluedAfter]}' and '{tokens[gluedAfter + 1]}'", Join(tokens, gluedAfter, text));
        }
    }

    /// <summary>The statement written as <paramref name="tokens"/> with each comment in place of each separator, and before
    /// the first and after the last token.</summary>
    public static IEnumerable<(string Title, string Sql)> WithComments(IReadOnlyList<string> tokens)
    {
        foreach (var (name, text) in Comments)
        {
            yield return ($"{name} before '{tokens[0]}'", text + string.Join(' ', tokens));
            for (var gap = 0; gap < tokens.Count - 1; gap++)
            {
                yield return ($"{name} between '{tokens[gap]}' and '{tokens[gap + 1]}'", Join(tokens, gap, text));
            }

            yield return ($"{name} after '{tokens[^1]}'", string.Join(' ', tokens) + text);
        }
    }

    // The tokens joined by spaces, except after tokens[gap], where separator joins.
    private static string Join(IReadOnlyList<string> tokens, int gap, string separator)
        => string.Join(' ', tokens.Take(gap + 1)) + separator + string.Join(' ', tokens.Skip(gap + 1));
}
