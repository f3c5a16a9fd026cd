using System.Data;
using System.Data.Common;
using BulkSafety.Budgets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace BulkSafety.Databases;

/// <summary>
/// The row counts of a context's own database (<see cref="TableRowCountProbe"/>), asked on the context's connection and
/// inside its current transaction. The guard asks only when the rows a unit of work updates or deletes could exceed
/// <see cref="BulkSafetyOptions.MaxTableFraction"/> of a table of <see cref="BulkSafetyOptions.MinTableRowsForFraction"/>
/// rows, so ordinary SaveChanges never probe. A database the probes do not know, a table outside the EF model, or a
/// failing probe give no count (the budget then does not apply).
/// </summary>
internal sealed class DatabaseTableRowCounts(DbContext context) : ITableRowCounts
{
    public long? RowCount(string table)
    {
        var database = context.Database;
        var connection = database.GetDbConnection();
        if (DatabaseDialect.Detect(database.ProviderName, connection) is not { } dialect
            || context.Model.GetRelationalModel().Tables.FirstOrDefault(t => t.SchemaQualifiedName == table) is not { } mapped)
        {
            return null;
        }

        var opened = connection.State != ConnectionState.Open;
        try
        {
            if (opened)
            {
                database.OpenConnection();
            }

            var scope = dialect.OpenProbeScopeAsync(connection, database.CurrentTransaction?.GetDbTransaction(), database.GetCommandTimeout(), async: false, CancellationToken.None).GetAwaiter().GetResult();
            try
            {
                return TableRowCountProbe.CountAsync(scope, mapped.Schema, mapped.Name, async: false, CancellationToken.None).GetAwaiter().GetResult()?.Rows;
            }
            finally
            {
                scope.CloseAsync(async: false).GetAwaiter().GetResult();
            }
        }
        catch (Exception exception) when (exception is DbException or ProbeRefusedException)
        {
            return null;
        }
        finally
        {
            if (opened)
            {
                database.CloseConnection();
            }
        }
    }
}
