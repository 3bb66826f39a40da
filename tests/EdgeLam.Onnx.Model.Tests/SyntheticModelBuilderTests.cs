using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeLam.Onnx.Model.Protos;
using EdgeLam.Onnx.Model.Synthetic;
using EdgeLam.Testing;

namespace EdgeLam.Onnx.Model.Tests;

public partial class SyntheticModelBuilderTests
{
    [Theory]
    [InlineData("tiny", SyntheticDataType.Float32)]
    [InlineData("tiny", SyntheticDataType.Float16)]
    [InlineData("tiny-gpt2", SyntheticDataType.Float32)]
    public void Build_SameSeedTwice_ByteIdenticalFiles(string preset, SyntheticDataType dataType)
    {
        using var temp = new TempDirectory();
        Assert.True(SyntheticPresets.TryGet(preset, out var config));

        var a = SyntheticModelBuilder.Build(config, 7, dataType, temp.Combine("a"));
        var b = SyntheticModelBuilder.Build(config, 7, dataType, temp.Combine("b"));

        Assert.Equal(File.ReadAllBytes(a.ModelPath), File.ReadAllBytes(b.ModelPath));
        Assert.Equal(File.ReadAllBytes(a.DataPath), File.ReadAllBytes(b.DataPath));
        Assert.Equal(File.ReadAllBytes(a.InfoPath), File.ReadAllBytes(b.InfoPath));
    }

    [Fact]
    public void Build_DifferentSeed_SameGraphDifferentWeights()
    {
        using var temp = new TempDirectory();

        var a = SyntheticModelBuilder.Build(SyntheticPresets.Tiny, 1, SyntheticDataType.Float32, temp.Combine("a"));
        var b = SyntheticModelBuilder.Build(SyntheticPresets.Tiny, 2, SyntheticDataType.Float32, temp.Combine("b"));

        var modelA = ModelFile.Load(a.ModelPath);
        var modelB = ModelFile.Load(b.ModelPath);
        Assert.Equal(modelA.Graph.Node, modelB.Graph.Node);
        var bytesA = File.ReadAllBytes(a.DataPath);
        var bytesB = File.ReadAllBytes(b.DataPath);
        Assert.Equal(bytesA.Length, bytesB.Length);
        foreach (var tensor in modelA.Graph.Initializer.Where(t => t.Name.StartsWith("model.", StringComparison.Ordinal)))
        {
            var other = modelB.Graph.Initializer.Single(t => t.Name == tensor.Name);
            Assert.NotEqual(
                TensorStorage.ReadBytes(tensor, modelA.BaseDirectory, 1 << 24),
                TensorStorage.ReadBytes(other, modelB.BaseDirectory, 1 << 24));
        }
    }

    [Fact]
    public void Build_Fp16AndFp32SameSeed_Fp16WeightsAreTheRoundedFp32Weights()
    {
        using var temp = new TempDirectory();
        var full = ModelFile.Load(SyntheticModelBuilder.Build(SyntheticPresets.Tiny, 3, SyntheticDataType.Float32, temp.Combine("a")).ModelPath);
        var half = ModelFile.Load(SyntheticModelBuilder.Build(SyntheticPresets.Tiny, 3, SyntheticDataType.Float16, temp.Combine("b")).ModelPath);

        var w32 = full.Graph.Initializer.Single(t => t.Name == "model.layers.1.mlp.up_proj.weight");
        var w16 = half.Graph.Initializer.Single(t => t.Name == "model.layers.1.mlp.up_proj.weight");
        Assert.Equal((int)TensorProto.Types.DataType.Float16, w16.DataType);
        var singles = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(TensorStorage.ReadBytes(w32, full.BaseDirectory, 1 << 24));
        var halves = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(TensorStorage.ReadBytes(w16, half.BaseDirectory, 1 << 24));
        Assert.Equal(singles.Length, halves.Length);
        for (var i = 0; i < singles.Length; i++)
        {
            Assert.Equal((Half)singles[i], halves[i]);
        }
    }

    [Theory]
    [InlineData("tiny")]
    [InlineData("tiny-gpt2")]
    public void Build_Tiny_GenaiInputsAndOutputsWithSymbolicDims(string preset)
    {
        using var temp = new TempDirectory();
        Assert.True(SyntheticPresets.TryGet(preset, out var config));
        var graph = ModelFile.Load(SyntheticModelBuilder.Build(config, 0, SyntheticDataType.Float16, temp.Path).ModelPath).Graph;

        string Describe(ValueInfoProto v) => v.Name + ":" + v.Type.TensorType.ElemType + "["
            + string.Join(",", v.Type.TensorType.Shape.Dim.Select(d => d.HasDimParam ? d.DimParam : d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";
        var kv = $"{config.KeyValueHeads}";
        var head = $"{config.HiddenSize / config.Heads}";
        string[] inputs =
        [
            "input_ids:7[batch_size,sequence_length]",
            "attention_mask:7[batch_size,total_sequence_length]",
            "position_ids:7[batch_size,sequence_length]",
            .. Enumerable.Range(0, 2).SelectMany(l => new[]
            {
                $"past_key_values.{l}.key:10[batch_size,{kv},past_sequence_length,{head}]",
                $"past_key_values.{l}.value:10[batch_size,{kv},past_sequence_length,{head}]",
            }),
        ];
        string[] outputs =
        [
            $"logits:10[batch_size,sequence_length,{config.VocabSize}]",
            .. Enumerable.Range(0, 2).SelectMany(l => new[]
            {
                $"present.{l}.key:10[batch_size,{kv},total_sequence_length,{head}]",
                $"present.{l}.value:10[batch_size,{kv},total_sequence_length,{head}]",
            }),
        ];
        Assert.Equal(inputs, graph.Input.Select(Describe));
        Assert.Equal(outputs, graph.Output.Select(Describe));
    }

    [Theory]
    [InlineData("tiny")]
    [InlineData("tiny-gpt2")]
    public void Build_Tiny_BlockNodesAndWeightsScopedByLayerAndOwnTheirCache(string preset)
    {
        using var temp = new TempDirectory();
        Assert.True(SyntheticPresets.TryGet(preset, out var config));
        var model = ModelFile.Load(SyntheticModelBuilder.Build(config, 0, SyntheticDataType.Float32, temp.Path).ModelPath);
        var graph = model.Graph;

        Assert.Equal([("", 17L)], model.Proto.OpsetImport.Select(o => (o.Domain, o.Version)));
        Assert.All(graph.Node, n => Assert.Equal("", n.Domain));
        Assert.Equal(graph.Node.Count, graph.Node.Select(n => n.Name).Distinct().Count());

        int? LayerOfNode(NodeProto n) => NodeLayer().Match(n.Name) is { Success: true } m ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
        string[] shared = ["/model/embed_tokens/", "/model/embed_positions/", "/model/embed/", "/model/attn_mask_reformat/", "/model/rotary_emb/", "/model/norm/", "/lm_head/"];
        Assert.All(graph.Node.Where(n => LayerOfNode(n) is null), n => Assert.Contains(shared, s => n.Name.StartsWith(s, StringComparison.Ordinal)));
        for (var layer = 0; layer < config.Layers; layer++)
        {
            var blockNodes = graph.Node.Where(n => LayerOfNode(n) == layer).ToList();
            Assert.Contains(blockNodes, n => n.Output.Contains($"present.{layer}.key"));
            Assert.Contains(blockNodes, n => n.Output.Contains($"present.{layer}.value"));
            var pastUsers = graph.Node.Where(n => n.Input.Contains($"past_key_values.{layer}.key") || n.Input.Contains($"past_key_values.{layer}.value"));
            Assert.All(pastUsers, n => Assert.Equal(layer, LayerOfNode(n)));

            // Every weight a block reads is its own model.layers.N.* tensor or a shared constant.
            var weights = blockNodes.SelectMany(n => n.Input).Where(i => graph.Initializer.Any(t => t.Name == i)).Distinct().ToList();
            Assert.NotEmpty(weights);
            Assert.All(weights, w => Assert.True(
                w.StartsWith($"model.layers.{layer}.", StringComparison.Ordinal) || w.StartsWith("/model/constants/", StringComparison.Ordinal), w));
        }
    }

    [Theory]
    [InlineData(SyntheticDataType.Float32, 4)]
    [InlineData(SyntheticDataType.Float16, 2)]
    public void Build_Tiny_EveryWeightExternalInOneFileWithoutOverlap(SyntheticDataType dataType, int elementSize)
    {
        using var temp = new TempDirectory();
        var result = SyntheticModelBuilder.Build(SyntheticPresets.Tiny, 0, dataType, temp.Path);
        var model = ModelFile.Load(result.ModelPath);

        var external = model.Graph.Initializer.Where(TensorStorage.IsExternal).ToList();
        var inline = model.Graph.Initializer.Where(t => !TensorStorage.IsExternal(t)).ToList();
        Assert.All(inline, t => Assert.StartsWith("/model/constants/", t.Name, StringComparison.Ordinal));
        Assert.All(inline, t => Assert.True(TensorStorage.ByteLength(t) <= 64, t.Name));
        var ranges = external.Select(t => (Tensor: t, Ref: TensorStorage.GetExternalReference(t, model.BaseDirectory)))
            .OrderBy(r => r.Ref.Offset).ToList();
        Assert.All(ranges, r => Assert.Equal(result.DataPath, r.Ref.FilePath));
        Assert.All(ranges, r => Assert.Equal(r.Tensor.Dims.Aggregate(1L, (a, d) => a * d) * elementSize, r.Ref.Length));
        for (var i = 1; i < ranges.Count; i++)
        {
            Assert.True(ranges[i].Ref.Offset >= ranges[i - 1].Ref.Offset + ranges[i - 1].Ref.Length);
        }

        Assert.Equal(new FileInfo(result.DataPath).Length, ranges[^1].Ref.Offset + ranges[^1].Ref.Length);
        Assert.Equal(new FileInfo(result.DataPath).Length, SyntheticModelBuilder.Plan(SyntheticPresets.Tiny, dataType).DataFileBytes);
    }

    [Fact]
    public void Build_Tiny_ProjectionWeightsHaveTheDocumentedSpread()
    {
        // Documented init: a [in, out] projection is uniform on ±sqrt(3/in), i.e. standard deviation 1/sqrt(in).
        using var temp = new TempDirectory();
        var model = ModelFile.Load(SyntheticModelBuilder.Build(SyntheticPresets.Tiny, 11, SyntheticDataType.Float32, temp.Path).ModelPath);
        var tensor = model.Graph.Initializer.Single(t => t.Name == "model.layers.0.mlp.down_proj.weight");
        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(TensorStorage.ReadBytes(tensor, model.BaseDirectory, 1 << 24)).ToArray();
        var fanIn = (int)tensor.Dims[0];

        var mean = values.Average(v => (double)v);
        var std = Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));
        Assert.Equal(SyntheticPresets.Tiny.IntermediateSize, fanIn);
        Assert.InRange(mean, -0.01 / Math.Sqrt(fanIn) * 10, 0.01 / Math.Sqrt(fanIn) * 10);
        Assert.InRange(std * Math.Sqrt(fanIn), 0.97, 1.03);
        Assert.All(values, v => Assert.InRange(Math.Abs(v), 0, Math.Sqrt(3.0 / fanIn)));
    }

    [Fact]
    public void Plan_Qwen25HalfBillion_MatchesThePublishedParameterCount()
    {
        // Qwen2.5-0.5B: 494,032,768 parameters (tied embeddings, q/k/v biases), per its model card and config.
        Assert.Equal(494_032_768, SyntheticModelBuilder.Plan(SyntheticPresets.Qwen25_05B, SyntheticDataType.Float32).ParameterCount);
    }

    [Fact]
    public void Plan_Llama32OneBillion_MatchesThePublishedParameterCount()
    {
        // meta-llama/Llama-3.2-1B: 1,235,814,400 parameters with tied embeddings.
        Assert.Equal(1_235_814_400, SyntheticModelBuilder.Plan(SyntheticPresets.Llama32_1B, SyntheticDataType.Float16).ParameterCount);
    }

    [Fact]
    public void Plan_Gpt2SmallShape_MatchesThePublishedParameterCount()
    {
        // openai-community/gpt2: 124,439,808 parameters (vocab 50257, 1024 positions, 12 x 768, tied head).
        var gpt2 = new SyntheticModelConfig
        {
            Name = "gpt2",
            Architecture = SyntheticArchitecture.Gpt2,
            Layers = 12,
            HiddenSize = 768,
            Heads = 12,
            KeyValueHeads = 12,
            IntermediateSize = 3072,
            VocabSize = 50257,
            MaxPositions = 1024,
            TieEmbeddings = true,
        };

        Assert.Equal(124_439_808, SyntheticModelBuilder.Plan(gpt2, SyntheticDataType.Float32).ParameterCount);
    }

    [Fact]
    public void Build_Tiny_WritesModelInfoDescribingTheBuild()
    {
        using var temp = new TempDirectory();
        var result = SyntheticModelBuilder.Build(SyntheticPresets.Tiny, 42, SyntheticDataType.Float16, temp.Path);

        using var json = JsonDocument.Parse(File.ReadAllText(temp.Combine("model_info.json")));
        var root = json.RootElement;
        Assert.Equal("tiny", root.GetProperty("preset").GetString());
        Assert.Equal("llama", root.GetProperty("architecture").GetString());
        Assert.Equal("fp16", root.GetProperty("data_type").GetString());
        Assert.Equal(42UL, root.GetProperty("seed").GetUInt64());
        Assert.Equal(2, root.GetProperty("num_hidden_layers").GetInt32());
        Assert.Equal(64, root.GetProperty("hidden_size").GetInt32());
        Assert.Equal("past_key_values.%d.key", root.GetProperty("names").GetProperty("past_key_names").GetString());
        Assert.Equal(result.Info.ParameterCount, root.GetProperty("parameter_count").GetInt64());
    }

    [Fact]
    public void Build_HeadsNotAMultipleOfKeyValueHeads_ThrowsNamingBoth()
    {
        using var temp = new TempDirectory();
        var bad = SyntheticPresets.Tiny with { Heads = 4, KeyValueHeads = 3 };

        var e = Assert.Throws<ArgumentException>(() => SyntheticModelBuilder.Build(bad, 0, SyntheticDataType.Float32, temp.Path));
        Assert.Contains("KeyValueHeads 3", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(temp.Combine("model.onnx")));
    }

    [Fact]
    public void TryGet_PresetNames_KnowsEveryDocumentedPreset()
    {
        Assert.Equal(["tiny", "tiny-gpt2", "small", "qwen2.5-0.5b", "llama-3.2-1b"], SyntheticPresets.Names);
        Assert.False(SyntheticPresets.TryGet("gpt-5", out _));
    }

    [GeneratedRegex(@"^/model/layers\.(\d+)/")]
    private static partial Regex NodeLayer();
}
