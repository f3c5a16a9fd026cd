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
    {
        var config = options.AnalyzerConfigOptionsProvider.GetOptions(tree);
        return TryRead(config, "dotnet_code_quality." + ruleId + "." + optionName, out var value)
            || TryRead(config, "dotnet_code_quality." + optionName, out value)
                ? value
                : defaultValue;
    }

    /// <summary><c>true</c> or <c>false</c> (any case); anything else, or nothing, gives <paramref name="defaultValue"/>.</summary>
    public static bool GetBoolean(AnalyzerOptions options, SyntaxTree tree, string ruleId, string optionName, bool defaultValue)
    {
        var config = options.AnalyzerConfigOptionsProvider.GetOptions(tree);
        foreach (var key in new[] { "dotnet_code_quality." + ruleId + "." + optionName, "dotnet_code_quality." + optionName })
        {
            if (config.TryGetValue(key, out var text) && bool.TryParse(text.Trim(), out var value))
            {
                return value;
            }
        }

        return defaultValue;
    }

    /// <summary>A comma-separated list (<c>IUnitOfWork.CommitAsync, MyRepo.Save</c>), its entries trimmed; empty when unset.</summary>
    public static ImmutableArray<string> GetList(AnalyzerOptions options, SyntaxTree tree, string ruleId, string optionName)
        => TryGetText(options, tree, ruleId, optionName) is { } text
            ? text.Split(',').Select(e => e.Trim()).Where(e => e.Length > 0).ToImmutableArray()
            : ImmutableArray<string>.Empty;

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

    private static bool TryRead(AnalyzerConfigOptions config, string key, out int value)
    {
        value = 0;
        return config.TryGetValue(key, out var text)
            && int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out value)
            && value >= 0;
    }

    // The rule's key first, then the shared one; null when neither is set.
    private static string? TryGetText(AnalyzerOptions options, SyntaxTree tree, string ruleId, string optionName)
    {
        var config = options.AnalyzerConfigOptionsProvider.GetOptions(tree);
        return config.TryGetValue("dotnet_code_quality." + ruleId + "." + optionName, out var text)
            || config.TryGetValue("dotnet_code_quality." + optionName, out text)
                ? text
                : null;
    }
}
