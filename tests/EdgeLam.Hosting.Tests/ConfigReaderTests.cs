using EdgeLam.Core.Configuration;
using EdgeLam.Hosting.Configuration;

namespace EdgeLam.Hosting.Tests;

public class ConfigReaderTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("12a")]
    [InlineData("1.5")]
    public void Int_OutOfRangeOrMalformed_ReportsKeyValueAndRange(string value)
    {
        var r = new ConfigReader(Settings.Config(("Mqtt:Port", value)));

        var port = r.Int("Mqtt:Port", 1883, 1, 65535);

        Assert.Equal(1883, port);
        var problem = Assert.Single(r.Problems);
        Assert.Equal("Mqtt:Port", problem.Key);
        Assert.Equal(value, problem.Value);
        Assert.Contains("from 1 to 65535", problem.Allowed, StringComparison.Ordinal);
        Assert.Equal($"Mqtt:Port = \"{value}\": must be an integer from 1 to 65535", problem.ToString());
    }

    [Theory]
    [InlineData("10", 10_000)]
    [InlineData("2.5", 2_500)]
    [InlineData("500ms", 500)]
    [InlineData("10s", 10_000)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("00:00:07", 7_000)]
    public void TryParseDuration_AcceptedForms_ParseToMilliseconds(string text, double expectedMs)
    {
        Assert.True(ConfigReader.TryParseDuration(text, out var value));
        Assert.Equal(expectedMs, value.TotalMilliseconds);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("-1")]
    [InlineData("NaN")]
    [InlineData("10x")]
    public void TryParseDuration_Garbage_IsRejected(string text) => Assert.False(ConfigReader.TryParseDuration(text, out _));

    [Fact]
    public void Choice_UnknownName_ListsTheAllowedNames()
    {
        var r = new ConfigReader(Settings.Config(("Node:Role", "leader")));

        r.Choice("Node:Role", 0, [new("auto", 0), new("gateway", 1), new("peer", 2)]);

        Assert.Equal("must be one of auto, gateway, peer", Assert.Single(r.Problems).Allowed);
    }

    [Fact]
    public void Choice_IsCaseInsensitive()
    {
        var r = new ConfigReader(Settings.Config(("Node:Role", "PEER")));

        Assert.Equal(2, r.Choice("Node:Role", 0, [new("auto", 0), new("gateway", 1), new("peer", 2)]));
        Assert.Empty(r.Problems);
    }

    [Theory]
    [InlineData("node-1", true)]
    [InlineData("a.b_c", true)]
    [InlineData("-lead", false)]
    [InlineData("has/slash", false)]
    [InlineData("wild+", false)]
    [InlineData("", false)]
    public void IsTopicSafe_FollowsMqttTopicLevelRules(string name, bool expected) =>
        Assert.Equal(expected, ConfigReader.IsTopicSafe(name, 64));

    [Fact]
    public void ConfigProblem_ToString_NamesKeyValueAndWhatIsAllowed()
    {
        Assert.Equal("Onnx:IntraOpThreads = \"-1\": must be 0 (ORT default) to 1024", new ConfigProblem("Onnx:IntraOpThreads", "-1", "must be 0 (ORT default) to 1024").ToString());
        Assert.Equal("Mqtt:Username: is required when Mqtt:Password is set", new ConfigProblem("Mqtt:Username", null, "is required when Mqtt:Password is set").ToString());
    }
}
