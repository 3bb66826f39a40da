using System.Diagnostics;
using System.Numerics;
using EdgeLam.Inference.Chain;
using EdgeLam.Onnx.Model.Costs;

namespace EdgeLam.Gateway.Hosting;

/// <summary>
/// The start-up micro-benchmark that estimates a node's compute before it has run a step of its own: a float32
/// matrix-vector product (like a decode step: every weight read once per position) and a matrix product of
/// <see cref="Positions"/> columns (like a prefill), each the median of a few runs, a few milliseconds in all. Gives
/// milliseconds per compute unit of the model's cost table (FLOPs per token, or weight bytes).
/// </summary>
internal static class ComputeBenchmark
{
    public const int Rows = 256;
    public const int Columns = 1024;
    public const int Positions = 16;
    private const int Runs = 5;

    /// <summary>The node's estimated rate: decode, and prefill per position.</summary>
    public sealed record Rate(double DecodeMsPerFlop, double PrefillMsPerPositionPerFlop)
    {
        /// <summary>Milliseconds per unit of <paramref name="unit"/> (<see cref="ModelCostTable.FlopsUnit"/> or weight bytes).</summary>
        public (double Decode, double Prefill) PerUnit(string unit) =>
            unit == ModelCostTable.WeightBytesUnit
                ? (DecodeMsPerFlop * FlopsPerWeightByte, PrefillMsPerPositionPerFlop * FlopsPerWeightByte)
                : (DecodeMsPerFlop, PrefillMsPerPositionPerFlop);

        // One float32 weight (4 bytes) takes part in one multiply-add (2 FLOPs) per position.
        private const double FlopsPerWeightByte = 0.5;
    }

    /// <summary>Measures the rate; with <paramref name="throttle"/> above 1 each run is slowed as the node's steps are (<see cref="StepThrottle"/>).</summary>
    public static Rate Run(double throttle = StepThrottle.None)
    {
        var matrix = new float[Rows * Columns];
        for (var i = 0; i < matrix.Length; i++)
        {
            matrix[i] = ((i % 13) - 6) * 0.01f;
        }

        var x = new float[Positions * Columns];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = ((i % 7) - 3) * 0.1f;
        }

        var y = new float[Positions * Rows];
        const double flops = 2.0 * Rows * Columns;
        var decode = Median(() => Multiply(matrix, x, y, 1), throttle);
        var prefill = Median(() => Multiply(matrix, x, y, Positions), throttle);
        return new Rate(decode / flops, prefill / Positions / flops);
    }

    private static double Median(Action run, double throttle)
    {
        run(); // warm caches (and the JIT where there is one)
        var ms = new double[Runs];
        for (var r = 0; r < Runs; r++)
        {
            var start = Stopwatch.GetTimestamp();
            run();
            _ = StepThrottle.Wait(throttle, Stopwatch.GetTimestamp() - start);
            ms[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        Array.Sort(ms);
        return Math.Max(ms[Runs / 2], 1e-6);
    }

    /// <summary>y[p] = matrix · x[p] for the first <paramref name="positions"/> columns; a row is reused for every position while cached.</summary>
    private static void Multiply(float[] matrix, float[] x, float[] y, int positions)
    {
        var width = Vector<float>.Count;
        for (var r = 0; r < Rows; r++)
        {
            var row = matrix.AsSpan(r * Columns, Columns);
            for (var p = 0; p < positions; p++)
            {
                var column = x.AsSpan(p * Columns, Columns);
                var sum = Vector<float>.Zero;
                var c = 0;
                for (; c <= Columns - width; c += width)
                {
                    sum += new Vector<float>(row[c..]) * new Vector<float>(column[c..]);
                }

                var total = Vector.Sum(sum);
                for (; c < Columns; c++)
                {
                    total += row[c] * column[c];
                }

                y[(p * Rows) + r] = total;
            }
        }
    }
}
