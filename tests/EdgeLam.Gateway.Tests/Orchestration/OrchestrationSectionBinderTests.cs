using EdgeLam.Orchestration.Agreement;

namespace EdgeLam.Gateway.Tests.Orchestration;

/// <summary>Section <c>Orchestration</c> bound once into <see cref="OrchestrationOptions"/> with the daemon's other sections.</summary>
public sealed class OrchestrationSectionBinderTests
{
    [Fact]
    public void Bind_EmptyConfiguration_OffWithDocumentedDefaults()
    {
        var o = DaemonSettings.Valid().Section<OrchestrationOptions>();

        Assert.False(o.Enabled);
        Assert.True(o.Eligible);
        Assert.Equal(TimeSpan.FromSeconds(1), o.EvaluateInterval);
        Assert.Equal(0.15, o.GainThreshold);
        Assert.Equal(TimeSpan.FromSeconds(3), o.HoldFor);
        Assert.Null(o.StepTargetMs);
        Assert.Equal(TimeSpan.FromSeconds(20), o.PrepareTimeout);
    }

    [Fact]
    public void Bind_ValuesGiven_AreTaken()
    {
        var o = DaemonSettings.Valid(
            ("Orchestration:Enabled", "true"),
            ("Node:Role", "peer"),
            ("Orchestration:Eligible", "false"),
            ("Orchestration:PrivacyFloor", "4"),
            ("Orchestration:HoldFor", "500ms"),
            ("Orchestration:GainThreshold", "0.3"),
            ("Orchestration:StepTargetMs", "80")).Section<OrchestrationOptions>();

        Assert.True(o.Enabled);
        Assert.False(o.Eligible);
        Assert.Equal(4, o.PrivacyFloor);
        Assert.Equal(TimeSpan.FromMilliseconds(500), o.HoldFor);
        Assert.Equal(0.3, o.GainThreshold);
        Assert.Equal(80, o.StepTargetMs);
    }

    [Theory]
    [InlineData("Orchestration:GainThreshold", "1.5")]
    [InlineData("Orchestration:GainThreshold", "0")]
    [InlineData("Orchestration:StepTargetMs", "-3")]
    [InlineData("Orchestration:EvaluateInterval", "10ms")]
    [InlineData("Orchestration:PrepareTimeout", "soon")]
    [InlineData("Orchestration:Enabled", "yes")]
    public void Bind_BadValue_OneProblemNamingKeyAndValue(string key, string value)
    {
        DaemonSettings.Bind(DaemonSettings.Config((key, value)), out var problems);

        var problem = Assert.Single(problems);
        Assert.Equal(key, problem.Key);
        Assert.Equal(value, problem.Value);
    }
}
