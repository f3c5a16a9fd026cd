using System.Diagnostics;
using System.Diagnostics.Metrics;
using BulkSafety.Estimation;

namespace BulkSafety.Interception;

/// <summary>The guard's instruments on the <c>BulkSafety</c> meter.</summary>
internal static class GuardMetrics
{
    private static readonly Meter Meter = new(BulkSafetyInfo.Name, typeof(GuardMetrics).Assembly.GetName().Version?.ToString());

    private static readonly Counter<long> EstimatedBytes = Meter.CreateCounter<long>(
        "bulksafety.estimated_bytes", "By", "Estimated replication-log bytes of committed units of work, by table and profile.");

    private static readonly Counter<long> Violations = Meter.CreateCounter<long>(
        "bulksafety.violations", "{violation}", "Units of work that exceeded a budget, by rule and what the guard did.");

    private static readonly Counter<long> Allowances = Meter.CreateCounter<long>(
        "bulksafety.allowances", "{unit_of_work}", "Units of work an explicit allowance let past a budget, by rule and reason.");

    private static readonly Histogram<double> ThrottleWait = Meter.CreateHistogram<double>(
        "bulksafety.throttle.wait", "s", "Time SaveChanges waited for room in the rolling window.");

    /// <summary>The tag value under which a transaction's own bytes (begin/commit) are counted.</summary>
    public const string TransactionTable = "(transaction)";

    public static void Committed(UnitOfWorkEstimate estimate)
    {
        if (!EstimatedBytes.Enabled)
        {
            return;
        }

        var profile = estimate.Profile.Name;
        foreach (var table in estimate.Tables)
        {
            EstimatedBytes.Add(table.Bytes, new TagList { { "table", table.Table }, { "profile", profile } });
        }

        if (estimate.TransactionBytes > 0)
        {
            EstimatedBytes.Add(estimate.TransactionBytes, new TagList { { "table", TransactionTable }, { "profile", profile } });
        }
    }

    public static void Violation(string ruleId, string action, string profile)
        => Violations.Add(1, new TagList { { "rule", ruleId }, { "action", action }, { "profile", profile } });

    public static void Allowance(string ruleId, string reason)
        => Allowances.Add(1, new TagList { { "rule", ruleId }, { "reason", reason } });

    public static void Throttled(TimeSpan wait, string ruleId)
        => ThrottleWait.Record(wait.TotalSeconds, new TagList { { "rule", ruleId } });
}
