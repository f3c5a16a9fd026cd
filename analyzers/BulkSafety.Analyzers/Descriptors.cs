using Microsoft.CodeAnalysis;

namespace BulkSafety.Analyzers;

/// <summary>Every rule's descriptor, built through one factory so that help links and defaults stay uniform.</summary>
public static class Descriptors
{
    /// <summary>
    /// Where the rule pages live (the <c>BulkSafetyDocsBaseUrl</c> MSBuild property followed by <c>docs/rules/</c>);
    /// a rule's help link is this base followed by <c>ID.md</c>.
    /// </summary>
    public const string HelpLinkBase = DocsLocation.RulePages;

    public static class Categories
    {
        public const string BulkWrites = "BulkSafety.BulkWrites";
        public const string WriteAmplification = "BulkSafety.WriteAmplification";
        public const string Schema = "BulkSafety.Schema";
    }

    public static readonly DiagnosticDescriptor PerEntityDeleteLoop = Create(
        DiagnosticIds.PerEntityDeleteLoop,
        "Per-entity delete loop over a large set",
        "'{0}' deletes {1} entities one at a time over {2}. Delete in bounded batches, or with one set-based ExecuteDelete on the query.",
        Categories.BulkWrites,
        DiagnosticSeverity.Warning,
        "Deleting entities one by one from a large or unbounded set issues one DELETE per row and, with row-based replication, logs every row image separately; cascades and counter caches multiply that. A set-based or batched delete costs a fraction of the statements and the replication log.");

    public static readonly DiagnosticDescriptor SaveChangesInLoop = Create(
        DiagnosticIds.SaveChangesInLoop,
        "SaveChanges inside a loop that changes entities",
        "'{0}' runs once per iteration of a loop over {1} that changes {2} entities: one transaction per entity. Save once after the loop, or once per bounded batch.",
        Categories.BulkWrites,
        DiagnosticSeverity.Warning,
        "Each SaveChanges is its own transaction with its own commit, log flush and per-transaction replication events. Inside a loop over many entities this multiplies round trips and log volume; saving once (or once per bounded batch) commits the same changes with a fraction of the overhead.");

    public static readonly DiagnosticDescriptor PerEntityUpdateLoop = Create(
        DiagnosticIds.PerEntityUpdateLoop,
        "Per-entity update loop over a large set",
        "This loop loads every {0} of {1} only to assign columns. Update them with one set-based ExecuteUpdate.",
        Categories.BulkWrites,
        DiagnosticSeverity.Info,
        "Loading every entity of a large set to assign a few columns materializes the whole set and sends one UPDATE per row. A set-based update does the same work in the database without loading anything.");

    public static readonly DiagnosticDescriptor CascadeWriteAmplification = Create(
        DiagnosticIds.CascadeWriteAmplification,
        "Cascade delete rewrites the principal once per dependent",
        "Deleting a {0} deletes its {1} one by one and each {2} rewrites {0} ({3}): up to {4} writes of one {5}. Skip the bookkeeping for a {0} that is being deleted, or delete its {1} set-based first.",
        Categories.WriteAmplification,
        DiagnosticSeverity.Warning,
        "When dependents are deleted one by one and each one decrements a counter cache or touches a timestamp on its principal, deleting one principal rewrites the principal's row 2N+1 times. Under row-based replication every rewrite logs the whole row twice (before and after image), so a wide principal turns a cleanup into gigabytes of binlog.");

    public static readonly DiagnosticDescriptor ParentRewrittenPerChild = Create(
        DiagnosticIds.ParentRewrittenPerChild,
        "Parent row persisted once per child",
        "'{0}' writes {1} once per {2} of this loop: N rewrites of one row. Change {1} once and write it after the loop.",
        Categories.WriteAmplification,
        DiagnosticSeverity.Warning,
        "Persisting the parent inside a loop over its children writes the parent's row once per child. Compute the counter and timestamp once and write the parent once after the loop.");

    public static readonly DiagnosticDescriptor UnboundedColumnOnHotRow = Create(
        DiagnosticIds.UnboundedColumnOnHotRow,
        "Unbounded text or binary column on a frequently rewritten row",
        "'{0}' is an unbounded column ({1}) on a row that is rewritten often ({2}): every rewrite copies the whole value into the replication log. Give it a maximum length, e.g. {3}.",
        Categories.Schema,
        DiagnosticSeverity.Warning,
        "Every rewrite of a row copies all of its columns into a row-based binlog, unbounded text included. On an entity that carries counter caches or touched timestamps the row is rewritten often, so an unbounded column multiplies the replication volume of every small change. Encode the expected size with a maximum length.");

    public static readonly DiagnosticDescriptor UnboundedColumn = Create(
        DiagnosticIds.UnboundedColumn,
        "Unbounded text or binary column",
        "'{0}' is an unbounded column ({1}). Encode the expected size with a maximum length, e.g. {2}.",
        Categories.Schema,
        DiagnosticSeverity.Info,
        "A string or byte[] property without a maximum length maps to an unbounded column (nvarchar(max), text, longtext). Encode the expected size so that the database, the replication log and every reader can rely on it.");

    private static DiagnosticDescriptor Create(
        string id, string title, string messageFormat, string category, DiagnosticSeverity severity, string description)
        => new(id, title, messageFormat, category, severity, isEnabledByDefault: true, description, HelpLinkBase + id + ".md");
}
