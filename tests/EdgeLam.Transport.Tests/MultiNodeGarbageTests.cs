using EdgeLam.Inference.Links;
using EdgeLam.Testing;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Tests.Mqtt;
using EdgeLam.Transport.Topics;
using EdgeLam.Wire.Codecs;
using EdgeLam.Wire.Frames;

namespace EdgeLam.Transport.Tests;

/// <summary>A peer counts and rejects whatever on its activation topic is not a frame it can serve, and keeps serving.</summary>
[Collection(nameof(MultiNodeCollection))]
public sealed class MultiNodeGarbageTests(MultiNodeFixture fixture) : IDisposable
{
    private readonly MosquittoBroker _broker = new();

    [Fact]
    public async Task PeerRole_GarbageOnActivationTopic_EachCountedAndPeerKeepsServing()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var cluster = new MultiNodeCluster(fixture, _broker, fixture.TwoWay, WireCodec.Raw);
        var peer = await cluster.AddPeerAsync("peer-1", 1, 1, cts.Token);
        var gateway = await cluster.StartGatewayAsync("gw", 0, cts.Token);
        var topic = new TopicScheme(cluster.Site).Activation(gateway.ModelId, 0);

        // A spy on the plain activation topic captures one genuine prefill frame and its properties.
        await using var spy = cluster.Client("spy");
        await spy.ConnectAsync(cts.Token);
        await spy.SubscribeAsync(topic, MqttQualityOfService.AtLeastOnce, cts.Token);
        var prompt = fixture.Prompt(6, 21);
        await gateway.GenerateAsync(prompt, 2, cancellationToken: cts.Token);
        byte[] genuine;
        MqttMessageProperties properties;
        using (var captured = await spy.Messages.ReadAsync(cts.Token))
        {
            genuine = captured.Payload.ToArray();
            properties = captured.Properties;
        }

        var random = new Random(17);
        var noise = new byte[genuine.Length];
        random.NextBytes(noise);
        var garbage = new List<byte[]>
        {
            noise,
            noise[..40],
            Array.Empty<byte>(),
            genuine[..(genuine.Length / 2)],
            genuine[..^1],
            Reencode(peer, genuine, h => h with { ModelId = ModelId.Parse(new string('a', ModelId.Length * 2)) }),
            Reencode(peer, genuine, h => h with { PlanEpoch = h.PlanEpoch + 1 }),
        };
        Assert.Equal(0, peer.Role.Rejected);
        var served = peer.Role.Served;

        await using (var attacker = cluster.Client("attacker"))
        {
            await attacker.ConnectAsync(cts.Token);
            foreach (var payload in garbage)
            {
                await attacker.PublishAsync(new MqttApplicationMessage(topic, payload) { Properties = properties }, cts.Token);
            }

            await attacker.FlushAsync(cts.Token);
        }

        TestClients.WaitUntil(() => peer.Role.Rejected >= garbage.Count);
        Assert.Equal(garbage.Count, peer.Role.Rejected);
        Assert.Equal(served, peer.Role.Served);

        var after = fixture.Prompt(8, 22);
        var generation = await gateway.GenerateAsync(after, 6, cancellationToken: cts.Token);

        Assert.Equal(fixture.InProcess(fixture.TwoWay, WireCodec.Raw, after, 6), generation.Tokens);
        Assert.Equal(garbage.Count, peer.Role.Rejected);
    }

    /// <summary>Decodes a genuine frame and encodes the same tensors under a changed header.</summary>
    private static byte[] Reencode(PeerHost peer, byte[] frame, Func<FrameHeader, FrameHeader> change)
    {
        var names = peer.Role.Chain.IncomingNames;
        using var decoder = new BoundaryFrameCodec(0, names, WireCodec.Raw);
        using var encoder = new BoundaryFrameCodec(0, names, WireCodec.Raw);
        var values = decoder.Decode(frame, out var header);
        var changed = change(header);
        Assert.NotEqual(header, changed);
        return encoder.Encode(values, changed).ToArray();
    }

    public void Dispose() => _broker.Dispose();
}
