using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace EdgeLam.Transport.Tests;

/// <summary>Writes log entries of the stages to the test output (shown for failing tests).</summary>
internal sealed class TestOutputLogger(ITestOutputHelper output, string name) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        try
        {
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {name} {logLevel}: {formatter(state, exception)}{(exception is null ? string.Empty : " " + exception)}");
        }
        catch (InvalidOperationException)
        {
            // The test already ended.
        }
    }
}

/// <summary>The typed flavour for <see cref="Mqtt.MqttClient"/>.</summary>
internal sealed class TestOutputLogger<T>(ITestOutputHelper output, string name) : ILogger<T>
{
    private readonly TestOutputLogger _inner = new(output, name);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => _inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _inner.Log(logLevel, eventId, state, exception, formatter);
}
