using System.Diagnostics;
using EdgeLam.Inference.Chain;
using EdgeLam.Inference.Links;
using EdgeLam.Inference.Sampling;
using EdgeLam.Inference.Segments;
using EdgeLam.Onnx.Interop;
using EdgeLam.Wire.Frames;

namespace EdgeLam.Inference.Pipeline;

/// <summary>
/// A whole model in one process, on <see cref="SegmentChain"/>s: without a wire codec one chain hosts every segment;
/// with one, each segment is its own chain and the tensors between them cross an activation frame
/// (<see cref="BoundaryFrameCodec"/>: exactly the bytes MQTT carries). Turns the last segment's logits into tokens.
/// A decode step allocates no managed memory once the conversation's cache capacity has been seen. Not thread-safe.
/// </summary>
public sealed class InferencePipeline : IDisposable
{
    private readonly SegmentChain[] _chains;
    private readonly BoundaryFrameCodec?[] _codecs;
    private readonly SegmentRunner[] _segments;
    private uint _step;

    /// <summary>Chains <paramref name="segments"/> (in order; the pipeline disposes them, also when it throws).</summary>
    /// <param name="segments">The segments, opened with <see cref="PipelineOptions.Chain"/>; the first takes input_ids (or inputs_embeds), the last gives logits.</param>
    /// <param name="options">Limits and wire codec.</param>
    /// <exception cref="InferenceException">The segments do not form a chain.</exception>
    public InferencePipeline(IReadOnlyList<SegmentRunner> segments, PipelineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(segments);
        _segments = [.. segments];
        Options = options ?? new PipelineOptions();
        var chains = new List<SegmentChain>();
        try
        {
            if (_segments.Length == 0)
            {
                throw new ArgumentException("A pipeline needs at least one segment.", nameof(segments));
            }

            Options.Validate();
            if (_segments.Any(s => s.Options.ContextLimit != Options.ContextLimit))
            {
                throw new ArgumentException("The segments were opened with another context limit than the pipeline's " + Options.ContextLimit + ".", nameof(segments));
            }

            if (Options.Wire is null)
            {
                chains.Add(new SegmentChain(_segments, SegmentRange.All(_segments.Length)));
            }
            else
            {
                for (var k = 0; k < _segments.Length; k++)
                {
                    var next = k + 1 < _segments.Length ? _segments[k + 1].BoundaryInputs.Select(i => i.Name).ToList() : null;
                    chains.Add(new SegmentChain([_segments[k]], new SegmentRange(k, k, _segments.Length), next));
                }
            }
        }
        catch
        {
            foreach (var chain in chains)
            {
                chain.Dispose();
            }

            foreach (var s in _segments.Skip(chains.Sum(c => c.Range.Count)))
            {
                s.Dispose();
            }

            throw;
        }

        _chains = [.. chains];
        _codecs = new BoundaryFrameCodec?[_chains.Length];
        for (var c = 1; c < _chains.Length; c++)
        {
            _codecs[c] = new BoundaryFrameCodec(c - 1, _chains[c].IncomingNames, Options.Wire!.Value);
        }

        VocabularySize = _chains[^1].VocabularySize;
        Embedding = EmbeddingEntry.Find(_segments);
        Timings = new StepTimings(_segments.Length);
    }

    /// <summary>The options.</summary>
    public PipelineOptions Options { get; }

    /// <summary>The segments in order.</summary>
    public IReadOnlyList<SegmentRunner> Segments => _segments;

    /// <summary>The chains in order: one, or one per segment when a wire codec is set.</summary>
    public IReadOnlyList<SegmentChain> Chains => _chains;

    /// <summary>Logits per position.</summary>
    public int VocabularySize { get; }

    /// <summary>Where the model takes embeddings (<see cref="PrefillEmbeddings"/>), or null when it cannot.</summary>
    public EmbeddingEntry? Embedding { get; }

    /// <summary>Timings of the last step.</summary>
    public StepTimings Timings { get; }

    /// <summary>The frame codec in front of segment <paramref name="segment"/> when a wire codec is set (null for segment 0 or without a codec).</summary>
    public BoundaryFrameCodec? Boundary(int segment) => _codecs.Length > 1 ? _codecs[segment] : null;

    /// <summary>Opens an unsplit model folder (model.onnx) or a split folder (manifest.json and its segments).</summary>
    /// <exception cref="InferenceException">The folder holds neither.</exception>
    public static InferencePipeline Open(OnnxRuntime runtime, string directory, PipelineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        options ??= new PipelineOptions();
        options.Validate();
        var runners = new List<SegmentRunner>();
        try
        {
            foreach (var file in ModelDirectory.SegmentFiles(directory))
            {
                var session = runtime.OpenSession(file);
                try
                {
                    runners.Add(new SegmentRunner(session, options.Chain));
                }
                catch
                {
                    session.Dispose();
                    throw;
                }
            }
        }
        catch
        {
            foreach (var r in runners)
            {
                r.Dispose();
            }

            throw;
        }

        return new InferencePipeline(runners, options);
    }

    /// <summary>Positions the conversation holds (0 when unknown).</summary>
    public int Length(Guid conversation) => _chains[0].Length(conversation);

    /// <summary>Drops the conversation in every segment; false when it was not held.</summary>
    public bool Drop(Guid conversation)
    {
        var held = false;
        foreach (var chain in _chains)
        {
            held |= chain.Drop(conversation);
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
        foreach (var chain in _chains)
        {
            chain.Rewind(conversation, length);
        }
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
        return Step(conversation, tokens, default, tokens.Length);
    }

    /// <summary>
    /// Appends embeddings [positions, hidden] (row-major) to the conversation, e.g. from a sensor encoder; the model's
    /// segment 0 must take <c>inputs_embeds</c>, or be the embedding alone (it is skipped).
    /// </summary>
    public ReadOnlySpan<float> PrefillEmbeddings(Guid conversation, ReadOnlySpan<float> embeddings, int positions)
    {
        if (Embedding is null)
        {
            throw new InferenceException("This model cannot start from embeddings: segment 0 takes no inputs_embeds and is not an embedding-only segment.");
        }

        return Step(conversation, default, embeddings, positions);
    }

    /// <summary>Appends one token; returns the logits of the next position. Allocates nothing in steady state.</summary>
    /// <exception cref="ConversationNotFoundException">The conversation was never started, or was dropped or evicted.</exception>
    public ReadOnlySpan<float> Decode(Guid conversation, long token)
    {
        if (Length(conversation) == 0)
        {
            throw new ConversationNotFoundException(conversation);
        }

        var tokens = new ReadOnlySpan<long>(in token);
        CheckTokens(tokens);
        return Step(conversation, tokens, default, 1);
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
        foreach (var codec in _codecs)
        {
            codec?.Dispose();
        }

        foreach (var chain in _chains)
        {
            chain.Dispose();
        }
    }

    /// <summary>One step: token ids (or, when empty, embeddings) into the first chain, then each later chain on the frame of the one before.</summary>
    private ReadOnlySpan<float> Step(Guid conversation, scoped ReadOnlySpan<long> tokens, scoped ReadOnlySpan<float> embeddings, int count)
    {
        var begin = Stopwatch.GetTimestamp();
        var prefill = Length(conversation) == 0 || count > 1;
        var next = 1;
        _step++;
        Timings.EncodeTicksArray.AsSpan().Clear();
        Timings.DecodeTicksArray.AsSpan().Clear();
        try
        {
            if (!tokens.IsEmpty)
            {
                _chains[0].RunTokens(conversation, tokens);
            }
            else if (_chains.Length == 1 || Embedding!.Segment == 0)
            {
                _chains[0].RunEmbeddings(conversation, embeddings, count);
            }
            else
            {
                // The embedding-only segment 0 is its own chain: skip it and enter chain 1 with the rows.
                using var value = Embedding.CreateValue(embeddings, count);
                _chains[0].Skip(conversation, count);
                next = 2;
                _chains[1].RunIncoming(conversation, [value], count);
            }

            for (var c = next; c < _chains.Length; c++)
            {
                Transfer(c, conversation, count, prefill);
            }
        }
        catch (Exception e) when (e is ConversationNotFoundException || _chains[0].Length(conversation) != _chains[^1].Length(conversation))
        {
            // An evicted conversation, or a step that failed after the first chain ran (the chains now disagree on its
            // length): forget the conversation everywhere.
            Drop(conversation);
            throw;
        }

        var ticks = Timings.SegmentTicksArray;
        foreach (var chain in _chains)
        {
            chain.SegmentTicks.CopyTo(ticks.AsSpan(chain.Range.First));
        }

        Timings.Positions = count;
        Timings.TotalTicks = Stopwatch.GetTimestamp() - begin;
        return _chains[^1].Logits;
    }

    private void Transfer(int chain, Guid conversation, int count, bool prefill)
    {
        var codec = _codecs[chain]!;
        var header = new FrameHeader
        {
            Flags = prefill ? FrameFlags.Prefill : 0,
            SessionId = conversation,
            Step = _step,
            BoundaryIndex = (ushort)(chain - 1),
        };
        var start = Stopwatch.GetTimestamp();
        var frame = codec.Encode(_chains[chain - 1].Outgoing, header);
        var encoded = Stopwatch.GetTimestamp();
        var incoming = codec.Decode(frame, out _);
        Timings.EncodeTicksArray[chain - 1] = encoded - start;
        Timings.DecodeTicksArray[chain - 1] = Stopwatch.GetTimestamp() - encoded;
        _chains[chain].RunIncoming(conversation, incoming, count);
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
}
