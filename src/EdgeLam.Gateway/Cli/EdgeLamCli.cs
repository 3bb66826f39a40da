using System.CommandLine;

namespace EdgeLam.Gateway.Cli;

/// <summary>The `edgelam` command tree. Each command group lives in its own file and adds itself here.</summary>
internal static class EdgeLamCli
{
    public static RootCommand Build()
    {
        var root = new RootCommand("EdgeLam gateway: sensors, split transformer inference over MQTT.");
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(DoctorCommand.Create());
        root.Subcommands.Add(ModelCommands.Create());
        root.Subcommands.Add(GenerateCommand.Create());
        root.Subcommands.Add(SensorsCommands.Create());
        root.Subcommands.Add(NodeCommands.Create());
        root.Subcommands.Add(CertsCommands.Create());
        root.Subcommands.Add(PlanCommands.Create());
        return root;
    }

    public static int Run(string[] args) => Build().Parse(args).Invoke();
}
