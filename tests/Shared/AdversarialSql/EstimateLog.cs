using System.Collections.Concurrent;
using BulkSafety.Interception;
using Microsoft.Extensions.Logging;

namespace BulkSafety.Testing.AdversarialSql;

/// <summary>
/// The guard's log, read for what it estimated: the <c>Rows</c> of every <c>UnitOfWorkEstimated</c> entry (event 1, the
/// estimate of each bulk command that changes rows, logged before the command runs) and the reasons of
/// <c>CommandNotEstimated</c> (event 6). An admitted statement that logs no estimate was estimated at no rows.
/// </summary>
public sealed class EstimateLog : ILoggerProvider
{
    private readonly ConcurrentQueue<(int EventId, IReadOnlyList<KeyValuePair<string, object?>> State, string Message)> _entries = new();

    public int Count => _entries.Count;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName == BulkSafetyInfo.Name ? _entries : null);

    /// <summary>The rows estimated by the entries logged after the first <paramref name="skip"/>.</summary>
    public long RowsEstimatedSince(int skip) => EstimatedSince(skip, "Rows");

    /// <summary>The log bytes estimated by the entries logged after the first <paramref name="skip"/>.</summary>
    public long BytesEstimatedSince(int skip) => EstimatedSince(skip, "Bytes");

    private long EstimatedSince(int skip, string figure)
        => _entries.Skip(skip).Where(e => e.EventId == GuardLog.UnitOfWorkEstimatedId)
            .Sum(e => Convert.ToInt64(e.State.Single(p => p.Key == figure).Value, System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The messages logged after the first <paramref name="skip"/>, for failure messages.</summary>
    public string MessagesSince(int skip) => string.Join('\n', _entries.Skip(skip).Select(e => $"[{e.EventId}] {e.Message}"));

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<(int, IReadOnlyList<KeyValuePair<string, object?>>, string)>? entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => entries is not null;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => entries?.Enqueue((eventId.Id, state as IReadOnlyList<KeyValuePair<string, object?>> ?? [], formatter(state, exception)));
    }
}
