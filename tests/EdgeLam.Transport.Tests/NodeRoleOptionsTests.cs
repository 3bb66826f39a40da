using EdgeLam.Transport.Roles;
using Xunit;

namespace EdgeLam.Transport.Tests;

public sealed class NodeRoleOptionsTests
{
    private static NodeRoleOptions Valid() => new()
    {
        Site = "site",
        Node = "gw",
        ModelDirectory = Path.GetTempPath(),
        FirstSegment = 0,
        LastSegment = 0,
    };

    [Fact]
    public void Validate_Defaults_NoProblem()
    {
        Assert.Empty(Valid().Validate());
    }

    [Theory]
    [InlineData(99, "Node:StepTimeout")]
    [InlineData(600_001, "Node:StepTimeout")]
    public void Validate_StepTimeoutOutsideTheDaemonsRange_NamesTheKey(int milliseconds, string key)
    {
        var options = Valid();
        options.StepTimeout = TimeSpan.FromMilliseconds(milliseconds);

        var problem = Assert.Single(options.Validate());

        Assert.Equal(key, problem.Key);
        Assert.Contains("00:00:00.1000000", problem.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public void Validate_MaxAttemptsOutside1To1000_NamesTheKey(int attempts)
    {
        var options = Valid();
        options.MaxAttempts = attempts;

        Assert.Equal("Node:MaxAttempts", Assert.Single(options.Validate()).Key);
    }

    [Fact]
    public void Validate_KvHandoverTimeoutUnder10Ms_NamesTheKey()
    {
        var options = Valid();
        options.KvHandoverTimeout = TimeSpan.FromMilliseconds(9);

        Assert.Equal("Node:KvHandoverTimeout", Assert.Single(options.Validate()).Key);
    }

    [Fact]
    public void Validate_TheLimitsThemselves_NoProblem()
    {
        var options = Valid();
        options.StepTimeout = TimeSpan.FromMilliseconds(100);
        options.MaxAttempts = 1000;
        options.KvHandoverTimeout = TimeSpan.FromMinutes(10);

        Assert.Empty(options.Validate());
    }
}
