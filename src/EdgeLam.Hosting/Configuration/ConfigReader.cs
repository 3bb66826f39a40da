using System.Globalization;
using EdgeLam.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace EdgeLam.Hosting.Configuration;

/// <summary>
/// Reads typed values from configuration by full key and records one <see cref="ConfigProblem"/> per value that
/// is malformed or out of range, falling back to the default so reading always completes. This is the manual,
/// reflection-free binder every options class uses (NativeAOT-safe, and it can name the key in each message).
/// </summary>
public sealed class ConfigReader
{
    private readonly List<ConfigProblem> _problems = [];

    public ConfigReader(IConfiguration configuration)
    {
        Configuration = configuration;
    }

    public IConfiguration Configuration { get; }

    public IReadOnlyList<ConfigProblem> Problems => _problems;

    public void Problem(string key, string? value, string allowed) => _problems.Add(new ConfigProblem(key, value, allowed));

    /// <summary>Adds a problem another component's validator phrased itself (it must name the key).</summary>
    public void Problem(ConfigProblem problem) => _problems.Add(problem);

    /// <summary>The raw value, or null when the key is missing or empty.</summary>
    public string? Raw(string key) => Configuration[key] is { Length: > 0 } v ? v : null;

    public string? String(string key) => Raw(key)?.Trim();

    public string String(string key, string defaultValue) => String(key) ?? defaultValue;

    public int Int(string key, int defaultValue, int min, int max)
    {
        var raw = String(key);
        if (raw is null)
        {
            return defaultValue;
        }

        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            Problem(key, raw, $"must be an integer from {min} to {max}");
            return defaultValue;
        }

        return value;
    }

    public double Double(string key, double defaultValue, double min, double max)
    {
        var raw = String(key);
        if (raw is null)
        {
            return defaultValue;
        }

        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value >= min && value <= max))
        {
            Problem(key, raw, string.Create(CultureInfo.InvariantCulture, $"must be a number from {min} to {max}"));
            return defaultValue;
        }

        return value;
    }

    public bool Bool(string key, bool defaultValue)
    {
        var raw = String(key);
        if (raw is null)
        {
            return defaultValue;
        }

        if (bool.TryParse(raw, out var value))
        {
            return value;
        }

        Problem(key, raw, "must be true or false");
        return defaultValue;
    }

    /// <summary>A duration written as seconds (<c>10</c>, <c>2.5</c>), with a unit (<c>500ms</c>, <c>10s</c>, <c>2m</c>) or as <c>hh:mm:ss</c>.</summary>
    public TimeSpan Duration(string key, TimeSpan defaultValue, TimeSpan min, TimeSpan max)
    {
        var raw = String(key);
        if (raw is null)
        {
            return defaultValue;
        }

        if (!TryParseDuration(raw, out var value) || value < min || value > max)
        {
            Problem(key, raw, $"must be a duration from {Describe(min)} to {Describe(max)} (seconds like 10 or 2.5, or 500ms, 2m, 1h, hh:mm:ss)");
            return defaultValue;
        }

        return value;
    }

    /// <summary>One of a fixed set of names (case-insensitive).</summary>
    public T Choice<T>(string key, T defaultValue, IReadOnlyList<KeyValuePair<string, T>> choices)
    {
        var raw = String(key);
        if (raw is null)
        {
            return defaultValue;
        }

        foreach (var (name, value) in choices)
        {
            if (string.Equals(name, raw, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        Problem(key, raw, "must be one of " + string.Join(", ", choices.Select(c => c.Key)));
        return defaultValue;
    }

    /// <summary>A path that, when set, must name an existing file.</summary>
    public string? ExistingFile(string key)
    {
        var raw = String(key);
        if (raw is not null && !File.Exists(raw))
        {
            Problem(key, raw, Directory.Exists(raw) ? "must name a file, not a directory" : "must name an existing file (not found)");
        }

        return raw;
    }

    /// <summary>A path that, when set, must name an existing file or directory.</summary>
    public string? ExistingPath(string key)
    {
        var raw = String(key);
        if (raw is not null && !File.Exists(raw) && !Directory.Exists(raw))
        {
            Problem(key, raw, "must name an existing file or directory (not found)");
        }

        return raw;
    }

    /// <summary>A name usable as one MQTT topic level and as a file name: letters, digits, '.', '_' and '-', at most <paramref name="maxLength"/>.</summary>
    public string? TopicSafeName(string key, string? defaultValue, int maxLength = 64)
    {
        var raw = String(key);
        if (raw is null)
        {
            return defaultValue;
        }

        if (!IsTopicSafe(raw, maxLength))
        {
            Problem(key, raw, $"must be 1 to {maxLength} characters of letters, digits, '.', '_' or '-', starting with a letter or digit");
            return defaultValue;
        }

        return raw;
    }

    public static bool IsTopicSafe(string value, int maxLength)
    {
        if (value.Length == 0 || value.Length > maxLength || !char.IsAsciiLetterOrDigit(value[0]))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        text = text.Trim();
        value = default;
        if (text.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value) && value >= TimeSpan.Zero;
        }

        double scale = 1;
        if (text.EndsWith("ms", StringComparison.OrdinalIgnoreCase))
        {
            scale = 0.001;
            text = text[..^2];
        }
        else if (text.EndsWith('s') || text.EndsWith('S'))
        {
            text = text[..^1];
        }
        else if (text.EndsWith('m') || text.EndsWith('M'))
        {
            scale = 60;
            text = text[..^1];
        }
        else if (text.EndsWith('h') || text.EndsWith('H'))
        {
            scale = 3600;
            text = text[..^1];
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ||
            !double.IsFinite(number) || number < 0 || number * scale > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return false;
        }

        value = TimeSpan.FromSeconds(number * scale);
        return true;
    }

    private static string Describe(TimeSpan t) =>
        t.TotalSeconds >= 1 || t == TimeSpan.Zero ? t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s" : t.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + "ms";
}
