using EdgeLam.Inference;
using EdgeLam.Inference.Pipeline;
using EdgeLam.Inference.Segments;
using EdgeLam.Onnx.Interop;

namespace EdgeLam.Transport.Roles;

/// <summary>
/// Runs one node's contiguous range of segments of a split model for one step of a conversation. The first stage
/// takes token ids; a later stage takes the boundary tensors decoded from the upstream frame. A stage that ends the
/// chain yields logits; any other yields the tensors its downstream stage takes. Each segment keeps its own KV cache
/// per conversation, so the executor only tracks conversation lengths.
/// </summary>
public sealed class StageExecutor : IDisposable
{
    private readonly SegmentRunner[] _segments;
    private readonly (int Segment, int Output)[][] _sources;
    private readonly OrtValue[][] _args;
    private readonly OrtValue[] _outgoing;
    private readonly int[] _outgoingOutput;
    private readonly Dictionary<Guid, int> _lengths = [];
    private readonly StepControl _control = new();
    private readonly StepInputs _inputs;
    private readonly float[] _logits;
    private readonly long[] _ids = new long[1];
    private readonly bool _takesInputIds;
    private readonly EmbeddingEntry? _embedding;

    /// <summary>Hosts <paramref name="segments"/>: segments <paramref name="first"/>.. of a chain of <paramref name="total"/>.</summary>
    public StageExecutor(IReadOnlyList<SegmentRunner> segments, int first, int total, IReadOnlyList<string>? downstreamInputs, int contextLimit)
    {
        ArgumentNullException.ThrowIfNull(segments);
        if (segments.Count == 0)
        {
            throw new ArgumentException("A stage hosts at least one segment.", nameof(segments));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first + segments.Count, total);
        _segments = [.. segments];
        First = first;
        Total = total;
        MaxConversations = (int)Math.Min(
            int.MaxValue,
            _segments.Where(s => s.Conversations.BytesPerPosition > 0)
                .Select(s => s.Conversations.MemoryBudgetBytes / (s.Conversations.BytesPerPosition * contextLimit))
                .DefaultIfEmpty(int.MaxValue)
                .Min());
        if (IsFirst && !_segments[0].Signature.TakesInputIds)
        {
            throw new InferenceException("Segment 0 (" + _segments[0].Name + ") takes no input_ids; the first stage feeds token ids.");
        }

        IncomingNames = IsFirst ? [] : [.. _segments[0].BoundaryInputs.Select(i => i.Name)];
        _takesInputIds = _segments.Any(s => s.Signature.TakesInputIds);
        _embedding = IsFirst ? EmbeddingEntry.Find(_segments) : null;
        _sources = new (int, int)[_segments.Length][];
        _args = new OrtValue[_segments.Length][];
        for (var k = 0; k < _segments.Length; k++)
        {
            var inputs = _segments[k].BoundaryInputs;
            _args[k] = new OrtValue[inputs.Count];
            _sources[k] = [.. inputs.Select(i => FindSource(k, i.Name))];
        }

        if (IsLast)
        {
            var last = _segments[^1];
            if (last.Signature.LogitsOutput < 0)
            {
                throw new InferenceException("The last segment (" + last.Name + ") has no 'logits' output.");
            }

            var spec = last.Signature.Outputs[last.Signature.LogitsOutput];
            VocabularySize = spec.Rank == 3 && spec.Shape[2] > 0
                ? (int)spec.Shape[2]
                : throw new InferenceException("The logits output must be [batch, sequence, vocabulary] with a fixed vocabulary; it is " + spec + ".");
            OutgoingNames = [];
        }
        else
        {
            ArgumentNullException.ThrowIfNull(downstreamInputs);
            OutgoingNames = [.. downstreamInputs];
        }

        _logits = new float[VocabularySize];
        _outgoing = new OrtValue[OutgoingNames.Count];
        _outgoingOutput = [.. OutgoingNames.Select(FindOutgoing)];
        _inputs = new StepInputs(contextLimit);
    }

    /// <summary>Index of the first hosted segment.</summary>
    public int First { get; }

    /// <summary>Segments in the whole chain.</summary>
    public int Total { get; }

    /// <summary>Index of the last hosted segment.</summary>
    public int Last => First + _segments.Length - 1;

    /// <summary>True when this stage starts the chain (takes token ids).</summary>
    public bool IsFirst => First == 0;

    /// <summary>True when this stage ends the chain (yields logits).</summary>
    public bool IsLast => Last == Total - 1;

    /// <summary>The cut in front of this stage (boundary index = index of the upstream segment), or -1 for the first stage.</summary>
    public int IncomingBoundary => First - 1;

    /// <summary>The cut behind this stage, or -1 for the last stage.</summary>
    public int OutgoingBoundary => IsLast ? -1 : Last;

    /// <summary>The tensors the upstream frame must carry, in order.</summary>
    public IReadOnlyList<string> IncomingNames { get; }

    /// <summary>The tensors this stage sends downstream, in order.</summary>
    public IReadOnlyList<string> OutgoingNames { get; }

    /// <summary>Vocabulary of the logits (last stage), else 0.</summary>
    public int VocabularySize { get; }

    /// <summary>Where this (first) stage takes embeddings, or null when it cannot start from embeddings.</summary>
    public EmbeddingEntry? Embedding => _embedding;

    /// <summary>Stopwatch ticks spent in ORT by the last step.</summary>
    public long LastComputeTicks { get; private set; }

    /// <summary>Conversations held.</summary>
    public int Conversations => _lengths.Count;

    /// <summary>Conversations whose KV caches fit every hosted segment's memory budget at the full context limit.</summary>
    public int MaxConversations { get; }

    /// <summary>
    /// Opens segments <paramref name="first"/>..<paramref name="last"/> of the split model in <paramref name="directory"/>.
    /// </summary>
    public static StageExecutor Open(OnnxRuntime runtime, string directory, int first, int last, int contextLimit = 2048, long memoryBudgetBytes = 1L << 30)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        var files = ModelDirectory.SegmentFiles(directory);
        if (first < 0 || last < first || last >= files.Count)
        {
            throw new InferenceException("Segments " + first + "-" + last + " do not exist: " + directory + " holds " + files.Count + " segment(s) (0-" + (files.Count - 1) + ").");
        }

        var options = new Inference.Chain.ChainOptions { ContextLimit = contextLimit, MemoryBudgetBytes = memoryBudgetBytes };
        var runners = new List<SegmentRunner>();
        OrtSession? downstream = null;
        try
        {
            for (var i = first; i <= last; i++)
            {
                var session = runtime.OpenSession(files[i]);
                try
                {
                    runners.Add(new SegmentRunner(session, options));
                }
                catch
                {
                    session.Dispose();
                    throw;
                }
            }

            IReadOnlyList<string>? downstreamInputs = null;
            if (last < files.Count - 1)
            {
                // The downstream segment's boundary inputs are what the frame carries; read them from its model.
                downstream = runtime.OpenSession(files[last + 1]);
                using var probe = new SegmentRunner(downstream, options, ownsSession: false);
                downstreamInputs = [.. probe.BoundaryInputs.Select(i => i.Name)];
            }

            return new StageExecutor(runners, first, files.Count, downstreamInputs, contextLimit);
        }
        catch
        {
            foreach (var r in runners)
            {
                r.Dispose();
            }

            throw;
        }
        finally
        {
            downstream?.Dispose();
        }
    }

    /// <summary>Positions held for <paramref name="conversation"/> (0 when unknown).</summary>
    public int Length(Guid conversation) => _lengths.GetValueOrDefault(conversation);

    /// <summary>Drops the conversation's caches.</summary>
    public bool Drop(Guid conversation)
    {
        var held = _lengths.Remove(conversation);
        foreach (var s in _segments)
        {
            held |= s.Drop(conversation);
        }

        return held;
    }

    /// <summary>Runs a first-stage step on token ids (a prompt, or one token for a decode step).</summary>
    public void RunTokens(Guid conversation, ReadOnlySpan<long> tokens)
    {
        if (!IsFirst)
        {
            throw new InvalidOperationException("Only the first stage takes token ids.");
        }

        if (tokens.IsEmpty)
        {
            throw new ArgumentException("A step needs at least one token.", nameof(tokens));
        }

        OrtValue? transient = null;
        try
        {
            OrtValue ids;
            if (tokens.Length == 1)
            {
                _ids[0] = tokens[0];
                transient = OrtValue.CreateTensor<long>(_ids, [1, 1]);
            }
            else
            {
                transient = OrtValue.CreateTensor<long>(tokens.ToArray(), [1, tokens.Length]);
            }

            ids = transient;
            _control.InputIds = ids;
            Run(conversation, tokens.Length, []);
        }
        finally
        {
            _control.InputIds = null;
            transient?.Dispose();
        }
    }

    /// <summary>
    /// Runs a later-stage step of <paramref name="positions"/> new positions on the decoded upstream tensors
    /// (<see cref="IncomingNames"/> order). The count travels with the activation: boundary tensors need not have a
    /// sequence dimension (a cut before the head can carry [positions, vocabulary]).
    /// </summary>
    public void RunBoundary(Guid conversation, ReadOnlySpan<OrtValue> incoming, int positions)
    {
        if (IsFirst)
        {
            throw new InvalidOperationException("The first stage takes token ids.");
        }

        if (incoming.Length != IncomingNames.Count || incoming.Length == 0)
        {
            throw new ArgumentException("The stage takes " + IncomingNames.Count + " boundary tensors; " + incoming.Length + " were given.", nameof(incoming));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(positions);

        // Segments after the embedding that still declare input_ids read it only for its shape (the sequence
        // length), as in InferencePipeline.PrefillEmbeddings; the frame carries no ids, so they get pad ids.
        using var placeholder = PlaceholderIds(positions);
        _control.InputIds = placeholder;
        try
        {
            Run(conversation, positions, incoming);
        }
        finally
        {
            _control.InputIds = null;
        }
    }

    /// <summary>
    /// Runs a first-stage step on embeddings [<paramref name="positions"/>, hidden] (row-major), e.g. from a sensor
    /// encoder, as <see cref="InferencePipeline.PrefillEmbeddings"/> does: segment 0 takes them as
    /// <c>inputs_embeds</c>, or segment 0 is the embedding alone and is skipped. Later steps may continue with
    /// <see cref="RunTokens"/>.
    /// </summary>
    /// <exception cref="InferenceException">The model cannot start from embeddings.</exception>
    /// <exception cref="EmbeddingShapeException">The rows do not have the model's hidden size.</exception>
    /// <exception cref="ContextOverflowException">The step would exceed the context limit.</exception>
    public void RunEmbeddings(Guid conversation, ReadOnlySpan<float> embeddings, int positions)
    {
        var entry = RequireEmbedding();
        using var value = entry.CreateValue(embeddings, positions);
        using var placeholder = entry.Segment == 0 ? null : PlaceholderIds(positions);
        _control.InputIds = placeholder;
        _control.InputsEmbeds = entry.Segment == 0 ? value : null;
        try
        {
            Run(conversation, positions, [], entry.Segment, entry.Segment == 0 ? null : value);
        }
        finally
        {
            _control.InputIds = null;
            _control.InputsEmbeds = null;
        }
    }

    /// <summary>
    /// Writes the embedding rows of <paramref name="tokens"/> at positions <paramref name="firstPosition"/>.. into
    /// <paramref name="rows"/> (tokens × hidden values) by running the embedding-only segment 0, so token ids can
    /// join embeddings in one prefill (a prompt around sensor embeddings, or generated tokens when a session is moved).
    /// Holds no conversation.
    /// </summary>
    /// <exception cref="InferenceException">Segment 0 is not an embedding-only segment.</exception>
    public void EmbedTokens(ReadOnlySpan<long> tokens, int firstPosition, Span<float> rows)
    {
        var entry = RequireEmbedding();
        if (!entry.CanEmbedTokens)
        {
            throw new InferenceException("Segment 0 (" + _segments[0].Name + ") takes inputs_embeds directly; token ids cannot be embedded on this stage.");
        }

        if (tokens.IsEmpty)
        {
            throw new ArgumentException("No tokens to embed.", nameof(tokens));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(firstPosition);
        var scratch = Guid.NewGuid();
        var embedding = _segments[0];
        using var ids = OrtValue.CreateTensor<long>(tokens.ToArray(), [1, tokens.Length]);
        try
        {
            if (firstPosition > 0)
            {
                embedding.Advance(scratch, 0, firstPosition);
            }

            _inputs.Prepare(_control, scratch, firstPosition, tokens.Length);
            _control.InputIds = ids;
            var outputs = embedding.Run(_control, []);
            var value = outputs[entry.TokenEmbeddingOutput];
            if (value.ElementCount != (long)rows.Length)
            {
                throw new EmbeddingShapeException("Segment 0 gave " + value.ElementCount + " values for " + tokens.Length + " tokens; " + rows.Length + " were expected.", entry.HiddenSize, (int)(value.ElementCount / tokens.Length));
            }

            EmbeddingEntry.CopyRows(value, rows);
        }
        finally
        {
            _control.InputIds = null;
            _inputs.Release(_control);
            embedding.Drop(scratch);
        }
    }

    /// <summary>The tensors for the downstream stage after a step (not the last stage); valid until the next step.</summary>
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

    /// <summary>The last position's logits after a step of the last stage; valid until the next step.</summary>
    public ReadOnlySpan<float> Logits => _logits;

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var s in _segments)
        {
            s.Dispose();
        }

        _inputs.Dispose();
    }

    private EmbeddingEntry RequireEmbedding()
    {
        if (!IsFirst)
        {
            throw new InvalidOperationException("Only the first stage takes embeddings.");
        }

        return _embedding ?? throw new InferenceException("This model cannot start from embeddings: segment 0 (" + _segments[0].Name + ") takes no inputs_embeds and is not an embedding-only segment followed by a hosted segment.");
    }

    /// <summary>Pad ids for segments that read input_ids only for its shape (after the embedding), or null when no hosted segment takes them.</summary>
    private OrtValue? PlaceholderIds(int count)
    {
        if (!_takesInputIds)
        {
            return null;
        }

        if (count == 1)
        {
            _ids[0] = 0;
            return OrtValue.CreateTensor<long>(_ids, [1, 1]);
        }

        return OrtValue.CreateTensor<long>(new long[count], [1, count]);
    }

    private void Run(Guid conversation, int count, ReadOnlySpan<OrtValue> incoming, int start = 0, OrtValue? entry = null)
    {
        var past = _lengths.GetValueOrDefault(conversation);
        _inputs.Prepare(_control, conversation, past, count);
        long ticks = 0;
        try
        {
            for (var k = 0; k < _segments.Length; k++)
            {
                if (k < start)
                {
                    // The embedding-only segment is skipped when the step starts from embeddings.
                    _segments[k].Advance(conversation, past, count);
                    continue;
                }

                var args = _args[k];
                for (var b = 0; b < args.Length; b++)
                {
                    var (segment, output) = _sources[k][b];
                    args[b] = k == start && entry is not null ? entry : segment < 0 ? incoming[output] : _segments[segment].Outputs[output];
                }

                _segments[k].Run(_control, args);
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

        LastComputeTicks = ticks;
        _lengths[conversation] = past + count;
        if (IsLast)
        {
            var last = _segments[^1];
            LogitsReader.ReadLastRow(last.Outputs[last.Signature.LogitsOutput], count, _logits);
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

        if (!IsFirst && segment == 0)
        {
            return (-1, IndexOf(_segments[0].BoundaryInputs, name));
        }

        if (!IsFirst)
        {
            var index = IndexOf(_segments[0].BoundaryInputs, name);
            if (index >= 0)
            {
                return (-1, index);
            }
        }

        throw new InferenceException("Segment " + (First + segment) + " (" + _segments[segment].Name + ") takes '" + name + "', which no segment of this stage nor the upstream frame provides.");
    }

    private int FindOutgoing(string name)
    {
        var outputs = _segments[^1].Signature.Outputs;
        for (var o = 0; o < outputs.Count; o++)
        {
            if (outputs[o].Name == name)
            {
                return o;
            }
        }

        throw new InferenceException("The downstream stage takes '" + name + "', which segment " + Last + " (" + _segments[^1].Name + ") does not produce; boundary tensors must come from the segment just before the cut.");
    }

    private static int IndexOf(IReadOnlyList<EdgeLam.Core.Tensors.TensorSpec> specs, string name)
    {
        for (var i = 0; i < specs.Count; i++)
        {
            if (specs[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }
}
