using EdgeLam.Orchestration.Planning;

namespace EdgeLam.Orchestration.Capacity;

/// <summary>
/// The part of a model one node hosts: blocks [<see cref="FirstBlock"/>, <see cref="EndBlock"/>), with the embedding
/// and/or the head; what it costs by the model's cost table, and its measured step times in the planner's units.
/// </summary>
public sealed record HostedRange(int FirstBlock, int EndBlock, bool Embedding, bool Head)
{
    /// <summary>Blocks hosted.</summary>
    public int BlockCount => EndBlock - FirstBlock;

    /// <summary>Compute units of one position over the range (blocks, plus the embedding and the head when hosted).</summary>
    public double ComputeUnits(CostTable costs) =>
        Blocks(costs).Sum(b => b.ComputeUnits) + End(costs, c => c.ComputeUnits);

    /// <summary>Weight bytes of the range (blocks, plus the embedding and the head when hosted).</summary>
    public long WeightBytes(CostTable costs) =>
        Blocks(costs).Sum(b => b.WeightBytes) + (long)End(costs, c => c.WeightBytes);

    /// <summary>KV-cache bytes per position of one session over the hosted blocks.</summary>
    public long KvBytesPerPosition(CostTable costs) => Blocks(costs).Sum(b => b.KvBytesPerPosition);

    /// <summary>
    /// Milliseconds per compute unit from the time <paramref name="ms"/> one position took over the whole range; null
    /// without a time or when the range has no compute units.
    /// </summary>
    public double? MsPerUnit(double? ms, CostTable costs) =>
        ms is { } t && ComputeUnits(costs) is var units && units > 0 ? t / units : null;

    /// <summary>Milliseconds per hosted block from the time one position took over the whole range; null without blocks.</summary>
    public double? MsPerBlock(double? ms) => ms is { } t && BlockCount > 0 ? t / BlockCount : null;

    private IEnumerable<BlockCost> Blocks(CostTable costs)
    {
        ArgumentNullException.ThrowIfNull(costs);
        if (FirstBlock < 0 || EndBlock > costs.BlockCount || FirstBlock > EndBlock)
        {
            throw new ArgumentOutOfRangeException(nameof(costs), $"blocks [{FirstBlock}, {EndBlock}) are not in the model's {costs.BlockCount}");
        }

        return costs.Blocks.Skip(FirstBlock).Take(BlockCount);
    }

    private double End(CostTable costs, Func<EndCost, double> of) =>
        (Embedding ? of(costs.Embedding) : 0) + (Head ? of(costs.Head) : 0);
}
