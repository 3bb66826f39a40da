using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using EdgeLam.Onnx.Interop;
using EdgeLam.Sensors.Composition;
using EdgeLam.Sensors.Windows;
using EdgeLam.Transport.Roles;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLam.Gateway.Sensing;

/// <summary>
/// The gateway role's request source: reads completed windows from <see cref="SensorRuntime.Windows"/>, groups them
/// (<see cref="SensorRequestOptions.Grouping"/>), tokenizes them into a <see cref="GatewayRequest"/> and generates
/// <see cref="SensorRequestOptions.MaxNewTokens"/> tokens through the <see cref="GatewayRole"/>. At most
/// <see cref="SensorRequestOptions.MaxInFlight"/> requests run at once; windows completing a group while the gateway
/// is busy are dropped and counted. A failing request is logged and counted; the pump goes on. With a
/// <see cref="Deferral"/> (the offline gateway), a group completed while it says <see cref="ISensorRequestDeferral.ShouldDefer"/>
/// is tokenized and handed to it instead of sent, and so is a request that fails while it says so (the broker went
/// away during the request): the window's request keeps its id and is sent later.
/// </summary>
public sealed class SensorRequestPump
{
    private static readonly TimeSpan BusyLogInterval = TimeSpan.FromSeconds(30);

    private readonly SensorRequestOptions _options;
    private readonly OnnxRuntime? _runtime;
    private readonly ILogger _logger;
    private readonly TimeProvider? _time;
    private long _windows;
    private long _ignored;
    private long _superseded;
    private long _dropped;
    private long _started;
    private long _completed;
    private long _failed;
    private long _deferred;

    /// <summary>A pump with validated options; <paramref name="runtime"/> runs the patch encoder.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public SensorRequestPump(SensorRequestOptions options, OnnxRuntime? runtime = null, ILogger? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, problems.Select(p => p.ToString())), nameof(options));
        }

        _options = options;
        _runtime = runtime;
        _logger = logger ?? NullLogger.Instance;
        _time = time;
    }

    /// <summary>Takes the requests that cannot be sent now (null: none are deferred). Set before <c>RunAsync</c>.</summary>
    public ISensorRequestDeferral? Deferral { get; set; }

    /// <summary>Requests handed to <see cref="Deferral"/>.</summary>
    public long Deferred => Interlocked.Read(ref _deferred);

    /// <summary>Called with each finished generation (on a pool thread).</summary>
    public Action<SensorRequest, GatewayGeneration>? Completed { get; set; }

    /// <summary>Windows read from the sensors.</summary>
    public long Windows => Interlocked.Read(ref _windows);

    /// <summary>Windows of streams that make no requests.</summary>
    public long Ignored => Interlocked.Read(ref _ignored);

    /// <summary>Windows replaced by a fresher one of the same stream before their group was complete (all-streams).</summary>
    public long Superseded => Interlocked.Read(ref _superseded);

    /// <summary>Windows dropped because every request slot was busy.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Requests started.</summary>
    public long Started => Interlocked.Read(ref _started);

    /// <summary>Requests that produced their tokens.</summary>
    public long Succeeded => Interlocked.Read(ref _completed);

    /// <summary>Requests that failed (tokenization or generation).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>
    /// Runs until <paramref name="cancellationToken"/> fires or the sensors' window channel completes, then waits for
    /// the requests in flight. Patch streams are encoded to the gateway model's hidden size (an orchestrated gateway's
    /// from its first committed layout: the pump waits for it). Start the sensors
    /// (<see cref="SensorRuntime.Start"/>) and the gateway first.
    /// </summary>
    /// <exception cref="ArgumentException">The options name streams the sensors do not have.</exception>
    /// <exception cref="Inference.InferenceException">A patch stream is selected but the model cannot start from embeddings.</exception>
    public Task RunAsync(GatewayRole gateway, SensorRuntime sensors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        var stops = _options.StopTokens.ToArray();
        return RunAsync(gateway, sensors, (request, ct) => gateway.GenerateAsync(request, _options.MaxNewTokens, stops, ct), cancellationToken);
    }

    /// <summary>
    /// As <see cref="RunAsync(GatewayRole, SensorRuntime, CancellationToken)"/>, but each request goes through
    /// <paramref name="send"/> (e.g. a daemon seam that counts requests and refuses work while draining, calling
    /// <c>gateway.GenerateAsync(request, options.MaxNewTokens, options.StopTokens, ct)</c>); the gateway only
    /// provides the model's embedding entry.
    /// </summary>
    public async Task RunAsync(GatewayRole gateway, SensorRuntime sensors, Func<GatewayRequest, CancellationToken, Task<GatewayGeneration>> send, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        ArgumentNullException.ThrowIfNull(sensors);
        ArgumentNullException.ThrowIfNull(send);
        var problems = _options.Validate([.. sensors.StreamOrder]);
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, problems.Select(p => p.ToString())), nameof(sensors));
        }

        // An orchestrated gateway has a model entry (and its hidden size) only from the agreement's first commit.
        await gateway.WaitForLayoutAsync(cancellationToken).ConfigureAwait(false);
        var patchStreams = sensors.Streams.Where(s => s.Options.Tokenizer == "patch" && (_options.Streams.Count == 0 || _options.Streams.Contains(s.Name))).ToList();
        if (patchStreams.Count > 0 && gateway.Embedding is null)
        {
            throw new Inference.InferenceException("Streams " + string.Join(", ", patchStreams.Select(s => s.Name)) + " use the patch tokenizer, but the gateway's model cannot start from embeddings (split it with an embedding-only segment 0).");
        }

        if (patchStreams.Count > 0 && _runtime is null)
        {
            throw new InvalidOperationException("Patch streams need an ONNX Runtime for the encoder.");
        }

        using var builder = SensorRequestBuilder.Create(sensors, _options, _runtime, gateway.Embedding?.HiddenSize ?? 0, _time);
        await RunAsync(send, sensors.Windows, builder, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The pump's loop over any window source and generator (the gateway, or an in-process pipeline).</summary>
    public async Task RunAsync(Func<GatewayRequest, CancellationToken, Task<GatewayGeneration>> generate, ChannelReader<SensorWindow> windows, SensorRequestBuilder builder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(generate);
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(builder);
        SensingLog.Started(_logger, string.Join(",", builder.Streams), _options.Grouping, _options.MaxNewTokens, _options.MaxInFlight);
        using var slots = new SemaphoreSlim(_options.MaxInFlight, _options.MaxInFlight);
        var running = new ConcurrentDictionary<Task, byte>();
        var grouper = new WindowGrouper(builder.Streams, _options.Grouping == SensorRequestOptions.PerWindow);
        long lastBusyLog = 0;
        var droppedAtLastLog = Dropped;
        try
        {
            while (await windows.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (windows.TryRead(out var window))
                {
                    Interlocked.Increment(ref _windows);
                    if (!builder.Takes(window.Stream))
                    {
                        Interlocked.Increment(ref _ignored);
                        continue;
                    }

                    var group = grouper.Add(window, out var replaced);
                    Interlocked.Add(ref _superseded, replaced);
                    if (group is null)
                    {
                        continue;
                    }

                    var names = string.Join(",", group.Select(w => w.Stream));
                    if (Deferral is { ShouldDefer: true } deferral)
                    {
                        Defer(deferral, builder, group, names);
                        continue;
                    }

                    if (!slots.Wait(0, CancellationToken.None))
                    {
                        var dropped = Interlocked.Add(ref _dropped, group.Count);
                        var now = Stopwatch.GetTimestamp();
                        if (lastBusyLog == 0 || Stopwatch.GetElapsedTime(lastBusyLog, now) >= BusyLogInterval)
                        {
                            // While a peer is away every group is dropped: say so at most every BusyLogInterval.
                            SensingLog.Busy(_logger, _options.MaxInFlight, (int)(dropped - droppedAtLastLog), names, dropped);
                            lastBusyLog = now;
                            droppedAtLastLog = dropped;
                        }

                        continue;
                    }

                    Interlocked.Increment(ref _started);
                    var task = RunOneAsync(generate, builder, group, names, slots, cancellationToken);
                    running.TryAdd(task, 0);
                    _ = task.ContinueWith(t => running.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await Task.WhenAll(running.Keys).ConfigureAwait(false);
        }
    }

    /// <summary>Tokenizes <paramref name="group"/> now and hands its request to <paramref name="deferral"/>.</summary>
    private void Defer(ISensorRequestDeferral deferral, SensorRequestBuilder builder, List<SensorWindow> group, string names)
    {
        try
        {
            SensorRequest request;
            lock (builder)
            {
                request = builder.Build(group);
            }

            if (deferral.Defer(request.Request))
            {
                Interlocked.Increment(ref _deferred);
            }
        }
#pragma warning disable CA1031 // one group's failure (bad window, encoder error) must never stop the pump
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var failed = Interlocked.Increment(ref _failed);
            SensingLog.RequestFailed(_logger, names, ex.GetType().Name + ": " + ex.Message, failed);
        }
    }

    private async Task RunOneAsync(Func<GatewayRequest, CancellationToken, Task<GatewayGeneration>> generate, SensorRequestBuilder builder, List<SensorWindow> group, string names, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        SensorRequest? request = null;
        try
        {
            // Tokenizing here keeps the window reader free; the builder is used by one request at a time per slot,
            // so it is serialized by the lock below (the encoder session is not shared across threads).
            lock (builder)
            {
                request = builder.Build(group);
            }

            var generation = await generate(request.Request, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _completed);
            SensingLog.RequestCompleted(_logger, generation.Request, names, request.Request.Positions, generation.Tokens.Count);
            Completed?.Invoke(request, generation);
        }
        catch (Exception) when (request is not null && Deferral is { ShouldDefer: true } deferral)
        {
            // The broker went away while the request ran (or the drain cancelled it then): it waits in the queue.
            if (deferral.Defer(request.Request))
            {
                Interlocked.Increment(ref _deferred);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // one request's failure (bad window, model error, peer gone) must never stop the pump
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var failed = Interlocked.Increment(ref _failed);
            SensingLog.RequestFailed(_logger, names, ex.GetType().Name + ": " + ex.Message, failed);
        }
        finally
        {
            slots.Release();
        }
    }
}
