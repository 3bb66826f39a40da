using System.Threading.Channels;
using EdgeLam.Orchestration.Agreement;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Topics;
using Microsoft.Extensions.Logging;

namespace EdgeLam.Gateway.Orchestration;

/// <summary>Something the agreement learned: from the broker (status, capacity, plan, ack) or from the layout host.</summary>
internal abstract record AgreementInput;

internal sealed record StatusInput(NodeStatusMessage Status) : AgreementInput;

internal sealed record CapacityInput(NodeCapacityMessage Capacity) : AgreementInput;

internal sealed record PlanInput(AgreedPlan Plan) : AgreementInput;

internal sealed record AckInput(PlanAck Ack) : AgreementInput;

/// <summary>The layout host finished preparing <paramref name="Epoch"/>, or failed to (<paramref name="Failure"/>).</summary>
internal sealed record PreparedInput(PlanEpoch Epoch, string? Failure) : AgreementInput;

/// <summary>
/// The agreement's MQTT adapter, on a connection of its own (client id <c>edgelam-agree-{node}</c>; the role's message
/// loop owns the node's client): subscribes to every node's status, capacity and plan answers and to the plan,
/// decodes them into <see cref="AgreementInput"/>s (a malformed message is logged and skipped), and publishes the
/// retained plan and this node's answers.
/// </summary>
internal sealed class AgreementLink(AgreementSetup setup, MqttClient client, ILogger logger) : IAsyncDisposable
{
    private readonly TopicScheme _topics = new(setup.Site);

    /// <summary>Connects and subscribes (retained statuses, capacities and the plan arrive first).</summary>
    public async Task StartAsync(CancellationToken stopping)
    {
        await client.ConnectAsync(stopping).ConfigureAwait(false);
        foreach (var filter in new[] { _topics.AllNodeStatus, _topics.AllNodeCapacity, _topics.Plan, _topics.AllNodePlanAck })
        {
            await client.SubscribeAsync(filter, MqttQualityOfService.AtLeastOnce, stopping).ConfigureAwait(false);
        }
    }

    /// <summary>Decodes every message into <paramref name="inputs"/> until <paramref name="stopping"/>.</summary>
    public Task RunAsync(ChannelWriter<AgreementInput> inputs, CancellationToken stopping) =>
        client.RunMessageHandlerAsync(
            (message, _) =>
            {
                if (Decode(message) is { } input)
                {
                    inputs.TryWrite(input);
                }

                return ValueTask.CompletedTask;
            },
            stopping);

    /// <summary>Publishes the retained plan (either phase).</summary>
    public Task PublishAsync(AgreedPlan plan, CancellationToken stopping) =>
        PublishAsync(_topics.Plan, ControlMessageCodec.Encode(plan), retain: true, stopping);

    /// <summary>Publishes this node's answer on its own ack topic.</summary>
    public Task PublishAsync(PlanAck ack, CancellationToken stopping) =>
        PublishAsync(_topics.NodePlanAck(setup.Node), ControlMessageCodec.Encode(ack), retain: false, stopping);

    public ValueTask DisposeAsync() => client.DisposeAsync();

    private async Task PublishAsync(string topic, byte[] payload, bool retain, CancellationToken stopping)
    {
        try
        {
            var message = new MqttApplicationMessage(topic, payload, Retain: retain)
            {
                Properties = new MqttMessageProperties { ContentType = ControlMessageCodec.ContentType },
            };
            await client.PublishAsync(message, stopping).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MqttChannelException or InvalidOperationException or ObjectDisposedException)
        {
            AgreementLog.PublishFailed(logger, topic, e);
        }
    }

    private AgreementInput? Decode(MqttReceivedMessage message)
    {
        if (message.Payload.IsEmpty || !TopicScheme.TryParse(message.Topic, out var topic) || topic.Site != setup.Site)
        {
            return null; // a cleared retained message, or another site's
        }

        try
        {
            var json = message.Payload.Span;
            return topic.Kind switch
            {
                TopicKind.NodeStatus => new StatusInput(ControlMessageCodec.DecodeStatus(json)),
                TopicKind.NodeCapacity => new CapacityInput(ControlMessageCodec.DecodeCapacity(json)),
                TopicKind.Plan => new PlanInput(ControlMessageCodec.DecodePlan(json)),
                TopicKind.NodePlanAck => new AckInput(ControlMessageCodec.DecodePlanAck(json)),
                _ => null,
            };
        }
        catch (ControlMessageException e)
        {
            AgreementLog.BadMessage(logger, message.Topic, e.Message);
            return null;
        }
    }
}
