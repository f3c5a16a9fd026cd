using BulkSafety.IntegrationTests.MariaDb;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace BulkSafety.IntegrationTests.Calibration;

/// <summary>The catalog's context on MariaDB through Pomelo (this project has an EF Core 8/9 provider for it).</summary>
public sealed partial class CatalogDbContext
{
    /// <summary>
    /// A context on <paramref name="server"/>'s database <paramref name="schema"/> (a MySQL schema is a database: the model's
    /// schema is ignored and the connection's database is used), guarded with <paramref name="configure"/>. Its connections
    /// are unpooled, so each one starts from the server's global binlog settings.
    /// </summary>
    public static CatalogDbContext Create(MariaDbServer server, string schema, Action<BulkSafetyOptions> configure) =>
        new(new DbContextOptionsBuilder<CatalogDbContext>()
            .UseMySql(server.ConnectionString(schema), ServerVersion, mySql => mySql.SchemaBehavior(Pomelo.EntityFrameworkCore.MySql.Infrastructure.MySqlSchemaBehavior.Ignore))
            .ReplaceService<IModelCacheKeyFactory, SchemaModelCacheKey>()
            .UseBulkSafety(configure)
            .Options, schema);

    // What the fixture runs (Debian 12's mariadb-server); fixed rather than auto-detected so that no context needs a
    // round trip to build its model.
    private static ServerVersion ServerVersion { get; } = new MariaDbServerVersion(new Version(10, 11));
}
