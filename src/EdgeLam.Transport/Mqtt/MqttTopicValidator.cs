using System.Text;

namespace EdgeLam.Transport.Mqtt;

/// <summary>MQTT 5 §4.7 topic name and filter rules.</summary>
public static class MqttTopicValidator
{
    /// <summary>Most UTF-8 bytes in a topic (two-byte length prefix).</summary>
    public const int MaxTopicBytes = 65535;

    /// <summary>A topic name to publish to: non-empty, no wildcards, no NUL, ≤ 65535 UTF-8 bytes.</summary>
    public static bool IsValidTopicName(string? topic) =>
        !string.IsNullOrEmpty(topic) && topic.AsSpan().IndexOfAny("+#\0") < 0 && Encoding.UTF8.GetByteCount(topic) <= MaxTopicBytes;

    /// <summary>A subscription filter: '+' fills a whole level, '#' only as the whole last level.</summary>
    public static bool IsValidTopicFilter(string? filter)
    {
        if (string.IsNullOrEmpty(filter) || filter.Contains('\0', StringComparison.Ordinal) || Encoding.UTF8.GetByteCount(filter) > MaxTopicBytes)
        {
            return false;
        }

        var levels = filter.Split('/');
        for (var i = 0; i < levels.Length; i++)
        {
            var level = levels[i];
            if (level.Contains('#', StringComparison.Ordinal) && (level.Length != 1 || i != levels.Length - 1))
            {
                return false;
            }

            if (level.Contains('+', StringComparison.Ordinal) && level.Length != 1)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when <paramref name="topic"/> matches <paramref name="filter"/> (a <c>$share/group/</c> prefix is ignored).</summary>
    public static bool Matches(string filter, string topic)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(topic);
        filter = StripSharePrefix(filter, out _);
        var f = filter.Split('/');
        var t = topic.Split('/');
        if (topic.StartsWith('$') && (f[0] == "+" || f[0] == "#"))
        {
            return false;
        }

        for (var i = 0; i < f.Length; i++)
        {
            if (f[i] == "#")
            {
                return true;
            }

            if (i >= t.Length || (f[i] != "+" && f[i] != t[i]))
            {
                return false;
            }
        }

        return f.Length == t.Length;
    }

    /// <summary>Removes <c>$share/{group}/</c>, returning the group (or null).</summary>
    public static string StripSharePrefix(string filter, out string? group)
    {
        ArgumentNullException.ThrowIfNull(filter);
        group = null;
        if (!filter.StartsWith("$share/", StringComparison.Ordinal))
        {
            return filter;
        }

        var slash = filter.IndexOf('/', 7);
        if (slash < 0)
        {
            return filter;
        }

        group = filter[7..slash];
        return filter[(slash + 1)..];
    }
}
