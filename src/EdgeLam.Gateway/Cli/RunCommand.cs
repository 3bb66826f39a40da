using System.CommandLine;
using EdgeLam.Gateway.Hosting;
using EdgeLam.Hosting.Configuration;

namespace EdgeLam.Gateway.Cli;

/// <summary><c>edgelam run</c>: the daemon (systemd Type=notify service).</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "Main configuration file (default: CONFIG_DIR/edgelam.json, optional)" };
        var configDir = new Option<string?>("--config-dir")
        {
            Description = $"Configuration directory with edgelam.json, conf.d/ and boards/ (default: ${ConfigLayout.ConfigDirectoryVariable} or {ConfigLayout.DefaultConfigDirectory})",
        };
        var command = new Command("run", "Run the gateway service. Extra --Section:Key=value arguments override configuration.")
        {
            config,
            configDir,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(parseResult => DaemonHost.Run(
            ConfigLayout.ForProcess(parseResult.GetValue(configDir), parseResult.GetValue(config), [.. parseResult.UnmatchedTokens])));
        return command;
    }
}
