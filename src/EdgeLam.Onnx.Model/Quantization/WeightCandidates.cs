using EdgeLam.Onnx.Model.Graph;
using EdgeLam.Onnx.Model.Protos;
using DataType = EdgeLam.Onnx.Model.Protos.TensorProto.Types.DataType;

namespace EdgeLam.Onnx.Model.Quantization;

/// <summary>The contrib op a quantized weight is read by.</summary>
internal enum QuantizedOp
{
    /// <summary><c>com.microsoft::MatMulNBits</c> for a MatMul or Gemm.</summary>
    MatMulNBits,

    /// <summary><c>com.microsoft::GatherBlockQuantized</c> for the token embedding's Gather.</summary>
    GatherBlockQuantized,
}

/// <summary>
/// One MatMul or Gemm of the main graph whose weight can become a MatMulNBits, or the token embedding's Gather that
/// can become a GatherBlockQuantized: node <paramref name="NodeIndex"/> reads <paramref name="Weight"/>, stored
/// [K, N] or, for Gemm with transB = 1 and for an embedding table [vocabulary, hidden], [N, K]
/// (<paramref name="StoredNByK"/>); <paramref name="Bias"/> is Gemm's C, added after the product.
/// </summary>
internal sealed record WeightCandidate(
    int NodeIndex, NodeProto Node, TensorProto Weight, NBitsLayout Layout, bool StoredNByK, string? Bias, QuantizedOp Op = QuantizedOp.MatMulNBits);

/// <summary>
/// Finds the weights <see cref="ModelQuantizer"/> can replace (pure logic over the graph): MatMul and Gemm
/// (alpha 1, transA 0, beta 1 when C is given) of the main graph whose B is a 2-D float32/float16 initializer.
/// Everything else holding a weight-sized constant is reported with the reason it stays.
/// </summary>
internal static class WeightCandidates
{
    /// <summary>Constants smaller than this (shape arithmetic, scalars) are not weights and are not reported.</summary>
    private const long MinWeightElements = 64;

    public static (List<WeightCandidate> Candidates, List<SkippedTensor> Skipped) Find(ModelProto model, QuantizeOptions options)
    {
        var graph = new OnnxGraph(model.Graph);
        var candidates = new List<WeightCandidate>();
        var skipped = new List<SkippedTensor>();
        for (var i = 0; i < graph.Nodes.Count; i++)
        {
            var node = graph.Nodes[i];
            if (node.Domain.Length != 0 || node.OpType is not ("MatMul" or "Gemm") || node.Input.Count < 2)
            {
                continue;
            }

            var weightName = node.Input[1];
            if (!graph.Initializers.TryGetValue(weightName, out var weight))
            {
                var producer = graph.Producer(weightName);
                if (producer >= 0 && graph.NodeInputs(producer).All(graph.IsInitializer))
                {
                    skipped.Add(new SkippedTensor(node.Name, node.OpType, weightName,
                        $"the weight is computed by '{graph.Nodes[producer].OpType}' from constants, not stored as an initializer"));
                }

                continue;
            }

            var reason = Refusal(node, weight, options);
            if (reason is not null)
            {
                if (TensorStorage.ElementCount(weight) >= MinWeightElements)
                {
                    skipped.Add(new SkippedTensor(node.Name, node.OpType, weightName, reason));
                }

                continue;
            }

            var nByK = node.OpType == "Gemm" && Int(node, "transB", 0) == 1;
            var (k, n) = nByK ? (weight.Dims[1], weight.Dims[0]) : (weight.Dims[0], weight.Dims[1]);
            var bias = node.OpType == "Gemm" && node.Input.Count > 2 && node.Input[2].Length > 0 ? node.Input[2] : null;
            var layout = new NBitsLayout(k, n, options.Bits, options.BlockSize);
            if (NotSmaller(weight, layout, options) is { } larger)
            {
                skipped.Add(new SkippedTensor(node.Name, node.OpType, weightName, larger));
                continue;
            }

            candidates.Add(new WeightCandidate(i, node, weight, layout, nByK, bias));
        }

        if (Embedding(graph, options, skipped) is { } embedding)
        {
            candidates.Add(embedding);
        }

        foreach (var function in model.Functions)
        {
            foreach (var node in function.Node.Where(n => n.Domain.Length == 0 && n.OpType is "MatMul" or "Gemm"))
            {
                if (node.Input.Count > 1 && function.Input.Contains(node.Input[1]))
                {
                    skipped.Add(new SkippedTensor(function.Name + "/" + node.Name, node.OpType, node.Input[1],
                        $"inside local function '{function.Name}': the weight arrives as a call argument, so each call would need its own quantized op"));
                }
            }
        }

        return (candidates, skipped);
    }

    /// <summary>
    /// The token embedding (<see cref="Blocks.HiddenPath.FindEmbedding"/>) when it is a Gather on axis 0 of a 2-D
    /// float table whose rows are whole blocks: GatherBlockQuantized (uint8 data) cannot pad a row.
    /// </summary>
    private static WeightCandidate? Embedding(OnnxGraph graph, QuantizeOptions options, List<SkippedTensor> skipped)
    {
        var index = Blocks.HiddenPath.FindEmbedding(graph, Blocks.HiddenPath.ConstantNodes(graph));
        if (index < 0)
        {
            return null;
        }

        var node = graph.Nodes[index];
        if (node.Domain.Length != 0 || node.OpType != "Gather" || !graph.Initializers.TryGetValue(node.Input[0], out var table))
        {
            return null;
        }

        var reason = Refusal(node, table, options)
            ?? (Int(node, "axis", 0) != 0 ? "the embedding Gather is not on axis 0" : null)
            ?? (table.Dims[1] % options.BlockSize != 0
                ? $"the embedding rows ({table.Dims[1]} values) are not whole blocks of {options.BlockSize}, which GatherBlockQuantized needs"
                : null);
        if (reason is not null)
        {
            skipped.Add(new SkippedTensor(node.Name, node.OpType, table.Name, reason));
            return null;
        }

        var layout = new NBitsLayout(table.Dims[1], table.Dims[0], options.Bits, options.BlockSize);
        if (NotSmaller(table, layout, options) is { } larger)
        {
            skipped.Add(new SkippedTensor(node.Name, node.OpType, table.Name, larger));
            return null;
        }

        return new WeightCandidate(index, node, table, layout, StoredNByK: true, Bias: null, QuantizedOp.GatherBlockQuantized);
    }

    /// <summary>A reason when the packed weight would take as many bytes as the float one (K far below the block).</summary>
    private static string? NotSmaller(TensorProto weight, NBitsLayout layout, QuantizeOptions options)
    {
        var elementBytes = weight.DataType == (int)DataType.Float16 ? 2 : 4;
        var before = TensorStorage.ElementCount(weight) * elementBytes;
        var after = layout.QuantizedBytes(elementBytes, options.Symmetric);
        return after < before
            ? null
            : $"quantized it would take {after} bytes, not fewer than its {before} (K = {layout.K} is padded to blocks of {layout.BlockSize})";
    }

    private static string? Refusal(NodeProto node, TensorProto weight, QuantizeOptions options)
    {
        if (options.Excludes(node.Name) || options.Excludes(weight.Name))
        {
            return "excluded by --exclude";
        }

        if (weight.Dims.Count != 2)
        {
            return $"the weight has rank {weight.Dims.Count}; only 2-D weights are quantized";
        }

        if (weight.DataType is not ((int)DataType.Float or (int)DataType.Float16))
        {
            return $"the weight is {TensorElementTypes.Name(weight.DataType)}; only float32 and float16 weights are quantized";
        }

        if (node.OpType == "Gemm")
        {
            if (Int(node, "transA", 0) != 0)
            {
                return "Gemm with transA = 1";
            }

            if (Float(node, "alpha", 1f) != 1f)
            {
                return "Gemm with alpha ≠ 1";
            }

            if (node.Input.Count > 2 && node.Input[2].Length > 0 && Float(node, "beta", 1f) != 1f)
            {
                return "Gemm with beta ≠ 1";
            }
        }

        return null;
    }

    private static long Int(NodeProto node, string name, long fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.I : fallback;

    private static float Float(NodeProto node, string name, float fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.F : fallback;
}
