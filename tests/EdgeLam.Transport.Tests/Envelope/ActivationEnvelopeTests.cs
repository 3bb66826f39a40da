using EdgeLam.Transport.Envelope;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Roles;

namespace EdgeLam.Transport.Tests.Envelope;

public sealed class ActivationEnvelopeTests
{
    private static readonly byte[] Correlation = [7, 8, 9];

    [Fact]
    public void ActivationEnvelope_WrittenThenRead_CarriesEveryField()
    {
        var sent = Gateway();
        var read = new ActivationEnvelope();

        Assert.True(read.TryRead(sent.ToProperties(nowUs: 1_700_000_000_000_123), 64, out var problem), problem);

        Assert.Equal("gw-1", read.Gateway);
        Assert.Equal("edgelam/v1/s/nodes/gw-1/replies", read.ResponseTopic);
        Assert.Equal(Correlation, read.CorrelationData.ToArray());
        Assert.Equal(9, read.Positions);
        Assert.Equal("peer-b", read.Route.Holder(1));
        Assert.Null(read.Route.Holder(0));
        Assert.Equal(1_700_000_000_000_000, read.StepStartUs);
        Assert.Equal(1_700_000_000_000_123, read.SentAtUs);
        Assert.Equal(16, read.MaxNewTokens);
        Assert.Equal([2L, 13L], read.StopTokens.Tokens);
        Assert.Equal("motion", Assert.Single(read.Window!.Streams).Name);
        var timing = Assert.Single(read.Timings);
        Assert.Equal(("gw-1", 0, 250L), (timing.Node, timing.FirstSegment, timing.ComputeUs));
    }

    [Fact]
    public void ActivationEnvelope_PassedOn_KeepsForeignPropertiesAndReplacesItsOwn()
    {
        var first = new ActivationEnvelope();
        var properties = Gateway().ToProperties(10);
        properties = properties with { UserProperties = [new MqttUserProperty("trace", "abc"), .. properties.UserProperties!] };
        Assert.True(first.TryRead(properties, 64, out _));
        first.Route.Set(0, "peer-a");
        first.Timings.Add(new StageTiming { Node = "peer-a", FirstSegment = 1 });
        first.WireUs = 40;

        var next = first.ToProperties(20);
        var second = new ActivationEnvelope();

        Assert.True(second.TryRead(next, 64, out _));
        Assert.Equal("abc", Assert.Single(next.UserProperties!, p => p.Name == "trace").Value);
        Assert.Single(next.UserProperties!, p => p.Name == EnvelopeProperty.Route);
        Assert.Equal("0=peer-a;1=peer-b;", second.Route.ToString());
        Assert.Equal(["gw-1", "peer-a"], second.Timings.Select(t => t.Node));
        Assert.Equal((40L, 20L), (second.WireUs, second.SentAtUs));
    }

    [Theory]
    [InlineData(EnvelopeProperty.Gateway, null, "gateway")]
    [InlineData(EnvelopeProperty.Gateway, "gw/1", "gateway")]
    [InlineData(EnvelopeProperty.Positions, null, "position")]
    [InlineData(EnvelopeProperty.Positions, "0", "position")]
    [InlineData(EnvelopeProperty.Positions, "65", "position")]
    [InlineData(EnvelopeProperty.Positions, "nine", "position")]
    [InlineData(EnvelopeProperty.Window, "{\"startUtc\":", "edgelam-window")]
    public void ActivationEnvelope_BadProperty_ReadFailsNamingIt(string name, string? value, string named)
    {
        var properties = Gateway().ToProperties(10);
        var changed = properties.UserProperties!.Where(p => p.Name != name).ToList();
        if (value is not null)
        {
            changed.Add(new MqttUserProperty(name, value));
        }

        var envelope = new ActivationEnvelope();
        Assert.False(envelope.TryRead(properties with { UserProperties = changed }, 64, out var problem));
        Assert.Contains(named, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void ActivationEnvelope_NoResponseTopic_ReadFails()
    {
        var properties = Gateway().ToProperties(10) with { ResponseTopic = null };

        Assert.False(new ActivationEnvelope().TryRead(properties, 64, out var problem));
        Assert.Contains("response topic", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void ActivationEnvelope_IsFinal_AtTheTokenLimitOrAStopToken()
    {
        var envelope = Gateway();

        Assert.False(envelope.IsFinal(step: 14, token: 5));
        Assert.True(envelope.IsFinal(step: 15, token: 5));
        Assert.True(envelope.IsFinal(step: 3, token: 13));
        envelope.MaxNewTokens = 0;
        Assert.False(envelope.IsFinal(step: 1000, token: 5));
    }

    [Fact]
    public void ActivationEnvelope_SetWindowTooLarge_Throws()
    {
        var streams = Enumerable.Range(0, RequestWindow.MaxStreams).Select(i => new RequestStream { Name = new string('s', 60) + i, Tokenizer = new string('t', 60) }).ToList();
        var window = new RequestWindow { Streams = streams };

        Assert.Throws<ArgumentException>(() => new ActivationEnvelope().SetWindow(window));
    }

    [Fact]
    public void ActivationEnvelope_ReadingTheNextDecodeStep_AllocatesNothing()
    {
        var gateway = Gateway();
        gateway.Positions = 1;
        var steps = Enumerable.Range(0, 64).Select(i =>
        {
            gateway.StepStartUs = 1_700_000_000_000_000 + i;
            return gateway.ToProperties(1_700_000_000_000_100 + i);
        }).ToArray();
        var envelope = new ActivationEnvelope();
        Assert.True(envelope.TryRead(steps[0], 64, out _));

        var before = GC.GetAllocatedBytesForCurrentThread();
        var read = 0;
        for (var i = 1; i < steps.Length; i++)
        {
            read += envelope.TryRead(steps[i], 64, out _) && envelope.StopTokens.Contains(13) && envelope.Route.Holder(1) is not null ? 1 : 0;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(steps.Length - 1, read);
        Assert.Equal(0, allocated);
    }

    private static ActivationEnvelope Gateway()
    {
        var envelope = new ActivationEnvelope
        {
            Gateway = "gw-1",
            ResponseTopic = "edgelam/v1/s/nodes/gw-1/replies",
            CorrelationData = Correlation,
            Positions = 9,
            StepStartUs = 1_700_000_000_000_000,
            MaxNewTokens = 16,
        };
        envelope.Route.Set(1, "peer-b");
        envelope.StopTokens.Set([2, 13]);
        envelope.Timings.Add(new StageTiming { Node = "gw-1", FirstSegment = 0, ComputeUs = 250 });
        envelope.SetWindow(new RequestWindow
        {
            StartUtc = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
            EndUtc = new DateTimeOffset(2026, 1, 1, 0, 0, 8, TimeSpan.Zero),
            EndNs = 8_000_000_000,
            Streams = [new RequestStream { Name = "motion", Tokenizer = "chronos", Positions = 9, EndNs = 8_000_000_000 }],
        });
        return envelope;
    }
}
