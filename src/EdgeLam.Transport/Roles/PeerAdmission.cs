using EdgeLam.Inference.Chain;
using EdgeLam.Inference.Links;
using EdgeLam.Onnx.Interop;
using EdgeLam.Transport.Envelope;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Wire.Frames;

namespace EdgeLam.Transport.Roles;

/// <summary>What a peer does with a message.</summary>
internal enum AdmissionVerdict
{
    /// <summary>Count and drop it (the reason says why).</summary>
    Reject,

    /// <summary>The step ran already: send its messages again from the replay cache.</summary>
    Replay,

    /// <summary>Run the step.</summary>
    Run,
}

/// <summary>
/// A peer's checks on one activation message, in order. <see cref="TryDecode"/>: its topic is one of the stage's two and
/// the frame decodes. <see cref="Admit"/>: it is for this model and plan epoch, the envelope is complete, and its step
/// fits the conversation the stage holds (a repeat is replayed, an older step rejected, a decode step of an unknown
/// conversation rejected). Reads the frame into the stage's codec and the properties into the stage's envelope, both
/// reused.
/// </summary>
internal sealed class PeerAdmission(
    string sharedTopic,
    string ownTopic,
    ModelId modelId,
    uint planEpoch,
    int contextLimit,
    BoundaryFrameCodec incoming,
    SegmentChain chain,
    ReplayCache replay,
    ActivationEnvelope envelope)
{
    private readonly string _model = modelId.ToString();

    /// <summary>Checks the topic and decodes the frame into the stage's codec; false with the reason when it is not one.</summary>
    public bool TryDecode(in MqttReceivedMessage message, out FrameHeader header, out ReadOnlySpan<OrtValue> values, out string? reason)
    {
        header = default;
        values = default;
        if (!string.Equals(message.Topic, ownTopic, StringComparison.Ordinal) && !string.Equals(message.Topic, sharedTopic, StringComparison.Ordinal))
        {
            reason = "not this stage's activation topic";
            return false;
        }

        try
        {
            values = incoming.Decode(message.Payload.Span, out header);
            reason = null;
            return true;
        }
        catch (FrameDecodeException ex)
        {
            reason = ex.Message;
            return false;
        }
    }

    /// <summary>Checks a decoded frame's model and epoch, reads the envelope, and decides by the conversation's replay entry.</summary>
    public AdmissionVerdict Admit(in MqttReceivedMessage message, in FrameHeader header, out ReplayCache.Entry? entry, out string? reason)
    {
        entry = null;
        reason = header.ModelId != modelId ? "frame for model " + header.ModelId + "; this stage serves " + _model
            : header.PlanEpoch != planEpoch ? "frame for plan epoch " + header.PlanEpoch + "; this stage runs epoch " + planEpoch
            : null;
        if (reason is not null || !envelope.TryRead(message.Properties, contextLimit, out reason))
        {
            return AdmissionVerdict.Reject;
        }

        var conversation = header.SessionId;
        var known = replay.TryGet(conversation, out var held);
        if (known && header.Step == held.Step)
        {
            entry = held;
            return AdmissionVerdict.Replay;
        }

        if (known && header.Step < held.Step)
        {
            reason = "step " + header.Step + " of conversation " + conversation + " is older than the held step " + held.Step;
            return AdmissionVerdict.Reject;
        }

        var prefill = (header.Flags & FrameFlags.Prefill) != 0;
        if (!prefill && (!known || header.Step != held.Step + 1 || chain.Length(conversation) == 0))
        {
            reason = "step " + header.Step + " of conversation " + conversation + " continues a conversation this stage does not hold";
            return AdmissionVerdict.Reject;
        }

        return AdmissionVerdict.Run;
    }
}
