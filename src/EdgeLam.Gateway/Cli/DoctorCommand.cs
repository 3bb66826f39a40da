using System.CommandLine;
using EdgeLam.Gateway.Hosting;
using EdgeLam.Hosting.Configuration;
using EdgeLam.Hosting.Doctor;
using EdgeLam.Onnx.Interop;
using EdgeLam.Transport.Mqtt;

namespace EdgeLam.Gateway.Cli;

/// <summary><c>edgelam doctor</c>: checks the installation and prints each problem with its fix.</summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "Main configuration file (default: CONFIG_DIR/edgelam.json)" };
        var configDir = new Option<string?>("--config-dir") { Description = "Configuration directory (default: $EDGELAM_CONFIG_DIR or /etc/edgelam)" };
        var devDir = new Option<string>("--dev") { Description = "Device directory to inspect", DefaultValueFactory = _ => "/dev" };
        var timeout = new Option<double>("--broker-timeout") { Description = "Seconds to wait for the broker", DefaultValueFactory = _ => 3 };
        var certificateDays = new Option<int>("--cert-warn-days") { Description = "Warn when a configured TLS certificate expires within this many days", DefaultValueFactory = _ => 30 };
        var command = new Command("doctor", "Check native libraries, broker, credentials, certificate expiry, model files, devices and clock; exit 1 on problems.")
        {
            config,
            configDir,
            devDir,
            timeout,
            certificateDays,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var layout = ConfigLayout.ForProcess(parseResult.GetValue(configDir), parseResult.GetValue(config), [.. parseResult.UnmatchedTokens]);
            var root = EdgeLamConfiguration.Build(layout, out var layerProblems);
            var settings = EdgeLamSettings.Bind(root, DaemonSections.Binders, out var valueProblems);
            var findings = new List<DoctorFinding>();
            foreach (var p in layerProblems.Concat(valueProblems))
            {
                findings.Add(DoctorFinding.Problem("config", p.ToString(), $"correct it in {layout.MainFile} or {layout.DropInDirectory}/"));
            }

            if (findings.Count == 0)
            {
                findings.Add(DoctorFinding.Ok("config", $"valid (node {settings.Node.Name}, board {settings.Board.Name}, from {layout.ConfigDirectory})"));
            }

            var repo = ConfigLayout.FindRepositoryRoot();
            findings.AddRange(await DoctorRunner.RunAsync(
                new DoctorContext
                {
                    Settings = settings,
                    ApplicationDirectory = AppContext.BaseDirectory,
                    DevelopmentOnnxRuntimeDirectory = repo is null ? null : Path.Combine(repo, "native", "onnxruntime"),
                    DeviceDirectory = parseResult.GetValue(devDir)!,
                    BrokerTimeout = TimeSpan.FromSeconds(parseResult.GetValue(timeout)),
                    CertificateWarning = TimeSpan.FromDays(Math.Max(0, parseResult.GetValue(certificateDays))),
                },
                context => OnnxRuntimeDoctorCheck.Run(context, settings.Section<OnnxRuntimeOptions>()),
                async (context, ct) =>
                {
                    var mqtt = settings.Section<MqttClientOptions>();
                    return [.. await BrokerCheck.RunAsync(context, mqtt, ct).ConfigureAwait(false), .. CertificateCheck.Run(context, mqtt.Tls)];
                },
                cancellationToken).ConfigureAwait(false));

            foreach (var f in findings)
            {
                Console.WriteLine(f);
            }

            var problems = findings.Count(f => f.Severity == DoctorSeverity.Problem);
            Console.WriteLine(problems == 0 ? "no problems found" : $"{problems} problem(s) found");
            return problems == 0 ? ExitCodes.Ok : ExitCodes.Problems;
        });
        return command;
    }
}
