using EdgeLam.Mosquitto.Interop;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Topics;

namespace EdgeLam.Transport.Tests.Topics;

public sealed class TopicSchemeTests
{
    private readonly TopicScheme scheme = new("plant-1");

    [Fact]
    public void Build_EveryTopic_MatchesDocumentedLayout()
    {
        // Literal strings from docs/protocol.md, "Topics".
        Assert.Equal("edgelam/v1/plant-1/nodes/gw1/status", scheme.NodeStatus("gw1"));
        Assert.Equal("edgelam/v1/plant-1/nodes/gw1/capacity", scheme.NodeCapacity("gw1"));
        Assert.Equal("edgelam/v1/plant-1/nodes/gw1/claims", scheme.NodeClaims("gw1"));
        Assert.Equal("edgelam/v1/plant-1/nodes/gw1/plan-ack", scheme.NodePlanAck("gw1"));
        Assert.Equal("edgelam/v1/plant-1/nodes/+/plan-ack", scheme.AllNodePlanAck);
        Assert.Equal("edgelam/v1/plant-1/nodes/gw1/kv", scheme.NodeKv("gw1"));
        Assert.Equal("edgelam/v1/plant-1/nodes/+/kv", scheme.AllNodeKv);
        Assert.Equal("edgelam/v1/plant-1/plan", scheme.Plan);
        Assert.Equal("edgelam/v1/plant-1/act/tiny-llama/11", scheme.Activation("tiny-llama", 11));
        Assert.Equal("edgelam/v1/plant-1/act/tiny-llama/11/peer-a", scheme.PeerActivation("tiny-llama", 11, "peer-a"));
        Assert.Equal("$share/plant-1.tiny-llama.b11/edgelam/v1/plant-1/act/tiny-llama/11", scheme.ActivationSharedSubscription("tiny-llama", 11));
        Assert.Equal("edgelam/v1/plant-1/results/gw1", scheme.Results("gw1"));
    }

    [Fact]
    public void Build_Topics_AreValidForLibmosquitto()
    {
        // libmosquitto's own checks (mosquitto_pub_topic_check2 / mosquitto_sub_topic_check2) as an independent oracle.
        foreach (var t in new[] { scheme.NodeStatus("n"), scheme.NodeCapacity("n"), scheme.Plan, scheme.Activation("m", 0), scheme.PeerActivation("m", 3, "n"), scheme.Results("g"), scheme.NodeClaims("n"), scheme.NodePlanAck("n") })
        {
            Assert.True(MosquittoClient.IsValidPublishTopic(t), t);
        }

        foreach (var f in new[] { scheme.AllNodeStatus, scheme.AllNodeCapacity, scheme.AllResults, scheme.AllNodePlanAck, scheme.ActivationSharedSubscription("m", 4) })
        {
            Assert.True(MosquittoClient.IsValidSubscribeFilter(f), f);
        }
    }

    [Fact]
    public void SharedSubscription_MatchesNewSessionsButNotPeerTopics()
    {
        var filter = scheme.ActivationSharedSubscription("m", 4);
        Assert.True(MqttTopicValidator.Matches(filter, scheme.Activation("m", 4)));
        Assert.False(MqttTopicValidator.Matches(filter, scheme.PeerActivation("m", 4, "p1")));
        Assert.False(MqttTopicValidator.Matches(filter, scheme.Activation("m", 5)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("a+")]
    [InlineData("#")]
    [InlineData("$SYS")]
    [InlineData("has space")]
    [InlineData("ümlaut")]
    public void Build_InvalidName_ThrowsArgument(string name)
    {
        Assert.Throws<ArgumentException>(() => new TopicScheme(name));
        Assert.Throws<ArgumentException>(() => scheme.NodeStatus(name));
        Assert.Throws<ArgumentException>(() => scheme.Activation(name, 1));
    }

    [Fact]
    public void Build_NameLengthBound_64Accepted65Rejected()
    {
        Assert.EndsWith("/status", scheme.NodeStatus(new string('n', 64)), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => scheme.NodeStatus(new string('n', 65)));
    }

    [Fact]
    public void Build_NegativeBoundary_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => scheme.Activation("m", -1));
    }

    [Fact]
    public void TryParse_EveryBuiltTopic_RoundTrips()
    {
        Assert.True(TopicScheme.TryParse(scheme.NodeStatus("n1"), out var s));
        Assert.Equal(new ParsedTopic(TopicKind.NodeStatus, "plant-1") { Node = "n1" }, s);
        Assert.True(TopicScheme.TryParse(scheme.NodeCapacity("n1"), out var c));
        Assert.Equal(TopicKind.NodeCapacity, c.Kind);
        Assert.True(TopicScheme.TryParse(scheme.NodeClaims("n1"), out var cl));
        Assert.Equal(TopicKind.NodeClaims, cl.Kind);
        Assert.True(TopicScheme.TryParse(scheme.NodePlanAck("n1"), out var ack));
        Assert.Equal(new ParsedTopic(TopicKind.NodePlanAck, "plant-1") { Node = "n1" }, ack);
        Assert.True(TopicScheme.TryParse(scheme.Plan, out var p));
        Assert.Equal(new ParsedTopic(TopicKind.Plan, "plant-1"), p);
        Assert.True(TopicScheme.TryParse(scheme.Activation("m", 12), out var a));
        Assert.Equal(new ParsedTopic(TopicKind.Activation, "plant-1") { Model = "m", Boundary = 12 }, a);
        Assert.True(TopicScheme.TryParse(scheme.PeerActivation("m", 12, "p2"), out var pa));
        Assert.Equal(new ParsedTopic(TopicKind.PeerActivation, "plant-1") { Model = "m", Boundary = 12, Node = "p2" }, pa);
        Assert.True(TopicScheme.TryParse(scheme.Results("gw"), out var r));
        Assert.Equal(new ParsedTopic(TopicKind.Results, "plant-1") { Gateway = "gw" }, r);
        Assert.True(TopicScheme.TryParse(scheme.NodeProbe("n1"), out var probe));
        Assert.Equal(new ParsedTopic(TopicKind.NodeProbe, "plant-1") { Node = "n1" }, probe);
        Assert.True(TopicScheme.TryParse(scheme.NodeKv("n1"), out var kv));
        Assert.Equal(new ParsedTopic(TopicKind.NodeKv, "plant-1") { Node = "n1" }, kv);
        Assert.Equal("edgelam/v1/plant-1/requests/gw", scheme.Requests("gw"));
        Assert.True(TopicScheme.TryParse(scheme.Requests("gw"), out var q));
        Assert.Equal(new ParsedTopic(TopicKind.Requests, "plant-1") { Gateway = "gw" }, q);
    }

    [Theory]
    [InlineData("edgelam/v2/plant-1/plan")]
    [InlineData("other/v1/plant-1/plan")]
    [InlineData("edgelam/v1/plant-1/plan/extra")]
    [InlineData("edgelam/v1/plant-1/nodes/n1/unknown")]
    [InlineData("edgelam/v1/plant-1/act/m/-1")]
    [InlineData("edgelam/v1/plant-1/act/m/07")]
    [InlineData("edgelam/v1/plant-1/act/m/x")]
    [InlineData("edgelam/v1/plant-1/results")]
    [InlineData("edgelam/v1/plant-1/requests")]
    [InlineData("edgelam/v1/plant-1/requests/gw/x")]
    [InlineData("edgelam/v1//plan")]
    [InlineData("")]
    public void TryParse_ForeignOrMalformed_ReturnsFalse(string topic)
    {
        Assert.False(TopicScheme.TryParse(topic, out _));
    }
}
