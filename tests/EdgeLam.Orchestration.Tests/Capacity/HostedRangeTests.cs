using EdgeLam.Orchestration.Capacity;
using EdgeLam.Orchestration.Planning;

namespace EdgeLam.Orchestration.Tests.Capacity;

public class HostedRangeTests
{
    // Blocks of 10/20/30/40 units, 100·(i+1) weight bytes, 8·(i+1) KV bytes per position; embedding 5 units, head 7.
    private static readonly CostTable Costs = new(
        [.. Enumerable.Range(0, 4).Select(i => new BlockCost(100 * (i + 1), 8 * (i + 1), 10 * (i + 1)))],
        new EndCost(1000, 5),
        new EndCost(2000, 7),
        [.. Enumerable.Repeat<CutCost?>(new CutCost(64, 32, 32, 18), 5)],
        ResultBytes: 0);

    [Fact]
    public void Costs_GatewayRange_BlocksPlusEmbedding()
    {
        var range = new HostedRange(0, 2, Embedding: true, Head: false);

        Assert.Equal(35, range.ComputeUnits(Costs));
        Assert.Equal(1300, range.WeightBytes(Costs));
        Assert.Equal(24, range.KvBytesPerPosition(Costs));
    }

    [Fact]
    public void Costs_LastRange_BlocksPlusHead()
    {
        var range = new HostedRange(2, 4, Embedding: false, Head: true);

        Assert.Equal(77, range.ComputeUnits(Costs));
        Assert.Equal(2700, range.WeightBytes(Costs));
        Assert.Equal(56, range.KvBytesPerPosition(Costs));
    }

    [Fact]
    public void MsPerUnit_StepTimeOverTheRangesUnits()
    {
        var range = new HostedRange(1, 3, Embedding: false, Head: false); // 20 + 30 units

        Assert.Equal(0.1, range.MsPerUnit(5.0, Costs)!.Value, 12);
        Assert.Equal(2.5, range.MsPerBlock(5.0));
        Assert.Null(range.MsPerUnit(null, Costs));
    }

    [Fact]
    public void Costs_RangeOutsideTheModel_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HostedRange(3, 6, false, false).ComputeUnits(Costs));
    }
}
