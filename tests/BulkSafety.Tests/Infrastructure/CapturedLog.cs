using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace BulkSafety.Tests.Infrastructure;

/// <summary>A logger provider that keeps every BulkSafety log entry for assertions.</summary>
internal sealed class CapturedLog : ILoggerProvider
{
    private readonly ConcurrentQueue<Entry> _entries = new();

    public IReadOnlyList<Entry> Entries => [.. _entries];

    /// <summary>Runs on the logging thread, inside the log call, for each entry: a test reacts at the exact moment of the event.</summary>
    public Action<Entry>? OnEntry { get; set; }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName == BulkSafetyInfo.Name);

    public void Dispose()
    {
    }

    public sealed record Entry(LogLevel Level, EventId EventId, string Message);

    private sealed class Logger(CapturedLog log, bool captures) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => captures;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!captures)
            {
                return;
            }

            var entry = new Entry(logLevel, eventId, formatter(state, exception));
            log._entries.Enqueue(entry);
            log.OnEntry?.Invoke(entry);
        }
    }
}
