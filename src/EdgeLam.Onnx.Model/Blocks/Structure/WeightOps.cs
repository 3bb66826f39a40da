using System.Globalization;
using EdgeLam.Onnx.Model.Graph;

namespace EdgeLam.Onnx.Model.Blocks.Structure;

/// <summary>A hidden-path node that reads a weight, and what identifies it across repeated units.</summary>
/// <param name="Node">Node index.</param>
/// <param name="Signature">Op (with domain) and the element type and shape of each weight it reads, e.g. <c>MatMul(1[64,176])</c>.</param>
public readonly record struct WeightOp(int Node, string Signature);

/// <summary>
/// The weight-reading ops along the hidden-state path, in topological order: the skeleton in which transformer
/// blocks show up as a repeated unit (equal ops reading weights of equal shapes), whatever the names.
/// </summary>
internal static class WeightOps
{
    /// <summary>Elements a constant needs to count as a weight (shape constants and scalars do not).</summary>
    public const long MinElements = 64;

    public static List<WeightOp> Find(OnnxGraph graph, bool[] constant, bool[] hidden, int embedding)
    {
        var result = new List<WeightOp>();
        foreach (var n in graph.TopologicalOrder)
        {
            if (!hidden[n] || n == embedding)
            {
                continue;
            }

            var weights = new List<string>();
            foreach (var input in graph.NodeInputs(n))
            {
                foreach (var t in HiddenPath.UnderlyingInitializers(graph, constant, input))
                {
                    if (TensorStorage.ElementCount(t) >= MinElements)
                    {
                        weights.Add(string.Create(CultureInfo.InvariantCulture, $"{t.DataType}[{string.Join(",", t.Dims)}]"));
                    }
                }
            }

            if (weights.Count > 0)
            {
                var node = graph.Nodes[n];
                var op = node.Domain.Length > 0 ? node.Domain + ":" + node.OpType : node.OpType;
                result.Add(new WeightOp(n, op + "(" + string.Join(" ", weights) + ")"));
            }
        }

        return result;
    }
}
