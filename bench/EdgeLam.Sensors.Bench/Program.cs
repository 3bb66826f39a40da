using System.Diagnostics;
using System.Globalization;
using EdgeLam.Onnx.Interop;
using EdgeLam.Sensors.Bench;
using EdgeLam.Sensors.Configuration;

var seconds = Arg(args, "--seconds", 10);
var sensors = Arg(args, "--sensors", 10);
var rate = Arg(args, "--rate", 100);
var iterations = Arg(args, "--iterations", 5000);

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"EdgeLam sensors bench: {Environment.ProcessorCount} cores, .NET {Environment.Version}, Stopwatch {Stopwatch.Frequency} Hz"));
JitterBench.Run(sensors, rate, seconds);

var board = BoardProfile.Locate("sim") ?? throw new InvalidOperationException("boards/sim.json not found");
OnnxRuntime? ort = null;
try
{
    ort = OnnxRuntime.Create(new OnnxRuntimeOptions { IntraOpThreads = 1 });
}
catch (Exception e) when (e is DllNotFoundException or InvalidOperationException)
{
    Console.WriteLine("ONNX Runtime unavailable, patch encoder skipped: " + e.Message);
}

using (ort)
{
    TokenizationBench.Run(BoardProfile.Load(board).Sensors, iterations, ort);
}

static int Arg(string[] args, string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
