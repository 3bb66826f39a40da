using System.Diagnostics;
using EdgeLam.Inference.Segments;
using EdgeLam.Onnx.Interop;

namespace EdgeLam.Inference.Chain;

/// <summary>Steps that start from embeddings (sensor encoders) instead of token ids, skip the embedding, or feed pad ids.</summary>
public sealed unsafe partial class SegmentChain
{
    /// <summary>
    /// Runs a step of the first range on embeddings [<paramref name="positions"/>, hidden] (row-major), e.g. from a
    /// sensor encoder: segment 0 takes them as <c>inputs_embeds</c>, or segment 0 is the embedding alone and is
    /// skipped. Later steps may continue with <see cref="RunTokens"/>.
    /// </summary>
    /// <exception cref="InferenceException">The model cannot start from embeddings.</exception>
    /// <exception cref="EmbeddingShapeException">The rows do not have the model's hidden size.</exception>
    /// <exception cref="ContextOverflowException">The step would exceed the context limit.</exception>
    public void RunEmbeddings(Guid conversation, ReadOnlySpan<float> embeddings, int positions)
    {
        var entry = RequireEmbedding();
        using var value = entry.CreateValue(embeddings, positions);
        OrtValue? placeholder = null;
        try
        {
            _control.InputIds = entry.Segment == 0 ? null : PadIds(positions, out placeholder);
            _control.InputsEmbeds = entry.Segment == 0 ? value : null;
            Run(conversation, positions, [], entry.Segment, entry.Segment == 0 ? null : value);
        }
        finally
        {
            _control.InputIds = null;
            _control.InputsEmbeds = null;
            placeholder?.Dispose();
        }
    }

    /// <summary>
    /// Writes the embedding rows of <paramref name="tokens"/> at positions <paramref name="firstPosition"/>.. into
    /// <paramref name="rows"/> (tokens × hidden values) by running the embedding-only segment 0, so token ids can join
    /// embeddings in one step (a prompt around sensor embeddings, or generated tokens when a conversation is moved).
    /// Holds no conversation.
    /// </summary>
    /// <exception cref="InferenceException">Segment 0 is not an embedding-only segment.</exception>
    public void EmbedTokens(ReadOnlySpan<long> tokens, int firstPosition, Span<float> rows)
    {
        var entry = RequireEmbedding();
        if (!entry.CanEmbedTokens)
        {
            throw new InferenceException("Segment 0 (" + _segments[0].Name + ") takes inputs_embeds directly; token ids cannot be embedded by this chain.");
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

    /// <summary>
    /// Records a step this chain does not compute: its one segment is the embedding alone, skipped because the step
    /// enters the model with embeddings at the next segment.
    /// </summary>
    /// <exception cref="InferenceException">A hosted segment caches KV tensors, so it cannot be skipped.</exception>
    public void Skip(Guid conversation, int positions)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(positions);
        var past = Length(conversation);
        if (past + positions > ContextLimit)
        {
            throw new ContextOverflowException(conversation, past, positions, ContextLimit);
        }

        foreach (var s in _segments)
        {
            s.Advance(conversation, past, positions);
        }

        _segmentTicks.AsSpan().Clear();
        LastComputeTicks = 0;
        _lengths[conversation] = past + positions;
        _used[conversation] = Stopwatch.GetTimestamp();
    }

    /// <summary>Pad ids for segments that read input_ids only for its shape, or null when no hosted segment takes them; one position reuses a native tensor.</summary>
    private OrtValue? PadIds(int count, out OrtValue? transient)
    {
        transient = null;
        if (!_takesInputIds)
        {
            return null;
        }

        if (count == 1)
        {
            *_oneId = 0;
            return _oneIdValue;
        }

        transient = OrtValue.CreateTensor<long>(new long[count], [1, count]);
        return transient;
    }

    private EmbeddingEntry RequireEmbedding()
    {
        if (!Range.IsFirst)
        {
            throw new InvalidOperationException("Only the first range takes embeddings.");
        }

        return Embedding ?? throw new InferenceException("This model cannot start from embeddings: segment 0 (" + _segments[0].Name + ") takes no inputs_embeds and is not an embedding-only segment followed by a hosted segment.");
    }
}
