using EdgeLam.Sensors.Windows;

namespace EdgeLam.Gateway.Sensing;

/// <summary>
/// Groups windows into requests. Per window: every window is a group of one. All streams: the latest window of each
/// stream is held until every stream has one newer than the last group; a newer window of a stream already held
/// replaces it (counted as superseded), so the group is always the freshest window of each stream.
/// </summary>
internal sealed class WindowGrouper(IReadOnlyList<string> streams, bool perWindow)
{
    private readonly Dictionary<string, SensorWindow> _held = new(StringComparer.Ordinal);

    /// <summary>Adds a window; returns a complete group or null. <paramref name="replaced"/> counts held windows it superseded.</summary>
    public List<SensorWindow>? Add(SensorWindow window, out int replaced)
    {
        replaced = 0;
        if (perWindow)
        {
            return [window];
        }

        if (_held.ContainsKey(window.Stream))
        {
            replaced = 1;
        }

        _held[window.Stream] = window;
        if (_held.Count < streams.Count)
        {
            return null;
        }

        List<SensorWindow> group = [.. streams.Select(s => _held[s])];
        _held.Clear();
        return group;
    }
}
