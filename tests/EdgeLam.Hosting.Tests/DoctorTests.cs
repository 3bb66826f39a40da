using System.Security.Cryptography;
using System.Text;
using EdgeLam.Hosting.Doctor;
using EdgeLam.Testing;

namespace EdgeLam.Hosting.Tests;

public sealed class DoctorTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private DoctorContext Context(params (string Key, string? Value)[] config) => new()
    {
        Settings = Settings.Valid(config),
        ApplicationDirectory = _dir.Path,
        DeviceDirectory = _dir.Combine("dev"),
        BrokerTimeout = TimeSpan.FromSeconds(2),
        NtpSynchronized = () => "yes",
    };

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void ModelManifest_MatchingMissingAndCorruptFiles_AreEachReported()
    {
        var model = _dir.Combine("model");
        Directory.CreateDirectory(model);
        File.WriteAllText(Path.Combine(model, "seg0.onnx"), "segment zero");
        File.WriteAllText(Path.Combine(model, "seg1.onnx"), "segment one, truncated");
        File.WriteAllText(Path.Combine(model, "manifest.json"), $$"""
            {
              "source": { "path": "/elsewhere/model.onnx", "sha256": "{{Sha256("x")}}" },
              "segments": [
                { "blocks": [0, 4], "files": [ { "path": "seg0.onnx", "sha256": "{{Sha256("segment zero")}}" } ] },
                { "blocks": [4, 8], "files": [ { "path": "seg1.onnx", "sha256": "{{Sha256("segment one")}}" },
                                               { "path": "seg1.onnx.data", "sha256": "{{Sha256("d")}}" } ] }
              ]
            }
            """);

        var findings = ModelManifestCheck.Run(Context(("Model:Path", model))).ToList();

        Assert.Equal(2, findings.Count);
        Assert.All(findings, f => Assert.Equal(DoctorSeverity.Problem, f.Severity));
        Assert.Contains(findings, f => f.Message.StartsWith("seg1.onnx: sha256", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Message.StartsWith("seg1.onnx.data listed in the manifest is missing", StringComparison.Ordinal));
    }

    [Fact]
    public void ModelManifest_FilesAsObjectMap_AllMatch_IsOk()
    {
        var model = _dir.Combine("m2");
        Directory.CreateDirectory(model);
        File.WriteAllText(Path.Combine(model, "a.onnx"), "alpha");
        File.WriteAllText(Path.Combine(model, "manifest.json"), $$"""{ "files": { "a.onnx": "{{Sha256("alpha")}}" } }""");

        var finding = Assert.Single(ModelManifestCheck.Run(Context(("Model:Path", model))));

        Assert.Equal(DoctorSeverity.Ok, finding.Severity);
    }

    [Fact]
    public void ModelManifest_PathEscapingTheDirectory_IsAProblem()
    {
        var model = _dir.Combine("m3");
        Directory.CreateDirectory(model);
        File.WriteAllText(Path.Combine(model, "manifest.json"), $$"""{ "files": [ { "path": "../../etc/passwd", "sha256": "{{Sha256("x")}}" } ] }""");

        var finding = Assert.Single(ModelManifestCheck.Run(Context(("Model:Path", model))));

        Assert.Contains("outside the model directory", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Devices_RealBoardWithoutNodes_IsProblem_SimIsInfo()
    {
        Directory.CreateDirectory(_dir.Combine("dev"));
        var boardsDir = _dir.Combine("boards");

        var sim = DeviceNodeCheck.Run(Context()).ToList();
        var pi = DeviceNodeCheck.Run(Context(("Board:Name", "pi5"))).ToList();

        Assert.All(sim, f => Assert.Equal(DoctorSeverity.Info, f.Severity));
        Assert.Equal(2, pi.Count(f => f.Severity == DoctorSeverity.Problem));
        Assert.False(Directory.Exists(boardsDir));
    }

    [Fact]
    public void Devices_PresentAndWritable_AreOk()
    {
        Directory.CreateDirectory(_dir.Combine("dev"));
        File.WriteAllText(_dir.Combine("dev", "i2c-1"), "");
        File.WriteAllText(_dir.Combine("dev", "gpiochip0"), "");

        var findings = DeviceNodeCheck.Run(Context(("Board:Name", "pi5"))).ToList();

        Assert.Equal(2, findings.Count);
        Assert.All(findings, f => Assert.Equal(DoctorSeverity.Ok, f.Severity));
    }

    [Theory]
    [InlineData(1970, DoctorSeverity.Problem)]
    [InlineData(2023, DoctorSeverity.Problem)]
    [InlineData(2024, DoctorSeverity.Ok)]
    public void Clock_YearBefore2024_IsProblem(int year, DoctorSeverity expected)
    {
        var context = new DoctorContext
        {
            Settings = Settings.Valid(),
            ApplicationDirectory = _dir.Path,
            Time = new FixedTime(new DateTimeOffset(year, 6, 1, 0, 0, 0, TimeSpan.Zero)),
            NtpSynchronized = () => "no",
        };

        var findings = ClockCheck.Run(context).ToList();

        Assert.Equal(expected, findings[0].Severity);
        Assert.Equal(DoctorSeverity.Warning, findings[1].Severity);
    }

    [Fact]
    public void OnnxRuntime_Missing_IsProblemWithFix_PresentPinnedVersion_IsOk()
    {
        var missing = NativeLibraryCheck.OnnxRuntime(Context()).First();
        Assert.Equal(DoctorSeverity.Problem, missing.Severity);
        Assert.NotNull(missing.Fix);

        // A development layout: <dir>/<rid>/libonnxruntime.so (the package's file) and <dir>/VERSION.
        var dev = Path.Combine(_dir.Path, "dev");
        Directory.CreateDirectory(Path.Combine(dev, "linux-x64"));
        File.Copy(TestPaths.OnnxRuntimeLibrary, Path.Combine(dev, "linux-x64", "libonnxruntime.so"));
        File.WriteAllText(Path.Combine(dev, "VERSION"), "1.32.0\n");
        var context = new DoctorContext
        {
            Settings = Settings.Valid(),
            ApplicationDirectory = _dir.Path,
            DevelopmentOnnxRuntimeDirectory = dev,
        };
        var found = NativeLibraryCheck.OnnxRuntime(context).First();
        Assert.Equal(DoctorSeverity.Ok, found.Severity);
        Assert.Contains("1.32.0", found.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mosquitto_InstalledLibrary_ReportsVersion2()
    {
        var finding = Assert.Single(NativeLibraryCheck.Mosquitto());

        Assert.Equal(DoctorSeverity.Ok, finding.Severity);
        Assert.Matches(@"version 2\.\d+\.\d+", finding.Message);
    }
}
