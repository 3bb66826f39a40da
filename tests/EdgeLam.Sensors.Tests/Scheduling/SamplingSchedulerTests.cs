using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Scheduling;
using EdgeLam.Sensors.Simulation;

namespace EdgeLam.Sensors.Tests.Scheduling;

public class SamplingSchedulerTests
{
    [Fact]
    public void Step_VirtualTime_ReadsEachSourceAtItsRate()
    {
        var fast = Source("fast", 100);
        var slow = Source("slow", 10);
        var sink = new CountingSink(2);
        using var scheduler = new SamplingScheduler([fast, slow], sink);
        scheduler.Reset(0);

        while (scheduler.NextDueNs < 1_000_000_000)
        {
            scheduler.Step(scheduler.NextDueNs);
        }

        Assert.Equal(100, sink.Counts[0]);
        Assert.Equal(10, sink.Counts[1]);
        Assert.Equal(990_000_000, sink.LastTimestamp[0]);
    }

    [Fact]
    public void Step_LateByMoreThanAPeriod_SkipsMissedTicksInsteadOfBursting()
    {
        var s = Source("s", 100);
        var sink = new CountingSink(1);
        using var scheduler = new SamplingScheduler([s], sink);
        scheduler.Reset(0);

        scheduler.Step(55_000_000);

        Assert.Equal(1, sink.Counts[0]);
        Assert.Equal(5, s.MissedTicks);
        Assert.Equal(60_000_000, s.NextDueNs);
    }

    [Fact]
    public void FailingSource_DegradesEmitsMissingAndBacksOffExponentially()
    {
        var failing = new FlakySource { FailuresLeft = 4 };
        var s = new ScheduledSource(failing, 100, 0, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(150));
        var sink = new CountingSink(1);
        using var scheduler = new SamplingScheduler([s], sink);
        scheduler.Reset(0);
        var attempts = new List<long>();
        for (long t = 0; t < 1_000_000_000; t += 10_000_000)
        {
            var before = failing.Attempts;
            scheduler.Step(t);
            if (failing.Attempts > before)
            {
                attempts.Add(t / 1_000_000);
            }
        }

        // Failures at 0, 50, 150, 300 ms (backoff 50, 100, 150 capped); success at 450 ms, then every tick.
        Assert.Equal([0L, 50, 150, 300, 450], attempts.Take(5));
        Assert.Equal(SensorState.Healthy, s.Health.State);
        Assert.Equal(4, s.Health.TotalFailures);
        Assert.Equal(1, s.Health.Recoveries);
        Assert.Equal(100, sink.Counts[0]); // a sample set every tick, Missing while degraded
        Assert.Equal(45, sink.Missing);
    }

    [Fact]
    public void SourceThrowingUnexpectedException_DoesNotKillScheduler()
    {
        var s = new ScheduledSource(new FlakySource { FailuresLeft = 1, Throw = () => new InvalidOperationException("driver bug") }, 10, 0, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1));
        var sink = new CountingSink(1);
        using var scheduler = new SamplingScheduler([s], sink);
        scheduler.Reset(0);

        scheduler.Step(0);
        scheduler.Step(100_000_000);

        Assert.Equal(SensorFault.Io, s.Health.LastFault);
        Assert.Equal(SensorState.Healthy, s.Health.State);
    }

    [Fact]
    public void Start_RealTime_RunsAndStops()
    {
        var s = Source("s", 200);
        var sink = new CountingSink(1);
        using var scheduler = new SamplingScheduler([s], sink);
        scheduler.Start();
        SpinWait.SpinUntil(() => sink.Counts[0] >= 5, TimeSpan.FromSeconds(10));
        scheduler.Stop();

        Assert.True(sink.Counts[0] >= 5);
        Assert.False(scheduler.IsRunning);
        Assert.True(s.Jitter.Recorded >= 5);
    }

    [Fact]
    public void JitterRecorder_Percentiles_NearestRank()
    {
        var r = new JitterRecorder(100);
        for (var i = 1; i <= 100; i++)
        {
            r.Record(i);
        }

        Assert.Equal(50, r.Percentile(50));
        Assert.Equal(99, r.Percentile(99));
        Assert.Equal(100, r.Percentile(100));
    }

    private static ScheduledSource Source(string name, double rate) =>
        new(new SignalSource(name, [new SensorChannel("x", "u")], [new SignalOptions()], rate, 1), rate, 0, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1));

    private sealed class CountingSink(int sources) : ISampleSink
    {
        public int[] Counts { get; } = new int[sources];

        public long[] LastTimestamp { get; } = new long[sources];

        public int Missing { get; private set; }

        public void OnSamples(int sourceIndex, ReadOnlySpan<SensorSample> samples)
        {
            Counts[sourceIndex]++;
            LastTimestamp[sourceIndex] = samples[0].TimestampNs;
            if (samples[0].Quality.HasFlag(SampleQuality.Missing))
            {
                Missing++;
            }
        }
    }

    private sealed class FlakySource : ISensorSource
    {
        public int FailuresLeft { get; set; }

        public int Attempts { get; private set; }

        public Func<Exception> Throw { get; set; } = () => new SensorException(SensorFault.NoAcknowledge, "nack");

        public string Name => "flaky";

        public IReadOnlyList<SensorChannel> Channels { get; } = [new("x", "u")];

        public void Read(long timestampNs, Span<SensorSample> samples)
        {
            Attempts++;
            if (FailuresLeft > 0)
            {
                FailuresLeft--;
                throw Throw();
            }

            samples[0] = new SensorSample(timestampNs, Attempts, SampleQuality.Good);
        }

        public void Dispose()
        {
        }
    }
}
