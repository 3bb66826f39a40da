using System.Collections.Concurrent;
using EdgeLam.Onnx.Interop;
using EdgeLam.Onnx.Model;
using EdgeLam.Onnx.Model.Split;
using EdgeLam.Onnx.Model.Synthetic;
using EdgeLam.Testing;

namespace EdgeLam.Inference.Tests;

/// <summary>One ORT runtime and the synthetic models (built once per test run, split on demand).</summary>
public sealed class ModelsFixture : IDisposable
{
    private readonly TempDirectory _temp = new("edgelam-inference-");
    private readonly ConcurrentDictionary<string, Lazy<string>> _models = new();

    public ModelsFixture()
    {
        Runtime = OnnxRuntime.Create(new OnnxRuntimeOptions { LibraryPath = TestPaths.OnnxRuntimeLibrary, IntraOpThreads = 1 });
    }

    public OnnxRuntime Runtime { get; }

    public static string TinyLlama => Path.Combine(TestPaths.SharedModels, "tiny-llama-fp16");

    /// <summary>The folder of a synthetic preset (fp32, seed 7), with <paramref name="layers"/> blocks instead of the preset's when given.</summary>
    public string Preset(string name, int? layers = null) => _models.GetOrAdd("preset:" + name + ":" + layers, _ => new Lazy<string>(() =>
    {
        SyntheticPresets.TryGet(name, out var config);
        var dir = _temp.Combine(name + (layers is { } n ? "-" + n + "-blocks" : string.Empty));
        SyntheticModelBuilder.Build(layers is { } l ? config! with { Layers = l } : config!, 7, SyntheticDataType.Float32, dir);
        return dir;
    })).Value;

    /// <summary>The folder of <paramref name="modelDirectory"/> split at the block boundaries.</summary>
    public string Split(string modelDirectory, params int[] boundaries) =>
        _models.GetOrAdd("split:" + modelDirectory + ":" + string.Join(",", boundaries), _ => new Lazy<string>(() =>
        {
            var dir = _temp.Combine("split-" + Path.GetFileName(modelDirectory) + "-" + string.Join("-", boundaries));
            ModelSplitter.Split(ModelFile.Load(Path.Combine(modelDirectory, "model.onnx")), SplitPlan.AtBoundaries(boundaries), dir);
            return dir;
        })).Value;

    public void Dispose()
    {
        Runtime.Dispose();
        _temp.Dispose();
    }
}

[CollectionDefinition(nameof(ModelsCollection))]
public sealed class ModelsCollection : ICollectionFixture<ModelsFixture>
{
}
