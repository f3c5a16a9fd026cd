using System.Text;
using BulkSafety.Estimation;
using BulkSafety.IntegrationTests.Workloads;

namespace BulkSafety.IntegrationTests.Calibration;

/// <summary>
/// The estimator's prediction for a catalog workload: each measured statement is described to the engine model as the
/// rows it changes (kind, stored values before and after, the columns it names, the byte length of its text), and each
/// statement is its own autocommit transaction, as the workload runs it. The model is fed exactly what an application
/// knows — the schema, the values, the SQL it sends — and nothing measured.
/// </summary>
internal static class CatalogPredictions
{
    /// <summary>The predicted log bytes of <paramref name="workload"/>'s measured statements under <paramref name="profile"/>.</summary>
    /// <param name="profile">The engine model.</param>
    /// <param name="workload">The workload.</param>
    public static long Predict(ReplicationProfile profile, Workload workload)
    {
        long total = 0;
        for (var i = 0; i < workload.Measured.Count; i++)
        {
            var statement = StatementBytes(profile, workload, i);
            total += statement + profile.EstimateTransactionOverhead(statement);
        }

        return total;
    }

    private static long StatementBytes(ReplicationProfile profile, Workload workload, int index)
    {
        int text = Encoding.UTF8.GetByteCount(workload.Measured[index]);
        var groups = CatalogTables.Groups(cascades: workload.Schema == IncidentWorkloads.CascadeSchema);
        var group = CatalogTables.GroupRow(workload.Text);
        var posts = CatalogTables.Posts;
        switch (workload.Shape)
        {
            case WorkloadShape.InsertGroup:
                return profile.EstimateRow(groups, RowChange.Insert(group, statementTextLength: text));
            case WorkloadShape.UpdateCounter:
                return profile.EstimateRow(groups, RowChange.Update(group, group, CatalogTables.Assigns(groups, "posts_count"), text));
            case WorkloadShape.TouchGroup:
                return profile.EstimateRow(groups, RowChange.Update(group, group, CatalogTables.Assigns(groups, "updated_at"), text));
            case WorkloadShape.NoOpUpdate:
                // MariaDB logs only rows whose values change (its "affected rows": none here); PostgreSQL writes a new row
                // version all the same.
                return profile.EstimateStatement(groups, RowChange.Update(group, group, CatalogTables.Assigns(groups, "posts_count"), text), ChangesUnchangedRows(profile) ? 1 : 0);
            case WorkloadShape.DeleteGroup:
            case WorkloadShape.CascadeDelete:
                return profile.EstimateRow(groups, RowChange.Delete(group, text))
                    + (groups.CascadeDeleteTables.Count == 0 ? 0
                        : profile.EstimateCascadedDeletes(posts, RowChange.Delete(CatalogTables.PostRow), CatalogTables.Children)
                            + profile.EstimateCascadedDeletes(CatalogTables.MembershipsTable, RowChange.Delete(CatalogTables.MembershipRow), CatalogTables.Memberships));
            case WorkloadShape.DeleteChild:
                return profile.EstimateRow(posts, RowChange.Delete(CatalogTables.PostRow, text));
            case WorkloadShape.DeleteNothing:
                return profile.EstimateStatement(posts, RowChange.Delete(CatalogTables.PostRow, text), 0);
            case WorkloadShape.PerChildLoop:
                // Per child: DELETE the post, decrement the counter, touch the group.
                return (index % 3) switch
                {
                    0 => profile.EstimateRow(posts, RowChange.Delete(CatalogTables.PostRow, text)),
                    1 => profile.EstimateRow(groups, RowChange.Update(group, group, CatalogTables.Assigns(groups, "posts_count"), text)),
                    _ => profile.EstimateRow(groups, RowChange.Update(group, group, CatalogTables.Assigns(groups, "updated_at"), text)),
                };
            case WorkloadShape.SetBased:
                return index == 0
                    ? profile.EstimateStatement(posts, RowChange.Delete(CatalogTables.PostRow, text), CatalogTables.Children)
                    : profile.EstimateRow(groups, RowChange.Update(group, group, CatalogTables.Assigns(groups, "posts_count", "updated_at"), text));
            default:
                throw new ArgumentOutOfRangeException(nameof(workload), workload.Shape, null);
        }
    }

    private static bool ChangesUnchangedRows(ReplicationProfile profile) => profile is not MySqlRowProfile;
}
