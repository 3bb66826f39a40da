using EdgeLam.Core.Npy;
using EdgeLam.Core.Tensors;

namespace EdgeLam.Onnx.Model.Comparison;

/// <summary>
/// Builds the inputs of one step of a decoder in the onnxruntime-genai convention for a batch of one:
/// <c>input_ids</c>, <c>attention_mask</c> (all ones over past + new tokens), <c>position_ids</c>, and every
/// <c>past_key_values.X</c> from the previous run's <c>present.X</c> (empty, past length 0, on the first step).
/// </summary>
internal static class DecoderInputs
{
    public const string InputIds = "input_ids";
    public const string PastPrefix = "past_key_values.";
    public const string PresentPrefix = "present.";

    /// <summary>The output a cache input is fed from: <c>past_key_values.X</c> ← <c>present.X</c>.</summary>
    public static string PresentOf(string pastName) => PresentPrefix + pastName[PastPrefix.Length..];

    /// <exception cref="ModelSurgeryException">An input is none of the above.</exception>
    public static Dictionary<string, NpyArray> Step(
        IReadOnlyList<TensorSpec> specs, long[] tokens, long past, IReadOnlyDictionary<string, NpyArray>? previous)
    {
        var count = tokens.Length;
        var inputs = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            inputs[spec.Name] = spec.Name switch
            {
                InputIds => Integers(spec, count, i => tokens[(int)i]),
                "attention_mask" => Integers(spec, past + count, _ => 1),
                "position_ids" => Integers(spec, count, i => past + i),
                _ when spec.Name.StartsWith(PastPrefix, StringComparison.Ordinal) =>
                    previous?[PresentOf(spec.Name)] ?? EmptyCache(spec),
                _ => throw new ModelSurgeryException(
                    $"Input '{spec.Name}' is not a decoder input this comparison can feed (input_ids, attention_mask, position_ids, past_key_values.*); use --cases."),
            };
        }

        return inputs;
    }

    private static NpyArray Integers(TensorSpec spec, long count, Func<long, long> value)
    {
        long[] shape = [1, count];
        if (spec.ElementType == TensorElementType.Int32)
        {
            var ints = new int[count];
            for (long i = 0; i < count; i++)
            {
                ints[i] = (int)value(i);
            }

            return NpyArray.Create<int>(ints, shape);
        }

        var longs = new long[count];
        for (long i = 0; i < count; i++)
        {
            longs[i] = value(i);
        }

        return NpyArray.Create<long>(longs, shape);
    }

    /// <summary>A cache of no positions: the first dynamic dimension (batch) is 1, every other dynamic one 0.</summary>
    private static NpyArray EmptyCache(TensorSpec spec)
    {
        var shape = new long[spec.Rank];
        var batchSeen = false;
        for (var i = 0; i < shape.Length; i++)
        {
            shape[i] = spec.Shape[i] >= 0 ? spec.Shape[i] : batchSeen ? 0 : 1;
            batchSeen |= spec.Shape[i] < 0;
        }

        return new NpyArray(spec.ElementType, shape, []);
    }
}
