using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace BulkSafety.Tests.Infrastructure;

/// <summary>A logger provider that keeps every BulkSafety log entry for assertions.</summary>
internal sealed class CapturedLog : ILoggerProvider
{
    private readonly ConcurrentQueue<Entry> _entries = new();

    public IReadOnlyList<Entry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName == BulkSafetyInfo.Name ? _entries : null);

    public void Dispose()
    {
    }

    public sealed record Entry(LogLevel Level, EventId EventId, string Message);

    private sealed class Logger(ConcurrentQueue<Entry>? entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => entries is not null;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => entries?.Enqueue(new Entry(logLevel, eventId, formatter(state, exception)));
    }
}
