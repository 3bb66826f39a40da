using System.Globalization;
using EdgeLam.Onnx.Model.Protos;
using Google.Protobuf;

namespace EdgeLam.Onnx.Model.Tests;

/// <summary>
/// The common part of the hand-built test exports (<see cref="UnnamedDecoderModel"/>, <see cref="EncoderDecoderModel"/>):
/// an IR 8 / opset 17 model as PyTorch writes it, nodes whose outputs are numbered in creation order, and float32
/// weights with opaque names (<c>onnx::Weight_N</c>) drawn uniformly in ±<c>spread</c>/2 from one seeded generator.
/// </summary>
internal sealed class ExportGraph(int seed, double spread)
{
    private readonly Random _random = new(seed);
    private int _counter;

    public ModelProto Model { get; } = new()
    {
        IrVersion = 8,
        ProducerName = "pytorch",
        Graph = new GraphProto { Name = "torch_jit" },
        OpsetImport = { new OperatorSetIdProto { Domain = string.Empty, Version = 17 } },
    };

    public GraphProto Graph => Model.Graph;

    /// <summary>Adds a node and returns its output; <paramref name="name"/> maps the output to the node's name.</summary>
    public string Node(string op, string[] inputs, Func<string, string>? name, params AttributeProto[] attributes)
    {
        var output = (_counter++).ToString(CultureInfo.InvariantCulture);
        var node = new NodeProto { OpType = op, Output = { output }, Name = name?.Invoke(output) ?? string.Empty };
        node.Input.AddRange(inputs);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return output;
    }

    /// <summary>Adds a float32 weight of shape <paramref name="dims"/> and returns its name.</summary>
    public string Weight(params long[] dims)
    {
        var name = "onnx::Weight_" + Graph.Initializer.Count;
        var count = dims.Aggregate(1L, (a, b) => a * b);
        var bytes = new byte[count * 4];
        for (var i = 0; i < count; i++)
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(i * 4), (float)((_random.NextDouble() - 0.5) * spread));
        }

        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(bytes) };
        t.Dims.AddRange(dims);
        Graph.Initializer.Add(t);
        return name;
    }

    public static AttributeProto Int(string name, long v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = v };
}
