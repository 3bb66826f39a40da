using System.Diagnostics;
using System.Globalization;
using EdgeLam.Fuzz.Tests.Fuzzing;
using EdgeLam.Fuzz.Tests.Targets;

// Long fuzzing mode: `dotnet run -c Release --project bench/EdgeLam.Fuzz.Bench -- [CASES] [TARGET ...]`
// (default 1 000 000 cases per target, every target). Prints one line of counts per target; exit 1 on any crash.
var cases = args.Length > 0 && long.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 1_000_000;
var names = args.Skip(args.Length > 0 && char.IsAsciiDigit(args[0][0]) ? 1 : 0).ToHashSet(StringComparer.Ordinal);
var repoRoot = Environment.GetEnvironmentVariable("EDGELAM_REPO_ROOT") ?? Directory.GetCurrentDirectory();
var phi3 = Path.GetFullPath(Path.Combine(repoRoot, "..", "shared", "models", "phi3-torchscript", "model.onnx"));

using var configuration = new ConfigurationTarget();
FuzzTarget[] targets =
[
    new FrameTarget(),
    new ControlMessageTarget(),
    ManifestTarget.FromModel(phi3),
    new SiteScenarioTarget(),
    new MqttReadingTarget(),
    new EnvelopeTarget(),
    new OfflineRecordTarget(),
    configuration,
];

var crashed = false;
foreach (var target in targets.Where(t => names.Count == 0 || names.Contains(t.Name)))
{
    var watch = Stopwatch.StartNew();
    var report = FuzzRunner.Run(target, cases, seed: 1);
    Console.WriteLine($"{report}  ({watch.Elapsed.TotalSeconds:0.0} s)");
    crashed |= report.Crashes > 0;
}

return crashed ? 1 : 0;
