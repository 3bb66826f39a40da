using System.Globalization;
using EdgeLam.Core.Randomness;
using EdgeLam.Onnx.Model.Blocks;
using EdgeLam.Onnx.Model.Protos;

namespace EdgeLam.Onnx.Model.Adapt;

/// <summary>
/// Makes chosen parameters of an export trainable inputs without changing its outputs at their initial values
/// (issue 16, docs/fine-tuning.md). In the chosen blocks (found by <see cref="BlockDetector"/>, so names are not
/// needed):
/// <list type="bullet">
/// <item>every <c>MatMul</c> whose weight W [K, N] is a constant float32/float16 initializer gets LoRA factors beside it:
/// <c>y = x·W + (x·A)·B</c> with inputs A [K, r] (small seeded uniform values) and B [r, N] (zeros), so y is unchanged
/// until B moves;</item>
/// <item>with <see cref="AdaptOptions.NormGains"/>, the gain of every (Skip)(Simplified)LayerNormalization and
/// RMSNormalization becomes an input starting at its exported value.</item>
/// </list>
/// Each adapter is a float32 graph input with an initializer of the same name holding its initial value (an
/// overridable default, IR ≥ 4): the model runs as before without them, and a trainer feeds its own values per run
/// without rebuilding the session. Float16 models get a <c>Cast</c> after each input. The graph is edited in place.
/// </summary>
public static class AdapterSurgery
{
    private const long MaxGainBytes = 1 << 24;

    /// <summary>Adds the adapters to <paramref name="model"/>'s main graph and returns them in graph order.</summary>
    /// <exception cref="ModelSurgeryException">Bad options, a block out of range, or nothing to adapt in the chosen blocks.</exception>
    public static IReadOnlyList<AdapterTensor> Apply(ModelFile model, AdaptOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Rank is < 0 or > AdaptOptions.MaxRank)
        {
            throw new ModelSurgeryException($"--rank {options.Rank} must be between 0 and {AdaptOptions.MaxRank}.");
        }

        if (options.Rank == 0 && !options.NormGains)
        {
            throw new ModelSurgeryException("Nothing to add: rank 0 and no normalization gains.");
        }

        var layout = BlockDetector.Detect(model);
        var blocks = options.Blocks ?? Enumerable.Range(0, layout.BlockCount).ToList();
        foreach (var b in blocks.Where(b => b < 0 || b >= layout.BlockCount))
        {
            throw new ModelSurgeryException($"Block {b} does not exist: the model has {layout.BlockCount} blocks (0-{layout.BlockCount - 1}).");
        }

        var edit = new GraphEdit(model, options);
        var chosen = blocks.ToHashSet();
        var nodes = model.Graph.Node.ToList();
        var rewritten = new List<NodeProto>(nodes.Count * 2);
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            var stage = layout.Stages[i];
            if (!chosen.Contains(stage))
            {
                rewritten.Add(node);
                continue;
            }

            var label = node.Name.Length > 0 ? node.Name : "#" + i.ToString(CultureInfo.InvariantCulture);
            if (options.NormGains && NormGainInput(node) is { } gain)
            {
                rewritten.AddRange(edit.MakeGainInput(node, gain, stage, label));
            }

            rewritten.Add(node);
            if (options.Rank > 0 && edit.LoraWeight(node) is { } weight)
            {
                rewritten.AddRange(edit.AddLora(node, weight, stage, label));
            }
        }

        if (edit.Added.Count == 0)
        {
            throw new ModelSurgeryException(
                $"Nothing to adapt in blocks {string.Join(",", blocks)}: no MatMul with a constant 2-D float weight"
                + (options.NormGains ? " and no normalization gain" : string.Empty)
                + " (weights passed into local functions or quantized weights are not adaptable).");
        }

        model.Graph.Node.Clear();
        model.Graph.Node.AddRange(rewritten);
        if (model.Proto.IrVersion < 4)
        {
            model.Proto.IrVersion = 4; // initializers that are also graph inputs are overridable defaults from IR 4 on
        }

        return edit.Added;
    }

    /// <summary>The input index of a normalization's gain, or null for other nodes.</summary>
    private static int? NormGainInput(NodeProto node) => node.OpType switch
    {
        "LayerNormalization" or "SimplifiedLayerNormalization" or "RMSNormalization" => 1,
        "SkipLayerNormalization" or "SkipSimplifiedLayerNormalization" => 2,
        _ => null,
    };

    /// <summary>The bookkeeping of one surgery: names, initializers, inputs.</summary>
    private sealed class GraphEdit(ModelFile model, AdaptOptions options)
    {
        private readonly Dictionary<string, TensorProto> _initializers = model.Graph.Initializer
            .GroupBy(t => t.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

        private readonly HashSet<string> _inputs = model.Graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        private readonly Dictionary<int, int> _perBlock = [];

        public List<AdapterTensor> Added { get; } = [];

        public TensorProto? LoraWeight(NodeProto node)
        {
            if (node.OpType != "MatMul" || node.Domain is not ("" or "ai.onnx") || node.Input.Count != 2
                || _inputs.Contains(node.Input[1]) || !_initializers.TryGetValue(node.Input[1], out var w) || w.Dims.Count != 2)
            {
                return null;
            }

            return IsFloat(w.DataType) ? w : null;
        }

        public IEnumerable<NodeProto> AddLora(NodeProto node, TensorProto weight, int block, string label)
        {
            var prefix = Prefix(block);
            long k = weight.Dims[0], n = weight.Dims[1], r = options.Rank;
            var a = AddInput(prefix + ".lora_a", AdapterKind.LoraA, block, label, [k, r], LoraA(prefix, k, r));
            var b = AddInput(prefix + ".lora_b", AdapterKind.LoraB, block, label, [r, n], new float[r * n]);
            var output = node.Output[0];
            var baseOutput = prefix + "/base";
            node.Output[0] = baseOutput;
            var nodes = new List<NodeProto>();
            var aIn = CastIfHalf(a, weight.DataType, prefix + "/cast_a", nodes);
            var bIn = CastIfHalf(b, weight.DataType, prefix + "/cast_b", nodes);
            nodes.Add(Node("MatMul", prefix + "/lora_down", [node.Input[0], aIn], prefix + "/down"));
            nodes.Add(Node("MatMul", prefix + "/lora_up", [prefix + "/down", bIn], prefix + "/up"));
            nodes.Add(Node("Add", prefix + "/lora_add", [baseOutput, prefix + "/up"], output));
            return nodes;
        }

        public IEnumerable<NodeProto> MakeGainInput(NodeProto node, int index, int block, string label)
        {
            if (node.Input.Count <= index || !_initializers.TryGetValue(node.Input[index], out var gain) || _inputs.Contains(gain.Name)
                || gain.Dims.Count != 1 || !IsFloat(gain.DataType))
            {
                return [];
            }

            var prefix = Prefix(block);
            var bytes = TensorStorage.ReadBytes(gain, model.BaseDirectory, MaxGainBytes);
            var values = gain.DataType == (int)TensorProto.Types.DataType.Float16
                ? [.. System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(bytes).ToArray().Select(h => (float)h)]
                : System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();
            var name = AddInput(prefix + ".gain", AdapterKind.NormGain, block, label, [gain.Dims[0]], values);
            var nodes = new List<NodeProto>();
            node.Input[index] = CastIfHalf(name, gain.DataType, prefix + "/cast_gain", nodes);
            return nodes;
        }

        private static bool IsFloat(int type) =>
            type is (int)TensorProto.Types.DataType.Float or (int)TensorProto.Types.DataType.Float16;

        private string Prefix(int block)
        {
            var k = _perBlock.GetValueOrDefault(block);
            _perBlock[block] = k + 1;
            var prefix = string.Create(CultureInfo.InvariantCulture, $"adapter.{block}.{k}");
            return _initializers.ContainsKey(prefix + ".lora_a") ? throw new ModelSurgeryException($"The model already has adapter '{prefix}'.") : prefix;
        }

        private float[] LoraA(string prefix, long k, long r)
        {
            // Uniform in ±1/√K (the usual fan-in scale), seeded per tensor so adding a block never shifts another.
            var stream = new Xoshiro256StarStar(options.Seed ^ Fnv1a64.Hash(prefix));
            var bound = 1.0 / Math.Sqrt(k);
            var values = new float[k * r];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = (float)(((2 * stream.NextDouble()) - 1) * bound);
            }

            return values;
        }

        private string AddInput(string name, AdapterKind kind, int block, string label, long[] shape, float[] initial)
        {
            var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
            tensor.Dims.AddRange(shape);
            tensor.RawData = Google.Protobuf.ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(initial.AsSpan()));
            model.Graph.Initializer.Add(tensor);
            var tensorShape = new TensorShapeProto();
            foreach (var d in shape)
            {
                tensorShape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
            }

            model.Graph.Input.Add(new ValueInfoProto
            {
                Name = name,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = tensor.DataType, Shape = tensorShape } },
            });
            _initializers[name] = tensor;
            _inputs.Add(name);
            Added.Add(new AdapterTensor(name, kind, block, label, shape));
            return name;
        }

        private static string CastIfHalf(string input, int type, string name, List<NodeProto> nodes)
        {
            if (type != (int)TensorProto.Types.DataType.Float16)
            {
                return input;
            }

            var cast = Node("Cast", name, [input], name + "/out");
            cast.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = type });
            nodes.Add(cast);
            return cast.Output[0];
        }

        private static NodeProto Node(string op, string name, string[] inputs, string output)
        {
            var node = new NodeProto { OpType = op, Name = name };
            node.Input.AddRange(inputs);
            node.Output.Add(output);
            return node;
        }
    }
}
