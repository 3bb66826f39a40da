using EdgeLam.Transport.Envelope;
using EdgeLam.Transport.Topics;

namespace EdgeLam.Transport.Tests.Envelope;

public sealed class ActivationRouteTests
{
    [Fact]
    public void ActivationRoute_Read_KeepsValidEntriesAndSkipsBadOnes()
    {
        var route = new ActivationRoute();

        route.Read("2=peer-c;x=peer-z;1=;=peer-y;3=bad/name;0=peer-a;10000=peer-q;junk");

        Assert.Equal(2, route.Count);
        Assert.Equal("peer-a", route.Holder(0));
        Assert.Equal("peer-c", route.Holder(2));
        Assert.Equal("0=peer-a;2=peer-c;", route.ToString());
    }

    [Fact]
    public void ActivationRoute_ReadAnother_ReplacesTheWholeRoute()
    {
        var route = new ActivationRoute();
        route.Read("0=peer-a;1=peer-b;");

        route.Read("1=peer-d;");

        Assert.Null(route.Holder(0));
        Assert.Equal("peer-d", route.Holder(1));
        route.Read(null);
        Assert.Equal(0, route.Count);
        Assert.Equal(string.Empty, route.ToString());
    }

    [Fact]
    public void ActivationRoute_Topic_HolderTopicWhenKnownElseSharedTopic()
    {
        var topics = new TopicScheme("plant-1");
        var route = new ActivationRoute();

        Assert.Equal("edgelam/v1/plant-1/act/m/3", route.Topic(topics, "m", 3));
        route.Set(3, "peer-a");
        Assert.Equal("edgelam/v1/plant-1/act/m/3/peer-a", route.Topic(topics, "m", 3));
        Assert.Equal("edgelam/v1/plant-1/act/m/4", route.Topic(topics, "m", 4));
        route.Clear();
        Assert.Equal("edgelam/v1/plant-1/act/m/3", route.Topic(topics, "m", 3));
    }

    [Fact]
    public void ActivationRoute_MergeReplyRoute_AddsAndReplacesHolders()
    {
        var route = new ActivationRoute();
        route.Set(0, "peer-a");

        route.Merge(new Dictionary<string, string> { ["0"] = "peer-b", ["1"] = "peer-c", ["two"] = "peer-d", ["2"] = "$bad" });

        Assert.Equal(new Dictionary<string, string> { ["0"] = "peer-b", ["1"] = "peer-c" }, route.ToDictionary());
    }
}
