using System.Runtime.InteropServices;
using EdgeLam.Core.Tensors;
using EdgeLam.Onnx.Interop;

namespace EdgeLam.Inference.Segments;

/// <summary>
/// Where a chain of segments takes embeddings ([positions, hidden] rows, e.g. from a sensor encoder) instead of token
/// ids: segment 0 when it takes <c>inputs_embeds</c>, or segment 1 when segment 0 is the embedding alone (no KV cache,
/// one boundary tensor into segment 1) and is skipped. Shared by the in-process pipeline and the gateway's stage.
/// </summary>
public sealed class EmbeddingEntry
{
    private EmbeddingEntry(int segment, TensorSpec spec, int outputOfSegment0)
    {
        Segment = segment;
        Spec = spec;
        TokenEmbeddingOutput = outputOfSegment0;
        HiddenSize = spec.Rank == 3 && spec.Shape[2] > 0 ? (int)spec.Shape[2] : 0;
    }

    /// <summary>The segment the embeddings enter: 0 (<c>inputs_embeds</c>) or 1 (segment 0 is skipped).</summary>
    public int Segment { get; }

    /// <summary>The input that takes the embeddings.</summary>
    public TensorSpec Spec { get; }

    /// <summary>Values per row, or 0 when the model leaves the hidden dimension symbolic.</summary>
    public int HiddenSize { get; }

    /// <summary>Index of segment 0's output that carries token embeddings (entry 1), else -1.</summary>
    public int TokenEmbeddingOutput { get; }

    /// <summary>True when token ids can be turned into rows (segment 0 is the embedding alone).</summary>
    public bool CanEmbedTokens => TokenEmbeddingOutput >= 0;

    /// <summary>The entry of <paramref name="segments"/> (the first segments of a chain), or null when the chain cannot start from embeddings.</summary>
    public static EmbeddingEntry? Find(IReadOnlyList<SegmentRunner> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        if (segments.Count == 0)
        {
            return null;
        }

        var first = segments[0].Signature;
        if (first.TakesInputsEmbeds)
        {
            return new EmbeddingEntry(0, first.Inputs.First(i => i.Name == SegmentSignature.InputsEmbedsName), -1);
        }

        if (segments.Count > 1 && first.KeyValues.Count == 0 && segments[1].BoundaryInputs.Count == 1)
        {
            var spec = segments[1].BoundaryInputs[0];
            var output = -1;
            for (var o = 0; o < first.Outputs.Count; o++)
            {
                if (first.Outputs[o].Name == spec.Name)
                {
                    output = o;
                }
            }

            return output < 0 ? null : new EmbeddingEntry(1, spec, output);
        }

        return null;
    }

    /// <summary>
    /// Checks <paramref name="embeddings"/> as <paramref name="positions"/> rows for this entry and returns them as a
    /// [1, positions, hidden] tensor of the entry's element type (the caller disposes it).
    /// </summary>
    /// <exception cref="EmbeddingShapeException">The rows do not have the model's hidden size.</exception>
    public OrtValue CreateValue(ReadOnlySpan<float> embeddings, int positions)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(positions);
        if (embeddings.IsEmpty || embeddings.Length % positions != 0)
        {
            throw new EmbeddingShapeException(embeddings.Length + " values are not " + positions + " rows.", HiddenSize, embeddings.Length / Math.Max(1, positions));
        }

        var hidden = embeddings.Length / positions;
        if (Spec.Rank != 3 || (HiddenSize > 0 && HiddenSize != hidden))
        {
            throw new EmbeddingShapeException("The embedding input " + Spec + " does not take rows of " + hidden + " values.", HiddenSize, hidden);
        }

        return Spec.ElementType switch
        {
            TensorElementType.Float32 => OrtValue.CreateTensor<float>(embeddings.ToArray(), [1, positions, hidden]),
            TensorElementType.Float16 => OrtValue.CreateTensor<Half>(ToHalf(embeddings), [1, positions, hidden]),
            _ => throw new InferenceException("Embeddings of type " + Spec.ElementType.OnnxName() + " are not supported."),
        };
    }

    /// <summary>Copies a [1, positions, hidden] float32 or float16 tensor (segment 0's token embeddings) into <paramref name="rows"/>.</summary>
    public static void CopyRows(OrtValue value, Span<float> rows)
    {
        ArgumentNullException.ThrowIfNull(value);
        switch (value.ElementType)
        {
            case TensorElementType.Float32:
                MemoryMarshal.Cast<byte, float>(value.GetBytes()).CopyTo(rows);
                break;
            case TensorElementType.Float16:
                var halves = MemoryMarshal.Cast<byte, Half>(value.GetBytes());
                for (var i = 0; i < halves.Length; i++)
                {
                    rows[i] = (float)halves[i];
                }

                break;
            default:
                throw new InferenceException("Token embeddings of type " + value.ElementType.OnnxName() + " are not supported.");
        }
    }

    private static Half[] ToHalf(ReadOnlySpan<float> values)
    {
        var halves = new Half[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            halves[i] = (Half)values[i];
        }

        return halves;
    }
}
