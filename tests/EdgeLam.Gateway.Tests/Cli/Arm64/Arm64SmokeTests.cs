using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeLam.Core.Npy;
using EdgeLam.Onnx.Interop.Tests;
using EdgeLam.Testing;

namespace EdgeLam.Gateway.Tests.Cli.Arm64;

/// <summary>The linux-arm64 NativeAOT binary, run under qemu-user on an x86-64 host: models, sensors, doctor.</summary>
public sealed class Arm64SmokeTests
{
    public static TheoryData<string> Cases => SharedCases.Names();

    [Arm64Fact]
    public void Publish_LinuxArm64_BinaryAndOnnxRuntimeBesideItAreAarch64()
    {
        Assert.Equal(Arm64Binary.ElfMachineAarch64, Arm64Binary.ElfMachine(Arm64Binary.Path));
        var libraries = Directory.GetFiles(Arm64Binary.Directory, "libonnxruntime.so*");
        Assert.NotEmpty(libraries);
        Assert.All(libraries, library => Assert.Equal(Arm64Binary.ElfMachineAarch64, Arm64Binary.ElfMachine(library)));
        Assert.Empty(Directory.GetFiles(Arm64Binary.Directory, "*.dll"));
    }

    [Arm64RunTheory]
    [MemberData(nameof(Cases))]
    public void ModelRun_Arm64BinaryOnSharedCase_ReproducesReferenceOutputs(string caseName)
    {
        using var outputs = new TempDirectory();
        var caseDir = SharedCases.CaseDirectory(caseName);

        var result = Arm64Binary.Run(["model", "run", SharedCases.ModelPath(caseName), "--inputs", Path.Combine(caseDir, "inputs"), "--outputs", outputs.Path]);

        Assert.True(result.ExitCode == 0, result.ToString());
        // ONNX Runtime's CPU probe read the ARM /proc/cpuinfo that tools/qemu-arm64.sh mounts (else it warns, or crashes).
        Assert.DoesNotContain("cpuid_info warning", result.StandardError, StringComparison.Ordinal);
        var expected = NpyDirectory.ReadAll(Path.Combine(caseDir, "outputs"));
        var actual = NpyDirectory.ReadAll(outputs.Path);
        Assert.Equal(expected.Keys, actual.Keys);
        SharedCases.AssertMatches(expected, actual);
    }

    [Arm64RunFact]
    public void SensorsRead_Arm64BinaryOnSimBoard_EveryDeviceReportsGoodFiniteValues()
    {
        const int count = 12;
        var devices = SimBoardDevices();

        var result = Arm64Binary.Run(["sensors", "read", "--board", "sim", "--count", count.ToString(CultureInfo.InvariantCulture), "--json"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var readings = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(count, readings.Count);
        var sources = readings.Select(r => (string)r["source"]!).ToHashSet(StringComparer.Ordinal);
        Assert.All(devices, device => Assert.Contains(device, sources));
        foreach (var reading in readings)
        {
            var values = reading["values"]!.AsObject();
            Assert.NotEmpty(values);
            foreach (var (channel, value) in values)
            {
                Assert.Equal("Good", (string)value!["quality"]!);
                Assert.True(double.IsFinite((double)value["value"]!), reading["source"] + "." + channel + " is not finite");
            }
        }
    }

    [Arm64RunFact]
    public void SensorsTokenize_Arm64BinaryOnSimBoard_MatchesJitBuild()
    {
        string[] arguments = ["sensors", "tokenize", "--board", "sim", "--json"];

        var arm64 = Arm64Binary.Run(arguments);
        var jit = EdgeLamProcess.Run(EdgeLamProcess.JitBinary, arguments);

        Assert.True(arm64.ExitCode == 0, arm64.ToString());
        Assert.True(jit.ExitCode == 0, jit.ToString());
        Assert.NotEmpty(JsonNode.Parse(jit.StandardOutput)!["windows"]!.AsArray());
        Assert.Equal(jit.StandardOutput, arm64.StandardOutput);
    }

    [Arm64RunFact]
    public void Doctor_Arm64BinaryWithBroker_LoadsItsLibrariesAndFindsNoProblem()
    {
        using var broker = new MosquittoBroker();
        using var dir = new TempDirectory();
        var configDir = dir.Combine("etc");
        Directory.CreateDirectory(configDir);
        Directory.CreateDirectory(dir.Combine("dev"));
        File.WriteAllText(Path.Combine(configDir, "edgelam.json"), $$"""{ "Board": { "Name": "sim" }, "Mqtt": { "Host": "{{broker.Host}}", "Port": {{broker.Port}} } }""");

        var result = Arm64Binary.Run(
            ["doctor", "--broker-timeout", "10", "--dev", dir.Combine("dev")],
            new Dictionary<string, string?> { ["EDGELAM_CONFIG_DIR"] = configDir, ["ORT_DISABLE_TELEMETRY"] = "1" });

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.StandardOutput.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("ok   onnxruntime: " + Path.Combine(Arm64Binary.Directory, "libonnxruntime.so"), StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("ok   libmosquitto: ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("ok   broker: ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("FAIL", StringComparison.Ordinal));
    }

    private static List<string> SimBoardDevices()
    {
        using var profile = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "boards", "sim.json")));
        return [.. profile.RootElement.GetProperty("Sensors").GetProperty("Devices").EnumerateObject().Select(d => d.Name).Order(StringComparer.Ordinal)];
    }
}
