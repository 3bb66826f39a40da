namespace EdgeLam.Sensors.Tokenization;

/// <summary>Projects patch features [patches, width] to embeddings [patches, hidden] (the ONNX encoder, or a test double).</summary>
public interface IPatchEncoder : IDisposable
{
    int HiddenSize { get; }

    /// <summary>Encodes one window's features (row-major [patches, width]) into <paramref name="embeddings"/> ([patches, hidden]).</summary>
    void Encode(ReadOnlySpan<float> features, int patches, int width, Span<float> embeddings);
}
