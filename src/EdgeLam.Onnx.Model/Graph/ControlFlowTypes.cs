using EdgeLam.Onnx.Model.Protos;

namespace EdgeLam.Onnx.Model.Graph;

/// <summary>Output types of the control-flow ops, whose bodies are subgraphs with their own name scope.</summary>
internal static class ControlFlowTypes
{
    /// <summary>
    /// Outputs of If, Loop and Scan take their types from the body graph's declared outputs (the body has its own
    /// name scope, so its value names are never looked up in the outer graph). Null for other ops or undeclared bodies.
    /// </summary>
    public static TensorType? Output(NodeProto node, int output)
    {
        if (node.Domain.Length > 0 && node.Domain != "ai.onnx")
        {
            return null;
        }

        switch (node.OpType)
        {
            case "If":
                {
                    var then = Attribute(node, "then_branch")?.G;
                    var otherwise = Attribute(node, "else_branch")?.G;
                    var a = then is not null && output < then.Output.Count ? TensorType.From(then.Output[output]) : null;
                    var b = otherwise is not null && output < otherwise.Output.Count ? TensorType.From(otherwise.Output[output]) : null;
                    var elem = a?.ElementType is > 0 ? a.ElementType : b?.ElementType ?? 0;
                    var shape = a?.Shape is { } sa && b?.Shape is { } sb && sa.SequenceEqual(sb) ? sa : null;
                    return elem == 0 ? null : new TensorType(elem, shape);
                }

            case "Loop":
                {
                    // Body outputs: condition, N loop-carried values, then scan outputs (stacked along a new axis 0).
                    var body = Attribute(node, "body")?.G;
                    var carried = Math.Max(0, node.Input.Count - 2);
                    var t = body is not null && output + 1 < body.Output.Count ? TensorType.From(body.Output[output + 1]) : null;
                    return t is null || t.ElementType == 0 ? null
                        : output < carried ? t
                        : new TensorType(t.ElementType, t.Shape is { } s ? [Dim.Unknown, .. s] : null);
                }

            case "Scan":
                {
                    var body = Attribute(node, "body")?.G;
                    var t = body is not null && output < body.Output.Count ? TensorType.From(body.Output[output]) : null;
                    return t is null || t.ElementType == 0 ? null : new TensorType(t.ElementType, null);
                }

            default:
                return null;
        }
    }

    private static AttributeProto? Attribute(NodeProto node, string name) =>
        node.Attribute.FirstOrDefault(a => a.Name == name);
}
