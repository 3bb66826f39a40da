using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using EdgeLam.Onnx.Model;
using EdgeLam.Onnx.Model.Costs;
using EdgeLam.Orchestration.Agreement;
using EdgeLam.Orchestration.Capacity;
using EdgeLam.Orchestration.Planning;
using EdgeLam.Orchestration.Simulation;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Roles;
using EdgeLam.Transport.Topics;
using EdgeLam.Wire.Frames;

namespace EdgeLam.Gateway.Cli;

/// <summary>
/// <c>edgelam plan show --site S --model MODEL [--broker HOST:PORT] [--wait SECONDS] [--privacy-floor P]
/// [--scenario-out FILE]</c>: reads the
/// site's retained status, capacity and plan messages for a short, bounded time, and prints the current plan, the
/// planner's inputs (nodes, measured figures, links) and the plan it would choose now with the best few alternatives.
/// With <c>--scenario-out</c> it also writes the planner's inputs as a <c>plan simulate --nodes</c> file (what-if from the
/// live capacity). Exit 0 with a plan, 1 when no plan meets the constraints, 2 on bad input or no broker.
/// </summary>
internal static class PlanShowCommand
{
    public static Command Create()
    {
        var site = new Option<string>("--site") { Description = "Site (topic namespace).", DefaultValueFactory = _ => "default" };
        var model = new Option<string>("--model") { Description = "The .onnx model, or a folder written by 'model split' (its costs and its id).", Required = true };
        var broker = new Option<string>("--broker") { Description = "MQTT broker HOST:PORT.", DefaultValueFactory = _ => "127.0.0.1:1883" };
        var wait = new Option<double>("--wait") { Description = "Seconds to collect the retained messages (also the connect timeout).", DefaultValueFactory = _ => 2 };
        var floor = new Option<int?>("--privacy-floor") { Description = "Blocks every gateway keeps (default 0)." };
        var scenarioOut = new Option<string?>("--scenario-out") { Description = "Also write the inputs as a 'plan simulate --nodes' file." };
        var command = new Command("show", "Show the site's current plan, the measured capacity it rests on, and the plan the planner picks now.")
        {
            site, model, broker, wait, floor, scenarioOut,
        };
        command.SetAction((parse, ct) => ShowAsync(
            new ShowOptions(parse.GetValue(site)!, parse.GetValue(model)!, parse.GetValue(broker)!, parse.GetValue(wait), parse.GetValue(floor), parse.GetValue(scenarioOut)),
            ct));
        return command;
    }

    private sealed record ShowOptions(string Site, string ModelPath, string Broker, double Wait, int? Floor, string? ScenarioOut);

    private static async Task<int> ShowAsync(ShowOptions options, CancellationToken cancellationToken)
    {
        var (site, modelPath, broker, wait, floor, scenarioOut) = options;
        CostTable costs;
        string modelId;
        MqttClientOptions mqtt;
        try
        {
            if (!TopicScheme.IsValidName(site))
            {
                throw new ArgumentException($"--site '{site}' is not a valid name (1..64 of [A-Za-z0-9._-]).");
            }

            if (!(wait > 0 && wait <= 60))
            {
                throw new ArgumentException("--wait must be between 0 and 60 seconds.");
            }

            costs = CostTables.FromModel(PlanCommands.ReadCosts(modelPath));
            modelId = Directory.Exists(modelPath) ? SplitModelIdentity.Read(modelPath).ToString() : FileModelId(modelPath);
            mqtt = Broker(broker);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidDataException or OnnxModelException or MqttOptionsException)
        {
            Console.Error.WriteLine("edgelam plan show: " + e.Message);
            return PlanCommands.ExitBadInput;
        }

        var snapshot = await CollectAsync(site, mqtt, TimeSpan.FromSeconds(wait), cancellationToken).ConfigureAwait(false);
        if (snapshot is null)
        {
            Console.Error.WriteLine($"edgelam plan show: no broker at {mqtt.Host}:{mqtt.Port} within {wait.ToString(CultureInfo.InvariantCulture)} s.");
            return PlanCommands.ExitBadInput;
        }

        var constraints = new ScenarioConstraints { PrivacyFloor = floor };
        var scenario = CapacityProblemBuilder.Scenario(snapshot.Capacities(modelId), constraints, null, out var leftOut);
        var problem = ScenarioProblemBuilder.Build(scenario, costs, out var problems);
        if (scenarioOut is not null && !TryWrite(scenarioOut, scenario))
        {
            return PlanCommands.ExitBadInput;
        }

        var result = problem is null ? null : SplitPlanner.Plan(problem);
        Console.Out.Write(PlanShowReport.Format(snapshot, modelId, leftOut, problems, result));
        return result is null ? PlanCommands.ExitBadInput : result.IsFeasible ? 0 : PlanCommands.ExitNoPlan;
    }

    /// <summary>The site's retained status, capacity and plan messages received within <paramref name="wait"/>; null when no broker answered.</summary>
    private static async Task<SiteSnapshot?> CollectAsync(string site, MqttClientOptions mqtt, TimeSpan wait, CancellationToken cancellationToken)
    {
        var topics = new TopicScheme(site);
        var statuses = new Dictionary<string, NodeStatusMessage>(StringComparer.Ordinal);
        var capacities = new Dictionary<string, NodeCapacityMessage>(StringComparer.Ordinal);
        AgreedPlan? plan = null;
        await using var client = MqttClient.Create(mqtt);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(wait);
        try
        {
            await client.ConnectAsync(deadline.Token).ConfigureAwait(false);
            await client.SubscribeAsync(topics.AllNodeStatus, cancellationToken: deadline.Token).ConfigureAwait(false);
            await client.SubscribeAsync(topics.AllNodeCapacity, cancellationToken: deadline.Token).ConfigureAwait(false);
            await client.SubscribeAsync(topics.Plan, cancellationToken: deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        await client.RunMessageHandlerAsync(
            (message, _) =>
            {
                if (message.Payload.IsEmpty || !TopicScheme.TryParse(message.Topic, out var topic) || topic.Site != site)
                {
                    return ValueTask.CompletedTask;
                }

                try
                {
                    switch (topic.Kind)
                    {
                        case TopicKind.NodeStatus:
                            statuses[topic.Node!] = ControlMessageCodec.DecodeStatus(message.Payload.Span);
                            break;
                        case TopicKind.NodeCapacity:
                            capacities[topic.Node!] = ControlMessageCodec.DecodeCapacity(message.Payload.Span);
                            break;
                        case TopicKind.Plan:
                            plan = ControlMessageCodec.DecodePlan(message.Payload.Span);
                            break;
                    }
                }
                catch (ControlMessageException e)
                {
                    Console.Error.WriteLine($"edgelam plan show: {message.Topic}: ignored: {e.Message}");
                }

                return ValueTask.CompletedTask;
            },
            deadline.Token).ConfigureAwait(false);
        return new SiteSnapshot { Statuses = statuses, CapacityMessages = capacities, Plan = plan };
    }

    private static bool TryWrite(string path, SiteScenario scenario)
    {
        try
        {
            using var stream = File.Create(path);
            JsonSerializer.Serialize(stream, scenario, ScenarioJsonContext.Default.SiteScenario);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"edgelam plan show: --scenario-out '{path}': {e.Message}");
            return false;
        }
    }

    private static MqttClientOptions Broker(string broker)
    {
        var colon = broker.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(broker.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            throw new ArgumentException("--broker '" + broker + "' must be HOST:PORT.");
        }

        var options = new MqttClientOptions
        {
            Host = broker[..colon],
            Port = port,
            ClientId = "edgelam-plan-show-" + Guid.NewGuid().ToString("N")[..8],
            CleanStart = true,
            SessionExpiry = TimeSpan.Zero,
            ReconnectDelayMax = TimeSpan.FromMilliseconds(500),
        };
        options.ThrowIfInvalid();
        return options;
    }

    /// <summary>The id an unsplit .onnx would have: its SHA-256 (as <c>model split</c> records it), truncated.</summary>
    private static string FileModelId(string path)
    {
        using var stream = File.OpenRead(path);
        return ModelId.FromHash(SHA256.HashData(stream)).ToString();
    }
}
