using BulkSafety.Estimation;

namespace BulkSafety.Tests.Estimation;

/// <summary>
/// Turning server settings into profiles (the queries themselves run against real servers in the integration tests), and
/// per-table replica identities in the PostgreSQL model.
/// </summary>
public sealed class ProfileDetectionTests
{
    [Theory]
    [InlineData("logical", PostgresWalLevel.Logical)]
    [InlineData("replica", PostgresWalLevel.Replica)]
    [InlineData("minimal", PostgresWalLevel.Replica)]
    public void WalLevel_MapsToTheProfile(string setting, PostgresWalLevel expected)
        => Assert.Equal(expected, ProfileDetection.PostgresWal(setting, "public", []).WalLevel);

    [Fact]
    public void UnknownWalLevel_IsRefused() => Assert.Throws<NotSupportedException>(() => ProfileDetection.PostgresWal("archive", "public", []));

    [Fact]
    public void ReplicaIdentityFull_AppliesToItsTable_BySchema_AndByBareNameInTheDefaultSchema()
    {
        var profile = ProfileDetection.PostgresWal("logical", "public", [("public", "groups", "f"), ("gtc", "posts", "f"), ("public", "posts", "n"), ("public", "orders", "i")]);

        Assert.Equal(PostgresReplicaIdentity.Full, profile.ReplicaIdentityOf(Table("groups", "public")));
        Assert.Equal(PostgresReplicaIdentity.Full, profile.ReplicaIdentityOf(Table("groups", schema: null)));
        Assert.Equal(PostgresReplicaIdentity.Full, profile.ReplicaIdentityOf(Table("posts", "gtc")));
        Assert.Equal(PostgresReplicaIdentity.Default, profile.ReplicaIdentityOf(Table("posts", "gt")));
        Assert.Equal(PostgresReplicaIdentity.Default, profile.ReplicaIdentityOf(Table("posts", schema: null)));
        Assert.Equal(PostgresReplicaIdentity.Default, profile.ReplicaIdentityOf(Table("orders", "public")));
        Assert.Equal(PostgresReplicaIdentity.Default, profile.ReplicaIdentityOf(Table("memberships", "gt")));
    }

    [Fact]
    public void PerTableIdentity_PricesOnlyThatTablesOldRows()
    {
        var mixed = ReplicationProfile.PostgresWal(PostgresWalLevel.Logical, tableReplicaIdentities: new Dictionary<string, PostgresReplicaIdentity> { ["groups"] = PostgresReplicaIdentity.Full });
        var full = ReplicationProfile.PostgresWal(PostgresWalLevel.Logical, PostgresReplicaIdentity.Full);
        var @default = ReplicationProfile.PostgresWal(PostgresWalLevel.Logical);
        var groups = GroundTruthTables.Groups();
        var posts = GroundTruthTables.Posts();
        var group = GroundTruthTables.GroupRow();
        var counter = RowChange.Update(group, group, GroundTruthTables.Assigns(groups, "posts_count"));
        var post = RowChange.Delete(GroundTruthTables.PostRow());

        Assert.Equal(full.EstimateRow(groups, counter), mixed.EstimateRow(groups, counter));
        Assert.Equal(@default.EstimateRow(posts, post), mixed.EstimateRow(posts, post));
        Assert.NotEqual(full.EstimateRow(posts, post), mixed.EstimateRow(posts, post));
    }

    [Theory]
    [InlineData("1", "ROW", "FULL", "1", "CRC32", "NO_LOG", "gt", "mysql-row-full", true, BinlogChecksum.Crc32, BinlogRowMetadata.NoLog, "gt")]
    [InlineData("ON", "row", "noblob", "OFF", "NONE", "FULL", null, "mysql-row-noblob", false, BinlogChecksum.None, BinlogRowMetadata.Full, "app")]
    [InlineData("True", "ROW", "MINIMAL", "True", "CRC32", "MINIMAL", "", "mysql-row-minimal", true, BinlogChecksum.Crc32, BinlogRowMetadata.Minimal, "app")]
    public void MySqlVariables_MapToTheProfile(
        string logBin, string format, string image, string annotate, string checksum, string metadata, string? database,
        string name, bool annotates, BinlogChecksum expectedChecksum, BinlogRowMetadata expectedMetadata, string expectedDatabase)
    {
        var profile = ProfileDetection.MySqlRow(new Dictionary<string, string?>
        {
            ["log_bin"] = logBin,
            ["binlog_format"] = format,
            ["binlog_row_image"] = image,
            ["binlog_annotate_row_events"] = annotate,
            ["binlog_checksum"] = checksum,
            ["binlog_row_metadata"] = metadata,
            ["database_name"] = database,
        });

        Assert.Equal(name, profile.Name);
        Assert.Equal(annotates, profile.Settings.AnnotateRowEvents);
        Assert.Equal(expectedChecksum, profile.Settings.Checksum);
        Assert.Equal(expectedMetadata, profile.Settings.RowMetadata);
        Assert.Equal(expectedDatabase, profile.Settings.DatabaseName);
    }

    [Theory]
    [InlineData("18446744073709547520", "16777216", null, 16_777_216L)]
    [InlineData("65536", "1048576", 65_536L, 1_048_576L)]
    [InlineData(null, null, null, 16_777_216L)]
    public void TheServersCaps_AreRead_AndItsDefaultCacheSizeMeansNoCap(string? cacheSize, string? packet, long? expectedCache, long expectedPacket)
    {
        var profile = ProfileDetection.MySqlRow(new Dictionary<string, string?>
        {
            ["log_bin"] = "1",
            ["binlog_format"] = "ROW",
            ["binlog_row_image"] = "FULL",
            ["max_binlog_cache_size"] = cacheSize,
            ["max_allowed_packet"] = packet,
        });

        Assert.Equal(expectedCache, profile.Settings.MaxBinlogCacheSize);
        Assert.Equal(expectedPacket, profile.Settings.MaxAllowedPacket);
    }

    [Theory]
    [InlineData("0", "ROW")]
    [InlineData("1", "ROWS")]
    public void NoBinlogOrAnUnknownFormat_IsRefused(string logBin, string format)
        => Assert.Throws<NotSupportedException>(() => ProfileDetection.MySqlRow(new Dictionary<string, string?>
        {
            ["log_bin"] = logBin,
            ["binlog_format"] = format,
            ["binlog_row_image"] = "FULL",
        }));

    [Theory]
    [InlineData("MIXED")]
    [InlineData("STATEMENT")]
    public void StatementFormats_AreBoundedByTheSessionsRowImageWithTheTextCounted(string format)
    {
        var profile = ProfileDetection.MySqlRow(new Dictionary<string, string?>
        {
            ["log_bin"] = "1",
            ["binlog_format"] = format,
            ["binlog_row_image"] = "MINIMAL",
            ["binlog_annotate_row_events"] = "0",
        });

        Assert.Equal(BinlogRowImage.Minimal, profile.RowImage);
        Assert.True(profile.Settings.AnnotateRowEvents);
    }

    private static TableShape Table(string name, string? schema) => new(name, [new ColumnShape("id", ColumnType.Int64, isKey: true)]) { Schema = schema };
}
