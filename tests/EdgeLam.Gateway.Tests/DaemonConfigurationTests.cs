using EdgeLam.Testing;

namespace EdgeLam.Gateway.Tests;

/// <summary>Invalid configurations stop `edgelam run` with exit code 78 and a message naming the key.</summary>
public sealed class DaemonConfigurationTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, string, string> BadFiles => new()
    {
        { "unknown board", """{ "Board": { "Name": "no-such-board" } }""", "Board:Name = \"no-such-board\"" },
        { "missing model file", """{ "Model": { "Path": "/nonexistent/edgelam/model" } }""", "Model:Path = \"/nonexistent/edgelam/model\"" },
        { "missing CA file", """{ "Mqtt": { "Tls": { "CaFile": "/nonexistent/ca.crt" } } }""", "Mqtt:Tls:CaFile" },
        { "port out of range", """{ "Mqtt": { "Port": 70000 } }""", "Mqtt:Port = \"70000\": must be an integer from 1 to 65535" },
        { "drain timeout too long", """{ "Shutdown": { "DrainTimeout": "10m" } }""", "Shutdown:DrainTimeout = \"10m\"" },
        { "metrics port zero", """{ "Metrics": { "Port": 0 } }""", "Metrics:Port = \"0\"" },
        { "unknown role", """{ "Node": { "Role": "boss" } }""", "Node:Role = \"boss\": must be one of auto, gateway, peer" },
        { "ONNX threads out of range", """{ "Onnx": { "IntraOpThreads": -1 } }""", "Onnx:IntraOpThreads = \"-1\"" },
        { "unknown ONNX provider", """{ "Onnx": { "Providers": [ "XPU" ] } }""", "Onnx:Providers = \"XPU\"" },
        { "sensor rate out of range", """{ "Sensors": { "Devices": { "env": { "RateHz": -5 } } } }""", "Sensors:Devices:env:RateHz = \"-5\"" },
        { "sensor seed not a number", """{ "Sensors": { "Seed": "abc" } }""", "'Sensors:Seed'" },
        { "malformed JSON", "{ \"Mqtt\": { \"Port\": 1883,\n", "edgelam.json: must be valid JSON" },
    };

    private (int ExitCode, string Stderr) Run(string? json, Dictionary<string, string>? env = null, params string[] args)
    {
        var configDir = _dir.Combine("etc");
        Directory.CreateDirectory(configDir);
        if (json is not null)
        {
            File.WriteAllText(Path.Combine(configDir, "edgelam.json"), json);
        }

        using var daemon = new DaemonProcess(configDir, env, args.Length == 0 ? ["run"] : args);
        var code = daemon.WaitForExit(Patience);
        return (code, daemon.Stderr);
    }

    [AotTheory]
    [MemberData(nameof(BadFiles))]
    public void Run_BadConfigurationFile_Exits78NamingTheKey(string scenario, string json, string expected)
    {
        var (code, stderr) = Run(json);

        Assert.True(code == 78, $"{scenario}: exit code {code}, stderr:\n{stderr}");
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }

    [AotFact]
    public void Run_ExpiredClientCertificate_Exits78NamingTheFile()
    {
        var now = DateTimeOffset.UtcNow;
        var (cert, key) = TestCertificates.Write(_dir.Path, "old-node", now.AddDays(-30), now.AddDays(-1));
        var (code, stderr) = Run(TlsJson(cert, key));

        Assert.True(code == 78, $"exit code {code}, stderr:\n{stderr}");
        Assert.Contains($"Mqtt:Tls:CertFile = \"{cert}\"", stderr, StringComparison.Ordinal);
        Assert.Contains("expired", stderr, StringComparison.Ordinal);
    }

    [AotFact]
    public void Run_KeyOfAnotherCertificate_Exits78NamingTheKeyFile()
    {
        var (cert, _) = TestCertificates.WriteValid(_dir.Path, "node-a");
        var (_, otherKey) = TestCertificates.WriteValid(_dir.Path, "node-b");
        var (code, stderr) = Run(TlsJson(cert, otherKey));

        Assert.True(code == 78, $"exit code {code}, stderr:\n{stderr}");
        Assert.Contains($"Mqtt:Tls:KeyFile = \"{otherKey}\"", stderr, StringComparison.Ordinal);
        Assert.Contains("does not match", stderr, StringComparison.Ordinal);
    }

    private static string TlsJson(string cert, string key) =>
        $$"""{ "Mqtt": { "Tls": { "CertFile": "{{cert}}", "KeyFile": "{{key}}" } } }""";

    [AotFact]
    public void Run_BadEnvironmentOverride_Exits78NamingTheKey()
    {
        var (code, stderr) = Run(null, new Dictionary<string, string> { ["EDGELAM__Mqtt__Keepalive"] = "1" });

        Assert.Equal(78, code);
        Assert.Contains("Mqtt:Keepalive = \"1\"", stderr, StringComparison.Ordinal);
    }

    [AotFact]
    public void Run_BadCommandLineOverride_Exits78NamingTheKey()
    {
        var (code, stderr) = Run(null, null, "run", "--Metrics:Enabled=perhaps");

        Assert.Equal(78, code);
        Assert.Contains("Metrics:Enabled = \"perhaps\": must be true or false", stderr, StringComparison.Ordinal);
    }

    [AotFact]
    public void Run_SeveralProblems_ReportsEveryOne()
    {
        var (code, stderr) = Run("""{ "Mqtt": { "Port": 0, "Keepalive": 0 }, "Model": { "Path": "/nonexistent/m" } }""");

        Assert.Equal(78, code);
        Assert.Contains("Mqtt:Port", stderr, StringComparison.Ordinal);
        Assert.Contains("Mqtt:Keepalive", stderr, StringComparison.Ordinal);
        Assert.Contains("Model:Path", stderr, StringComparison.Ordinal);
        Assert.Contains("3 configuration problem(s)", stderr, StringComparison.Ordinal);
    }

    [AotFact]
    public void Run_ExplicitConfigFileMissing_Exits78()
    {
        var (code, stderr) = Run(null, null, "run", "--config", _dir.Combine("absent.json"));

        Assert.Equal(78, code);
        Assert.Contains("--config", stderr, StringComparison.Ordinal);
    }

    [AotFact]
    public void Doctor_UnreachableBrokerAndCorruptModel_ExitsOneWithFixes()
    {
        var model = _dir.Combine("model");
        Directory.CreateDirectory(model);
        File.WriteAllText(Path.Combine(model, "a.onnx"), "abc");
        File.WriteAllText(Path.Combine(model, "manifest.json"), $$"""{ "files": [ { "path": "a.onnx", "sha256": "{{new string('0', 64)}}" } ] }""");
        var configDir = _dir.Combine("etc");
        Directory.CreateDirectory(configDir);
        File.WriteAllText(Path.Combine(configDir, "edgelam.json"), $$"""{ "Mqtt": { "Host": "127.0.0.1", "Port": 9 }, "Model": { "Path": "{{model}}" } }""");

        using var doctor = new DaemonProcess(configDir, null, "doctor", "--broker-timeout", "2", "--dev", _dir.Combine("dev"));
        var code = doctor.WaitForExit(Patience);

        Assert.Equal(1, code);
        Assert.Contains("FAIL broker: 127.0.0.1:9", doctor.Stdout, StringComparison.Ordinal);
        Assert.Contains("FAIL model: a.onnx: sha256 ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", doctor.Stdout, StringComparison.Ordinal);
        Assert.Contains("     fix: ", doctor.Stdout, StringComparison.Ordinal);
        // The hand-written manifest lists files but no segments: `edgelam run` could not serve it either.
        Assert.Contains("FAIL config: Model:Path = \"" + model + "\": must be a split model directory", doctor.Stdout, StringComparison.Ordinal);
        Assert.Contains("3 problem(s) found", doctor.Stdout, StringComparison.Ordinal);
    }
}
