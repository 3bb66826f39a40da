using System.Text;
using EdgeLam.Fuzz.Tests.Fuzzing;
using EdgeLam.Gateway.Hosting;
using EdgeLam.Hosting.Configuration;
using Microsoft.Extensions.Configuration;

namespace EdgeLam.Fuzz.Tests.Targets;

/// <summary>
/// An operator's <c>edgelam.json</c>: the daemon's JSON layer either refuses the file as malformed or every section
/// is bound and validated (<see cref="EdgeLamSettings.Bind"/> with the daemon's section binders), giving settings or
/// listed problems (exit 78 at start, keep the old settings on reload). Nothing may throw.
/// </summary>
public sealed class ConfigurationTarget : FuzzTarget, IDisposable
{
    // The daemon reads configuration files through the JSON file provider (which reports a malformed file as
    // InvalidDataException), so each input is written to this file and read the same way.
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("edgelam-fuzz-config-");

    public override string Name => "configuration";

    public override IReadOnlyList<byte[]> Seeds { get; } =
    [
        Encoding.UTF8.GetBytes("""
            {
              "Node": { "Id": "gw-1", "Role": "gateway" },
              "Mqtt": { "Host": "localhost", "Port": 1883, "KeepAliveSeconds": 30, "Tls": { "Enabled": false } },
              "Model": { "Path": "/var/lib/edgelam/model" },
              "Metrics": { "Enabled": true, "Port": 9464 },
              "Board": { "Name": "sim" },
              "Onnx": { "IntraOpThreads": 2, "Providers": [ "CPU" ], "GraphOptimizationLevel": "All" },
              "Logging": { "LogLevel": { "Default": "Information" } },
              "Sensors": {
                "Buses": { "i2c1": { "Kind": "i2c", "Path": "/dev/i2c-1", "Simulated": true } },
                "Devices": { "env": { "Driver": "bme280", "Bus": "i2c1", "Address": "0x76", "PollHz": 4 } }
              }
            }
            """),
    ];

    public override FuzzOutcome Run(byte[] input)
    {
        IConfigurationRoot configuration;
        try
        {
            var path = Path.Combine(_dir.FullName, "edgelam.json");
            File.WriteAllBytes(path, input);
            configuration = new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: false).Build();
        }
        catch (Exception e) when (e is InvalidDataException or FormatException)
        {
            // What EdgeLamConfiguration reports as a malformed file (a problem naming the file).
            return FuzzOutcome.Rejected;
        }

        EdgeLamSettings.Bind(configuration, DaemonSections.Binders, out var problems);
        return problems.Count == 0 ? FuzzOutcome.Accepted : FuzzOutcome.Rejected;
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
