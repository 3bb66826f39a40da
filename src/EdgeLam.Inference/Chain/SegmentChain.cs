using System.Diagnostics;
using System.Runtime.InteropServices;
using EdgeLam.Core.Tensors;
using EdgeLam.Inference.Segments;
using EdgeLam.Onnx.Interop;

namespace EdgeLam.Inference.Chain;

/// <summary>
/// The one engine: steps a contiguous range of a model's segments (<see cref="Range"/>: the first, a middle or the
/// last range, or the whole model) for a conversation. Every step's attention mask and position ids come from
/// <see cref="StepInputs"/>; each hosted segment keeps its conversations' KV caches and the chain their lengths. The
/// first range takes token ids or embeddings, a later one the boundary tensors of the incoming frame; a range that
/// ends the model yields logits, any other the tensors the next range takes (<see cref="Outgoing"/>). A decode step
/// allocates no managed memory once the conversation's cache capacity has been seen. Not thread-safe.
/// </summary>
public sealed unsafe partial class SegmentChain : IDisposable
{
    private readonly SegmentRunner[] _segments;
    private readonly TensorSource[][] _sources;
    private readonly OrtValue[][] _args;
    private readonly OrtValue[] _outgoing;
    private readonly int[] _outgoingOutput;
    private readonly long[] _segmentTicks;
    private readonly Dictionary<Guid, int> _lengths = [];
    private readonly Dictionary<Guid, long> _used = [];
    private readonly StepControl _control = new();
    private readonly StepInputs _inputs;
    private readonly float[] _logits;
    private readonly long* _oneId;
    private readonly OrtValue _oneIdValue;
    private readonly bool _takesInputIds;
    private bool _disposed;
    private long _prefillTicks;
    private long _prefillPositions;
    private double _throttle = StepThrottle.None;

    /// <summary>Hosts <paramref name="segments"/> (the chain disposes them) as <paramref name="range"/> of their model.</summary>
    /// <param name="segments">The hosted segments in order, all opened with the same <see cref="ChainOptions"/>.</param>
    /// <param name="range">Which segments of the model they are.</param>
    /// <param name="downstreamInputs">The tensors the next range takes, in its order (required unless the range ends the model).</param>
    /// <exception cref="InferenceException">The segments do not chain, or the last one has no usable logits.</exception>
    public SegmentChain(IReadOnlyList<SegmentRunner> segments, SegmentRange range, IReadOnlyList<string>? downstreamInputs = null)
    {
        ArgumentNullException.ThrowIfNull(segments);
        if (segments.Count != range.Count)
        {
            throw new ArgumentException("Range " + range + " hosts " + range.Count + " segment(s); " + segments.Count + " were given.", nameof(segments));
        }

        _segments = [.. segments];
        Range = range;
        ContextLimit = _segments[0].Options.ContextLimit;
        if (_segments.Any(s => s.Options.ContextLimit != ContextLimit))
        {
            throw new ArgumentException("The segments of a chain share one context limit.", nameof(segments));
        }

        _sources = ChainWiring.Sources(
            range,
            [.. _segments.Select(s => s.Name)],
            [.. _segments.Select(s => (IReadOnlyList<string>)[.. s.BoundaryInputs.Select(i => i.Name)])],
            [.. _segments.Select(s => (IReadOnlyList<string>)[.. s.Signature.Outputs.Select(o => o.Name)])],
            range.IsFirst ? [] : [.. _segments[0].BoundaryInputs.Select(i => i.Name)]);
        _args = [.. _segments.Select(s => new OrtValue[s.BoundaryInputs.Count])];
        IncomingNames = range.IsFirst ? [] : [.. _segments[0].BoundaryInputs.Select(i => i.Name)];
        if (range.IsLast)
        {
            VocabularySize = Vocabulary(_segments[^1]);
            OutgoingNames = [];
        }
        else
        {
            ArgumentNullException.ThrowIfNull(downstreamInputs);
            OutgoingNames = [.. downstreamInputs];
        }

        _outgoingOutput = ChainWiring.Outgoing(range, _segments[^1].Name, [.. _segments[^1].Signature.Outputs.Select(o => o.Name)], OutgoingNames);
        _outgoing = new OrtValue[OutgoingNames.Count];
        _logits = new float[VocabularySize];
        _segmentTicks = new long[_segments.Length];
        _takesInputIds = _segments.Any(s => s.Signature.TakesInputIds);
        Embedding = range.IsFirst ? EmbeddingEntry.Find(_segments) : null;
        MaxConversations = (int)Math.Min(
            int.MaxValue,
            _segments.Where(s => s.Conversations.BytesPerPosition > 0)
                .Select(s => s.Conversations.MemoryBudgetBytes / (s.Conversations.BytesPerPosition * ContextLimit))
                .DefaultIfEmpty(int.MaxValue)
                .Min());
        _inputs = new StepInputs(ContextLimit);
        _oneId = (long*)NativeMemory.AlignedAlloc(64, 64);
        _oneIdValue = OrtValue.CreateTensor(TensorElementType.Int64, (nint)_oneId, sizeof(long), [1, 1]);
    }

    /// <summary>Which segments of the model this chain hosts.</summary>
    public SegmentRange Range { get; }

    /// <summary>The hosted segments in order.</summary>
    public IReadOnlyList<SegmentRunner> Segments => _segments;

    /// <summary>Most positions a conversation may hold.</summary>
    public int ContextLimit { get; }

    /// <summary>The tensors the incoming frame carries, in order (empty for the first range).</summary>
    public IReadOnlyList<string> IncomingNames { get; }

    /// <summary>The tensors this chain hands to the next range, in order (empty for the last range).</summary>
    public IReadOnlyList<string> OutgoingNames { get; }

    /// <summary>Vocabulary of the logits when the range ends the model, else 0.</summary>
    public int VocabularySize { get; }

    /// <summary>Where this (first) range takes embeddings, or null when it cannot start from embeddings.</summary>
    public EmbeddingEntry? Embedding { get; }

    /// <summary>Conversations held.</summary>
    public int Conversations => _lengths.Count;

    /// <summary>Conversations whose KV caches fit every hosted segment's memory budget at the full context limit.</summary>
    public int MaxConversations { get; }

    /// <summary>
    /// Stopwatch ticks spent in ORT by the last step, all hosted segments together, with the <see cref="Throttle"/>
    /// wait (the step really took that long).
    /// </summary>
    public long LastComputeTicks { get; private set; }

    /// <summary>
    /// Each step takes this many times its compute time (<see cref="StepThrottle"/>; 1, the default, adds nothing):
    /// emulates a slower board. Read once per step; the stage sets it from its tuning.
    /// </summary>
    public double Throttle
    {
        get => Volatile.Read(ref _throttle);
        set => Volatile.Write(ref _throttle, value is >= StepThrottle.None and <= StepThrottle.Max ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The throttle must be between 1 and " + StepThrottle.Max + "."));
    }

    /// <summary>Stopwatch ticks spent in ORT by every prefill (a step of more than one position) so far.</summary>
    public long PrefillTicks => Volatile.Read(ref _prefillTicks);

    /// <summary>Positions of every prefill so far (<see cref="PrefillTicks"/> over them is the prefill cost per position).</summary>
    public long PrefillPositions => Volatile.Read(ref _prefillPositions);

    /// <summary>Stopwatch ticks spent in ORT by each hosted segment in the last step (0 for a skipped segment).</summary>
    public ReadOnlySpan<long> SegmentTicks => _segmentTicks;

    /// <summary>The last position's logits after a step of the last range; valid until the next step.</summary>
    public ReadOnlySpan<float> Logits => _logits;

    /// <summary>The tensors for the next range after a step (not the last range); valid until the next step.</summary>
    public ReadOnlySpan<OrtValue> Outgoing
    {
        get
        {
            var outputs = _segments[^1].Outputs;
            for (var i = 0; i < _outgoing.Length; i++)
            {
                _outgoing[i] = outputs[_outgoingOutput[i]];
            }

            return _outgoing;
        }
    }

    /// <summary>Runs a step of the first range on token ids (a prompt, or one token: a decode step, which allocates nothing).</summary>
    /// <exception cref="ContextOverflowException">The step would exceed the context limit.</exception>
    public void RunTokens(Guid conversation, ReadOnlySpan<long> tokens)
    {
        if (!Range.IsFirst)
        {
            throw new InvalidOperationException("Only the first range takes token ids; range " + Range + " takes the incoming frame.");
        }

        if (tokens.IsEmpty)
        {
            throw new ArgumentException("A step needs at least one token.", nameof(tokens));
        }

        OrtValue? transient = null;
        try
        {
            if (tokens.Length == 1)
            {
                *_oneId = tokens[0];
                _control.InputIds = _oneIdValue;
            }
            else
            {
                transient = OrtValue.CreateTensor<long>(tokens.ToArray(), [1, tokens.Length]);
                _control.InputIds = transient;
            }

            Run(conversation, tokens.Length, []);
        }
        finally
        {
            _control.InputIds = null;
            transient?.Dispose();
        }
    }

    /// <summary>
    /// Runs a step of a later range on the incoming frame's tensors (<see cref="IncomingNames"/> order) for
    /// <paramref name="positions"/> new positions. The count travels with the frame: boundary tensors need not have a
    /// sequence dimension. A one-position step allocates nothing.
    /// </summary>
    /// <exception cref="ContextOverflowException">The step would exceed the context limit.</exception>
    public void RunIncoming(Guid conversation, ReadOnlySpan<OrtValue> incoming, int positions)
    {
        if (Range.IsFirst)
        {
            throw new InvalidOperationException("The first range takes token ids or embeddings, not an incoming frame.");
        }

        if (incoming.Length != IncomingNames.Count || incoming.Length == 0)
        {
            throw new ArgumentException("Range " + Range + " takes " + IncomingNames.Count + " boundary tensors; " + incoming.Length + " were given.", nameof(incoming));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(positions);
        OrtValue? placeholder = null;
        try
        {
            // Segments after the embedding that still declare input_ids read it only for its shape; they get pad ids.
            _control.InputIds = PadIds(positions, out placeholder);
            Run(conversation, positions, incoming);
        }
        finally
        {
            _control.InputIds = null;
            placeholder?.Dispose();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var s in _segments)
        {
            s.Dispose();
        }

        _inputs.Dispose();
        _oneIdValue.Dispose();
        NativeMemory.AlignedFree(_oneId);
    }

    /// <summary>One step over the hosted segments: <paramref name="start"/> skips an embedding-only segment, <paramref name="entry"/> feeds the segment after it.</summary>
    private void Run(Guid conversation, int count, ReadOnlySpan<OrtValue> incoming, int start = 0, OrtValue? entry = null)
    {
        var past = _lengths.GetValueOrDefault(conversation);
        _inputs.Prepare(_control, conversation, past, count);
        long ticks = 0;
        try
        {
            for (var k = 0; k < _segments.Length; k++)
            {
                _segmentTicks[k] = 0;
                if (k < start)
                {
                    _segments[k].Advance(conversation, past, count);
                    continue;
                }

                var args = _args[k];
                var sources = _sources[k];
                for (var b = 0; b < args.Length; b++)
                {
                    var source = sources[b];
                    args[b] = k == start && entry is not null ? entry
                        : source.IsIncoming ? incoming[source.Index]
                        : _segments[source.Segment].Outputs[source.Index];
                }

                _segments[k].Run(_control, args);
                _segmentTicks[k] = _segments[k].LastRunTicks;
                ticks += _segments[k].LastRunTicks;
            }
        }
        catch (ConversationNotFoundException)
        {
            Drop(conversation);
            throw;
        }
        finally
        {
            _inputs.Release(_control);
        }

        ticks += StepThrottle.Wait(Throttle, ticks);
        LastComputeTicks = ticks;
        if (count > 1)
        {
            Volatile.Write(ref _prefillTicks, _prefillTicks + ticks);
            Volatile.Write(ref _prefillPositions, _prefillPositions + count);
        }

        _lengths[conversation] = past + count;
        _used[conversation] = Stopwatch.GetTimestamp();
        if (Range.IsLast)
        {
            var last = _segments[^1];
            LogitsReader.ReadLastRow(last.Outputs[last.Signature.LogitsOutput], count, _logits);
        }
    }

    private static int Vocabulary(SegmentRunner last)
    {
        if (last.Signature.LogitsOutput < 0)
        {
            throw new InferenceException("The last segment (" + last.Name + ") has no 'logits' output.");
        }

        var spec = last.Signature.Outputs[last.Signature.LogitsOutput];
        return spec.Rank == 3 && spec.Shape[2] > 0
            ? (int)spec.Shape[2]
            : throw new InferenceException("The logits output must be [batch, sequence, vocabulary] with a fixed vocabulary; it is " + spec + ".");
    }
}
