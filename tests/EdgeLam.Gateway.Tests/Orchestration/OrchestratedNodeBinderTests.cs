using EdgeLam.Gateway.Hosting;
using EdgeLam.Testing;
using EdgeLam.Transport.Layouts;
using EdgeLam.Transport.Tests.Layouts;

namespace EdgeLam.Gateway.Tests.Orchestration;

/// <summary>The <c>Node</c> keys of an orchestrated node (<c>Orchestration:Enabled</c>), bound with the daemon's other sections.</summary>
[Collection(nameof(LiveLayoutCollection))]
public sealed class OrchestratedNodeBinderTests(LiveLayoutFixture model)
{
    [Fact]
    public void Bind_PerBlockSplit_OrchestratedWithNoSegments()
    {
        var node = DaemonSettings.Valid(("Orchestration:Enabled", "true"), ("Node:Role", "gateway"), ("Model:Path", model.PerBlock)).Section<NodeSettings>();

        Assert.True(node.IsOrchestrated);
        Assert.Equal(LayoutRole.Gateway, node.Stage!.Orchestrated);
        Assert.Equal(Path.GetFullPath(model.PerBlock), node.Stage.ModelDirectory);
        Assert.Equal("none", node.Segments);
        Assert.Null(node.Export);
    }

    [Fact]
    public void Bind_ExportWithWorkDirectory_SplitGoesThere()
    {
        using var work = new TempDirectory();
        var node = DaemonSettings.Valid(("Orchestration:Enabled", "true"), ("Node:Role", "peer"), ("Model:Path", model.Export), ("Model:WorkDirectory", work.Path)).Section<NodeSettings>();

        Assert.Equal(LayoutRole.Peer, node.Stage!.Orchestrated);
        Assert.Equal(new PerBlockExport(Path.GetFullPath(model.Export), Path.GetFullPath(work.Path)), node.Export);
        Assert.Equal(Path.Combine(work.Path, "blocks-all"), node.Stage.ModelDirectory);
    }

    [Theory]
    [InlineData("Node:Segments", "0-1", "Node:Role", "gateway", "Node:Segments = \"0-1\": must be unset with Orchestration:Enabled true")]
    [InlineData("Node:PlanEpoch", "3", "Node:Role", "peer", "Node:PlanEpoch = \"3\": must be unset")]
    [InlineData("Node:Role", "auto", "Node:Name", "n1", "Node:Role = \"auto\": must be gateway or peer")]
    public void Bind_StaticKeyOrAutoRole_ProblemNamesTheKey(string key, string value, string otherKey, string otherValue, string expected)
    {
        DaemonSettings.Bind(DaemonSettings.Config(("Orchestration:Enabled", "true"), (key, value), (otherKey, otherValue), ("Model:Path", model.PerBlock)), out var problems);

        Assert.Contains(problems, p => p.ToString().StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Bind_ExportWithoutWorkDirectory_ProblemNamesWorkDirectory()
    {
        if (Environment.GetEnvironmentVariable("STATE_DIRECTORY") is not null)
        {
            return; // under systemd the state directory is the default
        }

        DaemonSettings.Bind(DaemonSettings.Config(("Orchestration:Enabled", "true"), ("Node:Role", "peer"), ("Model:Path", model.Export)), out var problems);

        Assert.Contains(problems, p => p.Key == "Model:WorkDirectory");
    }
}
