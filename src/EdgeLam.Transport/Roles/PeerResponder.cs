using System.Diagnostics;
using System.Text.Json;
using EdgeLam.Inference.Chain;
using EdgeLam.Inference.Links;
using EdgeLam.Inference.Sampling;
using EdgeLam.Transport.Envelope;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Topics;
using EdgeLam.Wire.Codecs;
using EdgeLam.Wire.Frames;

namespace EdgeLam.Transport.Roles;

/// <summary>
/// What a peer sends after running a step, written into the conversation's replay entry: a middle stage the next
/// frame (to the holder the route names, else the next stage's shared topic) with the envelope passed on; the last
/// stage the sampled token as a <see cref="StepReply"/> to the gateway, which publishes the step's result from the one
/// reply it accepts (so a late or repeated answer of a frozen or replaying peer never reaches the results topic).
/// </summary>
internal sealed class PeerResponder : IDisposable
{
    private readonly NodeRoleOptions _options;
    private readonly SegmentChain _chain;
    private readonly TopicScheme _topics;
    private readonly string _model;
    private readonly BoundaryFrameCodec? _outgoing;
    private readonly TokenSampler? _sampler;
    private readonly TopKSelector? _topK;

    public PeerResponder(NodeRoleOptions options, WireCodec codec, SegmentChain chain, TopicScheme topics, string model, SamplingOptions? sampling)
    {
        _options = options;
        _chain = chain;
        _topics = topics;
        _model = model;
        if (chain.Range.IsLast)
        {
            _sampler = new TokenSampler(chain.VocabularySize, sampling ?? SamplingOptions.Greedy);
            _topK = new TopKSelector(chain.VocabularySize);
        }
        else
        {
            _outgoing = new BoundaryFrameCodec(chain.Range.OutgoingBoundary, chain.OutgoingNames, codec);
        }
    }

    /// <summary>
    /// Writes the step's messages into <paramref name="entry"/> and returns this stage's timing; <paramref name="final"/>
    /// is true when the last stage made the request's last token.
    /// </summary>
    public StageTiming Respond(FrameHeader header, ActivationEnvelope envelope, ReplayCache.Entry entry, long decodeUs, HopTiming hop, out bool final)
    {
        var encodeStart = Stopwatch.GetTimestamp();
        var computeUs = RoleClock.Micros(_chain.LastComputeTicks);
        envelope.Route.Set(_chain.Range.IncomingBoundary, _options.Node);
        final = false;
        if (_outgoing is not null)
        {
            var frame = _outgoing.Encode(_chain.Outgoing, header with { BoundaryIndex = (ushort)_chain.Range.OutgoingBoundary }).ToArray();
            var forwarded = Timing(computeUs, decodeUs, hop, encodeStart);
            envelope.Timings.Add(forwarded);
            var topic = envelope.Route.Topic(_topics, _model, _chain.Range.OutgoingBoundary);
            entry.Sent.Add(new MqttApplicationMessage(topic, frame) { Properties = envelope.ToProperties(RoleClock.NowUs()) });
            return forwarded;
        }

        var token = _sampler!.Sample(_chain.Logits);
        var topK = _topK!.Select(_chain.Logits, _options.Tuning.ResultTopK);
        var timing = Timing(computeUs, decodeUs, hop, encodeStart);
        var timings = envelope.Timings;
        timings.Add(timing);
        final = envelope.IsFinal(header.Step, token);
        var reply = new StepReply
        {
            Conversation = header.SessionId,
            Request = header.RequestId,
            Step = header.Step,
            Token = token,
            Route = envelope.Route.ToDictionary(),
            TopK = topK,
            Stages = timings,
            WireUs = envelope.WireUs,
            SentUs = RoleClock.NowUs(),
        };
        entry.Sent.Add(new MqttApplicationMessage(envelope.ResponseTopic!, JsonSerializer.SerializeToUtf8Bytes(reply, RoleJsonContext.Default.StepReply))
        {
            Properties = new MqttMessageProperties { CorrelationData = envelope.CorrelationData, ContentType = "application/json" },
        });
        return timing;
    }

    public void Dispose() => _outgoing?.Dispose();

    private StageTiming Timing(long computeUs, long decodeUs, HopTiming hop, long encodeStart) => new()
    {
        Node = _options.Node,
        FirstSegment = _chain.Range.First,
        ComputeUs = computeUs,
        DecodeUs = decodeUs,
        HopUs = hop.HopUs,
        QueueUs = hop.QueueUs,
        EncodeUs = RoleClock.MicrosSince(encodeStart),
    };
}

/// <summary>How a frame reached a peer stage: the hop from the previous stage's send to its arrival here, then its wait in this node's queue (µs).</summary>
internal readonly record struct HopTiming(long HopUs, long QueueUs);
