using EdgeLam.Gateway.Offline;
using EdgeLam.Gateway.Sensing;
using EdgeLam.Hosting.Metrics;
using EdgeLam.Hosting.Shutdown;
using EdgeLam.Hosting.Status;
using EdgeLam.Sensors.Composition;
using EdgeLam.Sensors.Configuration;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Topics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeLam.Gateway.Hosting;

/// <summary>
/// The gateway role's request source in <c>edgelam run</c>: once the node serves as a gateway, starts the sensors of
/// section <c>Sensors</c> (the board profile) and runs <see cref="SensorRequestPump"/> over their windows, sending each
/// request through <see cref="NodeHandle"/>. A peer, <c>Sensing:Enabled=false</c> or a board without streams starts
/// nothing. When the board has <c>mqtt</c> devices, a client of its own (<see cref="ReadingsClient"/>) subscribes to
/// the site's reading topics and <see cref="MqttReadingRouter"/> hands each message to its device. A pump that cannot
/// start (e.g. patch streams on a model without an embedding entry) is logged and shown in STATUS; the node keeps
/// serving. On drain it stops reading windows; requests in flight finish under the node's drain. With
/// <c>Offline:Enabled</c> it starts as soon as the stage is open (<see cref="NodeHandle.Loaded"/>, before the broker
/// connection) and an <see cref="OfflineDelivery"/> over the reopened queue takes the requests while the node is not
/// connected and delivers them (and what an earlier run left queued) when it is (docs/offline.md).
/// </summary>
internal sealed partial class SensingService(
    NodeHandle handle,
    IOptions<SensorsOptions> sensors,
    SensorRequestOptions options,
    OfflineOptions offline,
    NodeSettings node,
    ServiceStatus status,
    EdgeLamMetrics metrics,
    ILoggerFactory loggers) : IntakeService
{
    public const string Component = "sensing";

    private readonly ILogger _logger = loggers.CreateLogger<SensingService>();

    /// <summary>The running pump (null until the gateway serves and the sensors started).</summary>
    public SensorRequestPump? Pump { get; private set; }

    /// <summary>The offline queue's delivery (null unless <c>Offline:Enabled</c> and the queue opened).</summary>
    public OfflineDelivery? Offline { get; private set; }

    /// <summary>The MQTT reading router (null unless the board has <c>mqtt</c> devices and the sensors started).</summary>
    public MqttReadingRouter? Router { get; private set; }

    public override string Name => Component;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled)
        {
            return;
        }

        Transport.Roles.RoleHost started;
        try
        {
            // Offline: sample from the moment the stage is open, connected or not (the queue takes the requests).
            started = await (offline.Enabled ? handle.Loaded : handle.Started).WaitAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (started.Gateway is not { } gateway)
        {
            return;
        }

        if (sensors.Value.Streams.Count == 0)
        {
            LogNoStreams(_logger);
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, Intake);
        SensorRuntime? runtime = null;
        MqttClient? readings = null;
        OfflineQueue? queue = null;
        try
        {
            queue = OpenQueue();
            runtime = SensorRuntime.Create(sensors.Value, loggers.CreateLogger<SensorRuntime>());
            runtime.Start();
            var pump = new SensorRequestPump(options, handle.Runtime, loggers.CreateLogger<SensorRequestPump>());
            Pump = pump;
            var stops = options.StopTokens.ToArray();
            var delivering = Task.CompletedTask;
            using var delivery = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
            if (queue is not null)
            {
                // Online: the node serves, is connected and is not stopping (a request the drain cancels is queued).
                var client = started.Client;
                Offline = new OfflineDelivery(queue, () => handle.Node is not null && client.IsConnected && !handle.IsStopping, offline.MaxAttempts, logger: loggers.CreateLogger<OfflineDelivery>());
                pump.Deferral = Offline;
                delivering = Offline.RunAsync(r => handle.GenerateAsync(r, options.MaxNewTokens, stops, CancellationToken.None), delivery.Token);
            }

            // Readings other devices publish: a client of its own (the stage's client has its own message loop).
            using var routing = new CancellationTokenSource();
            var route = Task.CompletedTask;
            var sinks = runtime.MqttSinks;
            if (sinks.Count > 0 && node.Stage is { } stage)
            {
                Router = new MqttReadingRouter(new TopicScheme(stage.Site), sinks, loggers.CreateLogger<MqttReadingRouter>());
                readings = MqttClient.Create(ReadingsClient(started.Client.Options), loggers.CreateLogger<MqttClient>());
                readings.Start();
                route = Router.RunAsync(readings, routing.Token);
                SensingLog.ReadingsSubscribed(_logger, Router.Filter, string.Join(", ", sinks.Keys));
            }

            // Requests are sent without the window token: a drain stops new windows, the node's drain lets the
            // requests in flight finish (and cancels them at its deadline).
            using var reporting = new CancellationTokenSource();
            var report = ReportAsync(runtime, pump, reporting.Token);
            try
            {
                await pump.RunAsync(gateway, runtime, (request, _) => handle.GenerateAsync(request, options.MaxNewTokens, stops, CancellationToken.None), stop.Token).ConfigureAwait(false);
            }
            finally
            {
                await delivery.CancelAsync().ConfigureAwait(false); // also when the pump could not run
                await delivering.ConfigureAwait(false);
                await routing.CancelAsync().ConfigureAwait(false);
                await route.ConfigureAwait(false);
                await reporting.CancelAsync().ConfigureAwait(false);
                await report.ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // the node keeps serving without its sensor requests; the reason is logged and in STATUS
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogCannotStart(_logger, e.GetType().Name + ": " + e.Message);
            status.Set(Component, "sensing stopped: " + e.Message);
        }
        finally
        {
            if (readings is not null)
            {
                await readings.DisposeAsync().ConfigureAwait(false);
            }

            runtime?.Dispose();
            queue?.Dispose();
        }
    }

    /// <summary>The offline queue of <c>Offline:Directory</c> (null when disabled; logged and in STATUS when it cannot open).</summary>
    private OfflineQueue? OpenQueue()
    {
        if (!offline.Enabled || offline.Directory is not { } directory)
        {
            return null;
        }

        try
        {
            var queue = OfflineQueue.Open(directory, offline, logger: loggers.CreateLogger<OfflineQueue>());
            queue.Dropped += reason => metrics.Dropped("offline-" + reason);
            return queue;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            OfflineLog.CannotOpen(_logger, directory, e.Message);
            status.Set(Component, "offline queue unavailable: " + e.Message);
            return null;
        }
    }

    /// <summary>
    /// The readings client's options: the node's connection (host, port, credentials, TLS, keepalive, reconnect
    /// delays) under the client id <c>{node's id}-readings</c>, with a clean session that expires on disconnect and no
    /// last will (readings are at-most-once; nothing is queued for a gateway that is away).
    /// </summary>
    public static MqttClientOptions ReadingsClient(MqttClientOptions node)
    {
        ArgumentNullException.ThrowIfNull(node);
        const string Suffix = "-readings";
        var id = node.ClientId.Length + Suffix.Length > 64 ? node.ClientId[..(64 - Suffix.Length)] : node.ClientId;
        return new MqttClientOptions
        {
            Host = node.Host,
            Port = node.Port,
            ClientId = id + Suffix,
            CleanStart = true,
            SessionExpiry = TimeSpan.Zero,
            KeepAlive = node.KeepAlive,
            Username = node.Username,
            Password = node.Password,
            PasswordFile = node.PasswordFile,
            Tls = node.Tls,
            ReconnectDelayMin = node.ReconnectDelayMin,
            ReconnectDelayMax = node.ReconnectDelayMax,
        };
    }

    /// <summary>
    /// Adds the sensors' read failures, the pump's dropped windows, the MQTT readings routed and rejected and the
    /// offline queue's requests and backlog to the metrics every 2 s (and once at the end).
    /// </summary>
    private async Task ReportAsync(SensorRuntime runtime, SensorRequestPump pump, CancellationToken cancellationToken)
    {
        var sources = runtime.Scheduler.Sources;
        var failures = new long[sources.Count];
        long dropped = 0;
        long routed = 0;
        long rejected = 0;
        long queued = 0;
        long delivered = 0;
        long offlineDropped = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(2));
        var more = true;
        while (more)
        {
            try
            {
                more = await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                more = false;
            }

            for (var i = 0; i < sources.Count; i++)
            {
                var total = sources[i].Health.TotalFailures; // written by the scheduler thread; a 64-bit read is atomic
                for (; failures[i] < total; failures[i]++)
                {
                    metrics.SensorError(sources[i].Source.Name);
                }
            }

            for (var total = pump.Dropped; dropped < total; dropped++)
            {
                metrics.Dropped("sensor-window-busy");
            }

            if (Offline is { } delivery)
            {
                metrics.OfflineRequests("queued", delivery.Queued - queued);
                queued = delivery.Queued;
                metrics.OfflineRequests("delivered", delivery.Delivered - delivered);
                delivered = delivery.Delivered;
                var drops = delivery.Queue.Drops.Values.Sum();
                metrics.OfflineRequests("dropped", drops - offlineDropped);
                offlineDropped = drops;
                metrics.SetOfflineBacklog(delivery.Queue.Count);
            }

            if (Router is { } router)
            {
                var total = router.Routed;
                metrics.Readings("accepted", total - routed);
                routed = total;
                total = router.Rejected;
                metrics.Readings("rejected", total - rejected);
                rejected = total;
            }
        }
    }

    [LoggerMessage(7110, LogLevel.Information, "Sensing: the board defines no sensor streams; this gateway takes no requests from sensors")]
    private static partial void LogNoStreams(ILogger logger);

    [LoggerMessage(7111, LogLevel.Error, "Sensing cannot run: {Reason}; the node keeps serving without sensor requests")]
    private static partial void LogCannotStart(ILogger logger, string reason);
}
