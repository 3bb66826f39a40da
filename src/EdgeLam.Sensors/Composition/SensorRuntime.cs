using System.Threading.Channels;
using EdgeLam.Sensors.Configuration;
using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Mqtt;
using EdgeLam.Sensors.Quality;
using EdgeLam.Sensors.Replay;
using EdgeLam.Sensors.Scheduling;
using EdgeLam.Sensors.Windows;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLam.Sensors.Composition;

/// <summary>Called on the producing thread for every reading of a polled source (after quality flags).</summary>
public delegate void SamplesObserver(string source, IReadOnlyList<SensorChannel> channels, ReadOnlySpan<SensorSample> samples);

/// <summary>
/// The sensor side of the gateway, built from <see cref="SensorsOptions"/>: polled devices on one
/// <see cref="SamplingScheduler"/>, pushed devices (replay files, MQTT readings), and per-stream windowers. Completed
/// windows are cloned into a bounded channel (<see cref="Windows"/>, drop-oldest) for the tokenizers and the pipeline.
/// Each stream is fed by exactly one producer thread (its device's), so windowers need no locks.
/// </summary>
public sealed partial class SensorRuntime : ISampleSink, IDisposable
{
    private readonly List<StreamState>[] _streamsBySource;
    private readonly List<StreamState> _streams = [];
    private readonly Dictionary<string, PushDevice> _push = new(StringComparer.Ordinal);
    private readonly Channel<SensorWindow> _windows;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _tasks = [];

    private SensorRuntime(SensorsOptions options, IReadOnlyList<ScheduledSource> polled, ILogger logger, int windowQueue)
    {
        Options = options;
        _logger = logger;
        Scheduler = new SamplingScheduler(polled, this, logger);
        _streamsBySource = new List<StreamState>[polled.Count];
        for (var i = 0; i < polled.Count; i++)
        {
            _streamsBySource[i] = [];
        }

        _windows = Channel.CreateBounded<SensorWindow>(new BoundedChannelOptions(windowQueue) { FullMode = BoundedChannelFullMode.DropOldest });
    }

    public SensorsOptions Options { get; }

    public SamplingScheduler Scheduler { get; }

    public IReadOnlyList<StreamState> Streams => _streams;

    /// <summary>Stream names in configuration order (the separator order of <see cref="Tokenization.TokenSequence"/>).</summary>
    public IReadOnlyList<string> StreamOrder => [.. _streams.Select(s => s.Name)];

    public ChannelReader<SensorWindow> Windows => _windows.Reader;

    public SamplesObserver? Observer { get; set; }

    /// <summary>The MQTT seam of each <c>mqtt</c> device, by device name (the MQTT client hands messages to these).</summary>
    public IReadOnlyDictionary<string, IMqttReadingSink> MqttSinks =>
        _push.Where(p => p.Value.Mqtt is not null).ToDictionary(p => p.Key, p => (IMqttReadingSink)p.Value.Mqtt!);

    public static SensorRuntime Create(SensorsOptions options, ILogger? logger = null, int windowQueue = 256)
    {
        var errors = SensorsOptionsValidator.Validate(options);
        if (errors.Count > 0)
        {
            throw new SensorsConfigurationException([.. errors.Select(e => e.ToString())]);
        }

        logger ??= NullLogger.Instance;
        var backoff = TimeSpan.FromSeconds(options.InitialBackoffSeconds);
        var maxBackoff = TimeSpan.FromSeconds(options.MaxBackoffSeconds);
        var polled = new List<ScheduledSource>();
        var sourceIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var pushDevices = new List<(string Name, DeviceOptions Options)>();
        foreach (var (name, d) in options.Devices)
        {
            if (d.Driver is "replay" or "mqtt")
            {
                pushDevices.Add((name, d));
                continue;
            }

            ReconnectingSource source;
            try
            {
                source = DeviceFactory.CreatePolled(name, d, options);
            }
            catch (SensorException e)
            {
                LogDeviceSkipped(logger, name, e.Message);
                continue;
            }

            if (source.TryOpen() is { } failure)
            {
                LogDeviceAbsent(logger, name, failure.Fault, failure.Message);
            }

            sourceIndex[name] = polled.Count;
            polled.Add(new ScheduledSource(source, d.RateHz, d.StuckAfter, backoff, maxBackoff));
        }

        foreach (var (name, line) in options.GpioLines)
        {
            var source = DeviceFactory.CreateGpio(name, line, options);
            if (source.TryOpen() is { } failure)
            {
                LogDeviceAbsent(logger, name, failure.Fault, failure.Message);
            }

            sourceIndex[name] = polled.Count;
            polled.Add(new ScheduledSource(source, line.RateHz, 0, backoff, maxBackoff));
        }

        var runtime = new SensorRuntime(options, polled, logger, windowQueue);
        foreach (var (name, d) in pushDevices)
        {
            var channels = DeviceFactory.DescribeChannels(name, d, options);
            runtime._push[name] = new PushDevice(name, d, channels) { Runtime = runtime };
        }

        var index = 0;
        foreach (var (name, s) in options.Streams)
        {
            IReadOnlyList<SensorChannel> deviceChannels;
            double rate;
            List<StreamState> targets;
            if (sourceIndex.TryGetValue(s.Device, out var si))
            {
                deviceChannels = polled[si].Source.Channels;
                rate = polled[si].RateHz;
                targets = runtime._streamsBySource[si];
            }
            else if (runtime._push.TryGetValue(s.Device, out var push))
            {
                deviceChannels = push.Channels;
                rate = 0;
                targets = push.Streams;
            }
            else
            {
                LogStreamSkipped(logger, name, s.Device);
                index++;
                continue;
            }

            var selected = s.Channels.Count == 0
                ? Enumerable.Range(0, deviceChannels.Count).ToArray()
                : [.. s.Channels.Select(c => IndexOf(deviceChannels, c))];
            if (selected.Any(i => i < 0))
            {
                throw new SensorsConfigurationException(
                    [$"Sensors:Streams:{name}:Channels = '{string.Join(",", s.Channels)}': must be channels of {s.Device} ({string.Join(", ", deviceChannels.Select(c => c.Name))})"]);
            }

            var policy = s.BadData switch { "mask" => BadDataPolicy.Mask, "drop" => BadDataPolicy.Drop, _ => BadDataPolicy.Impute };
            var windower = new StreamWindower(name, [.. selected.Select(i => deviceChannels[i])], s.WindowLength, s.Hop, policy, s.MaxBadFraction, rate);
            var state = new StreamState(name, index++, s, windower, selected);
            runtime._streams.Add(state);
            targets.Add(state);
        }

        return runtime;
    }

    /// <summary>Starts the sampling thread, replays and MQTT delivery.</summary>
    public void Start()
    {
        Scheduler.Start();
        foreach (var push in _push.Values)
        {
            if (push.Mqtt is { } mqtt)
            {
                _tasks.Add(mqtt.RunAsync(push, _stop.Token));
            }
            else if (push.Options.Path is { } path)
            {
                _tasks.Add(Task.Run(() => ReplayAsync(push, path), _stop.Token));
            }
        }
    }

    /// <summary>
    /// Runs the polled sources for <paramref name="durationNs"/> of virtual time without sleeping (deterministic:
    /// timestamps are due times), and plays replay devices as fast as possible. For tests, benchmarks and the CLI.
    /// </summary>
    public void RunVirtual(long durationNs, long startNs = 0)
    {
        Scheduler.Reset(startNs);
        var end = startNs + durationNs;
        while (Scheduler.NextDueNs < end)
        {
            Scheduler.Step(Scheduler.NextDueNs);
        }

        foreach (var push in _push.Values)
        {
            if (push.Options.Path is { } path && push.Mqtt is null)
            {
                foreach (var r in ReplayFile.Load(path).Readings)
                {
                    push.OnReading(r);
                }
            }
            else
            {
                push.Mqtt?.DrainTo(push);
            }
        }
    }

    public void Stop()
    {
        _stop.Cancel();
        Scheduler.Stop();
        try
        {
            Task.WaitAll([.. _tasks], TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    public void Dispose()
    {
        Stop();
        Scheduler.Dispose();
        foreach (var s in Scheduler.Sources)
        {
            s.Source.Dispose();
        }

        _stop.Dispose();
    }

    void ISampleSink.OnSamples(int sourceIndex, ReadOnlySpan<SensorSample> samples)
    {
        var source = Scheduler.Sources[sourceIndex].Source;
        Observer?.Invoke(source.Name, source.Channels, samples);
        foreach (var stream in _streamsBySource[sourceIndex])
        {
            var map = stream.DeviceChannels;
            for (var j = 0; j < map.Length; j++)
            {
                stream.Windower.Append(j, samples[map[j]]);
            }

            TakeWindow(stream);
        }
    }

    private void TakeWindow(StreamState stream)
    {
        if (!stream.Windower.IsDue)
        {
            return;
        }

        var outcome = stream.Windower.TryTakeWindow(stream.Buffer);
        if (outcome == WindowOutcome.Emitted)
        {
            _windows.Writer.TryWrite(stream.Buffer.Clone());
        }
        else if (outcome == WindowOutcome.Dropped)
        {
            LogWindowDropped(_logger, stream.Name, stream.Windower.WindowsDropped);
        }
    }

    private async Task ReplayAsync(PushDevice push, string path)
    {
        try
        {
            var file = ReplayFile.Load(path);
            foreach (var error in file.Errors.Take(10))
            {
                LogReplayLine(_logger, push.Name, error);
            }

            await new ReplayPlayer(file, push.Options.Speed, push.Options.Loop).PlayAsync(push, _stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (SensorException e)
        {
            LogDeviceAbsent(_logger, push.Name, e.Fault, e.Message);
        }
    }

    private static int IndexOf(IReadOnlyList<SensorChannel> channels, string name)
    {
        for (var i = 0; i < channels.Count; i++)
        {
            if (channels[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }

    [LoggerMessage(EventId = 7010, Level = LogLevel.Error, Message = "Sensor device {Device} skipped: {Error}")]
    private static partial void LogDeviceSkipped(ILogger logger, string device, string error);

    [LoggerMessage(EventId = 7011, Level = LogLevel.Warning, Message = "Sensor device {Device} not available ({Fault}): {Error}; retrying with backoff")]
    private static partial void LogDeviceAbsent(ILogger logger, string device, SensorFault fault, string error);

    [LoggerMessage(EventId = 7012, Level = LogLevel.Error, Message = "Stream {Stream} skipped: device {Device} is not available")]
    private static partial void LogStreamSkipped(ILogger logger, string stream, string device);

    [LoggerMessage(EventId = 7013, Level = LogLevel.Debug, Message = "Stream {Stream} dropped a window by its bad-data policy ({Dropped} so far)")]
    private static partial void LogWindowDropped(ILogger logger, string stream, long dropped);

    [LoggerMessage(EventId = 7014, Level = LogLevel.Warning, Message = "Replay {Device}: {Error}")]
    private static partial void LogReplayLine(ILogger logger, string device, string error);

    /// <summary>A pushed device: routes readings by channel name into its streams (on the delivering thread).</summary>
    private sealed class PushDevice : IReadingSink
    {
        public PushDevice(string name, DeviceOptions options, IReadOnlyList<SensorChannel> channels)
        {
            Name = name;
            Options = options;
            Channels = channels;
            Mqtt = options.Driver == "mqtt" ? new MqttReadingSource(name, channels) : null;
        }

        public string Name { get; }

        public DeviceOptions Options { get; }

        public IReadOnlyList<SensorChannel> Channels { get; }

        public MqttReadingSource? Mqtt { get; }

        public List<StreamState> Streams { get; } = [];

        public SensorRuntime? Runtime { get; set; }

        public void OnReading(in SensorReading reading)
        {
            var channel = IndexOf(Channels, reading.Channel);
            if (channel < 0)
            {
                return;
            }

            var quality = double.IsFinite(reading.Value) ? SampleQuality.Good : SampleQuality.Missing;
            var value = double.IsFinite(reading.Value) ? reading.Value : double.NaN;
            foreach (var stream in Streams)
            {
                var j = Array.IndexOf(stream.DeviceChannels, channel);
                if (j >= 0)
                {
                    stream.Windower.Append(j, new SensorSample(reading.TimestampNs, value, quality));
                    Runtime?.TakeWindow(stream);
                }
            }
        }
    }
}

/// <summary>The sensors configuration is invalid; <see cref="Errors"/> has one message per problem.</summary>
public sealed class SensorsConfigurationException : Exception
{
    public SensorsConfigurationException(IReadOnlyList<string> errors)
        : base("Invalid sensors configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors))
    {
        Errors = errors;
    }

    public SensorsConfigurationException()
        : this([])
    {
    }

    public SensorsConfigurationException(string message)
        : base(message)
    {
        Errors = [message];
    }

    public SensorsConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [message];
    }

    public IReadOnlyList<string> Errors { get; }
}
