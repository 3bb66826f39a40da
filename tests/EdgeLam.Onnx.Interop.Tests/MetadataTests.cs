using System.Text.Json;
using EdgeLam.Core.Npy;
using EdgeLam.Core.Tensors;
using EdgeLam.Testing;

namespace EdgeLam.Onnx.Interop.Tests;

[Collection(nameof(RuntimeCollection))]
public sealed class MetadataTests(RuntimeFixture fixture)
{
    private static string TinyLlama => Path.Combine(TestPaths.SharedModels, "tiny-llama-fp16");

    [Fact]
    public void OrtSession_TinyLlamaWithExternalData_ExposesInputsFromGenaiConfig()
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(TinyLlama, "genai_config.json")));
        var decoder = config.RootElement.GetProperty("model").GetProperty("decoder");
        var layers = decoder.GetProperty("num_hidden_layers").GetInt32();
        var heads = decoder.GetProperty("num_key_value_heads").GetInt32();
        var headSize = decoder.GetProperty("head_size").GetInt32();
        var vocab = config.RootElement.GetProperty("model").GetProperty("vocab_size").GetInt32();
        var names = decoder.GetProperty("inputs");
        var expectedInputs = new List<string>
        {
            names.GetProperty("input_ids").GetString()!,
            names.GetProperty("attention_mask").GetString()!,
            names.GetProperty("position_ids").GetString()!,
        };
        for (var i = 0; i < layers; i++)
        {
            expectedInputs.Add(names.GetProperty("past_key_names").GetString()!.Replace("%d", i.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
            expectedInputs.Add(names.GetProperty("past_value_names").GetString()!.Replace("%d", i.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }

        using var session = fixture.Runtime.OpenSession(Path.Combine(TinyLlama, "model.onnx"));

        Assert.Equal(expectedInputs.Order(StringComparer.Ordinal), session.Inputs.Select(i => i.Name).Order(StringComparer.Ordinal));
        var pastKey = session.Inputs.Single(i => i.Name == "past_key_values.0.key");
        Assert.Equal(TensorElementType.Float16, pastKey.ElementType);
        Assert.Equal(4, pastKey.Rank);
        Assert.Equal([-1, heads, -1, headSize], pastKey.Shape);
        Assert.NotEqual(string.Empty, pastKey.SymbolicDimensions[0]);
        Assert.NotEqual(string.Empty, pastKey.SymbolicDimensions[2]);
        var logits = session.Outputs.Single(o => o.Name == "logits");
        Assert.Equal(TensorElementType.Float16, logits.ElementType);
        Assert.Equal(vocab, logits.Shape[^1]);
        Assert.Equal(-1, logits.Shape[0]);
    }

    [Fact]
    public void OrtSession_BertToy_InputTypesMatchTheReferenceCase()
    {
        var dir = Path.Combine(TestPaths.SharedModels, "bert-toy");
        var inputs = NpyDirectory.ReadAll(Path.Combine(dir, "cases", "full", "inputs"));
        var outputs = NpyDirectory.ReadAll(Path.Combine(dir, "cases", "full", "outputs"));

        using var session = fixture.Runtime.OpenSession(Path.Combine(dir, "bert_toy_optimized.onnx"));

        Assert.Equal(inputs.Keys.Order(StringComparer.Ordinal), session.Inputs.Select(i => i.Name).Order(StringComparer.Ordinal));
        Assert.Equal(outputs.Keys.Order(StringComparer.Ordinal), session.Outputs.Select(i => i.Name).Order(StringComparer.Ordinal));
        foreach (var spec in session.Inputs)
        {
            Assert.Equal(inputs[spec.Name].ElementType, spec.ElementType);
            Assert.True(spec.Accepts(inputs[spec.Name].Shape), spec + " rejects the reference shape");
        }

        foreach (var spec in session.Outputs)
        {
            Assert.Equal(outputs[spec.Name].ElementType, spec.ElementType);
            Assert.True(spec.Accepts(outputs[spec.Name].Shape), spec + " rejects the reference shape");
        }
    }

    [Fact]
    public void OnnxRuntime_Version_IsThePinnedLibrary()
    {
        var pinned = System.Xml.Linq.XDocument.Load(Path.Combine(TestPaths.RepoRoot, "Directory.Packages.props")).Descendants("PackageVersion")
            .Single(e => (string?)e.Attribute("Include") == "Microsoft.ML.OnnxRuntime").Attribute("Version")!.Value;
        Assert.Equal(pinned, fixture.Runtime.Version);
        Assert.Equal("1.32.0", fixture.Runtime.Version);
        Assert.Equal(Path.GetFullPath(TestPaths.OnnxRuntimeLibrary), fixture.Runtime.LibraryPath);
    }

    [Fact]
    public void OnnxRuntime_AvailableProviders_IncludeCpu()
    {
        Assert.Contains(ExecutionProvider.Cpu, fixture.Runtime.AvailableProviders);
    }
}
