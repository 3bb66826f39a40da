using EdgeLam.Orchestration.Capacity;

namespace EdgeLam.Orchestration.Tests.Capacity;

public class MedianWindowTests
{
    [Fact]
    public void Median_NoSample_IsNull()
    {
        Assert.Null(new MedianWindow(4).Median());
    }

    [Fact]
    public void Median_OneOutlier_DoesNotMoveIt()
    {
        var window = new MedianWindow(5);
        foreach (var ms in new[] { 2.0, 2.0, 50.0, 2.0, 3.0 })
        {
            window.Add(ms);
        }

        Assert.Equal(2.0, window.Median());
    }

    [Fact]
    public void Median_EvenCount_MeanOfTheMiddleTwo()
    {
        var window = new MedianWindow(8);
        foreach (var ms in new[] { 4.0, 1.0, 3.0, 2.0 })
        {
            window.Add(ms);
        }

        Assert.Equal(2.5, window.Median());
    }

    [Fact]
    public void Median_MoreSamplesThanCapacity_OnlyTheRecentCount()
    {
        var window = new MedianWindow(3);
        foreach (var ms in new[] { 100.0, 100.0, 100.0, 1.0, 1.0, 1.0 })
        {
            window.Add(ms);
        }

        Assert.Equal(1.0, window.Median());
        Assert.Equal(6, window.Count);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(-1.0)]
    public void Add_NotAFiniteNonNegativeNumber_Ignored(double sample)
    {
        var window = new MedianWindow(3);

        Assert.False(window.Add(sample));
        Assert.Null(window.Median());
        Assert.Equal(0, window.Count);
    }
}
