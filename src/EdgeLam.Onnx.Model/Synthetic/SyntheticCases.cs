using EdgeLam.Core.Npy;
using EdgeLam.Core.Tensors;

namespace EdgeLam.Onnx.Model.Synthetic;

/// <summary>
/// Example inputs written beside a synthetic model, in the layout of the shared reference models
/// (<c>cases/NAME/inputs/TENSOR.npy</c>), so <c>edgelam model run MODEL --inputs cases/prefill/inputs</c> works on the
/// whole model and on a split folder alike. <c>prefill</c>: one sequence of <see cref="PrefillTokens"/> tokens, empty
/// caches. <c>decode</c>: one token after a cache of <see cref="PrefillTokens"/> seeded positions (values in [-1, 1)).
/// </summary>
public static class SyntheticCases
{
    public const int PrefillTokens = 8;

    /// <summary>Writes <c>cases/prefill/inputs</c> and <c>cases/decode/inputs</c> under <paramref name="modelDirectory"/>.</summary>
    public static void Write(SyntheticModelConfig config, SyntheticDataType dataType, ulong seed, string modelDirectory)
    {
        ArgumentNullException.ThrowIfNull(config);
        var root = Path.Combine(modelDirectory, "cases");
        NpyDirectory.WriteAll(Path.Combine(root, "prefill", "inputs"), Inputs(config, dataType, seed, 0, PrefillTokens));
        NpyDirectory.WriteAll(Path.Combine(root, "decode", "inputs"), Inputs(config, dataType, seed, PrefillTokens, 1));
    }

    private static Dictionary<string, NpyArray> Inputs(SyntheticModelConfig c, SyntheticDataType dataType, ulong seed, int past, int tokens)
    {
        var ids = new long[tokens];
        var positions = new long[tokens];
        for (var t = 0; t < tokens; t++)
        {
            ids[t] = ((past + t) * 7919L + 11) % c.VocabSize;
            positions[t] = past + t;
        }

        var mask = Enumerable.Repeat(1L, past + tokens).ToArray();
        var inputs = new Dictionary<string, NpyArray>(StringComparer.Ordinal)
        {
            ["input_ids"] = NpyArray.Create<long>(ids, [1, tokens]),
            ["attention_mask"] = NpyArray.Create<long>(mask, [1, past + tokens]),
            ["position_ids"] = NpyArray.Create<long>(positions, [1, tokens]),
        };
        long[] cacheShape = [1, c.KeyValueHeads, past, c.HeadSize];
        for (var l = 0; l < c.Layers; l++)
        {
            foreach (var name in new[] { DecoderGraph.PastKey(l), DecoderGraph.PastValue(l) })
            {
                inputs[name] = Cache(name, cacheShape, dataType, seed);
            }
        }

        return inputs;
    }

    private static NpyArray Cache(string name, long[] shape, SyntheticDataType dataType, ulong seed)
    {
        var count = (int)(shape[0] * shape[1] * shape[2] * shape[3]);
        var random = new SeededRandom(seed, "cases/" + name);
        if (dataType == SyntheticDataType.Float16)
        {
            var halves = new Half[count];
            for (var i = 0; i < count; i++)
            {
                halves[i] = (Half)random.NextSigned();
            }

            return NpyArray.Create<Half>(halves, shape);
        }

        var singles = new float[count];
        for (var i = 0; i < count; i++)
        {
            singles[i] = random.NextSigned();
        }

        return NpyArray.Create<float>(singles, shape);
    }
}
