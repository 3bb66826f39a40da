using System.Globalization;
using System.Text.Json;
using EdgeLam.Onnx.Model.Protos;
using Google.Protobuf;

namespace EdgeLam.Onnx.Model.Synthetic;

/// <summary>What <see cref="SyntheticModelBuilder.Build"/> wrote.</summary>
public sealed record SyntheticModelResult(string ModelPath, string DataPath, string InfoPath, SyntheticModelInfo Info);

/// <summary>The layout of a synthetic model without its weights (see <see cref="SyntheticModelBuilder.Plan"/>).</summary>
/// <param name="ParameterCount">Trainable-shaped weights (rotary cos/sin tables excluded).</param>
/// <param name="DataFileBytes">Size the external data file will have, alignment padding included.</param>
/// <param name="NodeCount">Nodes in the graph.</param>
public sealed record SyntheticModelPlan(long ParameterCount, long DataFileBytes, int NodeCount);

/// <summary>
/// Writes a seeded synthetic decoder-only transformer: <c>model.onnx</c> (graph, small constants),
/// <c>model.onnx.data</c> (every weight, streamed), <c>model_info.json</c> and example inputs under <c>cases/</c>
/// (see <see cref="SyntheticCases"/>). The same config, seed and element
/// type give byte-identical files.
/// </summary>
public static class SyntheticModelBuilder
{
    public const string ModelFileName = "model.onnx";
    public const string DataFileName = "model.onnx.data";
    public const string InfoFileName = "model_info.json";

    /// <summary>ONNX IR version matching <see cref="DecoderGraph.Opset"/> 17.</summary>
    public const long IrVersion = 8;

    public const int Opset = DecoderGraph.Opset;

    /// <summary>Lays the model out without generating or writing any weight: sizes for a progress line or a check.</summary>
    public static SyntheticModelPlan Plan(SyntheticModelConfig config, SyntheticDataType dataType)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        using var weights = new ExternalWeightWriter(null, 0, dataType);
        var graph = new DecoderGraph(config, dataType, weights).Build();
        return new SyntheticModelPlan(CountParameters(graph), weights.Length, graph.Node.Count);
    }

    public static SyntheticModelResult Build(SyntheticModelConfig config, ulong seed, SyntheticDataType dataType, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        config.Validate();
        Directory.CreateDirectory(outputDirectory);
        var modelPath = Path.Combine(outputDirectory, ModelFileName);
        var dataPath = Path.Combine(outputDirectory, DataFileName);
        var infoPath = Path.Combine(outputDirectory, InfoFileName);

        GraphProto graph;
        using (var weights = new ExternalWeightWriter(dataPath, seed, dataType))
        {
            graph = new DecoderGraph(config, dataType, weights).Build();
        }

        var info = Describe(config, seed, dataType, graph);
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "edgelam-synthetic",
            ProducerVersion = "1",
            DocString = "Synthetic " + config.Name + " decoder with seeded random weights (not a trained model).",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "edgelam.synthetic.preset", Value = config.Name });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "edgelam.synthetic.seed", Value = seed.ToString(CultureInfo.InvariantCulture) });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "edgelam.synthetic.dtype", Value = info.DataType });
        using (var stream = new FileStream(modelPath, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            model.WriteTo(stream);
        }

        File.WriteAllText(infoPath, JsonSerializer.Serialize(info, SyntheticModelInfoJsonContext.Default.SyntheticModelInfo) + "\n");
        SyntheticCases.Write(config, dataType, seed, outputDirectory);
        return new SyntheticModelResult(modelPath, dataPath, infoPath, info);
    }

    public static string DataTypeName(SyntheticDataType dataType) => dataType == SyntheticDataType.Float16 ? "fp16" : "fp32";

    /// <summary>Parses "fp32"/"float32" or "fp16"/"float16".</summary>
    public static bool TryParseDataType(string? text, out SyntheticDataType dataType)
    {
        switch (text?.ToUpperInvariant())
        {
            case "FP32" or "FLOAT32" or "FLOAT":
                dataType = SyntheticDataType.Float32;
                return true;
            case "FP16" or "FLOAT16" or "HALF":
                dataType = SyntheticDataType.Float16;
                return true;
            default:
                dataType = default;
                return false;
        }
    }

    private static long CountParameters(GraphProto graph)
    {
        long parameters = 0;
        foreach (var tensor in graph.Initializer)
        {
            if (TensorStorage.IsExternal(tensor) && !DecoderGraph.IsRotaryTable(tensor.Name))
            {
                parameters += TensorStorage.ElementCount(tensor);
            }
        }

        return parameters;
    }

    private static SyntheticModelInfo Describe(SyntheticModelConfig c, ulong seed, SyntheticDataType dataType, GraphProto graph)
    {
        return new SyntheticModelInfo
        {
            Preset = c.Name,
            Architecture = c.Architecture == SyntheticArchitecture.Gpt2 ? "gpt2" : "llama",
            DataType = DataTypeName(dataType),
            Seed = seed,
            Opset = Opset,
            NumHiddenLayers = c.Layers,
            HiddenSize = c.HiddenSize,
            NumAttentionHeads = c.Heads,
            NumKeyValueHeads = c.KeyValueHeads,
            HeadSize = c.HeadSize,
            IntermediateSize = c.IntermediateSize,
            VocabSize = c.VocabSize,
            MaxPositionEmbeddings = c.MaxPositions,
            TieWordEmbeddings = c.TieEmbeddings,
            AttentionBias = c.AttentionBias,
            RopeTheta = c.RopeTheta,
            NormEpsilon = c.NormEpsilon,
            ParameterCount = CountParameters(graph),
            ModelFile = ModelFileName,
            DataFile = DataFileName,
            Names = new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["input_ids"] = "input_ids",
                ["attention_mask"] = "attention_mask",
                ["position_ids"] = "position_ids",
                ["past_key_names"] = "past_key_values.%d.key",
                ["past_value_names"] = "past_key_values.%d.value",
                ["logits"] = "logits",
                ["present_key_names"] = "present.%d.key",
                ["present_value_names"] = "present.%d.value",
            },
        };
    }
}
