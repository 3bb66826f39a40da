using System.Collections.Concurrent;
using EdgeLam.Transport.Layouts;

namespace EdgeLam.Gateway.Tests.Orchestration;

/// <summary>A layout host that records what the agreement asks of it; <see cref="FailPrepare"/> makes loading fail.</summary>
internal sealed class FakeLayoutHost : ILayoutHost
{
    private readonly ConcurrentDictionary<uint, NodeLayout> _prepared = new();

    public ConcurrentQueue<string> Calls { get; } = new();

    public ConcurrentDictionary<uint, IReadOnlyCollection<string>> Commits { get; } = new();

    public bool FailPrepare { get; set; }

    public uint ActiveEpoch { get; private set; }

    public IReadOnlyCollection<uint> LoadedEpochs => [.. _prepared.Keys];

    public NodeLayout? Layout(uint epoch) => _prepared.TryGetValue(epoch, out var layout) ? layout : null;

    public Task PrepareAsync(NodeLayout layout, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"prepare {layout.Epoch}");
        if (FailPrepare)
        {
            throw new InvalidOperationException("segment files missing");
        }

        _prepared[layout.Epoch] = layout;
        return Task.CompletedTask;
    }

    public Task CommitAsync(uint epoch, IReadOnlyCollection<string> lostNodes, CancellationToken cancellationToken)
    {
        if (!_prepared.ContainsKey(epoch))
        {
            throw new InvalidOperationException($"epoch {epoch} was not prepared");
        }

        Calls.Enqueue($"commit {epoch}");
        ActiveEpoch = epoch;
        Commits[epoch] = lostNodes;
        return Task.CompletedTask;
    }

    public Task AbandonAsync(uint epoch, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"abandon {epoch}");
        _prepared.TryRemove(epoch, out _);
        return Task.CompletedTask;
    }
}
