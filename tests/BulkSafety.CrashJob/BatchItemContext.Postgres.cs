using Microsoft.EntityFrameworkCore;

namespace BulkSafety.CrashJob;

public sealed partial class BatchItemContext
{
    public static partial DbContextOptionsBuilder<BatchItemContext> UseDatabase(DbContextOptionsBuilder<BatchItemContext> builder, string connectionString)
        => builder.UseNpgsql(connectionString);
}
