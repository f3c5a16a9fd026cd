using System.Diagnostics;
using System.Diagnostics.Metrics;
using BulkSafety.Estimation;

namespace BulkSafety.Interception;

/// <summary>
/// The guard's instruments on the <c>BulkSafety</c> meter: created through the application's <see cref="IMeterFactory"/>
/// when <c>AddBulkSafety</c> registered the guard with a service provider that has one, else on a meter of the process
/// (<see cref="Default"/>).
/// </summary>
internal sealed class GuardMetrics
{
    /// <summary>The tag value under which a transaction's own bytes (begin/commit) are counted.</summary>
    public const string TransactionTable = "(transaction)";

    private readonly Counter<long> _estimatedBytes;
    private readonly Counter<long> _violations;
    private readonly Counter<long> _allowances;
    private readonly Histogram<double> _throttleWait;

    public GuardMetrics(IMeterFactory? factory)
    {
        var version = typeof(GuardMetrics).Assembly.GetName().Version?.ToString();
        var meter = factory?.Create(BulkSafetyInfo.Name, version) ?? new Meter(BulkSafetyInfo.Name, version);
        _estimatedBytes = meter.CreateCounter<long>(
            "bulksafety.estimated_bytes", "By", "Estimated replication-log bytes of committed units of work, by table and profile.");
        _violations = meter.CreateCounter<long>(
            "bulksafety.violations", "{violation}", "Units of work that exceeded a budget, by rule and what the guard did.");
        _allowances = meter.CreateCounter<long>(
            "bulksafety.allowances", "{unit_of_work}", "Units of work an explicit allowance let past a budget, by rule and reason.");
        _throttleWait = meter.CreateHistogram<double>(
            "bulksafety.throttle.wait", "s", "Time SaveChanges waited for room in the rolling window.");
    }

    /// <summary>The instruments of contexts guarded without a service provider.</summary>
    public static GuardMetrics Default { get; } = new(factory: null);

    public void Committed(UnitOfWorkEstimate estimate)
    {
        if (!_estimatedBytes.Enabled)
        {
            return;
        }

        var profile = estimate.Profile.Name;
        foreach (var table in estimate.Tables)
        {
            _estimatedBytes.Add(table.Bytes, new TagList { { "table", table.Table }, { "profile", profile } });
        }

        if (estimate.TransactionBytes > 0)
        {
            _estimatedBytes.Add(estimate.TransactionBytes, new TagList { { "table", TransactionTable }, { "profile", profile } });
        }
    }

    public void Violation(string ruleId, string action, string profile)
        => _violations.Add(1, new TagList { { "rule", ruleId }, { "action", action }, { "profile", profile } });

    public void Allowance(string ruleId, string reason)
        => _allowances.Add(1, new TagList { { "rule", ruleId }, { "reason", reason } });

    public void Throttled(TimeSpan wait, string ruleId)
        => _throttleWait.Record(wait.TotalSeconds, new TagList { { "rule", ruleId } });
}
