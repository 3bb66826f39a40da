using EdgeLam.Onnx.Model.Protos;
using Google.Protobuf;

namespace EdgeLam.Sensors.Tokenization;

/// <summary>
/// Builds the default patch encoder as an ONNX model with the project's ONNX protobuf classes:
/// <c>inputs_embeds = MatMul(patches, W) + b</c>, input <c>patches</c> float [batch, num_patches, width], output
/// <c>inputs_embeds</c> float [batch, num_patches, hidden]. A trained encoder must keep these names and shapes.
/// </summary>
public static class PatchEncoderModel
{
    public const string InputName = "patches";
    public const string OutputName = "inputs_embeds";

    public static ModelProto Build(PatchEncoderWeights weights)
    {
        var graph = new GraphProto { Name = "edgelam_patch_encoder" };
        graph.Input.Add(Value(InputName, weights.Width));
        graph.Output.Add(Value(OutputName, weights.Hidden));
        graph.Initializer.Add(Tensor("W", [weights.Width, weights.Hidden], weights.Weight));
        graph.Initializer.Add(Tensor("b", [weights.Hidden], weights.Bias));
        var matmul = new NodeProto { Name = "project", OpType = "MatMul" };
        matmul.Input.Add(InputName);
        matmul.Input.Add("W");
        matmul.Output.Add("projected");
        var add = new NodeProto { Name = "bias", OpType = "Add" };
        add.Input.Add("projected");
        add.Input.Add("b");
        add.Output.Add(OutputName);
        graph.Node.Add(matmul);
        graph.Node.Add(add);

        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "edgelam-sensors",
            ProducerVersion = "1",
            DocString = $"Default patch encoder: width {weights.Width}, hidden {weights.Hidden}, seed {weights.Seed}",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = 17 });
        return model;
    }

    /// <summary>Writes the default encoder for these weights to <paramref name="path"/> (directories created).</summary>
    public static void Write(PatchEncoderWeights weights, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp" + Environment.ProcessId;
        File.WriteAllBytes(temporary, Build(weights).ToByteArray());
        File.Move(temporary, path, overwrite: true);
    }

    private static ValueInfoProto Value(string name, long lastDimension)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "num_patches" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = lastDimension });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    private static TensorProto Tensor(string name, long[] dims, float[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        var bytes = new byte[values.Length * sizeof(float)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX raw_data is little-endian");
        }

        tensor.RawData = ByteString.CopyFrom(bytes);
        return tensor;
    }
}
