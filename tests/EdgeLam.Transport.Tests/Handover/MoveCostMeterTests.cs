using EdgeLam.Inference.Ranges;
using EdgeLam.Transport.Handover;

namespace EdgeLam.Transport.Tests.Handover;

public sealed class MoveCostMeterTests
{
    [Fact]
    public void Costs_BeforeAPrefillAndAHandover_Null()
    {
        var meter = new MoveCostMeter();
        meter.RecordPrefill(10, 30);

        Assert.Null(meter.Costs());
        meter.RecordHandover(1000, 5);
        Assert.NotNull(meter.Costs());
    }

    [Fact]
    public void Costs_SamplesOnALine_FitFixedAndPerUnitExactly()
    {
        var meter = new MoveCostMeter();
        foreach (var positions in new[] { 8, 64, 200, 512 })
        {
            meter.RecordPrefill(positions, 20 + (1.5 * positions)); // 20 ms fixed, 1.5 ms per position
        }

        foreach (var bytes in new[] { 100_000L, 1_000_000, 4_000_000 })
        {
            meter.RecordHandover(bytes, 4 + (bytes / 2_000_000.0 * 1000)); // 4 ms latency, 2 MB/s
        }

        var costs = meter.Costs()!.Value;

        Assert.Equal(20, costs.PrefillFixedMs, 6);
        Assert.Equal(1.5, costs.PrefillMsPerPosition, 6);
        Assert.Equal(4, costs.LinkLatencyMs, 6);
        Assert.Equal(2_000_000, costs.LinkBytesPerSecond, 0);
    }

    [Fact]
    public void Costs_OneSizeOnly_PerUnitIsTheMeanWithNoFixedPart()
    {
        var meter = new MoveCostMeter();
        meter.RecordPrefill(10, 30);
        meter.RecordPrefill(10, 50);
        meter.RecordHandover(1000, 8);

        var costs = meter.Costs()!.Value;

        Assert.Equal(0, costs.PrefillFixedMs);
        Assert.Equal(4, costs.PrefillMsPerPosition, 9);
        Assert.Equal(0, costs.LinkLatencyMs);
        Assert.Equal(125_000, costs.LinkBytesPerSecond, 6);
    }

    [Fact]
    public void Costs_OnlyTheLastWindowCounts()
    {
        var meter = new MoveCostMeter();
        meter.RecordHandover(1000, 1);
        for (var i = 0; i < MoveCostMeter.Window; i++)
        {
            meter.RecordPrefill(10, 1000); // an old, slow era ...
        }

        for (var i = 0; i < MoveCostMeter.Window; i++)
        {
            meter.RecordPrefill(10, 10); // ... pushed out by the new one
        }

        Assert.Equal(1, meter.Costs()!.Value.PrefillMsPerPosition, 9);
    }

    [Fact]
    public void Record_NonsenseSamples_Ignored()
    {
        var meter = new MoveCostMeter();
        meter.RecordPrefill(0, 10);
        meter.RecordPrefill(10, double.NaN);
        meter.RecordHandover(-5, 10);
        meter.RecordHandover(100, -1);

        Assert.Null(meter.Costs());
    }

    /// <summary>
    /// The rule on measured figures of one site (prefill 100 ms + 1.5 ms per position; the broker 4 ms + 2 MB/s;
    /// 4 KB of KV per position change node, 2 ms per position on the broker): the handover grows faster per position
    /// but starts lower, so it wins up to 200 positions and loses beyond — the choice depends on the context length.
    /// </summary>
    [Theory]
    [InlineData(8, MoveMethod.Handover)]
    [InlineData(64, MoveMethod.Handover)]
    [InlineData(512, MoveMethod.Replay)]
    public void Choose_MeasuredCosts_DependsOnTheContextLength(int positions, MoveMethod expected)
    {
        var meter = new MoveCostMeter();
        meter.RecordPrefill(8, 100 + (1.5 * 8));
        meter.RecordPrefill(512, 100 + (1.5 * 512));
        meter.RecordHandover(100_000, 4 + 50);
        meter.RecordHandover(1_000_000, 4 + 500);

        var choice = ConversationMove.Choose(meter.Costs()!.Value, positions, 4_096, 0);

        Assert.Equal(expected, choice.Method);
        Assert.Equal(100 + (1.5 * positions) + 4, choice.ReplayMs, 6); // the link's latency counts for both
        Assert.Equal(4 + (4_096.0 * positions / 2_000), choice.HandoverMs, 6);
    }
}
