using EdgeLam.Hosting.Configuration;
using EdgeLam.Testing;

namespace EdgeLam.Hosting.Tests;

public sealed class EdgeLamConfigurationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string ConfigDir => _dir.Combine("etc");

    private string BoardsDir => _dir.Combine("boards");

    public EdgeLamConfigurationTests()
    {
        Directory.CreateDirectory(Path.Combine(ConfigDir, "conf.d"));
        Directory.CreateDirectory(BoardsDir);
    }

    public void Dispose() => _dir.Dispose();

    private ConfigLayout Layout(IReadOnlyList<string>? commandLine = null, string? explicitFile = null) => new()
    {
        ConfigDirectory = ConfigDir,
        ExplicitMainFile = explicitFile,
        CommandLine = commandLine ?? [],
        UseEnvironment = false,
        BoardDirectories = [Path.Combine(ConfigDir, "boards"), BoardsDir],
    };

    private void Write(string relative, string json) => File.WriteAllText(Path.Combine(ConfigDir, relative), json);

    [Fact]
    public void Build_NoFilesAtAll_GivesDefaults()
    {
        var root = EdgeLamConfiguration.Build(Layout(), out var problems);

        Assert.Empty(problems);
        Assert.Equal("sim", root["Board:Name"]);
        Assert.Equal("localhost", root["Mqtt:Host"]);
    }

    [Fact]
    public void Build_Layers_LaterLayersWin()
    {
        File.WriteAllText(Path.Combine(BoardsDir, "pi5.json"), """{ "Board": { "Name": "pi5" }, "Mqtt": { "Host": "board", "Port": 1 }, "Onnx": { "Threads": 4 } }""");
        Write("edgelam.json", """{ "Board": { "Name": "pi5" }, "Mqtt": { "Host": "main", "Keepalive": 10 }, "Node": { "Site": "main" } }""");
        Write("conf.d/20-late.json", """{ "Mqtt": { "Host": "dropin-20" } }""");
        Write("conf.d/10-early.json", """{ "Mqtt": { "Host": "dropin-10", "Keepalive": 11 } }""");

        var root = EdgeLamConfiguration.Build(Layout(["--Node:Site=cli"]), out var problems);

        Assert.Empty(problems);
        Assert.Equal("4", root["Onnx:Threads"]);      // only the board sets it
        Assert.Equal("1", root["Mqtt:Port"]);         // board over defaults
        Assert.Equal("dropin-20", root["Mqtt:Host"]); // conf.d in name order, after the main file
        Assert.Equal("11", root["Mqtt:Keepalive"]);
        Assert.Equal("cli", root["Node:Site"]);       // command line last
    }

    [Fact]
    public void Build_BoardInConfigDirectory_ShadowsBundledBoard()
    {
        Directory.CreateDirectory(Path.Combine(ConfigDir, "boards"));
        File.WriteAllText(Path.Combine(ConfigDir, "boards", "pi5.json"), """{ "Memory": { "Budget": "local" } }""");
        File.WriteAllText(Path.Combine(BoardsDir, "pi5.json"), """{ "Memory": { "Budget": "bundled" } }""");

        var root = EdgeLamConfiguration.Build(Layout(["--Board:Name=pi5"]), out var problems);

        Assert.Empty(problems);
        Assert.Equal("local", root["Memory:Budget"]);
    }

    [Fact]
    public void Build_UnknownBoard_NamesBoardNameAndListsKnownBoards()
    {
        File.WriteAllText(Path.Combine(BoardsDir, "pi5.json"), "{}");
        Write("edgelam.json", """{ "Board": { "Name": "pi9" } }""");

        EdgeLamConfiguration.Build(Layout(), out var problems);

        var problem = Assert.Single(problems);
        Assert.Equal("Board:Name", problem.Key);
        Assert.Equal("pi9", problem.Value);
        Assert.Contains("pi5, sim", problem.Allowed, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_BoardNameWithPathSeparators_IsRejected()
    {
        EdgeLamConfiguration.Build(Layout(["--Board:Name=../../etc/passwd"]), out var problems);

        Assert.Equal("Board:Name", Assert.Single(problems).Key);
    }

    [Fact]
    public void Build_MalformedDropIn_NamesTheFileAndPosition()
    {
        Write("edgelam.json", "{}");
        Write("conf.d/50-broken.json", "{ \"Mqtt\": { \"Port\": 1, }\n");

        EdgeLamConfiguration.Build(Layout(), out var problems);

        var problem = Assert.Single(problems);
        Assert.EndsWith("50-broken.json", problem.Key, StringComparison.Ordinal);
        Assert.Contains("LineNumber", problem.Allowed, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ExplicitConfigMissing_IsAProblem()
    {
        EdgeLamConfiguration.Build(Layout(explicitFile: _dir.Combine("nope.json")), out var problems);

        Assert.Equal("--config", Assert.Single(problems).Key);
    }
}
