using EdgeLam.Core.Npy;
using EdgeLam.Core.Tensors;
using EdgeLam.Onnx.Interop;
using EdgeLam.Onnx.Model.Synthetic;
using EdgeLam.Testing;

namespace EdgeLam.Onnx.Model.Tests;

/// <summary>One ONNX Runtime for the synthetic-model tests (single intra-op thread: the box is shared).</summary>
public sealed class SyntheticRuntimeFixture : IDisposable
{
    public SyntheticRuntimeFixture()
    {
        Runtime = OnnxRuntime.Create(new OnnxRuntimeOptions { LibraryPath = TestPaths.OnnxRuntimeLibrary, IntraOpThreads = 1 });
    }

    public OnnxRuntime Runtime { get; }

    public void Dispose() => Runtime.Dispose();
}

[CollectionDefinition(nameof(SyntheticRuntimeCollection))]
public sealed class SyntheticRuntimeCollection : ICollectionFixture<SyntheticRuntimeFixture>
{
}

/// <summary>
/// A batch of two token sequences in the genai input convention: row 0 is unpadded, row 1 is left-padded by
/// <see cref="Padding"/> tokens (attention_mask 0, position_ids 0 there, then 0, 1, 2 ...). Builds the inputs of a
/// prefill over tokens [0, n) or of one decode step at token t with the caches of the previous run.
/// </summary>
internal sealed class SyntheticSequence
{
    public const int Batch = 2;
    public const int Padding = 2;

    private readonly SyntheticModelConfig _config;
    private readonly SyntheticDataType _dataType;

    public SyntheticSequence(SyntheticModelConfig config, SyntheticDataType dataType, int length)
    {
        _config = config;
        _dataType = dataType;
        Length = length;
        Ids = new long[Batch * length];
        Mask = new long[Batch * length];
        Positions = new long[Batch * length];
        for (var b = 0; b < Batch; b++)
        {
            long next = 0;
            for (var t = 0; t < length; t++)
            {
                var pad = b == 1 && t < Padding;
                Ids[(b * length) + t] = pad ? 0 : ((37 * t) + (101 * b) + 5) % config.VocabSize;
                Mask[(b * length) + t] = pad ? 0 : 1;
                Positions[(b * length) + t] = pad ? 0 : next++;
            }
        }
    }

    public int Length { get; }

    public long[] Ids { get; }

    public long[] Mask { get; }

    public long[] Positions { get; }

    /// <summary>Inputs for tokens [start, start + count) after a cache of <paramref name="start"/> positions.</summary>
    public Dictionary<string, NpyArray> Inputs(int start, int count, IReadOnlyDictionary<string, NpyArray>? previousOutputs)
    {
        var inputs = new Dictionary<string, NpyArray>(StringComparer.Ordinal)
        {
            ["input_ids"] = Slice(Ids, start, count),
            ["attention_mask"] = Slice(Mask, 0, start + count),
            ["position_ids"] = Slice(Positions, start, count),
        };
        for (var l = 0; l < _config.Layers; l++)
        {
            inputs[$"past_key_values.{l}.key"] = previousOutputs?[$"present.{l}.key"] ?? EmptyCache();
            inputs[$"past_key_values.{l}.value"] = previousOutputs?[$"present.{l}.value"] ?? EmptyCache();
        }

        return inputs;
    }

    private NpyArray EmptyCache() => new(
        _dataType == SyntheticDataType.Float16 ? TensorElementType.Float16 : TensorElementType.Float32,
        [Batch, _config.KeyValueHeads, 0, _config.HiddenSize / _config.Heads],
        []);

    private NpyArray Slice(long[] source, int start, int count)
    {
        var values = new long[Batch * count];
        for (var b = 0; b < Batch; b++)
        {
            Array.Copy(source, (b * Length) + start, values, b * count, count);
        }

        return NpyArray.Create<long>(values, [Batch, count]);
    }
}
