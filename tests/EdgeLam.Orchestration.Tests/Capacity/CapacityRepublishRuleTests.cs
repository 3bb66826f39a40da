using EdgeLam.Orchestration.Capacity;

namespace EdgeLam.Orchestration.Tests.Capacity;

public class CapacityRepublishRuleTests
{
    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void Due_ChangeOver20Percent_TrueOnceIntervalPassed()
    {
        var rule = new CapacityRepublishRule(0.2, S(1));
        rule.Published(1.0, S(0));

        Assert.False(rule.Due(4.0, S(0.5))); // rate-limited
        Assert.True(rule.Due(4.0, S(1)));
    }

    [Fact]
    public void Due_ChangeUnder20Percent_False()
    {
        var rule = new CapacityRepublishRule(0.2, S(1));
        rule.Published(1.0, S(0));

        Assert.False(rule.Due(1.19, S(5)));
        Assert.False(rule.Due(0.81, S(5)));
        Assert.True(rule.Due(0.79, S(5)));
    }

    [Fact]
    public void Due_NoFigure_False()
    {
        var rule = new CapacityRepublishRule(0.2, S(1));

        Assert.False(rule.Due(null, S(5)));
    }

    [Fact]
    public void Due_FirstFigureAfterPublishingNone_True()
    {
        var rule = new CapacityRepublishRule(0.2, S(1));
        rule.Published(null, S(0));

        Assert.True(rule.Due(2.0, S(1)));
    }
}
