using EdgeLam.Gateway.Hosting;
using EdgeLam.Hosting.Configuration;
using EdgeLam.Hosting.Options;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Roles;
using EdgeLam.Transport.Tests;
using EdgeLam.Wire.Codecs;
using Microsoft.Extensions.Configuration;

namespace EdgeLam.Gateway.Tests;

/// <summary>The Node and Mqtt sections bound into the transport's options, in process.</summary>
public sealed class DaemonSectionBindingTests(MultiNodeFixture model) : IClassFixture<MultiNodeFixture>
{
    private static ConfigReader Reader(params (string Key, string Value)[] values) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build());

    private static NodeSettings BindNode(ConfigReader r) => NodeSectionBinder.Bind(r, NodeOptions.Bind(r), ModelOptions.Bind(r));

    private static MqttClientOptions BindMqtt(ConfigReader r) => MqttSectionBinder.Bind(r, NodeOptions.Bind(r).Name);

    [Fact]
    public void NodeBind_PeerWithoutSegments_HostsEverySegmentAfterTheGateways()
    {
        var r = Reader(("Node:Role", "peer"), ("Model:Path", model.ThreeWay), ("Node:Wire", "int8"));

        var node = BindNode(r);

        Assert.Empty(r.Problems);
        Assert.Equal("peer", node.Role);
        Assert.Equal("1-2", node.Segments); // three segments (split at blocks 1 and 2): the gateway keeps 0
        Assert.Equal((1, 2), (node.Stage!.FirstSegment, node.Stage.LastSegment));
        Assert.Equal(WireCodec.Int8Block32, node.Stage.Codec);
        Assert.Equal(Path.GetFullPath(model.ThreeWay), node.Stage.ModelDirectory);
    }

    [Fact]
    public void NodeBind_AutoRoleOnLaterSegments_ResolvesToPeer()
    {
        var r = Reader(("Node:Segments", "2"), ("Model:Path", model.ThreeWay));

        var node = BindNode(r);

        Assert.Empty(r.Problems);
        Assert.Equal("peer", node.Role);
        Assert.Equal("2-2", node.Segments);
    }

    [Fact]
    public void NodeBind_ProbeKeys_BoundAndZeroTurnsProbingOff()
    {
        var defaults = BindNode(Reader(("Node:Role", "gateway"))).Probe!;
        var r = Reader(("Node:Role", "gateway"), ("Node:ProbeInterval", "0s"), ("Node:ProbeBytes", "1024"));

        var node = BindNode(r);

        Assert.Empty(r.Problems);
        Assert.Equal((TimeSpan.FromSeconds(10), 16384, true), (defaults.Interval, defaults.LargeBytes, defaults.Enabled));
        Assert.False(node.Probe!.Enabled);
        Assert.Equal(1024, node.Probe.LargeBytes);
    }

    [Theory]
    [InlineData("Node:ProbeInterval", "-1s")]
    [InlineData("Node:ProbeInterval", "2h")]
    [InlineData("Node:ProbeBytes", "300000")]
    public void NodeBind_ProbeKeyOutOfRange_ReportsTheKey(string key, string value)
    {
        var r = Reader(("Node:Role", "gateway"), (key, value));

        BindNode(r);

        Assert.Contains(r.Problems, p => p.Key == key);
    }

    [Fact]
    public void NodeBind_NoModelPath_NoStageAndNoProblem()
    {
        var r = Reader(("Node:Role", "gateway"));

        var node = BindNode(r);

        Assert.Empty(r.Problems);
        Assert.Null(node.Stage);
        Assert.Equal("gateway", node.Role);
    }

    [Fact]
    public void NodeBind_ModelPathWithNulCharacter_ReportsModelPathInsteadOfThrowing()
    {
        // Found by the configuration fuzz target: Path.GetFullPath threw on the NUL and the daemon died at start.
        var r = Reader(("Node:Role", "gateway"), ("Model:Path", "/var/lib/edgelam/m\0odel"));

        var node = BindNode(r);

        Assert.Contains(r.Problems, p => p.Key == "Model:Path");
        Assert.Null(node.Stage);
    }

    [Fact]
    public void MqttBind_TlsWithoutCaFile_VerifiesAgainstTheSystemStore()
    {
        var r = Reader(("Mqtt:Tls:Enabled", "true"), ("Mqtt:Host", "broker.example"), ("Node:Name", "n1"));

        var options = BindMqtt(r);

        Assert.Empty(r.Problems);
        Assert.Equal(8883, options.Port);
        Assert.Equal(MqttSectionBinder.SystemCaDirectory, options.Tls!.CaDirectory);
        Assert.Equal("edgelam-n1", options.ClientId);
    }

    [Fact]
    public void MqttBind_ServerNameOtherThanHost_ReportsTheKey()
    {
        var r = Reader(("Mqtt:Tls:Enabled", "true"), ("Mqtt:Host", "10.0.0.5"), ("Mqtt:Tls:ServerName", "broker.example"));

        BindMqtt(r);

        var problem = Assert.Single(r.Problems);
        Assert.Equal("Mqtt:Tls:ServerName", problem.Key);
    }

    [Fact]
    public void MqttBind_ReconnectDelaysReversed_ReportsTheMaximum()
    {
        var r = Reader(("Mqtt:ReconnectDelayMin", "5s"), ("Mqtt:ReconnectDelayMax", "1s"));

        var options = BindMqtt(r);

        Assert.Equal("Mqtt:ReconnectDelayMax", Assert.Single(r.Problems).Key);
        Assert.True(options.ReconnectDelayMax >= options.ReconnectDelayMin);
    }

    [Fact]
    public async Task Reload_TuningChanged_RunningStageGetsTheNewValueWholeOldSnapshotUntouched()
    {
        EdgeLamSettings Bind(params (string Key, string Value)[] values)
        {
            var settings = EdgeLamSettings.Bind(Reader(values).Configuration, [new NodeSectionBinder()], out var problems);
            Assert.Empty(problems);
            return settings;
        }

        var first = Bind(("Node:Role", "peer"), ("Model:Path", model.TwoWay), ("Node:StepTimeout", "5s"));
        var node = first.Section<NodeSettings>();
        var running = node.Stage!.Tuning;
        var store = new SettingsStore(first);
        var handler = new NodeReloadHandler(node, store, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        await handler.StartAsync(CancellationToken.None);

        store.Replace(Bind(("Node:Role", "peer"), ("Model:Path", model.TwoWay), ("Node:StepTimeout", "2s"), ("Node:MaxAttempts", "3"), ("Node:Throttle", "2.5"), ("Node:Wire", "fp16")));
        await handler.StopAsync(CancellationToken.None);

        Assert.Equal(new StageTuning(TimeSpan.FromSeconds(2), 3, 5, Throttle: 2.5), node.Stage.Tuning);
        Assert.Equal(new StageTuning(TimeSpan.FromSeconds(5), 12, 5), running);
        Assert.Equal(WireCodec.Raw, node.Stage.Codec); // needs a restart: the running stage keeps its codec
    }

    [Theory]
    [InlineData("0.5")]
    [InlineData("1001")]
    [InlineData("slow")]
    public void NodeBind_ThrottleOutsideOneToThousand_ReportsTheKey(string value)
    {
        var r = Reader(("Node:Role", "peer"), ("Model:Path", model.TwoWay), ("Node:Throttle", value));

        var settings = BindNode(r);

        var problem = Assert.Single(r.Problems);
        Assert.Equal(("Node:Throttle", value), (problem.Key, problem.Value));
        Assert.Equal(1, settings.Stage!.Tuning.Throttle);
    }

    [Fact]
    public void NodeBind_KvHandover_ModeAndTimeoutBound()
    {
        var r = Reader(("Node:Role", "peer"), ("Model:Path", model.TwoWay), ("Node:KvHandover", "always"), ("Node:KvHandoverTimeout", "750ms"));

        var settings = BindNode(r);

        Assert.Empty(r.Problems);
        Assert.Equal(EdgeLam.Transport.Handover.KvHandoverMode.Always, settings.Stage!.KvHandover);
        Assert.Equal(TimeSpan.FromMilliseconds(750), settings.Stage.KvHandoverTimeout);
        Assert.Equal(EdgeLam.Transport.Handover.KvHandoverMode.Measured, BindNode(Reader(("Node:Role", "peer"), ("Model:Path", model.TwoWay))).Stage!.KvHandover);
    }

    [Theory]
    [InlineData("sometimes")]
    [InlineData("1")]
    public void NodeBind_KvHandoverUnknownMode_ReportsTheKey(string value)
    {
        var r = Reader(("Node:Role", "peer"), ("Model:Path", model.TwoWay), ("Node:KvHandover", value));

        BindNode(r);

        var problem = Assert.Single(r.Problems);
        Assert.Equal(("Node:KvHandover", value), (problem.Key, problem.Value));
    }
}
