using EdgeLam.Onnx.Model.Graph;
using EdgeLam.Onnx.Model.Protos;

namespace EdgeLam.Onnx.Model.Blocks;

/// <summary>Weight bytes and FLOPs-per-token estimates for the nodes of one stage.</summary>
internal static class StageCosts
{
    private static readonly HashSet<string> MatrixOps = ["MatMul", "Gemm", "FusedMatMul", "MatMulInteger", "QLinearMatMul", "Conv"];

    public static StageCost Of(OnnxGraph graph, bool[] constant, IReadOnlyList<int> stages, int stage)
    {
        var weights = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        long flops = 0;
        for (var n = 0; n < stages.Count; n++)
        {
            if (stages[n] != stage)
            {
                continue;
            }

            var node = graph.Nodes[n];
            foreach (var input in node.Input)
            {
                foreach (var init in HiddenPath.UnderlyingInitializers(graph, constant, input))
                {
                    weights.TryAdd(init.Name, init);
                }
            }

            flops += NodeFlops(graph, constant, node);
        }

        return new StageCost(weights.Values.Sum(TensorStorage.ByteLength), flops);
    }

    private static long NodeFlops(OnnxGraph graph, bool[] constant, NodeProto node)
    {
        if (node.OpType == "MatMulNBits")
        {
            long k = node.Attribute.FirstOrDefault(a => a.Name == "K")?.I ?? 0;
            long n = node.Attribute.FirstOrDefault(a => a.Name == "N")?.I ?? 0;
            return 2 * k * n;
        }

        if (!MatrixOps.Contains(node.OpType))
        {
            return 0;
        }

        // A product with a constant operand costs 2 × its elements per token (one multiply-add per weight).
        long best = 0;
        foreach (var input in node.Input.Take(2))
        {
            foreach (var init in HiddenPath.UnderlyingInitializers(graph, constant, input))
            {
                best = Math.Max(best, TensorStorage.ElementCount(init));
            }
        }

        return 2 * best;
    }
}
