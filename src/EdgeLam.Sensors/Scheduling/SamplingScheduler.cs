using EdgeLam.Sensors.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLam.Sensors.Scheduling;

/// <summary>
/// Runs every source at its rate from one dedicated thread. The thread sleeps until shortly before the earliest due
/// time, then yields until it is reached, and records each read's lateness (actual start − due time) as jitter. A tick
/// that falls more than a period behind is skipped and counted, never queued. A failing source (any
/// <see cref="SensorException"/>, or any other exception from a driver) is marked degraded, emits Missing|Degraded
/// samples on its ticks and is retried after an exponential backoff; the thread never dies of a sensor.
/// <see cref="Step"/> is public so tests drive the same logic with virtual time.
/// </summary>
public sealed partial class SamplingScheduler : IDisposable
{
    private readonly ScheduledSource[] _sources;
    private readonly ISampleSink _sink;
    private readonly ILogger _logger;
    private readonly ManualResetEventSlim _stop = new(false);
    private readonly long _spinThresholdNs;
    private Thread? _thread;

    public SamplingScheduler(IReadOnlyList<ScheduledSource> sources, ISampleSink sink, ILogger? logger = null, TimeSpan? spinThreshold = null)
    {
        _sources = [.. sources];
        _sink = sink;
        _logger = logger ?? NullLogger.Instance;
        _spinThresholdNs = (long)(spinThreshold ?? TimeSpan.FromMilliseconds(1.5)).TotalNanoseconds;
    }

    public IReadOnlyList<ScheduledSource> Sources => _sources;

    public bool IsRunning => _thread is { IsAlive: true };

    /// <summary>Aligns every source's first tick to <paramref name="startNs"/>.</summary>
    public void Reset(long startNs)
    {
        foreach (var s in _sources)
        {
            s.NextDueNs = startNs;
        }
    }

    /// <summary>The earliest due time of any source.</summary>
    public long NextDueNs
    {
        get
        {
            var next = long.MaxValue;
            foreach (var s in _sources)
            {
                next = Math.Min(next, s.NextDueNs);
            }

            return next;
        }
    }

    public void Start()
    {
        if (_thread is not null)
        {
            throw new InvalidOperationException("scheduler already started");
        }

        Reset(MonotonicClock.NowNs + 1_000_000);
        _thread = new Thread(Run) { IsBackground = true, Name = "edgelam-sampling", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    public void Stop()
    {
        _stop.Set();
        _thread?.Join();
    }

    public void Dispose()
    {
        Stop();
        _stop.Dispose();
    }

    /// <summary>
    /// Reads every source due at <paramref name="nowNs"/> (timestamps are the due times; with
    /// <paramref name="recordJitter"/> the lateness of each read's start against the clock is recorded). Returns the
    /// number of reads performed.
    /// </summary>
    public int Step(long nowNs, bool recordJitter = false)
    {
        var reads = 0;
        for (var i = 0; i < _sources.Length; i++)
        {
            var s = _sources[i];
            if (s.NextDueNs > nowNs)
            {
                continue;
            }

            var due = s.NextDueNs;
            if (recordJitter)
            {
                // Lateness of this read's actual start (sources due together are read one after the other).
                s.Jitter.Record(MonotonicClock.NowNs - due);
            }

            ReadOne(i, s, due, nowNs);
            reads++;
            s.NextDueNs = due + s.PeriodNs;
            while (s.NextDueNs <= nowNs)
            {
                s.NextDueNs += s.PeriodNs;
                s.MissedTicks++;
            }
        }

        return reads;
    }

    private void ReadOne(int index, ScheduledSource s, long timestampNs, long nowNs)
    {
        var buffer = s.Buffer.AsSpan();
        if (!s.Health.ShouldAttempt(nowNs))
        {
            EmitMissing(index, s, timestampNs);
            return;
        }

        try
        {
            s.Source.Read(timestampNs, buffer);
            s.Reads++;
            if (s.Health.Succeed())
            {
                LogRecovered(_logger, s.Source.Name, s.Health.TotalFailures);
            }

            s.Quality.Apply(buffer);
            _sink.OnSamples(index, buffer);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var fault = e is SensorException se ? se.Fault : SensorFault.Io;
            if (s.Health.Fail(nowNs, fault, e.Message))
            {
                LogDegraded(_logger, s.Source.Name, fault, e.Message);
            }
            else
            {
                LogRetryFailed(_logger, s.Source.Name, s.Health.ConsecutiveFailures, s.Health.CurrentBackoffNs / 1_000_000);
            }

            EmitMissing(index, s, timestampNs);
        }
    }

    private void EmitMissing(int index, ScheduledSource s, long timestampNs)
    {
        var buffer = s.Buffer.AsSpan();
        buffer.Fill(SensorSample.Missing(timestampNs, SampleQuality.Degraded));
        _sink.OnSamples(index, buffer);
    }

    private void Run()
    {
        while (!_stop.IsSet)
        {
            var due = NextDueNs;
            var remaining = due - MonotonicClock.NowNs;
            if (remaining > _spinThresholdNs)
            {
                if (_stop.Wait(TimeSpan.FromTicks((remaining - _spinThresholdNs + 999_999) / 100)))
                {
                    break;
                }

                continue;
            }

            while (MonotonicClock.NowNs < due)
            {
                Thread.Yield();
            }

            Step(MonotonicClock.NowNs, recordJitter: true);
        }
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "Sensor {Source} degraded ({Fault}): {Error}")]
    private static partial void LogDegraded(ILogger logger, string source, SensorFault fault, string error);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Debug, Message = "Sensor {Source} retry failed ({Failures} in a row), next attempt in {BackoffMs} ms")]
    private static partial void LogRetryFailed(ILogger logger, string source, int failures, long backoffMs);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Information, Message = "Sensor {Source} recovered after {Failures} failures")]
    private static partial void LogRecovered(ILogger logger, string source, long failures);
}
