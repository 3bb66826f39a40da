using System.Text;
using EdgeLam.Hosting.Configuration;
using Microsoft.Extensions.Logging;

namespace EdgeLam.Hosting.Logging;

/// <summary>
/// Console logging for a service: one line per message on stderr. Under systemd (JOURNAL_STREAM set) each line
/// starts with its syslog priority, <c>&lt;6&gt;Category[EventId]: message</c>, which journald turns into the
/// entry's priority (and timestamps itself); interactively it prints time and a short level instead. Levels come
/// from <c>Logging:LogLevel</c> in <see cref="SettingsStore"/>, so SIGHUP changes them.
/// </summary>
public sealed class JournalLoggerProvider : ILoggerProvider
{
    private readonly TextWriter _output;
    private readonly Lock _writeGate = new();
    private readonly SettingsStore _settings;
    private LogLevelRules _rules;
    private int _rulesVersion;

    public JournalLoggerProvider(SettingsStore settings, bool journal, TextWriter? output = null)
    {
        _settings = settings;
        Journal = journal;
        _output = output ?? Console.Error;
        _rules = settings.Current.LogLevels;
        settings.Changed += (_, next) =>
        {
            Volatile.Write(ref _rules, next.LogLevels);
            Interlocked.Increment(ref _rulesVersion);
        };
    }

    public bool Journal { get; }

    internal int RulesVersion => Volatile.Read(ref _rulesVersion);

    internal LogLevel MinimumLevel(string category) => Volatile.Read(ref _rules).For(category);

    public ILogger CreateLogger(string categoryName) => new JournalLogger(categoryName, this);

    /// <summary>syslog priority for a level (journald: 2 crit, 3 err, 4 warning, 6 info, 7 debug).</summary>
    public static int Priority(LogLevel level) => level switch
    {
        LogLevel.Critical => 2,
        LogLevel.Error => 3,
        LogLevel.Warning => 4,
        LogLevel.Information => 6,
        _ => 7,
    };

    internal void Write(LogLevel level, string category, EventId eventId, string message, Exception? exception)
    {
        var text = exception is null ? message : message + Environment.NewLine + exception;
        var sb = new StringBuilder(text.Length + 64);
        var first = true;
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            if (Journal)
            {
                // Every physical line carries the priority, or journald would log continuation lines at the default.
                sb.Append('<').Append(Priority(level)).Append('>');
            }
            else if (first)
            {
                sb.Append(DateTime.Now.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture)).Append(' ').Append(ShortLevel(level)).Append(' ');
            }
            else
            {
                sb.Append("      ");
            }

            if (first || Journal)
            {
                sb.Append(category).Append('[').Append(eventId.Id).Append("]: ");
            }

            sb.Append(line).Append('\n');
            first = false;
        }

        lock (_writeGate)
        {
            _output.Write(sb.ToString());
            _output.Flush();
        }
    }

    private static string ShortLevel(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        _ => "crit",
    };

    public void Dispose()
    {
    }
}

internal sealed class JournalLogger(string category, JournalLoggerProvider provider) : ILogger
{
    private int _version = -1;
    private LogLevel _minimum;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel)
    {
        var version = provider.RulesVersion;
        if (version != Volatile.Read(ref _version))
        {
            _minimum = provider.MinimumLevel(category);
            Volatile.Write(ref _version, version);
        }

        return logLevel != LogLevel.None && logLevel >= _minimum;
    }

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            provider.Write(logLevel, category, eventId, formatter(state, exception), exception);
        }
    }
}
