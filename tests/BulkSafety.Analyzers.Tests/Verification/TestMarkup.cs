using Microsoft.CodeAnalysis.Text;

namespace BulkSafety.Analyzers.Tests.Verification;

/// <summary>A diagnostic a test expects: its ID (null = the rule under test) and its exact span in the clean source.</summary>
internal sealed record ExpectedDiagnostic(string? Id, TextSpan Span);

/// <summary>
/// Parses test markup: <c>[|text|]</c> expects a diagnostic of the rule under test on <c>text</c>;
/// <c>{|ID:text|}</c> expects diagnostic <c>ID</c> (a BulkSafety rule, or a compiler error such as CS1002 that the
/// test accepts). Markup nests. The clean source is the input with the markup removed.
/// </summary>
internal static class TestMarkup
{
    public static (string Source, IReadOnlyList<ExpectedDiagnostic> Expected) Parse(string markup)
    {
        var source = new System.Text.StringBuilder(markup.Length);
        var expected = new List<ExpectedDiagnostic>();
        var open = new Stack<(string? Id, int Start)>();
        for (var i = 0; i < markup.Length; i++)
        {
            if (Matches(markup, i, "[|"))
            {
                open.Push((null, source.Length));
                i++;
            }
            else if (markup[i] == '{' && i + 1 < markup.Length && markup[i + 1] == '|' && TryReadId(markup, i + 2, out var id, out var idEnd))
            {
                open.Push((id, source.Length));
                i = idEnd;
            }
            else if (Matches(markup, i, "|]") || Matches(markup, i, "|}"))
            {
                if (open.Count == 0)
                {
                    throw new FormatException($"Markup closes a span at offset {i} that was never opened.");
                }

                var (spanId, start) = open.Pop();
                if ((markup[i + 1] == ']') != (spanId is null))
                {
                    throw new FormatException($"Markup at offset {i} closes '{(spanId is null ? "[|" : "{|" + spanId + ":")}' with the wrong bracket.");
                }

                expected.Add(new ExpectedDiagnostic(spanId, TextSpan.FromBounds(start, source.Length)));
                i++;
            }
            else
            {
                source.Append(markup[i]);
            }
        }

        if (open.Count > 0)
        {
            throw new FormatException("Markup opens a span that is never closed.");
        }

        return (source.ToString(), expected);
    }

    private static bool Matches(string text, int index, string token)
        => string.CompareOrdinal(text, index, token, 0, token.Length) == 0;

    // {|ID:  where ID is letters and digits (BS1001, CS0103, AD0001).
    private static bool TryReadId(string text, int start, out string id, out int colonIndex)
    {
        var end = start;
        while (end < text.Length && char.IsLetterOrDigit(text[end]))
        {
            end++;
        }

        id = text.Substring(start, end - start);
        colonIndex = end;
        return end > start && end < text.Length && text[end] == ':';
    }
}
