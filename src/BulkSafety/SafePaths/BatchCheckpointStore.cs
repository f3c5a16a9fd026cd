using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using BulkSafety.Databases;
using BulkSafety.Estimation;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace BulkSafety.SafePaths;

/// <summary>
/// The checkpoints of named batched jobs, in the application's own database: one row per job with its identity (the
/// fingerprint of its query and setters, the query's text and the parameter values it started with), the last key it
/// committed, its totals, and its lease (owner, generation, expiry by the database's clock). Each batch advances the
/// row in the batch's own transaction only while its run holds the lease it claimed, so a batch and its checkpoint
/// commit together or not at all, and a run that lost its lease commits nothing. The table is created on first use
/// (<c>CREATE TABLE IF NOT EXISTS</c>) and a table of the first version (without identity and lease) gains the new
/// columns in place; docs/safe-paths.md gives the DDL for databases where the application may not create tables.
/// </summary>
internal sealed class BatchCheckpointStore
{
    public const string TableName = "bulksafety_checkpoints";

    // The columns as this version creates them. A table created by the first version has the first six; the others are
    // added to it (MigrateAsync).
    private static readonly (string Name, string Definition)[] Columns =
    [
        ("job", $"VARCHAR({BatchOptions.MaxJobNameLength}) NOT NULL PRIMARY KEY"),
        ("target", "VARCHAR(400) NOT NULL"),
        ("last_key", "TEXT NULL"),
        ("rows_done", "BIGINT NOT NULL"),
        ("bytes_done", "BIGINT NOT NULL"),
        ("completed", "INT NOT NULL"),
        ("fingerprint", "VARCHAR(64) NULL"),
        ("query_text", "TEXT NULL"),
        ("parameter_values", "TEXT NULL"),
        ("lease_owner", "VARCHAR(200) NULL"),
        ("lease_generation", "BIGINT NOT NULL DEFAULT 0"),
        ("lease_expires_ms", "BIGINT NULL"),
    ];

    private const int FirstVersionColumns = 6;

    private const string HeldBy = "job = @job AND lease_owner = @owner AND lease_generation = @generation";

    // The checkpoint row as a profile sees it, to price its two writes with each batch.
    private static readonly TableShape Shape = new(TableName,
    [
        new ColumnShape("job", ColumnType.VarChar(BatchOptions.MaxJobNameLength * 4), isKey: true),
        new ColumnShape("target", ColumnType.VarChar(400 * 4)),
        new ColumnShape("last_key", ColumnType.Text(), isNullable: true),
        new ColumnShape("rows_done", ColumnType.Int64),
        new ColumnShape("bytes_done", ColumnType.Int64),
        new ColumnShape("completed", ColumnType.Int32),
        new ColumnShape("fingerprint", ColumnType.VarChar(64 * 4), isNullable: true),
        new ColumnShape("query_text", ColumnType.Text(), isNullable: true),
        new ColumnShape("parameter_values", ColumnType.Text(), isNullable: true),
        new ColumnShape("lease_owner", ColumnType.VarChar(200 * 4), isNullable: true),
        new ColumnShape("lease_generation", ColumnType.Int64),
        new ColumnShape("lease_expires_ms", ColumnType.Int64, isNullable: true),
    ]);

    private readonly DatabaseFacade _database;
    private readonly DatabaseDialect _dialect;

    private BatchCheckpointStore(DatabaseFacade database, DatabaseDialect dialect)
    {
        _database = database;
        _dialect = dialect;
    }

    /// <summary>The store for <paramref name="context"/>'s database; throws for an engine whose SQL the guard does not know.</summary>
    public static BatchCheckpointStore For(DbContext context)
    {
        var database = context.Database;
        var dialect = DatabaseDialect.Detect(database.ProviderName, database.GetDbConnection())
            ?? throw new NotSupportedException(
                $"Checkpoints (BatchOptions.JobName) are written with SQLite, PostgreSQL and MySQL/MariaDB providers, not {database.ProviderName}. Without a JobName the job runs, but a rerun starts over.");
        return new BatchCheckpointStore(database, dialect);
    }

    /// <summary>
    /// The log bytes of one batch's checkpoint writes under <paramref name="profile"/>: the conditional advance (key and
    /// lease) before the statement and the totals after it, two updates of the job's row.
    /// </summary>
    public static long WriteBytes(ReplicationProfile profile, string jobName, BatchJobIdentity identity)
    {
        ColumnValue[] row =
        [
            ColumnValue.OfLength(Encoding.UTF8.GetByteCount(jobName)),
            ColumnValue.OfLength(Encoding.UTF8.GetByteCount(identity.Target)),
            ColumnValue.OfLength(32),
            ColumnValue.Present,
            ColumnValue.Present,
            ColumnValue.Present,
            ColumnValue.OfLength(64),
            ColumnValue.OfLength(Encoding.UTF8.GetByteCount(identity.QueryText)),
            identity.ParameterValuesJson is { } values ? ColumnValue.OfLength(Encoding.UTF8.GetByteCount(values)) : ColumnValue.Null,
            ColumnValue.OfLength(BatchLease.OwnerLength),
            ColumnValue.Present,
            ColumnValue.Present,
        ];
        var advance = RowChange.Update(row, row, [false, false, true, false, false, false, false, false, false, false, false, true]);
        var totals = RowChange.Update(row, row, [false, false, false, true, true, false, false, false, false, false, false, false]);
        return profile.EstimateRow(Shape, advance) + profile.EstimateRow(Shape, totals);
    }

    /// <summary>
    /// Creates the table, or adds to a table of an earlier version the columns it lacks. Runs starting at once may do
    /// this at the same time: a statement that fails because another run got there first is not an error.
    /// </summary>
    public async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        var present = await RunDefinitionAsync(
            $"CREATE TABLE IF NOT EXISTS {TableName} ({string.Join(", ", Columns.Select(c => $"{c.Name} {c.Definition}"))})",
            columns => columns.Count > 0,
            cancellationToken).ConfigureAwait(false);
        foreach (var (name, definition) in Columns.Skip(FirstVersionColumns))
        {
            if (!present.Contains(name))
            {
                await RunDefinitionAsync($"ALTER TABLE {TableName} ADD COLUMN {name} {definition}", columns => columns.Contains(name), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public Task<BatchCheckpoint?> ReadAsync(string job, CancellationToken cancellationToken)
        => RunAsync(async command =>
        {
            command.CommandText = $"""
                SELECT target, last_key, rows_done, bytes_done, completed, fingerprint, query_text, parameter_values,
                    lease_owner, lease_generation, lease_expires_ms, {_dialect.NowMilliseconds}
                FROM {TableName} WHERE job = @job
                """;
            Add(command, "@job", job);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            long? Number(int i) => reader.IsDBNull(i) ? null : Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture);
            return new BatchCheckpoint(
                reader.GetString(0), Text(1), Number(2)!.Value, Number(3)!.Value, Number(4) != 0, Text(5), Text(6), Text(7),
                Text(8), Number(9)!.Value, Number(10), Number(11)!.Value);
        });

    /// <summary>Inserts a new job's row with its lease held by <paramref name="lease"/>; <see langword="false"/> when the job already has a row.</summary>
    public async Task<bool> TryInsertAsync(BatchLease lease, BatchJobIdentity identity, CancellationToken cancellationToken)
    {
        string[] columns = ["job", "target", "rows_done", "bytes_done", "completed", "fingerprint", "query_text", "parameter_values", "lease_owner", "lease_generation", "lease_expires_ms"];
        string[] values = ["@job", "@target", "0", "0", "0", "@fingerprint", "@query_text", "@parameter_values", "@owner", "@generation", $"{_dialect.NowMilliseconds} + @lease_ms"];
        var sql = _dialect.InsertIfAbsent(TableName, "job", columns, values);
        return await ExecuteAsync(sql, [.. LeaseParameters(lease), .. IdentityParameters(identity)], cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>
    /// Claims the lease of an existing, unfinished job for <paramref name="lease"/> (whose generation is one more than the
    /// one read) if nobody holds it, or its holder let it expire, and nobody claimed it since it was read. A row of the
    /// first version (no fingerprint) takes this run's identity.
    /// </summary>
    public async Task<bool> TryClaimAsync(BatchLease lease, BatchJobIdentity identity, CancellationToken cancellationToken)
    {
        // parameter_values before fingerprint: MySQL evaluates SET assignments in order, on the values already assigned.
        var sql = $"""
            UPDATE {TableName} SET
                parameter_values = CASE WHEN fingerprint IS NULL THEN @parameter_values ELSE parameter_values END,
                fingerprint = @fingerprint, query_text = @query_text,
                lease_owner = @owner, lease_generation = @generation, lease_expires_ms = {_dialect.NowMilliseconds} + @lease_ms
            WHERE job = @job AND completed = 0 AND lease_generation = @generation - 1
                AND (lease_owner IS NULL OR lease_expires_ms <= {_dialect.NowMilliseconds})
            """;
        return await ExecuteAsync(sql, [.. LeaseParameters(lease), .. IdentityParameters(identity)], cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>
    /// In the batch's transaction, before its statement: moves the cursor to <paramref name="lastKey"/> and extends the
    /// lease — only while <paramref name="lease"/> holds it. <see langword="false"/> when it does not (then the batch must
    /// roll back). The row stays locked until the batch commits, so no other run can claim the lease meanwhile.
    /// </summary>
    public async Task<bool> TryAdvanceAsync(BatchLease lease, string lastKey, CancellationToken cancellationToken)
        => await ExecuteAsync(
            $"UPDATE {TableName} SET last_key = @last_key, lease_expires_ms = {_dialect.NowMilliseconds} + @lease_ms WHERE {HeldBy}",
            [.. LeaseParameters(lease), new("@last_key", lastKey)],
            cancellationToken).ConfigureAwait(false) == 1;

    /// <summary>In the batch's transaction, after its statement: adds what it did to the job's totals.</summary>
    public Task AddTotalsAsync(BatchLease lease, long rows, long bytes, CancellationToken cancellationToken)
        => ExecuteAsync(
            $"UPDATE {TableName} SET rows_done = rows_done + @rows, bytes_done = bytes_done + @bytes WHERE {HeldBy}",
            [.. LeaseParameters(lease), new("@rows", rows), new("@bytes", bytes)],
            cancellationToken);

    /// <summary>Extends the lease while the job waits; <see langword="false"/> when <paramref name="lease"/> no longer holds it.</summary>
    public async Task<bool> TryRenewAsync(BatchLease lease, CancellationToken cancellationToken)
        => await ExecuteAsync(
            $"UPDATE {TableName} SET lease_expires_ms = {_dialect.NowMilliseconds} + @lease_ms WHERE {HeldBy}",
            LeaseParameters(lease),
            cancellationToken).ConfigureAwait(false) == 1;

    /// <summary>
    /// Marks the job completed and gives up its lease; the parameter values are dropped (a completed job needs only its
    /// fingerprint). <see langword="false"/> when <paramref name="lease"/> no longer holds it.
    /// </summary>
    public async Task<bool> TryCompleteAsync(BatchLease lease, CancellationToken cancellationToken)
        => await ExecuteAsync(
            $"UPDATE {TableName} SET completed = 1, last_key = NULL, parameter_values = NULL, lease_owner = NULL, lease_expires_ms = NULL WHERE {HeldBy}",
            LeaseParameters(lease),
            cancellationToken).ConfigureAwait(false) == 1;

    /// <summary>Gives up the lease of a run that stops early, so that the next run need not wait for it to expire.</summary>
    public Task ReleaseAsync(BatchLease lease)
        => ExecuteAsync($"UPDATE {TableName} SET lease_owner = NULL, lease_expires_ms = NULL WHERE {HeldBy}", LeaseParameters(lease), CancellationToken.None);

    /// <summary>A key as checkpoint text: a JSON array of its parts.</summary>
    public static string SerializeKey(IReadOnlyList<object?> key) => JsonSerializer.Serialize(key);

    /// <summary>
    /// Reads a key written by <see cref="SerializeKey"/> back into its parts' CLR types; a cursor that is no JSON array of
    /// non-null values of those types is a corrupt checkpoint, named with its job.
    /// </summary>
    public static object[] DeserializeKey(string job, string text, IReadOnlyList<Type> types)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Array || document.RootElement.GetArrayLength() != types.Count)
            {
                throw Corrupt(job, text, $"it is not an array of {types.Count} key part{(types.Count == 1 ? "" : "s")}", null);
            }

            return [.. document.RootElement.EnumerateArray().Select((part, i) => part.Deserialize(types[i]) ?? throw Corrupt(job, text, $"key part {i + 1} is null", null))];
        }
        catch (Exception exception) when (exception is JsonException or FormatException or InvalidOperationException and not CorruptCheckpointException)
        {
            throw Corrupt(job, text, $"it does not read as the key's parts ({string.Join(", ", types.Select(t => t.Name))}): {exception.Message}", exception);
        }
    }

    /// <summary>The error for a checkpoint value this version cannot read.</summary>
    public static CorruptCheckpointException Corrupt(string job, string value, string why, Exception? inner)
        => new($"The checkpoint of the job '{job}' in {TableName} is corrupt: the value '{value}' cannot be used ({why}). Delete the job's row to start it over, or fix the value.", inner);

    private static KeyValuePair<string, object?>[] LeaseParameters(BatchLease lease)
        => [new("@job", lease.Job), new("@owner", lease.Owner), new("@generation", lease.Generation), new("@lease_ms", (long)lease.Duration.TotalMilliseconds)];

    private static KeyValuePair<string, object?>[] IdentityParameters(BatchJobIdentity identity)
        => [new("@target", identity.Target), new("@fingerprint", identity.Fingerprint), new("@query_text", identity.QueryText), new("@parameter_values", identity.ParameterValuesJson)];

    // Runs a definition statement and returns the table's columns after it. PostgreSQL's IF NOT EXISTS checks the
    // catalog before it writes to it, so of two runs creating the table at once the slower one fails on the type the
    // other just made; a concurrent ADD COLUMN fails the same way. Such a failure stands only if the table does not
    // have what the statement was to give it.
    private async Task<HashSet<string>> RunDefinitionAsync(string sql, Func<HashSet<string>, bool> done, CancellationToken cancellationToken)
    {
        try
        {
            await ExecuteAsync(sql, [], cancellationToken).ConfigureAwait(false);
        }
        catch (DbException)
        {
            HashSet<string> columns;
            try
            {
                columns = await ColumnNamesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DbException)
            {
                columns = [];
            }

            if (!done(columns))
            {
                throw;
            }

            return columns;
        }

        return await ColumnNamesAsync(cancellationToken).ConfigureAwait(false);
    }

    private Task<HashSet<string>> ColumnNamesAsync(CancellationToken cancellationToken)
        => RunAsync(async command =>
        {
            command.CommandText = $"SELECT * FROM {TableName} WHERE 1 = 0";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToHashSet(StringComparer.OrdinalIgnoreCase);
        });

    private Task<int> ExecuteAsync(string sql, IReadOnlyList<KeyValuePair<string, object?>> parameters, CancellationToken cancellationToken)
        => RunAsync(command =>
        {
            command.CommandText = sql;
            foreach (var (name, value) in parameters)
            {
                Add(command, name, value);
            }

            return command.ExecuteNonQueryAsync(cancellationToken);
        });

    // Plain ADO.NET on EF Core's connection and transaction: the checkpoint is bookkeeping, not a command for the
    // guard's interceptors to judge.
    private async Task<TResult> RunAsync<TResult>(Func<DbCommand, Task<TResult>> run)
    {
        await _database.OpenConnectionAsync().ConfigureAwait(false);
        try
        {
            await using var command = _database.GetDbConnection().CreateCommand();
            command.Transaction = _database.CurrentTransaction?.GetDbTransaction();
            return await run(command).ConfigureAwait(false);
        }
        finally
        {
            await _database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }

    private static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}

/// <summary>A named job's checkpoint row as read, with the database's clock at the time of reading.</summary>
internal sealed record BatchCheckpoint(
    string Target,
    string? LastKey,
    long Rows,
    long Bytes,
    bool Completed,
    string? Fingerprint,
    string? QueryText,
    string? ParameterValues,
    string? LeaseOwner,
    long LeaseGeneration,
    long? LeaseExpiresMilliseconds,
    long NowMilliseconds)
{
    /// <summary>Whether a run holds the lease now.</summary>
    public bool IsLeased => LeaseOwner is not null && LeaseExpiresMilliseconds > NowMilliseconds;

    /// <summary>How long the lease read still runs.</summary>
    public TimeSpan LeaseRemaining => TimeSpan.FromMilliseconds(Math.Max(0, (LeaseExpiresMilliseconds ?? 0) - NowMilliseconds));
}

/// <summary>A run's claim on a job: who holds it, the generation its claim made, and how long each renewal lasts.</summary>
internal sealed record BatchLease(string Job, string Owner, long Generation, TimeSpan Duration)
{
    /// <summary>The typical length of <see cref="Owner"/>, for pricing.</summary>
    public const int OwnerLength = 60;

    /// <summary>This process and run: the machine, the process id, and a random part that tells runs of one process apart.</summary>
    public static string NewOwner()
        => string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName[..Math.Min(Environment.MachineName.Length, 100)]}/{Environment.ProcessId}/{Guid.NewGuid():N}");
}

/// <summary>A named job's checkpoint holds a value this version cannot read.</summary>
internal sealed class CorruptCheckpointException(string message, Exception? inner) : InvalidOperationException(message, inner);
