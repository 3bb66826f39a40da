using System.Text.Json;
using EdgeLam.Hosting.Shutdown;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Roles;
using EdgeLam.Transport.Topics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeLam.Gateway.Hosting;

/// <summary>
/// The gateway's request source over MQTT: once the node serves as a gateway, a client of its own
/// (<c>{client id}-requests</c>, a persistent session, so requests sent while the gateway reconnects wait at the
/// broker) subscribes to <c>…/requests/{gateway}</c> and runs each <see cref="PromptRequestMessage"/> through
/// <see cref="NodeHandle"/>; the gateway publishes its results on <c>…/results/{gateway}</c> with the request's id. At most
/// <see cref="MaxInFlight"/> requests run at once: the next message is read when a slot frees (the broker keeps the
/// rest). A request that cannot run (bad JSON, no id, empty prompt, over the context limit, a generation that failed)
/// gets one final error result naming the problem; the daemon keeps serving. A request whose id is among the last
/// <see cref="RememberedIds"/> taken (the broker delivered it again after a restart) is dropped and logged, so it runs
/// once. Nothing on a peer.
/// </summary>
internal sealed partial class RequestService(NodeHandle handle, NodeSettings node, ILoggerFactory loggers) : IntakeService
{
    /// <summary>Requests run at once.</summary>
    public const int MaxInFlight = 4;

    /// <summary>Request ids remembered to drop a request the broker delivers again.</summary>
    public const int RememberedIds = 4096;

    private readonly ILogger _logger = loggers.CreateLogger<RequestService>();
    private readonly RecentRequestIds _recent = new(RememberedIds);
    private long _repeated;

    public override string Name => "requests";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        RoleHost started;
        try
        {
            started = await handle.Started.WaitAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (started.Gateway is null || node.Stage is not { } stage)
        {
            return;
        }

        var topics = new TopicScheme(stage.Site);
        var topic = topics.Requests(stage.Node);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, Intake);
        await using var client = MqttClient.Create(RequestsClient(started.Client.Options), loggers.CreateLogger<MqttClient>());
        using var slots = new SemaphoreSlim(MaxInFlight, MaxInFlight);
        var running = new List<Task>();
        try
        {
            await client.ConnectAsync(stop.Token).ConfigureAwait(false);
            await client.SubscribeAsync(topic, MqttQualityOfService.AtLeastOnce, stop.Token).ConfigureAwait(false);
            LogSubscribed(_logger, topic, MaxInFlight);
            await client.RunMessageHandlerAsync(
                async (message, ct) =>
                {
                    await slots.WaitAsync(ct).ConfigureAwait(false);
                    var task = RunOneAsync(message.Payload.ToArray(), stage, topics, started, slots);
                    lock (running)
                    {
                        running.RemoveAll(t => t.IsCompleted);
                        running.Add(task);
                    }
                },
                stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        Task[] left;
        lock (running)
        {
            left = [.. running];
        }

        await Task.WhenAll(left).ConfigureAwait(false); // the node's drain flushes the answers
    }

    private async Task RunOneAsync(byte[] payload, NodeRoleOptions stage, TopicScheme topics, RoleHost started, SemaphoreSlim slots)
    {
        await Task.Yield(); // the message loop goes on reading while the request runs
        string? id = null;
        try
        {
            var decoded = PromptRequestMessage.TryDecode(payload, stage.ContextLimit, out var request, out id, out var problem);
            if (id is not null && !_recent.TryAdd(id))
            {
                LogRepeated(_logger, id, Interlocked.Increment(ref _repeated));
                return;
            }

            if (!decoded)
            {
                await FailAsync(started, topics, stage, id, problem!).ConfigureAwait(false);
                return;
            }

            var input = new GatewayRequest { Id = id }.AddTokens(request!.PromptIds!);
            var generation = await handle.GenerateAsync(input, request.MaxTokens, request.Stop, CancellationToken.None).ConfigureAwait(false);
            LogCompleted(_logger, id!, generation.Request, generation.Tokens.Count);
        }
#pragma warning disable CA1031 // one request's failure (no stage answered, drain, a token outside the vocabulary) never stops the service
        catch (Exception e)
#pragma warning restore CA1031
        {
            await FailAsync(started, topics, stage, id, e.GetType().Name + ": " + e.Message).ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>Publishes the final error result of a request that could not run.</summary>
    private async Task FailAsync(RoleHost started, TopicScheme topics, NodeRoleOptions stage, string? id, string problem)
    {
        LogFailed(_logger, id ?? "(none)", problem);
        var result = new InferenceResult
        {
            Gateway = stage.Node,
            Conversation = Guid.Empty,
            Request = 0,
            Step = 0,
            Tokens = [],
            TopK = [],
            Final = true,
            PlanEpoch = stage.PlanEpoch,
            ModelId = started.Gateway?.ModelId ?? string.Empty,
            Stages = [],
            Id = id,
            Error = problem,
        };
        var message = new MqttApplicationMessage(topics.Results(stage.Node), JsonSerializer.SerializeToUtf8Bytes(result, RoleJsonContext.Default.InferenceResult))
        {
            Properties = new MqttMessageProperties { ContentType = "application/json" },
        };
        await started.Client.PublishAsync(message, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>The requests client: the node's connection under <c>{client id}-requests</c>, a persistent session and no last will.</summary>
    public static MqttClientOptions RequestsClient(MqttClientOptions node)
    {
        ArgumentNullException.ThrowIfNull(node);
        const string Suffix = "-requests";
        var id = node.ClientId.Length + Suffix.Length > 64 ? node.ClientId[..(64 - Suffix.Length)] : node.ClientId;
        return new MqttClientOptions
        {
            Host = node.Host,
            Port = node.Port,
            ClientId = id + Suffix,
            CleanStart = false,
            SessionExpiry = node.SessionExpiry,
            KeepAlive = node.KeepAlive,
            Username = node.Username,
            Password = node.Password,
            PasswordFile = node.PasswordFile,
            Tls = node.Tls,
            ReconnectDelayMin = node.ReconnectDelayMin,
            ReconnectDelayMax = node.ReconnectDelayMax,
        };
    }

    [LoggerMessage(7200, LogLevel.Information, "Requests: subscribed to {Topic} (at most {MaxInFlight} at once)")]
    private static partial void LogSubscribed(ILogger logger, string topic, int maxInFlight);

    [LoggerMessage(7201, LogLevel.Debug, "Request {Id} (gateway request {Request}) made {Tokens} tokens")]
    private static partial void LogCompleted(ILogger logger, string id, ulong request, int tokens);

    [LoggerMessage(7202, LogLevel.Warning, "Request {Id} failed: {Problem}; an error result was published")]
    private static partial void LogFailed(ILogger logger, string id, string problem);

    [LoggerMessage(7203, LogLevel.Warning, "Request {Id} arrived again (the broker redelivered it, or its sender reused the id); dropped, {Repeated} so far")]
    private static partial void LogRepeated(ILogger logger, string id, long repeated);
}
