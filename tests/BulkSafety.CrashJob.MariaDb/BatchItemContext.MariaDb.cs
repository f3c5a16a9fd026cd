using Microsoft.EntityFrameworkCore;

namespace BulkSafety.CrashJob;

public sealed partial class BatchItemContext
{
    // What the test fixture runs (Debian 12's mariadb-server); fixed rather than detected, so no context needs a round trip
    // to build its model.
    private static readonly ServerVersion MariaDb = new MariaDbServerVersion(new Version(10, 11));

    public static partial DbContextOptionsBuilder<BatchItemContext> UseDatabase(DbContextOptionsBuilder<BatchItemContext> builder, string connectionString)
        => builder.UseMySql(connectionString, MariaDb);
}
