using BenchmarkDotNet.Running;

namespace EdgeLam.Benchmarks;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project bench/EdgeLam.Benchmarks -- --filter '*' --job short</c>.
/// <c>-- frame-sizes</c> prints the bytes per frame for each codec instead of benchmarking; <c>-- split-profile [RUNS]</c>
/// prints where a split prefill's time goes;
/// <c>-- range-profile [STEPS]</c> alternates per-block and unsplit decode steps.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length > 0 && args[0] == "frame-sizes")
        {
            Wire.FrameSizeReport.Print(Console.Out);
            return 0;
        }

        if (args.Length > 0 && args[0] == "split-profile")
        {
            SplitProfile.Print(Console.Out, args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20);
            return 0;
        }

        if (args.Length > 0 && args[0] == "range-profile")
        {
            RangeProfile.Print(Console.Out, args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 400);
            return 0;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, BenchConfig.Create());
        return 0;
    }
}
