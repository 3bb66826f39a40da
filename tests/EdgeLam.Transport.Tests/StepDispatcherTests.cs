using System.Text.Json;
using EdgeLam.Inference;
using EdgeLam.Testing;
using EdgeLam.Transport.Envelope;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Roles;
using EdgeLam.Transport.Tests.Mqtt;
using EdgeLam.Transport.Topics;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLam.Transport.Tests;

/// <summary>The gateway's dispatcher on an in-memory broker: nobody answers unless the test does.</summary>
public sealed class StepDispatcherTests
{
    private const string Replies = "edgelam/v1/s/nodes/gw/replies";
    private static readonly StageTuning Quick = new(TimeSpan.FromMilliseconds(150), 12, 5);

    [Fact]
    public async Task StepDispatcher_HolderSilentThreeTimes_RehomesToTheSharedTopic()
    {
        var broker = new InMemoryMqttBroker();
        await using var client = TestClients.InMemory(broker, "gw");
        await client.ConnectAsync().WaitAsync(TestClients.Timeout);
        var dispatcher = new StepDispatcher(client, new TopicScheme("s"), "m", NullLogger.Instance);
        var envelope = new ActivationEnvelope { Gateway = "gw", ResponseTopic = Replies };
        envelope.Route.Set(1, "peer-a");
        var held = Step(positions: 1, 1, 2, 3);
        var moved = Step(positions: 7, 4, 5);
        var rehomes = 0;

        var send = dispatcher.SendAsync(9, 2, held, envelope, Quick, (step, _) =>
        {
            Assert.Equal(2u, step);
            rehomes++;
            return Task.FromResult(moved);
        }, CancellationToken.None);
        TestClients.WaitUntil(() => broker.Published.Count >= 4);
        dispatcher.OnReply(Reply(moved.Conversation, step: 2, token: 42));
        var reply = await send.WaitAsync(TestClients.Timeout);

        var published = broker.Published.ToArray();
        Assert.Equal(42, reply.Token);
        Assert.Equal(1, rehomes);
        Assert.Equal(1, dispatcher.Rehomed);
        Assert.All(published[..3], p => Assert.Equal("edgelam/v1/s/act/m/1/peer-a", p.Topic));
        Assert.All(published[..3], p => Assert.Equal(held.Frame, p.Payload));
        Assert.Equal("edgelam/v1/s/act/m/1", published[3].Topic);
        Assert.Equal(moved.Frame, published[3].Payload);
        var sent = new ActivationEnvelope();
        Assert.True(sent.TryRead(published[3].Properties, 64, out var problem), problem);
        Assert.Equal((7, 0), (sent.Positions, sent.Route.Count));
    }

    [Fact]
    public async Task StepDispatcher_NoPeerEverAnswers_FailsAfterMaxAttempts()
    {
        var broker = new InMemoryMqttBroker();
        await using var client = TestClients.InMemory(broker, "gw");
        await client.ConnectAsync().WaitAsync(TestClients.Timeout);
        var dispatcher = new StepDispatcher(client, new TopicScheme("s"), "m", NullLogger.Instance);
        var envelope = new ActivationEnvelope { Gateway = "gw", ResponseTopic = Replies };

        var error = await Assert.ThrowsAsync<InferenceException>(() => dispatcher.SendAsync(3, 0, Step(positions: 4, 1), envelope, Quick with { MaxAttempts = 3 }, (_, _) => throw new InvalidOperationException("no holder: never re-homed"), CancellationToken.None));

        Assert.Contains("after 3 attempts", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, dispatcher.Resent);
        Assert.Equal(0, dispatcher.Rehomed);
    }

    [Fact]
    public async Task StepDispatcher_ReplyForNoPendingStepOrUnreadable_CountedAsRejected()
    {
        var broker = new InMemoryMqttBroker();
        await using var client = TestClients.InMemory(broker, "gw");
        var dispatcher = new StepDispatcher(client, new TopicScheme("s"), "m", NullLogger.Instance);

        dispatcher.OnReply(Reply(Guid.NewGuid(), step: 0, token: 1));
        dispatcher.OnReply(MqttReceivedMessage.Create(Replies, "{not json"u8, MqttQualityOfService.AtLeastOnce, false, default));

        Assert.Equal(2, dispatcher.Rejected);
    }

    private static LocalStep Step(int positions, params byte[] frame) =>
        new(Guid.NewGuid(), frame, new StageTiming { Node = "gw" }, positions, Boundary: 1);

    private static MqttReceivedMessage Reply(Guid conversation, uint step, long token) =>
        MqttReceivedMessage.Create(
            Replies,
            JsonSerializer.SerializeToUtf8Bytes(new StepReply { Conversation = conversation, Request = 9, Step = step, Token = token, Route = new Dictionary<string, string> { ["1"] = "peer-b" } }, RoleJsonContext.Default.StepReply),
            MqttQualityOfService.AtLeastOnce,
            false,
            default);
}
