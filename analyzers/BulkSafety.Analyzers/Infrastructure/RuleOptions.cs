using System;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace BulkSafety.Analyzers.Infrastructure;

/// <summary>
/// Reads rule options from <c>.editorconfig</c>, per syntax tree, with the .NET key scheme:
/// <c>dotnet_code_quality.BS1001.small_set_max = 500</c> for one rule, or
/// <c>dotnet_code_quality.small_set_max = 500</c> for every rule that reads that option.
/// The rule-specific key wins. Malformed values fall back to the default.
/// </summary>
internal static class RuleOptions
{
    public static int GetInt32(AnalyzerOptions options, SyntaxTree tree, string ruleId, string optionName, int defaultValue)
        => TryGet<int>(options, tree, ruleId, optionName, TryParseCount, out var value) ? value : defaultValue;

    /// <summary><c>true</c> or <c>false</c> (any case); anything else, or nothing, gives <paramref name="defaultValue"/>.</summary>
    public static bool GetBoolean(AnalyzerOptions options, SyntaxTree tree, string ruleId, string optionName, bool defaultValue)
        => TryGet<bool>(options, tree, ruleId, optionName, bool.TryParse, out var value) ? value : defaultValue;

    /// <summary>A comma-separated list (<c>IUnitOfWork.CommitAsync, MyRepo.Save</c>), its entries trimmed; empty when unset.</summary>
    public static ImmutableArray<string> GetList(AnalyzerOptions options, SyntaxTree tree, string ruleId, string optionName)
        => TryGet<ImmutableArray<string>>(options, tree, ruleId, optionName, TryParseList, out var value) ? value : ImmutableArray<string>.Empty;

    /// <summary>
    /// Whether a <c>Type.Member</c> entry of <paramref name="entries"/> names <paramref name="member"/>: the member's name
    /// after the last dot, and before it the declaring type's simple name or its full name (<c>App.Data.IUnitOfWork</c>).
    /// </summary>
    public static bool NamesMember(ImmutableArray<string> entries, ISymbol member)
    {
        foreach (var entry in entries)
        {
            var dot = entry.LastIndexOf('.');
            if (dot > 0 && string.Equals(entry.Substring(dot + 1), member.Name, StringComparison.Ordinal) && member.ContainingType is { } type)
            {
                var typeName = entry.Substring(0, dot);
                if (string.Equals(typeName, type.Name, StringComparison.Ordinal)
                    || string.Equals(typeName, type.OriginalDefinition.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat.WithGenericsOptions(SymbolDisplayGenericsOptions.None)), StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private delegate bool TryParse<T>(string text, out T value);

    // The rule's key first, then the shared one; a value that does not parse is passed over like an absent one.
    private static bool TryGet<T>(AnalyzerOptions options, SyntaxTree tree, string ruleId, string optionName, TryParse<T> parse, out T value)
    {
        var config = options.AnalyzerConfigOptionsProvider.GetOptions(tree);
        foreach (var key in new[] { "dotnet_code_quality." + ruleId + "." + optionName, "dotnet_code_quality." + optionName })
        {
            if (config.TryGetValue(key, out var text) && parse(text.Trim(), out value))
            {
                return true;
            }
        }

        value = default!;
        return false;
    }

    private static bool TryParseCount(string text, out int value)
        => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value) && value >= 0;

    private static bool TryParseList(string text, out ImmutableArray<string> value)
    {
        value = text.Split(',').Select(e => e.Trim()).Where(e => e.Length > 0).ToImmutableArray();
        return true;
    }
}
