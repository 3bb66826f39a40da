using System.Globalization;
using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Scheduling;
using EdgeLam.Sensors.Simulation;

namespace EdgeLam.Sensors.Bench;

/// <summary>N simulated sensors at the same rate on one real-time scheduler thread; lateness percentiles per sensor.</summary>
internal static class JitterBench
{
    public static void Run(int sensors, int rateHz, int seconds)
    {
        var sources = Enumerable.Range(0, sensors)
            .Select(i => new ScheduledSource(
                new SignalSource($"sim{i}", [new SensorChannel("x", "u")], [new SignalOptions { Noise = 0.1 }], rateHz, i),
                rateHz,
                0,
                TimeSpan.FromMilliseconds(100),
                TimeSpan.FromSeconds(1)))
            .ToList();
        var sink = new NullSink();
        using var scheduler = new SamplingScheduler(sources, sink);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        scheduler.Start();
        Thread.Sleep(TimeSpan.FromSeconds(seconds));
        scheduler.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"jitter: {sensors} sensors x {rateHz} Hz for {seconds} s on one scheduler thread"));
        var all = new List<long>();
        foreach (var s in sources)
        {
            all.AddRange(s.Jitter.Snapshot());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {s.Source.Name,-6} reads {s.Reads,6}  missed {s.MissedTicks,4}  p50 {Us(s.Jitter.Percentile(50)),8:F1} us  p99 {Us(s.Jitter.Percentile(99)),8:F1} us  max {Us(s.Jitter.Percentile(100)),8:F1} us"));
        }

        all.Sort();
        long P(double p) => all.Count == 0 ? 0 : all[Math.Clamp((int)Math.Ceiling(p / 100 * all.Count) - 1, 0, all.Count - 1)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  ALL    samples {all.Count,6}  p50 {Us(P(50)):F1} us  p99 {Us(P(99)):F1} us  max {Us(P(100)):F1} us  allocated {allocated / 1024.0:F1} KiB total ({(double)allocated / Math.Max(1, all.Count):F1} B/read)"));
    }

    private static double Us(long ns) => ns / 1000.0;

    private sealed class NullSink : ISampleSink
    {
        public void OnSamples(int sourceIndex, ReadOnlySpan<SensorSample> samples)
        {
        }
    }
}
