using EdgeLam.Hosting.Configuration;
using Microsoft.Extensions.Logging;

namespace EdgeLam.Hosting.Logging;

/// <summary>Section <c>Logging:LogLevel</c>: a default level plus per-category-prefix levels (longest prefix wins).
/// Reloadable on SIGHUP.</summary>
public sealed class LogLevelRules
{
    public const string Section = "Logging:LogLevel";

    private static readonly KeyValuePair<string, LogLevel>[] Levels =
    [
        new("Trace", LogLevel.Trace), new("Debug", LogLevel.Debug), new("Information", LogLevel.Information),
        new("Warning", LogLevel.Warning), new("Error", LogLevel.Error), new("Critical", LogLevel.Critical),
        new("None", LogLevel.None),
    ];

    private readonly KeyValuePair<string, LogLevel>[] _prefixes;

    public LogLevelRules(LogLevel defaultLevel, IEnumerable<KeyValuePair<string, LogLevel>> prefixes)
    {
        Default = defaultLevel;
        _prefixes = [.. prefixes.OrderByDescending(p => p.Key.Length)];
    }

    public LogLevel Default { get; }

    public IReadOnlyList<KeyValuePair<string, LogLevel>> Prefixes => _prefixes;

    public LogLevel For(string category)
    {
        foreach (var (prefix, level) in _prefixes)
        {
            if (category.StartsWith(prefix, StringComparison.Ordinal) &&
                (category.Length == prefix.Length || category[prefix.Length] == '.'))
            {
                return level;
            }
        }

        return Default;
    }

    public static LogLevelRules Bind(ConfigReader r)
    {
        var prefixes = new List<KeyValuePair<string, LogLevel>>();
        var defaultLevel = LogLevel.Information;
        foreach (var child in r.Configuration.GetSection(Section).GetChildren())
        {
            var level = r.Choice(Section + ":" + child.Key, LogLevel.Information, Levels);
            if (child.Key == "Default")
            {
                defaultLevel = level;
            }
            else
            {
                prefixes.Add(new(child.Key, level));
            }
        }

        return new LogLevelRules(defaultLevel, prefixes);
    }
}
