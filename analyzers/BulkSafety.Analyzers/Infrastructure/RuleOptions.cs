using System.Globalization;
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
        if (TryRead(config, "dotnet_code_quality." + ruleId + "." + optionName, out var value)
            || TryRead(config, "dotnet_code_quality." + optionName, out value))
        {
            return value;
        }

        return defaultValue;
    }

    private static bool TryRead(AnalyzerConfigOptions config, string key, out int value)
    {
        value = 0;
        return config.TryGetValue(key, out var text)
            && int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out value)
            && value >= 0;
    }
}
