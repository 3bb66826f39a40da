using System.Buffers.Binary;
using EdgeLam.Onnx.Model.Graph;
using EdgeLam.Onnx.Model.Protos;
using DataType = EdgeLam.Onnx.Model.Protos.TensorProto.Types.DataType;

namespace EdgeLam.Onnx.Model.Quantization;

/// <summary>What <see cref="ModelQuantizer.Quantize"/> wrote.</summary>
public sealed record QuantizeResult(string ModelPath, string? DataPath, string InfoPath, QuantizationReport Report);

/// <summary>
/// Replaces MatMul/Gemm weights by ONNX Runtime's <c>com.microsoft::MatMulNBits</c> and the token embedding's Gather
/// by <c>com.microsoft::GatherBlockQuantized</c> (see <see cref="WeightCandidates"/> for which) and writes the model file to file: each weight is streamed from its source a block of K rows at a time
/// and packed while the data file is written, so memory holds one packed weight (bits/32 of its float32 size) at most.
/// The new node keeps the replaced node's name and output, so block detection and splitting see the same graph.
/// </summary>
public static class ModelQuantizer
{
    public const string ContribDomain = "com.microsoft";

    /// <exception cref="ArgumentException">The options are not valid (see <see cref="QuantizeOptions.Validate"/>).</exception>
    /// <exception cref="ModelSurgeryException">The model holds nothing that can be quantized.</exception>
    public static QuantizeResult Quantize(ModelFile source, QuantizeOptions options, string outDir)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(outDir);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid quantize options: " + string.Join(" ", problems));
        }

        var model = source.Proto.Clone();
        var (candidates, skipped) = WeightCandidates.Find(model, options);
        if (candidates.Count == 0)
        {
            var why = skipped.Count == 0
                ? "it has no MatMul or Gemm whose weight is a constant initializer"
                : "every weight was skipped: " + string.Join("; ", skipped.Take(5).Select(s => $"{s.Node} ({s.Weight}): {s.Reason}"));
            throw new ModelSurgeryException($"Nothing to quantize in '{source.FilePath}': {why}.");
        }

        var generators = new Dictionary<string, Action<Stream>>(StringComparer.Ordinal);
        var quantized = new List<QuantizedTensor>();
        var packed = new Dictionary<(string, QuantizedOp, bool), PackedNames>();
        var names = new HashSet<string>(model.Graph.Initializer.Select(t => t.Name), StringComparer.Ordinal);
        foreach (var node in model.Graph.Node)
        {
            names.UnionWith(node.Output);
        }

        // Replace from the last node back so earlier indices stay valid when a bias Add is inserted.
        foreach (var c in candidates.OrderByDescending(c => c.NodeIndex))
        {
            if (!packed.TryGetValue((c.Weight.Name, c.Op, c.StoredNByK), out var tensors))
            {
                tensors = AddPacked(model.Graph, c, options, source.BaseDirectory, names, generators);
                packed[(c.Weight.Name, c.Op, c.StoredNByK)] = tensors;
            }

            if (c.Op == QuantizedOp.GatherBlockQuantized)
            {
                model.Graph.Node[c.NodeIndex] = GatherNode(c, tensors);
            }
            else
            {
                Replace(model.Graph, c, tensors, options, names);
            }

            quantized.Add(new QuantizedTensor(c.Node.Name, c.Node.OpType, c.Weight.Name, c.Op.ToString(), c.Layout.K, c.Layout.N,
                TensorStorage.ByteLength(c.Weight), tensors.Bytes));
        }

        quantized.Reverse();
        RemoveUnused(model.Graph, candidates.Select(c => c.Weight.Name));
        if (!model.OpsetImport.Any(o => o.Domain == ContribDomain))
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = ContribDomain, Version = 1 });
        }

        var fileName = Path.GetFileName(source.FilePath) ?? "model.onnx";
        var written = ModelWriter.Write(model, source.BaseDirectory, Path.Combine(outDir, fileName),
            new ModelWriteOptions { GeneratedTensors = generators });
        var report = new QuantizationReport
        {
            Bits = options.Bits,
            BlockSize = options.BlockSize,
            Symmetric = options.Symmetric,
            AccuracyLevel = options.AccuracyLevel,
            Exclude = options.Exclude,
            Source = fileName,
            BytesBefore = FileBytes(source.FilePath, source.ExternalDataFiles().Keys),
            BytesAfter = FileBytes(written.ModelPath, written.DataPath is null ? [] : [written.DataPath]),
            Quantized = quantized,
            Skipped = skipped,
        };
        var info = QuantizedModelInfo.Write(source, outDir, report);
        return new QuantizeResult(written.ModelPath, written.DataPath, info, report);
    }

    private static PackedNames AddPacked(
        GraphProto graph, WeightCandidate c, QuantizeOptions options, string baseDirectory, HashSet<string> names, Dictionary<string, Action<Stream>> generators)
    {
        var layout = c.Layout;
        var half = c.Weight.DataType == (int)DataType.Float16;
        var gather = c.Op == QuantizedOp.GatherBlockQuantized;
        var stem = c.Weight.Name + (gather ? "_gather" : c.StoredNByK ? "_T" : "") + "_Q" + options.Bits.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var codesName = Unique(stem, names);
        var scalesName = Unique(stem + "_scales", names);
        var zeroName = options.Symmetric ? null : Unique(stem + "_zero_points", names);

        NBitsPacker? packer = null;
        NBitsPacker Pack() => packer ??= PackWeight(c, options.Symmetric, baseDirectory);

        // GatherBlockQuantized takes the same bytes as 2-D data [N, K · bits / 8], scales and zero points [N, blocks].
        graph.Initializer.Add(Declare(codesName, DataType.Uint8, gather ? [layout.N, layout.KBlocks * layout.BlobSize] : layout.WeightShape));
        generators[codesName] = s => s.Write(Pack().Codes);
        graph.Initializer.Add(Declare(scalesName, half ? DataType.Float16 : DataType.Float, gather ? [layout.N, layout.KBlocks] : [layout.ScaleCount]));
        generators[scalesName] = s =>
        {
            WriteScales(s, Pack().Scales, half);
            if (zeroName is null)
            {
                packer = null;
            }
        };
        if (zeroName is not null)
        {
            graph.Initializer.Add(Declare(zeroName, DataType.Uint8, gather ? [layout.N, layout.ZeroPointBytesPerRow] : [layout.ZeroPointBytes]));
            generators[zeroName] = s =>
            {
                s.Write(Pack().ZeroPoints);
                packer = null;
            };
        }

        var bytes = layout.QuantizedBytes(half ? 2 : 4, options.Symmetric);
        return new PackedNames(codesName, scalesName, zeroName, bytes);
    }

    private static NBitsPacker PackWeight(WeightCandidate c, bool symmetric, string baseDirectory)
    {
        var layout = c.Layout;
        var packer = new NBitsPacker(layout, symmetric);
        using var rows = new WeightRows(c.Weight, baseDirectory);
        if (c.StoredNByK)
        {
            var row = new float[layout.K];
            for (long n = 0; n < layout.N; n++)
            {
                rows.ReadNext(row);
                packer.AddNRow(row, n);
            }
        }
        else
        {
            var chunk = new float[layout.BlockSize * layout.N];
            for (long k = 0, block = 0; k < layout.K; k += layout.BlockSize, block++)
            {
                var span = chunk.AsSpan(0, (int)(Math.Min(layout.BlockSize, layout.K - k) * layout.N));
                rows.ReadNext(span);
                packer.AddKBlock(span, block);
            }
        }

        return packer;
    }

    private static NodeProto GatherNode(WeightCandidate c, PackedNames tensors)
    {
        var node = new NodeProto { Name = c.Node.Name, OpType = "GatherBlockQuantized", Domain = ContribDomain };
        node.Input.Add(tensors.Codes);
        node.Input.Add(c.Node.Input[1]);
        node.Input.Add(tensors.Scales);
        if (tensors.ZeroPoints is not null)
        {
            node.Input.Add(tensors.ZeroPoints);
        }

        node.Output.Add(c.Node.Output[0]);
        node.Attribute.Add(IntAttribute("gather_axis", 0));
        node.Attribute.Add(IntAttribute("quantize_axis", 1));
        node.Attribute.Add(IntAttribute("bits", c.Layout.Bits));
        node.Attribute.Add(IntAttribute("block_size", c.Layout.BlockSize));
        return node;
    }

    private static void Replace(GraphProto graph, WeightCandidate c, PackedNames tensors, QuantizeOptions options, HashSet<string> names)
    {
        var output = c.Node.Output[0];
        var product = c.Bias is null ? output : Unique(output + "_nbits", names);
        var node = new NodeProto { Name = c.Node.Name, OpType = "MatMulNBits", Domain = ContribDomain };
        node.Input.Add(c.Node.Input[0]);
        node.Input.Add(tensors.Codes);
        node.Input.Add(tensors.Scales);
        if (tensors.ZeroPoints is not null)
        {
            node.Input.Add(tensors.ZeroPoints);
        }

        node.Output.Add(product);
        node.Attribute.Add(IntAttribute("K", c.Layout.K));
        node.Attribute.Add(IntAttribute("N", c.Layout.N));
        node.Attribute.Add(IntAttribute("bits", c.Layout.Bits));
        node.Attribute.Add(IntAttribute("block_size", c.Layout.BlockSize));
        node.Attribute.Add(IntAttribute("accuracy_level", options.AccuracyLevel));
        graph.Node[c.NodeIndex] = node;
        if (c.Bias is not null)
        {
            var add = new NodeProto { Name = c.Node.Name + "/bias", OpType = "Add" };
            add.Input.Add(product);
            add.Input.Add(c.Bias);
            add.Output.Add(output);
            graph.Node.Insert(c.NodeIndex + 1, add);
        }
    }

    private static void RemoveUnused(GraphProto graph, IEnumerable<string> weights)
    {
        var index = new OnnxGraph(graph);
        foreach (var name in weights.Distinct(StringComparer.Ordinal))
        {
            if (index.Consumers(name).Count > 0 || index.Outputs.Contains(name))
            {
                continue;
            }

            for (var i = graph.Initializer.Count - 1; i >= 0; i--)
            {
                if (graph.Initializer[i].Name == name)
                {
                    graph.Initializer.RemoveAt(i);
                }
            }

            for (var i = graph.Input.Count - 1; i >= 0; i--)
            {
                if (graph.Input[i].Name == name)
                {
                    graph.Input.RemoveAt(i);
                }
            }
        }
    }

    private static void WriteScales(Stream stream, float[] scales, bool half)
    {
        var size = half ? 2 : 4;
        var buffer = new byte[Math.Min(scales.Length, 1 << 16) * size];
        for (var start = 0; start < scales.Length; start += 1 << 16)
        {
            var count = Math.Min(1 << 16, scales.Length - start);
            for (var i = 0; i < count; i++)
            {
                if (half)
                {
                    BinaryPrimitives.WriteHalfLittleEndian(buffer.AsSpan(i * 2), (Half)scales[start + i]);
                }
                else
                {
                    BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(i * 4), scales[start + i]);
                }
            }

            stream.Write(buffer, 0, count * size);
        }
    }

    private static TensorProto Declare(string name, DataType type, long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    private static AttributeProto IntAttribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static string Unique(string stem, HashSet<string> names)
    {
        var name = stem;
        for (var i = 1; !names.Add(name); i++)
        {
            name = stem + "_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return name;
    }

    private static long FileBytes(string? model, IEnumerable<string> data) =>
        (model is null ? 0 : new FileInfo(model).Length) + data.Sum(f => new FileInfo(f).Length);

    private sealed record PackedNames(string Codes, string Scales, string? ZeroPoints, long Bytes);
}
