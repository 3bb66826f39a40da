using EdgeLam.Onnx.Model.Comparison;

namespace EdgeLam.Onnx.Model.Tests;

/// <summary>The comparison figures on hand-computed logit rows.</summary>
public sealed class LogitComparisonTests
{
    [Fact]
    public void Add_IdenticalRows_GivesZeroDifferenceFullAgreementZeroKl()
    {
        var c = new LogitComparison();

        c.Add([1.0, 2.0, 3.0], [1.0, 2.0, 3.0]);

        Assert.Equal(0, c.MaxAbsDifference);
        Assert.Equal(1, c.Top1Agreement);
        Assert.Equal(0, c.MeanKlDivergence, 12);
    }

    [Fact]
    public void Add_TwoPositions_GivesHandComputedFigures()
    {
        var c = new LogitComparison();

        // Position 1: both pick class 0; |diff| = 0, 1. Position 2: A picks 1, B picks 0; |diff| = 2, 0.
        c.Add([0.0, -1.0], [0.0, 0.0]);
        c.Add([0.0, 2.0], [0.0, 0.0]);

        Assert.Equal(2, c.Positions);
        Assert.Equal(2.0, c.MaxAbsDifference);
        Assert.Equal(3.0 / 4, c.MeanAbsDifference);
        Assert.Equal(0.5, c.Top1Agreement);

        // KL(p ‖ q) with p = softmax(0, −1), q = (½, ½): Σ p log(2p).
        var p0 = 1 / (1 + Math.Exp(-1));
        var kl1 = (p0 * Math.Log(2 * p0)) + ((1 - p0) * Math.Log(2 * (1 - p0)));
        var p1 = 1 / (1 + Math.Exp(2));
        var kl2 = (p1 * Math.Log(2 * p1)) + ((1 - p1) * Math.Log(2 * (1 - p1)));
        Assert.Equal((kl1 + kl2) / 2, c.MeanKlDivergence, 12);
    }

    [Fact]
    public void KlDivergence_ShiftedLogits_IsZero()
    {
        Assert.Equal(0, LogitComparison.KlDivergence([1.0, 5.0, -3.0], [101.0, 105.0, 97.0]), 12);
    }

    [Fact]
    public void ArgMax_Ties_PicksTheFirst()
    {
        Assert.Equal(1, LogitComparison.ArgMax([0.0, 3.0, 3.0]));
    }
}
