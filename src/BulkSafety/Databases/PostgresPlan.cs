using System.Text.Json;

namespace BulkSafety.Databases;

/// <summary>
/// What PostgreSQL's <c>EXPLAIN (VERBOSE, FORMAT JSON)</c> says about a statement, reduced to what a counting query must
/// share with the DELETE or UPDATE it counts for: the target relation (the ModifyTable node's), the rows the planner
/// expects it to change, the relations scanned (with their aliases) and every condition the plan evaluates — filters,
/// index, join and recheck conditions, normalised so that the same predicate planned as an index condition in one
/// plan and as a filter in the other, or a join condition written either way round, compares equal.
/// </summary>
internal sealed class PostgresPlan
{
    private static readonly string[] ConditionKeys = ["Filter", "Index Cond", "Recheck Cond", "Hash Cond", "Merge Cond", "Join Filter", "TID Cond", "One-Time Filter"];

    private PostgresPlan()
    {
    }

    /// <summary>The ModifyTable node's relation as <c>schema.name</c>; <see langword="null"/> for a plan without one (a SELECT).</summary>
    public string? Target { get; private set; }

    /// <summary>The rows the ModifyTable node's input is expected to produce: the rows the statement changes.</summary>
    public double? ModifiedRows { get; private set; }

    /// <summary>Each relation scanned, as <c>schema.name AS alias</c>.</summary>
    public HashSet<string> Relations { get; } = new(StringComparer.Ordinal);

    /// <summary>Each condition evaluated, normalised.</summary>
    public HashSet<string> Conditions { get; } = new(StringComparer.Ordinal);

    public static PostgresPlan Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var plan = new PostgresPlan();
        plan.Visit(document.RootElement[0].GetProperty("Plan"));
        return plan;
    }

    /// <summary>How <paramref name="counting"/> differs from this statement's plan, or <see langword="null"/> when it reads the same.</summary>
    public string? DifferenceFrom(PostgresPlan counting)
    {
        if (!Relations.SetEquals(counting.Relations))
        {
            return $"it scans {Describe(Relations)} for the statement and {Describe(counting.Relations)} for the probe";
        }

        return Conditions.SetEquals(counting.Conditions)
            ? null
            : $"its conditions are {Describe(Conditions)} for the statement and {Describe(counting.Conditions)} for the probe";
    }

    private void Visit(JsonElement node)
    {
        var children = node.TryGetProperty("Plans", out var plans) && plans.ValueKind == JsonValueKind.Array ? plans : default;
        if (node.GetProperty("Node Type").GetString() == "ModifyTable")
        {
            Target ??= $"{node.GetProperty("Schema").GetString()}.{node.GetProperty("Relation Name").GetString()}";
            if (children.ValueKind == JsonValueKind.Array && children.GetArrayLength() > 0)
            {
                ModifiedRows ??= children[0].GetProperty("Plan Rows").GetDouble();
            }
        }
        else if (node.TryGetProperty("Relation Name", out var relation))
        {
            var schema = node.TryGetProperty("Schema", out var s) ? s.GetString() : null;
            var alias = node.TryGetProperty("Alias", out var a) ? a.GetString() : null;
            Relations.Add($"{schema}.{relation.GetString()} AS {alias}");
        }

        foreach (var key in ConditionKeys)
        {
            if (node.TryGetProperty(key, out var condition) && condition.GetString() is { } text)
            {
                Conditions.Add(Normalize(text));
            }
        }

        if (children.ValueKind == JsonValueKind.Array)
        {
            foreach (var child in children.EnumerateArray())
            {
                Visit(child);
            }
        }
    }

    // "(a = b)" and "(b = a)" are one condition.
    private static string Normalize(string condition)
    {
        var text = condition.Trim();
        if (text.StartsWith('(') && text.EndsWith(')') && text[1..^1].Split(" = ") is [var left, var right]
            && !left.Contains(' ', StringComparison.Ordinal) && !right.Contains(' ', StringComparison.Ordinal))
        {
            return string.CompareOrdinal(left, right) <= 0 ? $"({left} = {right})" : $"({right} = {left})";
        }

        return text;
    }

    private static string Describe(HashSet<string> items) => items.Count == 0 ? "none" : string.Join("; ", items.Order(StringComparer.Ordinal));
}
