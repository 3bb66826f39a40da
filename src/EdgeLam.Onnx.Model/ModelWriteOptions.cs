namespace EdgeLam.Onnx.Model;

/// <summary>How <see cref="ModelWriter"/> places tensor data.</summary>
public sealed class ModelWriteOptions
{
    /// <summary>File name of the external data file beside the model; default: the model file name + ".data".</summary>
    public string? DataFileName { get; init; }

    /// <summary>Tensors of at least this many bytes go to the external data file; smaller ones stay inline.</summary>
    public long ExternalThresholdBytes { get; init; } = 1024;

    /// <summary>
    /// Inline bytes allowed in the protobuf before every non-string tensor is moved to external data, keeping the
    /// message well under protobuf's 2 GB limit.
    /// </summary>
    public long MaxInlineBytes { get; init; } = 1L << 30;

    /// <summary>
    /// Main-graph initializers whose bytes are produced while the data file is written (for example weights quantized
    /// on the fly): each is called once, in initializer order, with the data stream positioned at the tensor's start,
    /// and writes exactly the tensor's bytes. These tensors always go to the data file.
    /// </summary>
    public IReadOnlyDictionary<string, Action<Stream>>? GeneratedTensors { get; init; }
}
