using EdgeLam.Onnx.Model.Protos;

namespace EdgeLam.Onnx.Model.Graph;

/// <summary>
/// Output types of the <c>com.microsoft</c> contrib ops that exporters and ONNX Runtime's transformer optimizer emit,
/// from their schemas (ONNX Runtime's ContribOperators.md), optional outputs included. Ops not listed here are not
/// typed: a cut that carries their outputs asks ONNX Runtime for the types instead of guessing.
/// </summary>
internal static class ContribOpTypes
{
    public const string Domain = "com.microsoft";

    private static readonly HashSet<string> SameAsFirstInput =
    [
        "RotaryEmbedding", "FastGelu", "BiasGelu", "Gelu", "QuickGelu", "BiasAdd", "BiasSplitGelu", "FusedMatMul",
        "MatMulNBits", "SkipLayerNormalization", "SkipSimplifiedLayerNormalization", "SimplifiedLayerNormalization",
        "Attention", "MultiHeadAttention", "GroupQueryAttention", "PackedAttention", "PackedMultiHeadAttention",
        "EmbedLayerNormalization", "GatherBlockQuantized",
    ];

    /// <summary>True when <paramref name="node"/> is a contrib op whose outputs this table types.</summary>
    public static bool Knows(NodeProto node) => node.Domain == Domain && SameAsFirstInput.Contains(node.OpType);

    /// <summary>The element type of output <paramref name="output"/> (0 when its input types are not known yet).</summary>
    public static int ElementType(NodeProto node, int output, Func<int, TensorType?> input)
    {
        switch (node.OpType)
        {
            // (output, mean, inv_std_var, input_skip_bias_sum): the statistics are float (U) whatever T is.
            case "SkipLayerNormalization" or "SkipSimplifiedLayerNormalization" when output is 1 or 2:
            case "SimplifiedLayerNormalization" when output > 0:
                return (int)TensorProto.Types.DataType.Float;

            // (output, mask_index int32, embedding_sum): T is the word embedding's type, not input_ids'.
            case "EmbedLayerNormalization" when output == 1:
                return (int)TensorProto.Types.DataType.Int32;
            case "EmbedLayerNormalization":
                return input(2)?.ElementType ?? 0;

            // Dequantised rows take the scales' type.
            case "GatherBlockQuantized":
                return input(2)?.ElementType ?? 0;
            default:
                return input(0)?.ElementType ?? 0;
        }
    }

    /// <summary>The shape of output <paramref name="output"/> where the schema fixes it from the inputs; null otherwise.</summary>
    public static IReadOnlyList<Dim>? Shape(NodeProto node, int output, Func<int, TensorType?> input)
    {
        var a = input(0)?.Shape;
        switch (node.OpType)
        {
            case "RotaryEmbedding" or "FastGelu" or "BiasGelu" or "Gelu" or "QuickGelu" or "BiasAdd" when output == 0:
            case "SimplifiedLayerNormalization" when output == 0:
            case "SkipLayerNormalization" or "SkipSimplifiedLayerNormalization" when output is 0 or 3:
                return a;
            case "EmbedLayerNormalization" when output is 0 or 2:
                return a is { Count: 2 } && input(2)?.Shape is { Count: 2 } table ? [a[0], a[1], table[1]] : null;
            case "EmbedLayerNormalization" when output == 1:
                return a is { Count: 2 } ? [a[0]] : null;
            case "MatMulNBits" when output == 0:
                return a is { Count: > 0 } ? [.. a.Take(a.Count - 1), node.Attribute.FirstOrDefault(x => x.Name == "N") is { } n ? Dim.Of(n.I) : Dim.Unknown] : null;
            case "MultiHeadAttention" when output == 0:
                // [batch, sequence, v_hidden]: the value's hidden size when the value comes as [batch, kv_sequence, v_hidden].
                return a is { Count: 3 } ? [a[0], a[1], input(2)?.Shape is { Count: 3 } v ? v[2] : Dim.Unknown] : null;
            case "GroupQueryAttention" when output == 0:
                // Packed QKV (no key input) makes the query wider than the output.
                return a is { Count: 3 } && node.Input.Count > 1 && node.Input[1].Length > 0 ? a : null;
            case "Attention" when output == 0:
                {
                    var sizes = node.Attribute.FirstOrDefault(x => x.Name == "qkv_hidden_sizes")?.Ints;
                    var weights = input(1)?.Shape;
                    var hidden = sizes is { Count: 3 } ? Dim.Of(sizes[2])
                        : weights is { Count: 2 } && weights[1].Value is { } w ? Dim.Of(w / 3) : Dim.Unknown;
                    return a is { Count: 3 } ? [a[0], a[1], hidden] : null;
                }

            default:
                return null;
        }
    }
}
