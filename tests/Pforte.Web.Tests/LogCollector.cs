using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Pforte.Web.Tests;

/// <summary>Keeps every log message of the test host (level, category, rendered text).</summary>
public sealed class LogCollector : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Category, string Message)> _entries = new();

    public IReadOnlyList<(LogLevel Level, string Category, string Message)> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Collecting(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Collecting(LogCollector owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            owner._entries.Enqueue((logLevel, category, formatter(state, exception) + (exception is null ? "" : Environment.NewLine + exception)));
        }
    }
}
