using EdgeLam.Core.Tensors;

namespace EdgeLam.Inference.Segments;

/// <summary>One cached key or value tensor of a segment: past input, present output and their per-position geometry.</summary>
/// <param name="PastName">The <c>past_key_values.N.key|value</c> input.</param>
/// <param name="PresentName">The matching <c>present.N.key|value</c> output.</param>
/// <param name="ElementType">float32 or float16 (whatever the model stores).</param>
/// <param name="Heads">KV heads (dimension 1).</param>
/// <param name="HeadSize">Dimension 3.</param>
public sealed record KvTensorLayout(string PastName, string PresentName, TensorElementType ElementType, int Heads, int HeadSize)
{
    /// <summary>Bytes of one position of one head.</summary>
    public int RowBytes => HeadSize * ElementType.SizeInBytes();

    /// <summary>Bytes one position occupies over all heads.</summary>
    public long BytesPerPosition => (long)RowBytes * Heads;
}
