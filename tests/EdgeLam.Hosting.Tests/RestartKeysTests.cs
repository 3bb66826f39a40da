using EdgeLam.Hosting.Configuration;

namespace EdgeLam.Hosting.Tests;

public sealed class RestartKeysTests
{
    [Fact]
    public void Changed_KeysUnderTableEntries_ListedOthersNot()
    {
        var before = RestartKeys.Snapshot(Settings.Config(
            ("Node:Wire", "raw"), ("Node:StepTimeout", "5s"), ("Mqtt:Host", "a"), ("Metrics:Port", "1"), ("Node:WireFormat", "x"), ("Onnx:IntraOpThreads", "2")));
        var after = RestartKeys.Snapshot(Settings.Config(
            ("node:wire", "fp16"), ("Node:StepTimeout", "2s"), ("Mqtt:Host", "b"), ("Mqtt:Password", "p"), ("Metrics:Port", "2"), ("Node:WireFormat", "y")));

        Assert.Equal(["Mqtt:Host", "Mqtt:Password", "Node:Wire", "Onnx:IntraOpThreads"], RestartKeys.Changed(before, after));
    }

    [Fact]
    public void Changed_SameValues_Nothing()
    {
        var config = Settings.Config(("Node:Wire", "raw"), ("Mqtt:Host", "a"));

        Assert.Empty(RestartKeys.Changed(RestartKeys.Snapshot(config), RestartKeys.Snapshot(config)));
    }

    [Theory]
    [InlineData("Mqtt", true)]
    [InlineData("Mqtt:Tls:CaFile", true)]
    [InlineData("MqttX:Host", false)]
    [InlineData("Node:Segments", true)]
    [InlineData("Node:StepTimeout", false)]
    [InlineData("Metrics:Enabled", false)]
    [InlineData("Logging:LogLevel:Default", false)]
    public void NeedsRestart_KeyOrSectionEntry_Matches(string key, bool expected)
    {
        Assert.Equal(expected, RestartKeys.NeedsRestart(key));
    }
}
