using System.Globalization;
using EdgeLam.Onnx.Model.Protos;
using Google.Protobuf;

namespace EdgeLam.Onnx.Model.Synthetic;

/// <summary>
/// Appends nodes to a <see cref="GraphProto"/> in the naming scheme of the onnxruntime-genai builder: a node is named
/// <c>{scope}/{Op}</c> (with a numeric suffix when the scope already has one) and its outputs
/// <c>{node}/output_{i}</c>. Small constants are inline initializers under <c>/model/constants/</c>, shared by value.
/// </summary>
internal sealed class GraphBuilder
{
    private readonly Dictionary<string, string> _constants = new(StringComparer.Ordinal);
    private readonly HashSet<string> _nodeNames = new(StringComparer.Ordinal);

    public GraphBuilder(string name)
    {
        Graph = new GraphProto { Name = name };
    }

    public GraphProto Graph { get; }

    /// <summary>Adds a node with one output and returns the output's name.</summary>
    public string Op(string scope, string opType, string[] inputs, params AttributeProto[] attributes) =>
        OpMulti(scope, opType, inputs, 1, attributes)[0];

    /// <summary>Adds a node whose single output gets the given graph-level name (graph outputs such as present.N.key).</summary>
    public string OpNamed(string scope, string opType, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var node = NewNode(scope, opType, inputs, attributes);
        node.Output.Add(output);
        Graph.Node.Add(node);
        return output;
    }

    /// <summary>Adds a node with <paramref name="outputs"/> outputs and returns their names.</summary>
    public string[] OpMulti(string scope, string opType, string[] inputs, int outputs, params AttributeProto[] attributes)
    {
        var node = NewNode(scope, opType, inputs, attributes);
        var names = new string[outputs];
        for (var i = 0; i < outputs; i++)
        {
            names[i] = string.Create(CultureInfo.InvariantCulture, $"{node.Name}/output_{i}");
            node.Output.Add(names[i]);
        }

        Graph.Node.Add(node);
        return names;
    }

    /// <summary>An int64 constant (1-D, or a scalar when <paramref name="scalar"/>).</summary>
    public string Int64(long[] values, bool scalar = false)
    {
        var key = (scalar ? "int64/0d/" : "int64/1d/") + string.Join('_', values);
        return Constant(key, () =>
        {
            var t = new TensorProto { DataType = (int)TensorProto.Types.DataType.Int64 };
            if (!scalar)
            {
                t.Dims.Add(values.Length);
            }

            t.Int64Data.AddRange(values);
            return t;
        });
    }

    /// <summary>A scalar constant of float element type <paramref name="dataType"/>.</summary>
    public string Scalar(float value, SyntheticDataType dataType)
    {
        var key = (dataType == SyntheticDataType.Float16 ? "float16/0d/" : "float32/0d/")
            + value.ToString("R", CultureInfo.InvariantCulture);
        return Constant(key, () =>
        {
            if (dataType == SyntheticDataType.Float32)
            {
                var f = new TensorProto { DataType = (int)TensorProto.Types.DataType.Float };
                f.FloatData.Add(value);
                return f;
            }

            var h = new TensorProto { DataType = (int)TensorProto.Types.DataType.Float16 };
            h.RawData = ByteString.CopyFrom(BitConverter.GetBytes((Half)value));
            return h;
        });
    }

    public void AddInitializer(TensorProto tensor) => Graph.Initializer.Add(tensor);

    public void AddInput(string name, TensorProto.Types.DataType type, params object[] dims) =>
        Graph.Input.Add(ValueInfo(name, type, dims));

    public void AddOutput(string name, TensorProto.Types.DataType type, params object[] dims) =>
        Graph.Output.Add(ValueInfo(name, type, dims));

    public static AttributeProto Attr(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Attr(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Attr(string name, long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            shape.Dim.Add(d switch
            {
                string param => new TensorShapeProto.Types.Dimension { DimParam = param },
                int value => new TensorShapeProto.Types.Dimension { DimValue = value },
                long value => new TensorShapeProto.Types.Dimension { DimValue = value },
                _ => throw new ArgumentException("A dimension is a symbolic name or a size.", nameof(dims)),
            });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    private NodeProto NewNode(string scope, string opType, string[] inputs, AttributeProto[] attributes)
    {
        var name = scope + "/" + opType;
        for (var i = 1; !_nodeNames.Add(name); i++)
        {
            name = string.Create(CultureInfo.InvariantCulture, $"{scope}/{opType}_{i}");
        }

        var node = new NodeProto { Name = name, OpType = opType };
        node.Input.AddRange(inputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    private string Constant(string key, Func<TensorProto> create)
    {
        if (!_constants.TryGetValue(key, out var name))
        {
            name = "/model/constants/" + key;
            var tensor = create();
            tensor.Name = name;
            Graph.Initializer.Add(tensor);
            _constants.Add(key, name);
        }

        return name;
    }
}
