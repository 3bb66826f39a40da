using System.Diagnostics;
using System.Runtime.InteropServices;
using EdgeLam.Core.Tensors;
using EdgeLam.Inference.Links;
using EdgeLam.Inference.Sampling;
using EdgeLam.Inference.Segments;
using EdgeLam.Onnx.Interop;
using EdgeLam.Wire.Codecs;
using EdgeLam.Wire.Frames;

namespace EdgeLam.Inference.Pipeline;

/// <summary>
/// Drives a chain of segments (one segment for an unsplit model) through prefill and decode steps: produces the
/// attention mask and position ids, routes boundary tensors from segment to segment (directly, or through an
/// <see cref="IStageLink"/> as activation frames), and turns the last segment's logits into tokens. A decode step
/// allocates no managed memory once the conversation's cache capacity has been seen. Not thread-safe.
/// </summary>
public sealed unsafe class InferencePipeline : IDisposable
{
    private readonly SegmentRunner[] _segments;
    private readonly StageBoundary?[] _boundaries;
    private readonly (int Segment, int Output)[][] _sources;
    private readonly OrtValue[][] _boundaryArgs;
    private readonly OrtValue[][] _sendArgs;
    private readonly Dictionary<Guid, int> _lengths = [];
    private readonly Dictionary<int, OrtValue> _decodeMasks = [];
    private readonly StepControl _control = new();
    private readonly float[] _logits;
    private readonly long* _mask;
    private readonly long* _decodeIds;
    private readonly long* _decodePositions;
    private readonly OrtValue _decodeIdsValue;
    private readonly OrtValue _decodePositionsValue;
    private readonly EmbeddingEntry? _embedding;
    private uint _step;

    /// <summary>Chains <paramref name="segments"/> (in order; the pipeline disposes them).</summary>
    /// <param name="segments">The segments; the first takes input_ids (or inputs_embeds), the last gives logits.</param>
    /// <param name="options">Context limit and wire codec.</param>
    /// <param name="linkFactory">Creates the link of boundary i when <see cref="PipelineOptions.Wire"/> is set; <see cref="LoopbackStageLink"/> by default.</param>
    /// <exception cref="InferenceException">The segments do not form a chain.</exception>
    public InferencePipeline(IReadOnlyList<SegmentRunner> segments, PipelineOptions? options = null, Func<int, IStageLink>? linkFactory = null)
    {
        ArgumentNullException.ThrowIfNull(segments);
        if (segments.Count == 0)
        {
            throw new ArgumentException("A pipeline needs at least one segment.", nameof(segments));
        }

        Options = options ?? new PipelineOptions();
        Options.Validate();
        _segments = [.. segments];
        var last = _segments[^1];
        if (last.Signature.LogitsOutput < 0)
        {
            throw new InferenceException("The last segment (" + last.Name + ") has no 'logits' output.");
        }

        var logitsSpec = last.Signature.Outputs[last.Signature.LogitsOutput];
        if (logitsSpec.Rank != 3 || logitsSpec.Shape[2] <= 0)
        {
            throw new InferenceException("The logits output must be [batch, sequence, vocabulary] with a fixed vocabulary; it is " + logitsSpec + ".");
        }

        VocabularySize = (int)logitsSpec.Shape[2];
        _logits = new float[VocabularySize];
        _sources = new (int, int)[_segments.Length][];
        _boundaryArgs = new OrtValue[_segments.Length][];
        _sendArgs = new OrtValue[_segments.Length][];
        _boundaries = new StageBoundary?[_segments.Length];
        for (var k = 0; k < _segments.Length; k++)
        {
            var inputs = _segments[k].BoundaryInputs;
            _boundaryArgs[k] = new OrtValue[inputs.Count];
            _sendArgs[k] = new OrtValue[inputs.Count];
            _sources[k] = new (int, int)[inputs.Count];
            for (var b = 0; b < inputs.Count; b++)
            {
                _sources[k][b] = FindSource(k, inputs[b].Name);
                if (Options.Wire is not null && _sources[k][b].Segment != k - 1)
                {
                    throw new InferenceException("Boundary tensor '" + inputs[b].Name + "' of segment " + k + " comes from segment " + _sources[k][b].Segment + "; over a link it must come from segment " + (k - 1) + ".");
                }
            }

            if (k > 0 && Options.Wire is { } codec)
            {
                var link = linkFactory?.Invoke(k - 1) ?? new LoopbackStageLink(k - 1);
                _boundaries[k] = new StageBoundary(link, [.. inputs.Select(i => i.Name)], codec);
            }
        }

        _embedding = EmbeddingEntry.Find(_segments);
        Timings = new StepTimings(_segments.Length);
        _mask = (long*)NativeMemory.AlignedAlloc((nuint)(StepInputs.MaskCapacity(Options.ContextLimit) * sizeof(long)), 64);
        _decodeIds = (long*)NativeMemory.AlignedAlloc(64, 64);
        _decodePositions = (long*)NativeMemory.AlignedAlloc(64, 64);
        _decodeIdsValue = OrtValue.CreateTensor(TensorElementType.Int64, (nint)_decodeIds, sizeof(long), [1, 1]);
        _decodePositionsValue = OrtValue.CreateTensor(TensorElementType.Int64, (nint)_decodePositions, sizeof(long), [1, 1]);
    }

    /// <summary>The options.</summary>
    public PipelineOptions Options { get; }

    /// <summary>The segments in order.</summary>
    public IReadOnlyList<SegmentRunner> Segments => _segments;

    /// <summary>Logits per position.</summary>
    public int VocabularySize { get; }

    /// <summary>Where the chain takes embeddings (<see cref="PrefillEmbeddings"/>), or null when it cannot.</summary>
    public EmbeddingEntry? Embedding => _embedding;

    /// <summary>Timings of the last step.</summary>
    public StepTimings Timings { get; }

    /// <summary>The boundary of segment <paramref name="segment"/>'s inputs when a wire codec is set (null for segment 0 or without a codec).</summary>
    public StageBoundary? Boundary(int segment) => _boundaries[segment];

    /// <summary>Opens an unsplit model folder (model.onnx) or a split folder (manifest.json and its segments).</summary>
    /// <exception cref="InferenceException">The folder holds neither.</exception>
    public static InferencePipeline Open(OnnxRuntime runtime, string directory, PipelineOptions? options = null, Func<int, IStageLink>? linkFactory = null)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        options ??= new PipelineOptions();
        options.Validate();
        var files = ModelDirectory.SegmentFiles(directory);
        var runnerOptions = new SegmentRunnerOptions { ContextLimit = options.ContextLimit, MemoryBudgetBytes = options.MemoryBudgetBytes };
        var runners = new List<SegmentRunner>();
        try
        {
            foreach (var file in files)
            {
                var session = runtime.OpenSession(file);
                try
                {
                    runners.Add(new SegmentRunner(session, runnerOptions));
                }
                catch
                {
                    session.Dispose();
                    throw;
                }
            }

            return new InferencePipeline(runners, options, linkFactory);
        }
        catch
        {
            foreach (var r in runners)
            {
                r.Dispose();
            }

            throw;
        }
    }

    /// <summary>Positions the conversation holds (0 when unknown).</summary>
    public int Length(Guid conversation) => _lengths.GetValueOrDefault(conversation);

    /// <summary>Drops the conversation in every segment; false when it was not held.</summary>
    public bool Drop(Guid conversation)
    {
        var held = _lengths.Remove(conversation);
        foreach (var s in _segments)
        {
            held |= s.Drop(conversation);
        }

        return held;
    }

    /// <summary>
    /// Forgets every position from <paramref name="length"/> on (e.g. to regenerate an answer); the cache keeps its
    /// capacity. Allocates nothing.
    /// </summary>
    /// <exception cref="ConversationNotFoundException">The conversation is not held.</exception>
    public void Rewind(Guid conversation, int length)
    {
        if (!_lengths.TryGetValue(conversation, out var current))
        {
            throw new ConversationNotFoundException(conversation);
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, current);
        foreach (var s in _segments)
        {
            s.Conversations.Get(conversation).Length = length;
        }

        _lengths[conversation] = length;
    }

    /// <summary>Appends prompt tokens to the conversation (starting it when unknown); returns the logits of the last position.</summary>
    public ReadOnlySpan<float> Prefill(Guid conversation, ReadOnlySpan<long> tokens)
    {
        if (tokens.IsEmpty)
        {
            throw new ArgumentException("The prompt is empty.", nameof(tokens));
        }

        if (tokens.Length == 1 && Length(conversation) > 0)
        {
            return Decode(conversation, tokens[0]);
        }

        CheckTokens(tokens);
        var past = Length(conversation);
        var ids = tokens.ToArray();
        using var idsValue = OrtValue.CreateTensor<long>(ids, [1, ids.Length]);
        _control.InputIds = idsValue;
        _control.InputsEmbeds = null;
        try
        {
            return RunStep(conversation, past, ids.Length, 0, null);
        }
        finally
        {
            _control.InputIds = null;
        }
    }

    /// <summary>
    /// Appends embeddings [positions, hidden] (row-major) to the conversation, e.g. from a sensor encoder; the model's
    /// segment 0 must take <c>inputs_embeds</c>, or be the embedding alone (it is skipped).
    /// </summary>
    public ReadOnlySpan<float> PrefillEmbeddings(Guid conversation, ReadOnlySpan<float> embeddings, int positions)
    {
        if (_embedding is not { } entry)
        {
            throw new InferenceException("This model cannot start from embeddings: segment 0 takes no inputs_embeds and is not an embedding-only segment.");
        }

        var past = Length(conversation);
        using var value = entry.CreateValue(embeddings, positions);
        // Segments after the embedding read input_ids only for its shape (sequence length); they get pad ids.
        using var placeholderIds = OrtValue.CreateTensor<long>(new long[positions], [1, positions]);
        _control.InputIds = entry.Segment == 0 ? null : placeholderIds;
        _control.InputsEmbeds = entry.Segment == 0 ? value : null;
        try
        {
            return RunStep(conversation, past, positions, entry.Segment, entry.Segment == 0 ? null : value);
        }
        finally
        {
            _control.InputIds = null;
            _control.InputsEmbeds = null;
        }
    }

    /// <summary>Appends one token; returns the logits of the next position. Allocates nothing in steady state.</summary>
    /// <exception cref="ConversationNotFoundException">The conversation was never started, or was dropped or evicted.</exception>
    public ReadOnlySpan<float> Decode(Guid conversation, long token)
    {
        if (!_lengths.TryGetValue(conversation, out var past))
        {
            throw new ConversationNotFoundException(conversation);
        }

        CheckTokens(new ReadOnlySpan<long>(in token));
        *_decodeIds = token;
        _control.InputIds = _decodeIdsValue;
        _control.InputsEmbeds = null;
        return RunStep(conversation, past, 1, 0, null);
    }

    /// <summary>Prefills <paramref name="prompt"/> and generates until a stop token or the token limit.</summary>
    /// <param name="conversation">The conversation (continued when held).</param>
    /// <param name="prompt">Prompt token ids.</param>
    /// <param name="options">Limits, stop tokens and sampling.</param>
    /// <param name="onToken">Called after each token with its index, the token and the timings of the step that produced its logits.</param>
    public GenerationResult Generate(Guid conversation, ReadOnlySpan<long> prompt, GenerationOptions options, Action<int, long, StepTimings>? onToken = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxNewTokens);
        var sampler = new TokenSampler(VocabularySize, options.Sampling);
        var tokens = new List<long>(options.MaxNewTokens);
        var logits = Prefill(conversation, prompt);
        while (true)
        {
            long token = sampler.Sample(logits);
            tokens.Add(token);
            onToken?.Invoke(tokens.Count - 1, token, Timings);
            if (options.StopTokens.Contains(token))
            {
                return new GenerationResult(tokens, true);
            }

            if (tokens.Count == options.MaxNewTokens)
            {
                return new GenerationResult(tokens, false);
            }

            logits = Decode(conversation, token);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var b in _boundaries)
        {
            b?.Dispose();
        }

        foreach (var s in _segments)
        {
            s.Dispose();
        }

        foreach (var m in _decodeMasks.Values)
        {
            m.Dispose();
        }

        _decodeMasks.Clear();
        _decodeIdsValue.Dispose();
        _decodePositionsValue.Dispose();
        NativeMemory.AlignedFree(_mask);
        NativeMemory.AlignedFree(_decodeIds);
        NativeMemory.AlignedFree(_decodePositions);
    }

    private ReadOnlySpan<float> RunStep(Guid conversation, int past, int count, int start, OrtValue? entry)
    {
        if (past + count > Options.ContextLimit)
        {
            throw new ContextOverflowException(conversation, past, count, Options.ContextLimit);
        }

        var begin = Stopwatch.GetTimestamp();
        var capacity = past == 0 ? 0 : KvCapacity.For(past + count, Options.ContextLimit);
        _control.Conversation = conversation;
        _control.PastLength = past;
        _control.NewPositions = count;
        _control.PastCapacity = capacity;

        // Mask: held positions and the new ones are 1, the padding between them 0.
        new Span<long>(_mask, past).Fill(1);
        new Span<long>(_mask + past, capacity - past).Clear();
        new Span<long>(_mask + capacity, count).Fill(1);
        OrtValue? transientMask = null;
        OrtValue? transientPositions = null;
        try
        {
            if (_control.IsDecode)
            {
                if (!_decodeMasks.TryGetValue(capacity, out var mask))
                {
                    mask = OrtValue.CreateTensor(TensorElementType.Int64, (nint)_mask, (capacity + 1L) * sizeof(long), [1, capacity + 1]);
                    _decodeMasks.Add(capacity, mask);
                }

                *_decodePositions = past;
                _control.AttentionMask = mask;
                _control.PositionIds = _decodePositionsValue;
            }
            else
            {
                transientMask = OrtValue.CreateTensor(TensorElementType.Int64, (nint)_mask, ((long)capacity + count) * sizeof(long), [1, capacity + count]);
                var positions = new long[count];
                for (var i = 0; i < count; i++)
                {
                    positions[i] = past + i;
                }

                transientPositions = OrtValue.CreateTensor<long>(positions, [1, count]);
                _control.AttentionMask = transientMask;
                _control.PositionIds = transientPositions;
            }

            _step++;
            for (var k = 0; k < _segments.Length; k++)
            {
                Timings.SegmentTicksArray[k] = 0;
                if (k > 0)
                {
                    Timings.EncodeTicksArray[k - 1] = 0;
                    Timings.DecodeTicksArray[k - 1] = 0;
                }

                if (k < start)
                {
                    _segments[k].Advance(conversation, past, count);
                    continue;
                }

                var args = _boundaryArgs[k];
                if (k == start && entry is not null)
                {
                    args[0] = entry;
                }
                else if (_boundaries[k] is { } boundary)
                {
                    var send = _sendArgs[k];
                    var outputs = _segments[k - 1].Outputs;
                    for (var b = 0; b < send.Length; b++)
                    {
                        send[b] = outputs[_sources[k][b].Output];
                    }

                    var header = new FrameHeader
                    {
                        Flags = _control.IsDecode ? 0 : FrameFlags.Prefill,
                        SessionId = conversation,
                        Step = _step,
                        BoundaryIndex = (ushort)(k - 1),
                    };
                    boundary.Transfer(send, header).CopyTo(args);
                    Timings.EncodeTicksArray[k - 1] = boundary.LastEncodeTicks;
                    Timings.DecodeTicksArray[k - 1] = boundary.LastDecodeTicks;
                }
                else
                {
                    for (var b = 0; b < args.Length; b++)
                    {
                        var (segment, output) = _sources[k][b];
                        args[b] = _segments[segment].Outputs[output];
                    }
                }

                _segments[k].Run(_control, args);
                Timings.SegmentTicksArray[k] = _segments[k].LastRunTicks;
            }
        }
        catch (ConversationNotFoundException)
        {
            Drop(conversation);
            throw;
        }
        finally
        {
            _control.AttentionMask = null;
            _control.PositionIds = null;
            transientMask?.Dispose();
            transientPositions?.Dispose();
        }

        _lengths[conversation] = past + count;
        ReadLogits(count);
        Timings.Positions = count;
        Timings.TotalTicks = Stopwatch.GetTimestamp() - begin;
        return _logits;
    }

    private void ReadLogits(int count)
    {
        var last = _segments[^1];
        LogitsReader.ReadLastRow(last.Outputs[last.Signature.LogitsOutput], count, _logits);
    }

    private void CheckTokens(ReadOnlySpan<long> tokens)
    {
        foreach (var t in tokens)
        {
            if (t < 0 || t >= VocabularySize)
            {
                throw new InferenceException("Token id " + t + " is outside the vocabulary [0, " + VocabularySize + ").");
            }
        }
    }

    private (int Segment, int Output) FindSource(int segment, string name)
    {
        for (var j = segment - 1; j >= 0; j--)
        {
            var outputs = _segments[j].Signature.Outputs;
            for (var o = 0; o < outputs.Count; o++)
            {
                if (outputs[o].Name == name)
                {
                    return (j, o);
                }
            }
        }

        throw new InferenceException("Segment " + segment + " (" + _segments[segment].Name + ") takes '" + name + "', which no earlier segment produces.");
    }
}
