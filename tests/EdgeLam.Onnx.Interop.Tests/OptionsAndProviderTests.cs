using System.Security.Cryptography;
using EdgeLam.Testing;

namespace EdgeLam.Onnx.Interop.Tests;

[Collection(nameof(RuntimeCollection))]
public sealed class OptionsAndProviderTests(RuntimeFixture fixture)
{
    private static string BertModel => Path.Combine(TestPaths.SharedModels, "bert-toy", "bert_toy_optimized.onnx");

    [Fact]
    public void Validate_DefaultOptions_AreValid()
    {
        Assert.Empty(new OnnxRuntimeOptions().Validate());
    }

    [Fact]
    public void Validate_BadValues_ListsEachProblem()
    {
        var options = new OnnxRuntimeOptions
        {
            LibraryPath = "/nonexistent/libonnxruntime.so",
            IntraOpThreads = -1,
            InterOpThreads = OnnxRuntimeOptions.MaxThreads + 1,
            GraphOptimizationLevel = (GraphOptimizationLevel)7,
        };
        options.Providers.Add("OpenVINO");
        options.Providers.Add("cuda");
        options.Providers.Add("CUDAExecutionProvider");

        var problems = options.Validate();

        Assert.Equal(6, problems.Count);
        Assert.Contains(problems, p => p.Key == "Onnx:LibraryPath" && p.Value == "/nonexistent/libonnxruntime.so");
        Assert.Contains(problems, p => p.Key == "Onnx:Providers" && p.Value == "OpenVINO");
        Assert.Contains(problems, p => p.Key == "Onnx:Providers" && p.Value == "CUDAExecutionProvider" && p.Allowed.Contains("twice", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Key == "Onnx:IntraOpThreads" && p.Value == "-1");
        Assert.Contains(problems, p => p.Key == "Onnx:InterOpThreads");
        Assert.Contains(problems, p => p.Key == "Onnx:GraphOptimizationLevel" && p.Value == "7");
        Assert.Throws<ArgumentException>(() => OnnxRuntime.Create(options));
    }

    [Fact]
    public void OpenSession_MissingProviders_WarnOncePerProviderAndFallBackToCpu()
    {
        var warnings = new List<string>();
        var options = new OnnxRuntimeOptions { LibraryPath = TestPaths.OnnxRuntimeLibrary };
        options.Providers.Add("TensorRT");
        options.Providers.Add("CUDA");
        options.Providers.Add("CPU");
        using var runtime = OnnxRuntime.Create(options, warnings.Add);

        using var first = runtime.OpenSession(BertModel);
        using var second = runtime.OpenSession(BertModel);

        Assert.Equal([ExecutionProvider.Cpu], first.ExecutionProviders);
        Assert.Equal(2, warnings.Count);
        Assert.Contains("TensorRT", warnings[0], StringComparison.Ordinal);
        Assert.Contains("CUDA", warnings[1], StringComparison.Ordinal);
        Assert.All(warnings, w => Assert.Contains("CPU", w, StringComparison.Ordinal));
        Assert.Equal(2, second.Warnings.Count);
        Assert.Equal(warnings, runtime.Warnings);
    }

    [Theory]
    [InlineData(GraphOptimizationLevel.Disabled, 1, 1)]
    [InlineData(GraphOptimizationLevel.Basic, 2, 1)]
    [InlineData(GraphOptimizationLevel.Extended, 1, 2)]
    [InlineData(GraphOptimizationLevel.Layout, 0, 0)]
    public void OpenSession_ThreadAndOptimizationSettings_AreAccepted(GraphOptimizationLevel level, int intra, int inter)
    {
        using var session = fixture.Runtime.OpenSession(BertModel, new OrtSessionSettings(intra, inter, level));

        Assert.Equal(3, session.Inputs.Count);
    }

    [Fact]
    public void LoadedLibrary_InProcessMaps_IsThePinnedFile()
    {
        _ = fixture.Runtime;
        var mapped = File.ReadAllLines("/proc/self/maps")
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 6 && f[5].EndsWith("/libonnxruntime.so", StringComparison.Ordinal))
            .Select(f => f[5])
            .Distinct()
            .ToList();

        var path = Assert.Single(mapped);
        Assert.Equal(Sha256(TestPaths.OnnxRuntimeLibrary), Sha256(path));
        Assert.Equal("1.32.0", fixture.Runtime.Version);
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }
}
