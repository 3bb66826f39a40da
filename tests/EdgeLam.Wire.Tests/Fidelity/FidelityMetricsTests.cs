using EdgeLam.Benchmarks.Fidelity;

namespace EdgeLam.Wire.Tests.Fidelity;

public class FidelityMetricsTests
{
    [Fact]
    public void MaxAbsError_HandComputed_IsLargestDifference()
    {
        Assert.Equal(1.5, FidelityMetrics.MaxAbsError([1f, 2f, 3f], [1f, 0.5f, 4f]));
        Assert.Equal(0, FidelityMetrics.MaxAbsError([], []));
        Assert.True(double.IsNaN(FidelityMetrics.MaxAbsError([1f], [float.NaN])));
    }

    [Fact]
    public void CosineSimilarity_HandComputed_MatchesDefinition()
    {
        Assert.Equal(0, FidelityMetrics.CosineSimilarity([1f, 0f], [0f, 1f]), 12);
        Assert.Equal(-1, FidelityMetrics.CosineSimilarity([1f, 2f], [-2f, -4f]), 12);
        // (1·1 + 2·2 + 3·4) / (√14 · √21) = 17 / √294
        Assert.Equal(17 / Math.Sqrt(294), FidelityMetrics.CosineSimilarity([1f, 2f, 3f], [1f, 2f, 4f]), 12);
        Assert.Equal(1, FidelityMetrics.CosineSimilarity([0f, 0f], [0f, 0f]));
        Assert.Equal(0, FidelityMetrics.CosineSimilarity([0f, 0f], [1f, 0f]));
    }

    [Fact]
    public void ArgMax_TiesAndEmpty_FirstIndexOrMinusOne()
    {
        Assert.Equal(1, FidelityMetrics.ArgMax([0f, 5f, 5f, -1f]));
        Assert.Equal(-1, FidelityMetrics.ArgMax([]));
    }

    [Fact]
    public void Metrics_DifferentLengths_Throw()
    {
        Assert.Throws<ArgumentException>(() => FidelityMetrics.CosineSimilarity([1f], [1f, 2f]));
        Assert.Throws<ArgumentException>(() => FidelityMetrics.MaxAbsError([1f], []));
    }
}
