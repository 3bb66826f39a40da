using EdgeLam.Onnx.Interop;

namespace EdgeLam.Sensors.Tokenization;

/// <summary>
/// Runs a patch encoder (the default MatMul+Add model or a trained one with the same interface) through ONNX Runtime:
/// one window → [1, patches, width] → [1, patches, hidden]. The input buffer is reused between calls.
/// </summary>
public sealed class OnnxPatchEncoder : IPatchEncoder
{
    private readonly OnnxRuntime _runtime;
    private readonly bool _ownsRuntime;
    private readonly OrtSession _session;
    private readonly string[] _inputNames = [PatchEncoderModel.InputName];
    private readonly string[] _outputNames = [PatchEncoderModel.OutputName];
    private float[] _input = [];

    private OnnxPatchEncoder(OnnxRuntime runtime, bool ownsRuntime, OrtSession session, int width, int hidden)
    {
        _runtime = runtime;
        _ownsRuntime = ownsRuntime;
        _session = session;
        Width = width;
        HiddenSize = hidden;
    }

    public int Width { get; }

    public int HiddenSize { get; }

    public string ModelPath => _session.ModelPath;

    /// <summary>
    /// Opens <see cref="PatchOptions.EncoderPath"/> when set, else writes the default seeded encoder for
    /// (<paramref name="width"/>, HiddenSize, Seed) into <paramref name="cacheDirectory"/> and opens it.
    /// </summary>
    /// <exception cref="PatchEncoderException">The encoder's inputs or outputs do not match the interface.</exception>
    public static OnnxPatchEncoder Open(PatchOptions options, int width, string? cacheDirectory = null, OnnxRuntime? runtime = null)
    {
        var path = options.EncoderPath;
        if (string.IsNullOrEmpty(path))
        {
            var directory = cacheDirectory ?? Path.Combine(Path.GetTempPath(), "edgelam-encoders");
            path = Path.Combine(directory, $"patch-encoder-w{width}-h{options.HiddenSize}-s{options.Seed}.onnx");
            if (!File.Exists(path))
            {
                PatchEncoderModel.Write(new PatchEncoderWeights(width, options.HiddenSize, options.Seed), path);
            }
        }

        var owns = runtime is null;
        runtime ??= OnnxRuntime.Create();
        OrtSession? session = null;
        try
        {
            session = runtime.OpenSession(path);
            var input = session.Inputs.FirstOrDefault(i => i.Name == PatchEncoderModel.InputName);
            var output = session.Outputs.FirstOrDefault(o => o.Name == PatchEncoderModel.OutputName);
            if (input is null || output is null || input.Shape.Count != 3 || output.Shape.Count != 3)
            {
                throw new PatchEncoderException($"{path}: an encoder needs input '{PatchEncoderModel.InputName}' and output '{PatchEncoderModel.OutputName}', both rank 3");
            }

            if (input.Shape[2] != width)
            {
                throw new PatchEncoderException($"{path}: input width {input.Shape[2]} does not match P x channels = {width}");
            }

            if (output.Shape[2] <= 0 || (string.IsNullOrEmpty(options.EncoderPath) && output.Shape[2] != options.HiddenSize))
            {
                throw new PatchEncoderException($"{path}: output hidden size {output.Shape[2]} is not usable (configured {options.HiddenSize})");
            }

            return new OnnxPatchEncoder(runtime, owns, session, width, (int)output.Shape[2]);
        }
        catch
        {
            session?.Dispose();
            if (owns)
            {
                runtime.Dispose();
            }

            throw;
        }
    }

    public void Encode(ReadOnlySpan<float> features, int patches, int width, Span<float> embeddings)
    {
        if (width != Width)
        {
            throw new ArgumentException($"feature width {width} does not match the encoder's {Width}", nameof(width));
        }

        var n = patches * width;
        if (_input.Length != n)
        {
            _input = new float[n];
        }

        features[..n].CopyTo(_input);
        using var input = OrtValue.CreateTensor<float>(_input.AsMemory(), [1, patches, width]);
        var outputs = _session.Run(_inputNames, [input], _outputNames);
        try
        {
            outputs[0].GetData<float>()[..(patches * HiddenSize)].CopyTo(embeddings);
        }
        finally
        {
            foreach (var o in outputs)
            {
                o.Dispose();
            }
        }
    }

    public void Dispose()
    {
        _session.Dispose();
        if (_ownsRuntime)
        {
            _runtime.Dispose();
        }
    }
}

/// <summary>A patch encoder model that does not have the expected interface.</summary>
public sealed class PatchEncoderException : Exception
{
    public PatchEncoderException(string message)
        : base(message)
    {
    }

    public PatchEncoderException()
    {
    }

    public PatchEncoderException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
