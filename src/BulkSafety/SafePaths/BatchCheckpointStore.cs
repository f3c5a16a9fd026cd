using System.Data.Common;
using System.Text;
using System.Text.Json;
using BulkSafety.Databases;
using BulkSafety.Estimation;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace BulkSafety.SafePaths;

/// <summary>
/// The checkpoints of named batched jobs, in the application's own database: one row per job with the last key it
/// committed, written by each batch inside the batch's transaction — so a batch and its checkpoint commit together or
/// not at all. The table is created on first use (<c>CREATE TABLE IF NOT EXISTS</c>); docs/safe-paths.md gives its DDL
/// for databases where the application may not create tables. SQLite, PostgreSQL and MySQL/MariaDB dialects.
/// </summary>
internal sealed class BatchCheckpointStore
{
    public const string TableName = "bulksafety_checkpoints";

    private static readonly string CreateTable = $"""
        CREATE TABLE IF NOT EXISTS {TableName} (
            job VARCHAR({BatchOptions.MaxJobNameLength}) NOT NULL PRIMARY KEY,
            target VARCHAR(400) NOT NULL,
            last_key TEXT NULL,
            rows_done BIGINT NOT NULL,
            bytes_done BIGINT NOT NULL,
            completed INT NOT NULL)
        """;

    private const string Select = $"SELECT target, last_key, rows_done, bytes_done, completed FROM {TableName} WHERE job = @job";

    private const string Insert = $"INSERT INTO {TableName} (job, target, last_key, rows_done, bytes_done, completed) VALUES (@job, @target, @last_key, @rows_done, @bytes_done, @completed)";

    // The checkpoint row as a profile sees it, to price its write with each batch.
    private static readonly TableShape Shape = new(TableName,
    [
        new ColumnShape("job", ColumnType.VarChar(BatchOptions.MaxJobNameLength * 4), isKey: true),
        new ColumnShape("target", ColumnType.VarChar(400 * 4)),
        new ColumnShape("last_key", ColumnType.Text(), isNullable: true),
        new ColumnShape("rows_done", ColumnType.Int64),
        new ColumnShape("bytes_done", ColumnType.Int64),
        new ColumnShape("completed", ColumnType.Int32),
    ]);

    private readonly DatabaseFacade _database;
    private readonly string _upsert;

    private BatchCheckpointStore(DatabaseFacade database, string upsert)
    {
        _database = database;
        _upsert = upsert;
    }

    /// <summary>The store for <paramref name="context"/>'s database; throws for an engine whose upsert the guard does not know.</summary>
    public static BatchCheckpointStore For(DbContext context)
    {
        var database = context.Database;
        var dialect = DatabaseDialect.Detect(database.ProviderName, database.GetDbConnection())
            ?? throw new NotSupportedException(
                $"Checkpoints (BatchOptions.JobName) are written with SQLite, PostgreSQL and MySQL/MariaDB providers, not {database.ProviderName}. Without a JobName the job runs, but a rerun starts over.");
        return new BatchCheckpointStore(database, $"{Insert} {dialect.UpsertClause("job", ["target", "last_key", "rows_done", "bytes_done", "completed"])}");
    }

    /// <summary>The log bytes of one checkpoint write under <paramref name="profile"/> (an UPDATE of the job's row).</summary>
    public static long WriteBytes(ReplicationProfile profile, string jobName, string target)
    {
        ColumnValue[] row =
        [
            ColumnValue.OfLength(Encoding.UTF8.GetByteCount(jobName)),
            ColumnValue.OfLength(Encoding.UTF8.GetByteCount(target)),
            ColumnValue.OfLength(32),
            ColumnValue.Present,
            ColumnValue.Present,
            ColumnValue.Present,
        ];
        var update = RowChange.Update(row, row, [false, true, true, true, true, true]);
        return profile.EstimateRow(Shape, update);
    }

    public Task EnsureTableAsync(CancellationToken cancellationToken)
        => RunAsync(async command =>
        {
            command.CommandText = CreateTable;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        });

    public Task<BatchCheckpoint?> ReadAsync(string job, CancellationToken cancellationToken)
        => RunAsync(async command =>
        {
            command.CommandText = Select;
            Add(command, "@job", job);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            return new BatchCheckpoint(
                reader.GetString(0),
                await reader.IsDBNullAsync(1, cancellationToken).ConfigureAwait(false) ? null : reader.GetString(1),
                Convert.ToInt64(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture),
                Convert.ToInt64(reader.GetValue(3), System.Globalization.CultureInfo.InvariantCulture),
                Convert.ToInt32(reader.GetValue(4), System.Globalization.CultureInfo.InvariantCulture) != 0);
        });

    /// <summary>Writes <paramref name="checkpoint"/> for <paramref name="job"/> in the context's current transaction, if any.</summary>
    public Task SaveAsync(string job, BatchCheckpoint checkpoint, CancellationToken cancellationToken)
        => RunAsync(async command =>
        {
            command.CommandText = _upsert;
            Add(command, "@job", job);
            Add(command, "@target", checkpoint.Target);
            Add(command, "@last_key", checkpoint.LastKey);
            Add(command, "@rows_done", checkpoint.Rows);
            Add(command, "@bytes_done", checkpoint.Bytes);
            Add(command, "@completed", checkpoint.Completed ? 1 : 0);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        });

    /// <summary>A key as checkpoint text: a JSON array of its parts.</summary>
    public static string SerializeKey(IReadOnlyList<object?> key) => JsonSerializer.Serialize(key);

    /// <summary>Reads a key written by <see cref="SerializeKey"/> back into its parts' CLR types.</summary>
    public static object?[] DeserializeKey(string text, IReadOnlyList<Type> types)
    {
        using var document = JsonDocument.Parse(text);
        var parts = document.RootElement.EnumerateArray().ToArray();
        if (parts.Length != types.Count)
        {
            throw new InvalidOperationException($"The checkpoint's key '{text}' has {parts.Length} parts; the entity's key has {types.Count}.");
        }

        return [.. parts.Select((part, i) => part.Deserialize(types[i]))];
    }

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

/// <summary>A named job's checkpoint: what it works on, the last key committed, and its totals so far.</summary>
internal sealed record BatchCheckpoint(string Target, string? LastKey, long Rows, long Bytes, bool Completed);
