namespace EdgeLam.Gateway.Hosting;

/// <summary>
/// The ids of the last <c>capacity</c> requests a gateway took from <c>requests/{gateway}</c>, so that a request the
/// broker delivers again (QoS 1: its acknowledgement was lost when the broker restarted) runs once and gets one set of
/// results. The oldest id is forgotten first. Thread-safe.
/// </summary>
internal sealed class RecentRequestIds(int capacity)
{
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly Lock _sync = new();

    /// <summary>Remembers <paramref name="id"/>; false when it is among the last ids taken (a repeat).</summary>
    public bool TryAdd(string id)
    {
        lock (_sync)
        {
            if (!_ids.Add(id))
            {
                return false;
            }

            _order.Enqueue(id);
            if (_order.Count > capacity)
            {
                _ids.Remove(_order.Dequeue());
            }

            return true;
        }
    }
}
