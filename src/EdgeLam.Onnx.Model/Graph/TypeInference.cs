using EdgeLam.Onnx.Model.Protos;

namespace EdgeLam.Onnx.Model.Graph;

/// <summary>
/// Best-effort element type and symbolic shape of every tensor, for declaring boundary tensors of a segment.
/// Declared value_info wins; otherwise types flow forward through a table of common ONNX and com.microsoft ops.
/// Element types are nearly always found; shapes only for the ops listed (unknown shapes are declared rank-free).
/// </summary>
public static class TypeInference
{
    private static readonly HashSet<string> BoolOps =
    [
        "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "Not", "And", "Or", "Xor", "IsNaN", "IsInf",
    ];

    private static readonly HashSet<string> Int64Ops = ["Shape", "Size", "NonZero", "ArgMax", "ArgMin", "NonMaxSuppression"];

    private static readonly HashSet<string> SameShapeOps =
    [
        "Cast", "CastLike", "Relu", "LeakyRelu", "Sigmoid", "HardSigmoid", "Tanh", "Erf", "Sqrt", "Reciprocal", "Neg", "Exp",
        "Log", "Abs", "Softmax", "LogSoftmax", "Identity", "LayerNormalization", "SimplifiedLayerNormalization",
        "Gelu", "Dropout", "RotaryEmbedding", "Elu", "Selu", "Softplus", "Mish", "Clip", "Floor", "Ceil", "Round", "Sin", "Cos",
        "RMSNormalization", "GroupNormalization", "InstanceNormalization", "BatchNormalization", "Not", "Sign",
        "Trilu", "CumSum", "HardSwish", "Swish", "TensorScatter",
    ];

    private static readonly HashSet<string> BroadcastOps =
    [
        "Add", "Sub", "Mul", "Div", "Pow", "Where", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And",
        "Or", "Xor", "Max", "Min", "Sum", "Mean", "Mod", "PRelu", "BitShift",
    ];

    /// <summary>Infers a type for every tensor name of <paramref name="graph"/> that it can.</summary>
    public static Dictionary<string, TensorType> Infer(OnnxGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var types = new Dictionary<string, TensorType>(StringComparer.Ordinal);
        foreach (var (name, init) in graph.Initializers)
        {
            types[name] = new TensorType(init.DataType, init.Dims.Select(Dim.Of).ToList());
        }

        foreach (var input in graph.Proto.Input)
        {
            if (TensorType.From(input) is { } t && !types.ContainsKey(input.Name))
            {
                types[input.Name] = t;
            }
        }

        var declared = new Dictionary<string, TensorType>(StringComparer.Ordinal);
        foreach (var info in graph.Proto.ValueInfo.Concat(graph.Proto.Output))
        {
            if (TensorType.From(info) is { } t)
            {
                declared[info.Name] = t;
            }
        }

        foreach (var index in graph.TopologicalOrder)
        {
            var node = graph.Nodes[index];
            TensorType? In(int i) => i < node.Input.Count && types.TryGetValue(node.Input[i], out var t) ? t : null;
            for (var o = 0; o < node.Output.Count; o++)
            {
                var name = node.Output[o];
                if (name.Length == 0)
                {
                    continue;
                }

                var inferred = InferOutput(graph, node, o, In);
                if (declared.TryGetValue(name, out var d))
                {
                    // A declared type with an unknown element type or rank borrows what inference found.
                    inferred = new TensorType(
                        d.ElementType != 0 ? d.ElementType : inferred?.ElementType ?? 0,
                        d.Shape ?? inferred?.Shape);
                }

                if (inferred is not null)
                {
                    types[name] = inferred;
                }
            }
        }

        return types;
    }

    private static TensorType? InferOutput(OnnxGraph graph, NodeProto node, int output, Func<int, TensorType?> input)
    {
        var op = node.OpType;
        if (ControlFlowTypes.Output(node, output) is { } branch)
        {
            return branch;
        }

        if (ContribOpTypes.Knows(node))
        {
            var contrib = ContribOpTypes.ElementType(node, output, input);
            var contribShape = ContribOpTypes.Shape(node, output, input);
            return contrib == 0 && contribShape is null ? null : new TensorType(contrib, contribShape);
        }

        if (!IsStandard(node))
        {
            // Local functions, other vendors' ops and contrib ops missing from the table: never guessed.
            return null;
        }

        var elem = ElementType(node, output, input);
        IReadOnlyList<Dim>? shape = null;
        if (output == 0 && op != "Attention")
        {
            shape = Shape(graph, node, input);
        }

        return elem == 0 && shape is null ? null : new TensorType(elem, shape);
    }

    private static int ElementType(NodeProto node, int output, Func<int, TensorType?> input)
    {
        var op = node.OpType;
        if (BoolOps.Contains(op))
        {
            return (int)TensorProto.Types.DataType.Bool;
        }

        if (Int64Ops.Contains(op))
        {
            return (int)TensorProto.Types.DataType.Int64;
        }

        switch (op)
        {
            case "OneHot":
                return input(2)?.ElementType ?? 0;
            case "Unique" when output > 0:
                return (int)TensorProto.Types.DataType.Int64;
            case "DynamicQuantizeLinear":
                return (int)(output == 1 ? TensorProto.Types.DataType.Float : TensorProto.Types.DataType.Uint8);
            case "EyeLike" or "RandomNormal" or "RandomUniform" or "RandomNormalLike" or "RandomUniformLike" or "Multinomial" or "Bernoulli":
                return (int)(Attribute(node, "dtype")?.I ?? 0);

            // Opset 23 Attention: (Y, present_key, present_value, qk_matmul_output); the caches keep K's and V's type.
            case "Attention" when output is 1 or 2:
                return input(output)?.ElementType ?? 0;
            case "Cast":
                return (int)(Attribute(node, "to")?.I ?? 0);
            case "CastLike":
                return input(1)?.ElementType ?? 0;
            case "Constant":
                return ConstantType(node);
            case "ConstantOfShape":
                return Attribute(node, "value")?.T?.DataType ?? (int)TensorProto.Types.DataType.Float;
            case "Where":
                return input(1)?.ElementType ?? input(2)?.ElementType ?? 0;
            case "DequantizeLinear":
                return input(1)?.ElementType ?? (int)TensorProto.Types.DataType.Float;
            case "QuantizeLinear":
                return input(2)?.ElementType ?? (int)TensorProto.Types.DataType.Uint8;
            case "MatMulInteger":
            case "ConvInteger":
                return (int)TensorProto.Types.DataType.Int32;
            case "LayerNormalization" or "SimplifiedLayerNormalization" or "RMSNormalization" when output > 0:
                return (int)TensorProto.Types.DataType.Float;
            case "TopK" when output == 1:
                return (int)TensorProto.Types.DataType.Int64;
            default:
                return input(0)?.ElementType ?? 0;
        }
    }

    private static int ConstantType(NodeProto node)
    {
        foreach (var a in node.Attribute)
        {
            switch (a.Name)
            {
                case "value":
                    return a.T?.DataType ?? 0;
                case "value_float":
                case "value_floats":
                    return (int)TensorProto.Types.DataType.Float;
                case "value_int":
                case "value_ints":
                    return (int)TensorProto.Types.DataType.Int64;
                case "value_string":
                case "value_strings":
                    return (int)TensorProto.Types.DataType.String;
                default:
                    break;
            }
        }

        return 0;
    }

    private static IReadOnlyList<Dim>? Shape(OnnxGraph graph, NodeProto node, Func<int, TensorType?> input)
    {
        var op = node.OpType;
        var a = input(0)?.Shape;
        if (SameShapeOps.Contains(op))
        {
            return a;
        }

        if (BroadcastOps.Contains(op))
        {
            return Broadcast(Enumerable.Range(0, node.Input.Count).Select(i => input(i)?.Shape).ToList());
        }

        switch (op)
        {
            case "MatMul":
                {
                    var b = input(1)?.Shape;
                    if (a is null || b is null || a.Count < 2 || b.Count < 2)
                    {
                        return null;
                    }

                    var batch = Broadcast([a.Take(a.Count - 2).ToList(), b.Take(b.Count - 2).ToList()]) ?? [];
                    return [.. batch, a[^2], b[^1]];
                }

            case "Gemm":
                {
                    var b = input(1)?.Shape;
                    if (a is not { Count: 2 } || b is not { Count: 2 })
                    {
                        return null;
                    }

                    var m = Attribute(node, "transA")?.I == 1 ? a[1] : a[0];
                    var n = Attribute(node, "transB")?.I == 1 ? b[0] : b[1];
                    return [m, n];
                }

            case "Gather":
                {
                    var indices = input(1)?.Shape;
                    if (a is null || indices is null)
                    {
                        return null;
                    }

                    var axis = (int)(Attribute(node, "axis")?.I ?? 0);
                    axis = axis < 0 ? axis + a.Count : axis;
                    return [.. a.Take(axis), .. indices, .. a.Skip(axis + 1)];
                }

            case "Transpose":
                {
                    if (a is null)
                    {
                        return null;
                    }

                    var perm = Attribute(node, "perm")?.Ints;
                    return perm is { Count: > 0 }
                        ? perm.Select(p => a[(int)p]).ToList()
                        : a.Reverse().ToList();
                }

            case "Unsqueeze":
            case "Squeeze":
            case "Reshape":
                return ShapeFromConstants(graph, node, a);
            case "Constant":
                return Attribute(node, "value")?.T is { } value ? value.Dims.Select(Dim.Of).ToList()
                    : Attribute(node, "value_float") is not null || Attribute(node, "value_int") is not null ? []
                    : null;
            case "ReduceMean":
            case "ReduceSum":
            case "ReduceMax":
            case "ReduceMin":
            case "ReduceProd":
            case "ReduceL2":
            case "ReduceSumSquare":
                return Reduced(graph, node, a);
            default:
                return null;
        }
    }

    private static List<Dim>? ShapeFromConstants(OnnxGraph graph, NodeProto node, IReadOnlyList<Dim>? a)
    {
        var second = node.Input.Count > 1 ? ConstantInts(graph, node.Input[1]) : null;
        var axesAttr = Attribute(node, "axes")?.Ints;
        var axes = second ?? axesAttr?.ToList();
        switch (node.OpType)
        {
            case "Unsqueeze" when a is not null && axes is not null:
                {
                    var rank = a.Count + axes.Count;
                    var normalized = axes.Select(x => x < 0 ? x + rank : x).ToHashSet();
                    var result = new List<Dim>(rank);
                    var source = 0;
                    for (var i = 0; i < rank; i++)
                    {
                        result.Add(normalized.Contains(i) ? Dim.Of(1) : a[source++]);
                    }

                    return result;
                }

            case "Squeeze" when a is not null && axes is not null:
                {
                    var normalized = axes.Select(x => x < 0 ? x + a.Count : x).ToHashSet();
                    return a.Where((_, i) => !normalized.Contains(i)).ToList();
                }

            case "Reshape" when second is not null:
                return second.Select((v, i) => v switch
                {
                    0 when a is not null && i < a.Count => a[i],
                    > 0 => Dim.Of(v),
                    _ => Dim.Unknown,
                }).ToList();
            default:
                return null;
        }
    }

    private static List<Dim>? Reduced(OnnxGraph graph, NodeProto node, IReadOnlyList<Dim>? a)
    {
        if (a is null)
        {
            return null;
        }

        var axes = Attribute(node, "axes")?.Ints.ToList() ?? (node.Input.Count > 1 ? ConstantInts(graph, node.Input[1]) : null);
        var keep = (Attribute(node, "keepdims")?.I ?? 1) == 1;
        var reduced = axes is null || axes.Count == 0
            ? Enumerable.Range(0, a.Count).ToHashSet()
            : axes.Select(x => (int)(x < 0 ? x + a.Count : x)).ToHashSet();
        var result = new List<Dim>();
        for (var i = 0; i < a.Count; i++)
        {
            if (!reduced.Contains(i))
            {
                result.Add(a[i]);
            }
            else if (keep)
            {
                result.Add(Dim.Of(1));
            }
        }

        return result;
    }

    private static List<long>? ConstantInts(OnnxGraph graph, string name)
    {
        TensorProto? tensor = null;
        if (graph.Initializers.TryGetValue(name, out var init))
        {
            tensor = init;
        }
        else if (graph.Producer(name) is var p and >= 0 && graph.Nodes[p].OpType == "Constant")
        {
            tensor = Attribute(graph.Nodes[p], "value")?.T;
        }

        if (tensor is null || tensor.DataType != (int)TensorProto.Types.DataType.Int64 || TensorStorage.IsExternal(tensor))
        {
            return null;
        }

        var bytes = TensorStorage.InlineRawBytes(tensor);
        if (bytes is null)
        {
            return null;
        }

        var values = new List<long>(bytes.Length / 8);
        for (var i = 0; i + 8 <= bytes.Length; i += 8)
        {
            values.Add(BitConverter.ToInt64(bytes, i));
        }

        return values;
    }

    private static List<Dim>? Broadcast(List<IReadOnlyList<Dim>?> shapes)
    {
        if (shapes.Count == 0 || shapes.Any(s => s is null))
        {
            return null;
        }

        var rank = shapes.Max(s => s!.Count);
        var result = new List<Dim>(rank);
        for (var i = 0; i < rank; i++)
        {
            Dim chosen = Dim.Of(1);
            foreach (var s in shapes)
            {
                var offset = i - (rank - s!.Count);
                if (offset < 0)
                {
                    continue;
                }

                var d = s[offset];
                if (d.Value == 1)
                {
                    continue;
                }

                if (chosen.Value == 1 || !chosen.IsKnown)
                {
                    chosen = d;
                }
            }

            result.Add(chosen);
        }

        return result;
    }

    /// <summary>
    /// Ops of the default ONNX domain (including the ones ONNX Runtime registers there, such as
    /// SimplifiedLayerNormalization), whose output types this class reads from the standard schemas.
    /// </summary>
    private static bool IsStandard(NodeProto node) => node.Domain.Length == 0 || node.Domain == "ai.onnx";

    private static AttributeProto? Attribute(NodeProto node, string name) =>
        node.Attribute.FirstOrDefault(a => a.Name == name);
}
