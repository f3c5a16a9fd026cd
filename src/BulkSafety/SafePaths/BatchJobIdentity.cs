using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace BulkSafety.SafePaths;

/// <summary>
/// What makes a named job the same job on a rerun: its operation and table, the SQL EF Core renders for its query (tags
/// left out: they say nothing about the rows) with its parameters' names and types, and the setters of an update. Not the
/// parameters' values: those are kept apart (<see cref="ParameterValuesJson"/>), so that a job over "older than 30 days"
/// resumes the next day with the cutoff it started with instead of being refused or silently moving its cutoff.
/// </summary>
internal sealed class BatchJobIdentity
{
    private BatchJobIdentity(string target, string queryText, string fingerprint, IReadOnlyList<KeyValuePair<string, object?>> parameters, bool storeValues)
    {
        Target = target;
        QueryText = queryText;
        Fingerprint = fingerprint;
        Parameters = parameters;
        ParameterValuesJson = storeValues && parameters.Count > 0 ? SerializeValues(parameters) : null;
    }

    /// <summary>The operation, table and key: <c>update groups(Id)</c>.</summary>
    public string Target { get; }

    /// <summary>The query's SQL and, for an update, its setters: what the refusal of a different job shows.</summary>
    public string QueryText { get; }

    /// <summary>SHA-256 of the target, the query text and the parameters' names and types, in hex.</summary>
    public string Fingerprint { get; }

    /// <summary>The query's parameters with this run's values.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Parameters { get; }

    /// <summary>The values to store with a new checkpoint (JSON), or <see langword="null"/> when none are to be stored.</summary>
    public string? ParameterValuesJson { get; }

    public static BatchJobIdentity Create<T>(KeysetPlan<T> plan, string target, UpdateSetters<T>? setters, bool storeValues)
    {
        // The filter's rows, not its columns: a column added to the entity does not make another job.
        using var command = plan.Source.Select(e => 1).CreateDbCommand();
        var sql = WithoutTags(command.CommandText);
        var queryText = setters is null ? sql : $"{sql}{Environment.NewLine}SET {setters.Describe()}";
        KeyValuePair<string, object?>[] parameters = [.. command.Parameters.Cast<DbParameter>().Select(p => new KeyValuePair<string, object?>(p.ParameterName, p.Value is DBNull ? null : p.Value))];
        var signature = new StringBuilder(target).Append('\n').Append(queryText);
        foreach (var (name, value) in parameters)
        {
            signature.Append('\n').Append(name).Append(": ").Append(value?.GetType().FullName ?? "null");
        }

        var fingerprint = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(signature.ToString()))).ToLowerInvariant();
        return new BatchJobIdentity(target, queryText, fingerprint, parameters, storeValues);
    }

    /// <summary>
    /// Reads values stored by <see cref="ParameterValuesJson"/> back, by parameter name, each in the type it was stored
    /// with; an unreadable value is a corrupt checkpoint, named with its job.
    /// </summary>
    public static IReadOnlyDictionary<string, object?> ReadValues(string job, string json)
    {
        try
        {
            var values = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var stored in JsonSerializer.Deserialize<StoredValue[]>(json) ?? throw new JsonException("null"))
            {
                values[stored.Name] = stored.Type is null ? null
                    : stored.Value.Deserialize(FindType(stored.Type) ?? throw new JsonException($"no type {stored.Type} is loaded"));
            }

            return values;
        }
        catch (JsonException exception)
        {
            throw BatchCheckpointStore.Corrupt(job, json, $"the stored parameter values do not read back: {exception.Message}", exception);
        }
    }

    private static string SerializeValues(IReadOnlyList<KeyValuePair<string, object?>> parameters)
        => JsonSerializer.Serialize(parameters.Select(p => new StoredValue(
            p.Key,
            p.Value?.GetType().FullName,
            p.Value is null ? default : JsonSerializer.SerializeToElement(p.Value, p.Value.GetType()))));

    private static Type? FindType(string name)
        => Type.GetType(name) ?? AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(name)).FirstOrDefault(t => t is not null);

    // EF Core writes TagWith/TagWithCallSite as "-- " lines before the statement.
    private static string WithoutTags(string sql)
        => string.Join('\n', sql.ReplaceLineEndings("\n").Split('\n').SkipWhile(line => line.StartsWith("-- ", StringComparison.Ordinal) || line.Length == 0));

    private sealed record StoredValue(string Name, string? Type, JsonElement Value);
}
