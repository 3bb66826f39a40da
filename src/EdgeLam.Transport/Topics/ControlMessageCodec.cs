using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using EdgeLam.Orchestration.Agreement;

namespace EdgeLam.Transport.Topics;

/// <summary>Encodes and decodes control messages; malformed input is a <see cref="ControlMessageException"/>, never a crash.</summary>
public static class ControlMessageCodec
{
    /// <summary>The MQTT 5 content type of every control message.</summary>
    public const string ContentType = "application/json";

    public static byte[] Encode(NodeStatusMessage message) => JsonSerializer.SerializeToUtf8Bytes(message, ControlMessageJsonContext.Default.NodeStatusMessage);

    public static byte[] Encode(NodeCapacityMessage message) => JsonSerializer.SerializeToUtf8Bytes(message, ControlMessageJsonContext.Default.NodeCapacityMessage);

    /// <summary>The retained plan (both phases): the agreement's own message type.</summary>
    public static byte[] Encode(AgreedPlan message) => JsonSerializer.SerializeToUtf8Bytes(message, AgreementJsonContext.Default.AgreedPlan);

    /// <summary>A node's answer to a plan, on its <c>plan-ack</c> topic.</summary>
    public static byte[] Encode(PlanAck message) => JsonSerializer.SerializeToUtf8Bytes(message, AgreementJsonContext.Default.PlanAck);

    public static byte[] Encode(SessionClaimMessage message) => JsonSerializer.SerializeToUtf8Bytes(message, ControlMessageJsonContext.Default.SessionClaimMessage);

    public static byte[] Encode(ProbeMessage message) => JsonSerializer.SerializeToUtf8Bytes(message, ControlMessageJsonContext.Default.ProbeMessage);

    public static NodeStatusMessage DecodeStatus(ReadOnlySpan<byte> json) => Decode(json, ControlMessageJsonContext.Default.NodeStatusMessage);

    public static NodeCapacityMessage DecodeCapacity(ReadOnlySpan<byte> json) => Decode(json, ControlMessageJsonContext.Default.NodeCapacityMessage);

    public static AgreedPlan DecodePlan(ReadOnlySpan<byte> json) => Decode(json, AgreementJsonContext.Default.AgreedPlan);

    public static PlanAck DecodePlanAck(ReadOnlySpan<byte> json) => Decode(json, AgreementJsonContext.Default.PlanAck);

    public static SessionClaimMessage DecodeClaim(ReadOnlySpan<byte> json) => Decode(json, ControlMessageJsonContext.Default.SessionClaimMessage);

    public static ProbeMessage DecodeProbe(ReadOnlySpan<byte> json) => Decode(json, ControlMessageJsonContext.Default.ProbeMessage);

    private static T Decode<T>(ReadOnlySpan<byte> json, JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            var message = JsonSerializer.Deserialize(json, type) ?? throw new ControlMessageException($"{typeof(T).Name}: JSON null");
            return NullEntry(message) is { } entry ? throw new ControlMessageException($"{typeof(T).Name}: {entry} is null") : message;
        }
        catch (JsonException ex)
        {
            throw new ControlMessageException($"{typeof(T).Name}: {ex.Message}", ex);
        }
    }

    /// <summary>A null list entry (<c>"models": [null]</c>), which nullable annotations do not cover for list elements.</summary>
    private static string? NullEntry(object message) => message switch
    {
        NodeStatusMessage { Roles: { } roles } when roles.Contains(null!) => "roles[]",
        NodeCapacityMessage m when m.Models.Contains(null!) => "models[]",
        NodeCapacityMessage { Links: { } links } when links.Contains(null!) => "links[]",
        NodeCapacityMessage { Hops: { } hops } when hops.Any(h => h?.From is null || h.To is null) => "hops[]",
        NodeCapacityMessage m when m.Models.Any(model => model.Layers?.Contains(null!) == true) => "models[].layers[]",
        AgreedPlan m when m.Epoch.Orchestrator is null => "epoch.orchestrator",
        AgreedPlan m when m.Model is null => "model",
        AgreedPlan m when m.Assignments is null || m.Assignments.Any(a => a?.Node is null) => "assignments[]",
        AgreedPlan m when m.Capacities is null || m.Capacities.Any(c => c?.Id is null) => "capacities[]",
        AgreedPlan { Lost: { } lost } when lost.Contains(null!) => "lost[]",
        PlanAck m when m.Node is null => "node",
        PlanAck m when m.Epoch.Orchestrator is null => "epoch.orchestrator",
        PlanAck m when m.Held.Orchestrator is null => "held.orchestrator",
        _ => null,
    };
}

/// <summary>A control message could not be decoded.</summary>
public sealed class ControlMessageException : Exception
{
    public ControlMessageException()
    {
    }

    public ControlMessageException(string message)
        : base(message)
    {
    }

    public ControlMessageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
