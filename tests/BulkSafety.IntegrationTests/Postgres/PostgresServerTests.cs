using System.Diagnostics;
using BulkSafety.IntegrationTests.Infrastructure;
using BulkSafety.IntegrationTests.Workloads;

namespace BulkSafety.IntegrationTests.Postgres;

/// <summary>The fixture's server, wal_level switching, detection queries and the streaming replica.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresServerTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Server_RunsOnLoopbackWithTheMeasurementSettings()
    {
        var server = fixture.Server;
        await using var connection = await server.OpenConnectionAsync();

        Assert.Equal("127.0.0.1/32", await server.ScalarAsync<string>("SELECT inet_server_addr()::text"));
        Assert.Equal(server.Port, await server.ScalarAsync<int>("SELECT inet_server_port()"));
        Assert.Equal("off", await server.ScalarAsync<string>("SHOW autovacuum"));
        Assert.Equal("off", await server.ScalarAsync<string>("SHOW wal_compression"));
        Assert.Equal("on", await server.ScalarAsync<string>("SHOW full_page_writes"));
        Assert.StartsWith("PostgreSQL 15.", await server.ScalarAsync<string>("SELECT version()"), StringComparison.Ordinal);
        Assert.StartsWith(Path.GetTempPath(), server.DataDirectory, StringComparison.Ordinal);
        using var postmaster = Process.GetProcessById(server.ProcessId);
        Assert.False(postmaster.HasExited);
    }

    [Theory]
    [InlineData(WalLevel.Replica)]
    [InlineData(WalLevel.Logical)]
    public async Task SetWalLevel_RestartsIntoTheLevelThatDetectionReports(WalLevel level)
    {
        await fixture.Server.SetWalLevelAsync(level);

        Assert.Equal(level.ToSetting(), await PostgresDetection.WalLevelAsync(fixture.Server));
    }

    [Fact]
    public async Task ReplicaIdentityDetection_SeesDefaultAndFull()
    {
        await fixture.Meter.MeasureAsync(IncidentWorkloads.ForPostgres(WorkloadShape.DeleteNothing, TextSize.Empty, ReplicaIdentity.Default), WalStart.Steady);
        await using var connection = await fixture.Server.OpenConnectionAsync(IncidentWorkloads.PlainSchema);

        var before = await PostgresDetection.ReplicaIdentityAsync(connection, "groups");
        await using (var alter = new Npgsql.NpgsqlCommand("ALTER TABLE groups REPLICA IDENTITY FULL", connection))
        {
            await alter.ExecuteNonQueryAsync();
        }

        var after = await PostgresDetection.ReplicaIdentityAsync(connection, "groups");

        Assert.Equal('d', before);
        Assert.Equal('f', after);
        await Assert.ThrowsAsync<InvalidOperationException>(() => PostgresDetection.ReplicaIdentityAsync(connection, "no_such_table"));
    }

    [Fact]
    public async Task Replica_StreamsThePrimarysWritesAndStopsCleanly()
    {
        var primary = fixture.Server;
        var replica = await primary.StartReplicaAsync();
        string replicaDirectory;
        int replicaPid;
        try
        {
            replicaDirectory = replica.DataDirectory;
            replicaPid = replica.ProcessId;
            await primary.ExecuteAsync("DROP TABLE IF EXISTS public.replicated; CREATE TABLE public.replicated (id int); INSERT INTO public.replicated VALUES (42)");

            var arrived = await Poll.UntilAsync(
                async () => await replica.ScalarAsync<bool>("SELECT to_regclass('public.replicated') IS NOT NULL")
                    && await replica.ScalarAsync<long>("SELECT count(*) FROM public.replicated") == 1,
                TimeSpan.FromMinutes(1),
                TimeSpan.FromMilliseconds(100));

            Assert.True(arrived, "the row never reached the replica");
            Assert.True(await replica.ScalarAsync<bool>("SELECT pg_is_in_recovery()"));
            Assert.False(await primary.ScalarAsync<bool>("SELECT pg_is_in_recovery()"));
            Assert.NotEqual(primary.Port, replica.Port);
            Assert.Equal(1L, await primary.ScalarAsync<long>("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"));
        }
        finally
        {
            await replica.DisposeAsync();
        }

        Assert.False(Directory.Exists(replicaDirectory));
        Assert.True(ProcessState.HasExited(replicaPid));
        Assert.True(
            await Poll.UntilAsync(async () => await primary.ScalarAsync<long>("SELECT count(*) FROM pg_stat_replication") == 0, TimeSpan.FromMinutes(1), TimeSpan.FromMilliseconds(100)),
            "the primary still lists a replica after it stopped");
    }
}
