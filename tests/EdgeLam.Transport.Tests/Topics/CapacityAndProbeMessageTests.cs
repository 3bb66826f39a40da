using System.Text;
using EdgeLam.Testing;
using EdgeLam.Transport.Topics;

namespace EdgeLam.Transport.Tests.Topics;

/// <summary>The capacity message's measured fields and the link probe, as docs/protocol.md documents them.</summary>
public sealed class CapacityAndProbeMessageTests
{
    [Fact]
    public void DecodeCapacity_ProtocolDocExample_ReadsTheMeasuredFields()
    {
        var doc = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docs", "protocol.md"));
        var start = doc.IndexOf("```json\n", doc.IndexOf("Example, as a daemon peer", StringComparison.Ordinal), StringComparison.Ordinal) + "```json\n".Length;
        var json = doc[start..doc.IndexOf("```", start, StringComparison.Ordinal)];

        var capacity = ControlMessageCodec.DecodeCapacity(Encoding.UTF8.GetBytes(json));

        var hosted = Assert.Single(capacity.Models);
        Assert.Equal(ComputeSource.Measured, hosted.DecodeSource);
        Assert.Equal(ComputeSource.Measured, hosted.PrefillSource);
        Assert.True(hosted.Head);
        Assert.Equal(6, hosted.PrefillPositions);
        Assert.Equal(157696, Assert.Single(hosted.Layers!).ComputeUnits);
        Assert.Equal(["peer"], capacity.Roles);
        var link = Assert.Single(capacity.Links!);
        Assert.Equal("other-node", link.To);
        Assert.Equal(4, link.Answered);
    }

    [Fact]
    public void EncodeCapacity_SourcesAndLinks_CamelCaseAndNullsOmitted()
    {
        var json = Encoding.UTF8.GetString(ControlMessageCodec.Encode(new NodeCapacityMessage
        {
            Node = "p1",
            Models = [new HostedSegments { ModelId = "m", FirstLayer = 0, EndLayer = 1, MaxSessions = 1, DecodeSource = ComputeSource.Benchmark }],
            Links = [new LinkCapacity { To = "gw" }],
        }));

        Assert.Contains("\"decodeSource\":\"benchmark\"", json, StringComparison.Ordinal);
        Assert.Contains("\"links\":[{\"to\":\"gw\",\"answered\":0,\"lost\":0}]", json, StringComparison.Ordinal);
        Assert.DoesNotContain("prefillSource", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"node\":\"p1\",\"models\":[],\"links\":[null]}", "links[]")]
    [InlineData("{\"node\":\"p1\",\"models\":[{\"modelId\":\"m\",\"firstLayer\":0,\"endLayer\":1,\"maxSessions\":1,\"layers\":[null]}]}", "models[].layers[]")]
    [InlineData("{\"node\":\"p1\",\"models\":[],\"links\":[{\"roundTripMs\":1}]}", "to")]
    public void DecodeCapacity_NullLinkOrLayer_ThrowsNamingIt(string json, string member)
    {
        var error = Assert.Throws<ControlMessageException>(() => ControlMessageCodec.DecodeCapacity(Encoding.UTF8.GetBytes(json)));

        Assert.Contains(member, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Probe_EncodedAndDecoded_SameMessage()
    {
        var request = new ProbeMessage { From = "gw", Kind = ProbeKind.Request, Sequence = 42, SentUs = 1_234_567, Padding = "0000" };

        var json = ControlMessageCodec.Encode(request);

        Assert.Equal("{\"from\":\"gw\",\"kind\":\"request\",\"sequence\":42,\"sentUs\":1234567,\"padding\":\"0000\"}", Encoding.UTF8.GetString(json));
        Assert.Equal(request, ControlMessageCodec.DecodeProbe(json));
    }

    [Theory]
    [InlineData("{\"kind\":\"echo\",\"sequence\":1}")]
    [InlineData("{\"from\":\"gw\",\"kind\":\"pong\",\"sequence\":1}")]
    [InlineData("{\"from\":\"gw\",\"kind\":\"echo\"}")]
    [InlineData("[]")]
    public void DecodeProbe_Malformed_Throws(string json)
    {
        Assert.Throws<ControlMessageException>(() => ControlMessageCodec.DecodeProbe(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void NodeProbe_Topic_UnderTheNode()
    {
        Assert.Equal("edgelam/v1/s1/nodes/gw/probe", new TopicScheme("s1").NodeProbe("gw"));
        Assert.Throws<ArgumentException>(() => new TopicScheme("s1").NodeProbe("a/b"));
    }
}
