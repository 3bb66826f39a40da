using EdgeLam.Testing;

namespace EdgeLam.Gateway.Tests.Cli;

/// <summary><c>edgelam plan simulate</c> on a shared export (phi3-torchscript: 3 decoder layers) and a what-if site file.</summary>
public sealed class PlanSimulateCommandTests
{
    private static string Phi3 => Path.Combine(TestPaths.SharedModels, "phi3-torchscript", "model.onnx");

    [Fact]
    public void Simulate_VerySlowGatewayFastPeer_GatewayKeepsOnlyThePrivacyFloor()
    {
        // The gateway does 1 MFLOP/s, the peer 1 TFLOP/s, the link is 1 ms and 1 GB/s: every block beyond the floor
        // costs the gateway far more than handing it over, so the gateway keeps block 0 and the peer the other two.
        using var dir = new TempDirectory();
        var nodes = dir.Combine("site.json");
        File.WriteAllText(nodes, Site(gatewayMemory: 1_000_000_000));

        var result = EdgeLamProcess.Run(EdgeLamProcess.JitBinary, ["plan", "simulate", "--model", Phi3, "--nodes", nodes]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("best: gw[0,1) -raw-> peer[1,3)+head", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("alternatives (best plan of each other node set):", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("  gw[0,3)+head  decode step ", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Simulate_GatewayCannotHoldTheFloor_ExitsOneNamingTheConstraint()
    {
        using var dir = new TempDirectory();
        var nodes = dir.Combine("site.json");
        File.WriteAllText(nodes, Site(gatewayMemory: 1));

        var result = EdgeLamProcess.Run(EdgeLamProcess.JitBinary, ["plan", "simulate", "--model", Phi3, "--nodes", nodes]);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.StartsWith("no plan: PrivacyFloor: ", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Simulate_BrokenSiteFile_ExitsTwoNamingEveryBadKey()
    {
        using var dir = new TempDirectory();
        var nodes = dir.Combine("site.json");
        File.WriteAllText(nodes, """{ "nodes": [ { "id": "gw", "gateway": true, "memoryBytes": 10 }, { "id": "p", "decodeGflops": 1, "memoryBytes": -3 } ] }""");

        var result = EdgeLamProcess.Run(EdgeLamProcess.JitBinary, ["plan", "simulate", "--model", Phi3, "--nodes", nodes]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(nodes + ": nodes[0].decodeMsPerUnit: is required", result.StandardError, StringComparison.Ordinal);
        Assert.Contains(nodes + ": nodes[1].memoryBytes: ", result.StandardError, StringComparison.Ordinal);
        Assert.Empty(result.StandardOutput);
    }

    [Fact]
    public void Simulate_NotJson_ExitsTwo()
    {
        using var dir = new TempDirectory();
        var nodes = dir.Combine("site.json");
        File.WriteAllText(nodes, "nodes: gw");

        var result = EdgeLamProcess.Run(EdgeLamProcess.JitBinary, ["plan", "simulate", "--model", Phi3, "--nodes", nodes]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith("edgelam plan simulate: ", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void Simulate_ExampleSiteOfTheDocs_IsValidAndPlans()
    {
        var doc = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docs", "orchestration.md"));
        var start = doc.IndexOf("```jsonc\n", doc.IndexOf("## What-if", StringComparison.Ordinal), StringComparison.Ordinal) + "```jsonc\n".Length;
        using var dir = new TempDirectory();
        var nodes = dir.Combine("site.json");
        File.WriteAllText(nodes, doc[start..doc.IndexOf("```", start, StringComparison.Ordinal)]);

        var result = EdgeLamProcess.Run(EdgeLamProcess.JitBinary, ["plan", "simulate", "--model", Phi3, "--nodes", nodes]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("best: gw[0,", result.StandardOutput, StringComparison.Ordinal);
    }

    private static string Site(long gatewayMemory) => $$"""
        {
          // what-if: a weak gateway and one strong peer
          "nodes": [
            { "id": "gw", "gateway": true, "decodeGflops": 0.001, "memoryBytes": {{gatewayMemory}} },
            { "id": "peer", "decodeGflops": 1000, "memoryBytes": 1000000000 }
          ],
          "defaultLink": { "roundTripMs": 1, "bytesPerSecond": 1000000000 },
          "constraints": { "privacyFloor": 1, "codecs": ["raw"] },
        }
        """;
}
