using System.Diagnostics;
using System.Runtime.InteropServices;
using EdgeLam.Inference;
using EdgeLam.Inference.Chain;
using EdgeLam.Inference.Links;
using EdgeLam.Inference.Ranges;
using EdgeLam.Wire.Codecs;
using EdgeLam.Wire.Frames;

namespace EdgeLam.Transport.Roles;

/// <summary>
/// A step the gateway ran on its own segments: the frame to send, what it took, the cut it enters after, and a token
/// that fires when a node of its layout is planned out (the step then moves at once instead of waiting for replies).
/// </summary>
internal readonly record struct LocalStep(Guid Conversation, byte[] Frame, StageTiming Timing, int Positions, int Boundary, CancellationToken Lost = default);

/// <summary>
/// The gateway's own segments: runs a request's prefill (token ids, or embedding rows with ids embedded by the
/// model's embedding segment) or a decode step on its <see cref="SegmentChain"/>, one request at a time, and encodes
/// the outgoing activation frame.
/// </summary>
internal sealed class GatewayCompute : IDisposable
{
    private readonly SegmentChain _chain;
    private readonly BoundaryFrameCodec _outgoing;
    private readonly string _node;
    private readonly uint _planEpoch;
    private readonly ModelId _modelId;
    private readonly CancellationToken _lost;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Runs <paramref name="chain"/> (not owned) for frames of <paramref name="planEpoch"/> encoded with <paramref name="codec"/>.</summary>
    public GatewayCompute(SegmentChain chain, string node, uint planEpoch, WireCodec codec, ModelId modelId, CancellationToken lost = default)
    {
        _chain = chain;
        _node = node;
        _planEpoch = planEpoch;
        _modelId = modelId;
        _lost = lost;
        _outgoing = new BoundaryFrameCodec(chain.Range.OutgoingBoundary, chain.OutgoingNames, codec);
    }

    /// <summary>How many times its compute time a step takes (<c>Node:Throttle</c>; the role sets it from the tuning each step).</summary>
    public double Throttle { get; set; } = 1;

    /// <summary>
    /// Runs step <paramref name="step"/> of <paramref name="conversation"/>: with <paramref name="prefill"/> its input
    /// and the tokens <paramref name="generated"/> so far as one prefill, else the last generated token.
    /// </summary>
    public async Task<LocalStep> RunAsync(Guid conversation, uint step, ulong request, GatewayRequest? prefill, List<long> generated, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var waited = Stopwatch.GetTimestamp();
            _chain.Throttle = Throttle;
            if (prefill is not null && _chain.Length(conversation) > 0)
            {
                _chain.Drop(conversation);
            }

            var positions = prefill is null ? RunDecode(conversation, generated[^1]) : RunPrefill(conversation, prefill, generated);
            var encodeStart = Stopwatch.GetTimestamp();
            var header = new FrameHeader
            {
                Flags = prefill is not null ? FrameFlags.Prefill : FrameFlags.None,
                SessionId = conversation,
                RequestId = request,
                Step = step,
                PlanEpoch = _planEpoch,
                ModelId = _modelId,
                BoundaryIndex = (ushort)_chain.Range.OutgoingBoundary,
            };
            var frame = _outgoing.Encode(_chain.Outgoing, header).ToArray();
            var computeUs = RoleClock.Micros(_chain.LastComputeTicks);
            var encodeUs = RoleClock.MicrosSince(encodeStart);
            var timing = new StageTiming
            {
                Node = _node,
                FirstSegment = 0,
                ComputeUs = computeUs,
                EncodeUs = encodeUs,
                QueueUs = Math.Max(0, RoleClock.MicrosSince(waited) - computeUs - encodeUs),
            };
            return new LocalStep(conversation, frame, timing, positions, _chain.Range.OutgoingBoundary, _lost);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Frees the conversation's KV caches.</summary>
    public async Task DropAsync(Guid conversation)
    {
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            _chain.Drop(conversation);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Copies the KV cache of <paramref name="tensors"/> of the conversation out of the chain (a KV handover; the chain keeps it).</summary>
    /// <exception cref="ConversationNotFoundException">The conversation is not held.</exception>
    public async Task<KvSnapshot> ExportKvAsync(Guid conversation, IReadOnlyCollection<string> tensors)
    {
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            return _chain.ExportKv(conversation, tensors);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Takes a conversation over from a KV handover (see <see cref="SegmentChain.ImportKv"/>).</summary>
    /// <exception cref="InferenceException">The KV does not fit the chain.</exception>
    public async Task ImportKvAsync(KvSnapshot kv)
    {
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            _chain.ImportKv(kv);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Throws when the request's embeddings do not fit the model (checked before anything runs).</summary>
    /// <exception cref="InferenceException">The model cannot start from embeddings, or ids cannot be mixed in.</exception>
    /// <exception cref="EmbeddingShapeException">Rows do not have the model's hidden size.</exception>
    public void CheckEmbeddings(GatewayRequest input)
    {
        if (!input.HasEmbeddings)
        {
            return;
        }

        var entry = _chain.Embedding ?? throw new InferenceException("The gateway's model cannot start from embeddings: segment 0 takes no inputs_embeds and is not an embedding-only segment followed by a hosted segment.");
        int? hidden = null;
        foreach (var part in input.Parts)
        {
            if (part.Embeddings is { } e)
            {
                var rowSize = e.Length / part.Positions;
                hidden ??= rowSize;
                if (rowSize != hidden || (entry.HiddenSize > 0 && rowSize != entry.HiddenSize))
                {
                    throw new EmbeddingShapeException("Embedding rows of " + rowSize + " values do not fit the model's hidden size " + (entry.HiddenSize > 0 ? entry.HiddenSize : hidden) + ".", entry.HiddenSize, rowSize);
                }
            }
            else if (!entry.CanEmbedTokens)
            {
                throw new InferenceException("The gateway's segment 0 takes inputs_embeds directly; token ids cannot be mixed with embeddings.");
            }
        }
    }

    public void Dispose()
    {
        _outgoing.Dispose();
        _gate.Dispose();
    }

    private int RunDecode(Guid conversation, long token)
    {
        _chain.RunTokens(conversation, new ReadOnlySpan<long>(in token));
        return 1;
    }

    /// <summary>
    /// Runs the request's input and the tokens generated so far as one prefill: ids alone as a token step; with
    /// embeddings, every id run is embedded by the model's embedding segment and all rows go in one step.
    /// </summary>
    private int RunPrefill(Guid conversation, GatewayRequest input, List<long> generated)
    {
        var total = input.Positions + generated.Count;
        if (!input.HasEmbeddings)
        {
            var ids = new long[total];
            var at = 0;
            foreach (var part in input.Parts)
            {
                part.Ids!.CopyTo(ids, at);
                at += part.Positions;
            }

            generated.CopyTo(ids, at);
            _chain.RunTokens(conversation, ids);
            return total;
        }

        var first = input.Parts.First(p => p.Embeddings is not null);
        var hidden = first.Embeddings!.Length / first.Positions;
        var rows = new float[(long)total * hidden];
        var position = 0;
        foreach (var part in input.Parts)
        {
            var span = rows.AsSpan(position * hidden, part.Positions * hidden);
            if (part.Embeddings is { } embeddings)
            {
                embeddings.CopyTo(span);
            }
            else
            {
                _chain.EmbedTokens(part.Ids!, position, span);
            }

            position += part.Positions;
        }

        if (generated.Count > 0)
        {
            _chain.EmbedTokens(CollectionsMarshal.AsSpan(generated), position, rows.AsSpan(position * hidden));
        }

        _chain.RunEmbeddings(conversation, rows, total);
        return total;
    }
}
