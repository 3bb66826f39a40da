namespace EdgeLam.Hosting.Configuration;

/// <summary>The current validated settings. Replaced only by a reload that validated cleanly.</summary>
public sealed class SettingsStore(EdgeLamSettings initial)
{
    private EdgeLamSettings _current = initial;

    /// <summary>Raised after a successful reload with (previous, current).</summary>
    public event Action<EdgeLamSettings, EdgeLamSettings>? Changed;

    public EdgeLamSettings Current => Volatile.Read(ref _current);

    public void Replace(EdgeLamSettings next)
    {
        var previous = Interlocked.Exchange(ref _current, next);
        Changed?.Invoke(previous, next);
    }
}
