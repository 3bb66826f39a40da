using EdgeLam.Core.Npy;
using EdgeLam.Core.Tensors;
using EdgeLam.Onnx.Interop.Tests;
using EdgeLam.Testing;

namespace EdgeLam.Gateway.Tests.Cli;

public sealed class ModelRunCommandTests
{
    public static TheoryData<string> Cases => SharedCases.Names();

    [Theory]
    [MemberData(nameof(Cases))]
    public void ModelRun_JitBuildOnSharedCase_ReproducesReferenceOutputs(string caseName) =>
        AssertReproduces(EdgeLamProcess.JitBinary, caseName);

    [AotTheory]
    [MemberData(nameof(Cases))]
    public void ModelRun_NativeAotBinaryOnSharedCase_ReproducesReferenceOutputs(string caseName) =>
        AssertReproduces(AotBinary.Path, caseName);

    [Fact]
    public void ModelRun_UnknownInputName_ExitsNonZeroNamingTheInput()
    {
        using var inputs = CopyInputs("bert-toy/full");
        File.Copy(Path.Combine(inputs.Path, "input_ids.npy"), Path.Combine(inputs.Path, "input_idz.npy"));

        var result = RunBert(inputs.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Unknown input 'input_idz'", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelRun_MissingInput_ExitsNonZeroNamingTheInput()
    {
        using var inputs = CopyInputs("bert-toy/full");
        File.Delete(Path.Combine(inputs.Path, "input_mask.npy"));

        var result = RunBert(inputs.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Missing input 'input_mask'", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelRun_MistypedInput_ExitsNonZeroNamingBothTypes()
    {
        using var inputs = CopyInputs("bert-toy/full");
        var ids = NpyFile.Read(Path.Combine(inputs.Path, "input_ids.npy"));
        var asInt32 = ids.AsSpan<long>().ToArray().Select(v => (int)v).ToArray();
        NpyFile.Write(Path.Combine(inputs.Path, "input_ids.npy"), NpyArray.Create<int>(asInt32, ids.Shape));

        var result = RunBert(inputs.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'input_ids' is tensor(int32); the model expects tensor(int64)", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelRun_MisshapedInput_ExitsNonZeroNamingTheShape()
    {
        using var inputs = CopyInputs("bert-toy/full");
        var ids = NpyFile.Read(Path.Combine(inputs.Path, "input_ids.npy"));
        NpyFile.Write(Path.Combine(inputs.Path, "input_ids.npy"), new NpyArray(TensorElementType.Int64, [ids.ElementCount], ids.Data));

        var result = RunBert(inputs.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'input_ids' has shape [" + ids.ElementCount + "]", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelRun_CorruptNpyInput_ExitsNonZeroNamingTheFile()
    {
        using var inputs = CopyInputs("bert-toy/full");
        File.WriteAllBytes(Path.Combine(inputs.Path, "input_ids.npy"), [0x93, (byte)'N', (byte)'U', (byte)'M']);

        var result = RunBert(inputs.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("input_ids.npy", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelRun_MissingModel_ExitsNonZero()
    {
        using var outputs = new TempDirectory();

        var result = EdgeLamProcess.Run(EdgeLamProcess.JitBinary, ["model", "run", outputs.Combine("absent.onnx"), "--inputs", outputs.Path, "--outputs", outputs.Combine("out")]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("absent.onnx", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelRun_UnavailableProvider_WarnsOnceAndFallsBackToCpu()
    {
        using var outputs = new TempDirectory();

        var result = EdgeLamProcess.Run(
            EdgeLamProcess.JitBinary,
            ["model", "run", SharedCases.ModelPath("bert-toy/full"), "--inputs", Path.Combine(SharedCases.CaseDirectory("bert-toy/full"), "inputs"), "--outputs", outputs.Path, "--provider", "CUDA"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var warnings = result.StandardError.Split('\n').Where(l => l.Contains("warning", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Single(warnings);
        Assert.Contains("CUDA", warnings[0], StringComparison.Ordinal);
        Assert.Contains("CPU", warnings[0], StringComparison.Ordinal);
        SharedCases.AssertMatches(NpyDirectory.ReadAll(Path.Combine(SharedCases.CaseDirectory("bert-toy/full"), "outputs")), NpyDirectory.ReadAll(outputs.Path));
    }

    private static void AssertReproduces(string binary, string caseName)
    {
        using var outputs = new TempDirectory();
        var caseDir = SharedCases.CaseDirectory(caseName);

        var result = EdgeLamProcess.Run(binary, ["model", "run", SharedCases.ModelPath(caseName), "--inputs", Path.Combine(caseDir, "inputs"), "--outputs", outputs.Path]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var expected = NpyDirectory.ReadAll(Path.Combine(caseDir, "outputs"));
        var actual = NpyDirectory.ReadAll(outputs.Path);
        Assert.Equal(expected.Keys, actual.Keys);
        SharedCases.AssertMatches(expected, actual);
    }

    private static TempDirectory CopyInputs(string caseName)
    {
        var dir = new TempDirectory();
        foreach (var f in Directory.EnumerateFiles(Path.Combine(SharedCases.CaseDirectory(caseName), "inputs")))
        {
            var target = Path.Combine(dir.Path, Path.GetFileName(f));
            File.Copy(f, target);
            File.SetAttributes(target, FileAttributes.Normal);
        }

        return dir;
    }

    private static EdgeLamProcess.Result RunBert(string inputs)
    {
        using var outputs = new TempDirectory();
        return EdgeLamProcess.Run(EdgeLamProcess.JitBinary, ["model", "run", SharedCases.ModelPath("bert-toy/full"), "--inputs", inputs, "--outputs", outputs.Combine("out")]);
    }
}
