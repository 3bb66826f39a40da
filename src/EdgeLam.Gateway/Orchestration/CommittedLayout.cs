using System.Collections.Concurrent;
using System.Globalization;
using EdgeLam.Transport.Layouts;

namespace EdgeLam.Gateway.Orchestration;

/// <summary>
/// What an orchestrated node runs new requests on, for its status and capacity (singleton in DI): the committed
/// epoch and this node's layout in it (null before the first commit, or when the epoch gives this node no part).
/// </summary>
internal sealed class CommittedLayout
{
    private Current _current = new(0, null);

    /// <summary>The committed epoch; 0 before the first commit.</summary>
    public uint Epoch => Volatile.Read(ref _current).Epoch;

    /// <summary>This node's part of the committed epoch; null before the first commit or when it has none.</summary>
    public NodeLayout? Layout => Volatile.Read(ref _current).Layout;

    /// <summary>Raised after each commit (on the agreement's loop: keep it quick).</summary>
    public event Action<uint, NodeLayout?>? Changed;

    public void Commit(uint epoch, NodeLayout? layout)
    {
        Volatile.Write(ref _current, new Current(epoch, layout));
        Changed?.Invoke(epoch, layout);
    }

    /// <summary>
    /// The segments of a per-block split <paramref name="layout"/> hosts, as status writes them (<c>2-3</c>): segment 0 is
    /// the embedding, segment i block i − 1, segment N + 1 the head; <c>none</c> without a layout.
    /// </summary>
    public static string Segments(NodeLayout? layout, int blocks)
    {
        if (layout is null)
        {
            return Hosting.NodeSettings.NoSegments;
        }

        var first = layout.FirstBlock == 0 ? 0 : layout.FirstBlock + 1;
        var last = layout.EndBlock == blocks ? blocks + 1 : layout.EndBlock;
        return string.Create(CultureInfo.InvariantCulture, $"{first}-{last}");
    }

    private sealed record Current(uint Epoch, NodeLayout? Layout);
}

/// <summary>The node's <see cref="ILayoutHost"/> as the agreement drives it, recording each commit in <see cref="CommittedLayout"/>.</summary>
internal sealed class RecordedLayoutHost(ILayoutHost inner, CommittedLayout committed) : ILayoutHost
{
    private readonly ConcurrentDictionary<uint, NodeLayout> _prepared = new();

    public uint ActiveEpoch => inner.ActiveEpoch;

    public IReadOnlyCollection<uint> LoadedEpochs => inner.LoadedEpochs;

    public async Task PrepareAsync(NodeLayout layout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layout);
        await inner.PrepareAsync(layout, cancellationToken).ConfigureAwait(false);
        _prepared[layout.Epoch] = layout;
    }

    public async Task CommitAsync(uint epoch, IReadOnlyCollection<string> lostNodes, CancellationToken cancellationToken)
    {
        await inner.CommitAsync(epoch, lostNodes, cancellationToken).ConfigureAwait(false);
        _prepared.TryGetValue(epoch, out var layout);
        foreach (var older in _prepared.Keys.Where(e => e < epoch))
        {
            _prepared.TryRemove(older, out _);
        }

        committed.Commit(epoch, layout);
    }

    public async Task AbandonAsync(uint epoch, CancellationToken cancellationToken)
    {
        await inner.AbandonAsync(epoch, cancellationToken).ConfigureAwait(false);
        _prepared.TryRemove(epoch, out _);
    }
}
