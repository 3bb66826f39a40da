using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using EdgeLam.Core.Configuration;
using EdgeLam.Onnx.Interop;
using EdgeLam.Onnx.Model.Split;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Roles;
using EdgeLam.Wire.Codecs;
using Microsoft.Extensions.Logging;

namespace EdgeLam.Gateway.Cli;

/// <summary>
/// <c>edgelam node --role gateway|peer --model DIR --segments A-B --broker HOST:PORT [--site S] [--node N]
/// [--wire raw|fp16|bf16|int8] [--requests N] [--prompt-ids 1,2,3] [--max-tokens N]</c>: runs one stage of a split
/// model over MQTT. A peer serves until SIGINT/SIGTERM; a gateway sends requests and streams each step with its
/// per-stage timings, then prints <c>summary: N results, L lost, p50 step X ms, p99 step Y ms</c>.
/// </summary>
internal static class NodeCommands
{
    public static Command Create()
    {
        var role = new Option<string>("--role") { Description = "gateway (runs segment 0 and sends requests) or peer.", Required = true };
        role.AcceptOnlyFromAmong("gateway", "peer");
        var model = new Option<DirectoryInfo>("--model") { Description = "Split model folder (manifest.json).", Required = true };
        var segments = new Option<string>("--segments") { Description = "Hosted segments, A-B (e.g. 0-0 on the gateway, 1-1 on the peer).", Required = true };
        var broker = new Option<string>("--broker") { Description = "MQTT broker HOST:PORT.", DefaultValueFactory = _ => "127.0.0.1:1883" };
        var site = new Option<string>("--site") { Description = "Site (topic namespace).", DefaultValueFactory = _ => "default" };
        var node = new Option<string?>("--node") { Description = "Node name (default: role-hostname)." };
        var wire = new Option<string>("--wire") { Description = "Codec for hidden states on the wire.", DefaultValueFactory = _ => "raw" };
        wire.AcceptOnlyFromAmong([.. WireCodecNames.All]);
        var requests = new Option<int>("--requests") { Description = "Gateway: requests to send, then stop (0 = until stopped).", DefaultValueFactory = _ => 0 };
        var promptIds = new Option<string?>("--prompt-ids") { Description = "Gateway: prompt token ids (default: a different seeded prompt per request)." };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Gateway: new tokens per request.", DefaultValueFactory = _ => 16 };
        var timeout = new Option<double>("--step-timeout") { Description = "Gateway: seconds to wait for a step's reply before sending it again.", DefaultValueFactory = _ => 5 };
        var json = new Option<bool>("--json") { Description = "Gateway: print each finished request as JSON." };
        var command = new Command("node", "Run one stage of a split model over MQTT (gateway or peer).")
        {
            role, model, segments, broker, site, node, wire, requests, promptIds, maxTokens, timeout, json,
        };
        command.SetAction((parse, ct) => RunAsync(
            parse.GetValue(role)!,
            parse.GetValue(model)!.FullName,
            parse.GetValue(segments)!,
            parse.GetValue(broker)!,
            parse.GetValue(site)!,
            parse.GetValue(node),
            parse.GetValue(wire)!,
            parse.GetValue(requests),
            parse.GetValue(promptIds),
            parse.GetValue(maxTokens),
            parse.GetValue(timeout),
            parse.GetValue(json),
            ct));
        return command;
    }

    private static async Task<int> RunAsync(string role, string model, string segments, string broker, string site, string? node, string wire, int requests, string? promptIds, int maxTokens, double timeout, bool json, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            stop.Cancel();
        });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c =>
        {
            c.Cancel = true;
            stop.Cancel();
        });
        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        }).SetMinimumLevel(LogLevel.Information));
        try
        {
            var options = ParseRole(role, model, segments, site, node, wire, timeout);
            var mqtt = ParseBroker(broker, options.Node);
            using var runtime = OnnxRuntime.Create(new OnnxRuntimeOptions { IntraOpThreads = 1 });
            await using var stage = await RoleHost.StartAsync(options, mqtt, runtime, loggers, stop.Token).ConfigureAwait(false);
            if (stage.Gateway is null)
            {
                Console.Error.WriteLine("node " + options.Node + ": peer for segments " + options.FirstSegment + "-" + options.LastSegment + " ready; Ctrl-C stops it.");
                await Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
                Console.Error.WriteLine("node " + options.Node + ": served " + stage.Peer!.Served + " steps, rejected " + stage.Peer.Rejected + " messages.");
                return 0;
            }

            return await RunGatewayAsync(stage.Gateway, model, requests, promptIds, maxTokens, json, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return 0;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidDataException or FormatException or OrtException or Inference.InferenceException or MqttOptionsException or IOException or Onnx.Model.OnnxModelException)
        {
            Console.Error.WriteLine("edgelam node: " + ex.Message);
            return 2;
        }
    }

    private static async Task<int> RunGatewayAsync(GatewayRole gateway, string model, int requests, string? promptIds, int maxTokens, bool json, CancellationToken cancellationToken)
    {
        var vocabulary = Vocabulary(model);
        long[]? fixedPrompt = promptIds is null ? null : ParseIds(promptIds);
        var stepMs = new List<double>();
        int done = 0, lost = 0;
        for (var r = 0; requests == 0 || r < requests; r++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            var prompt = fixedPrompt ?? SeededPrompt(r, vocabulary);
            try
            {
                var generation = await gateway.GenerateAsync(prompt, maxTokens, cancellationToken: cancellationToken).ConfigureAwait(false);
                done++;
                foreach (var s in generation.Steps)
                {
                    stepMs.Add(s.Elapsed.TotalMilliseconds);
                }

                Console.WriteLine(json ? JsonSerializer.Serialize(generation.Tokens.ToList(), CliJsonContext.Default.ListInt64) : Describe(generation));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Inference.InferenceException ex)
            {
                lost++;
                Console.Error.WriteLine("request " + (r + 1) + " lost: " + ex.Message);
            }
        }

        stepMs.Sort();
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"summary: {done} results, {lost} lost, p50 step {Percentile(stepMs, 0.50):F1} ms, p99 step {Percentile(stepMs, 0.99):F1} ms"));
        return lost == 0 ? 0 : 1;
    }

    private static string Describe(GatewayGeneration g)
    {
        var sb = new System.Text.StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"request {g.Request}: {g.Tokens.Count} tokens [{string.Join(' ', g.Tokens)}]");
        foreach (var s in g.Steps)
        {
            sb.AppendLine();
            var stagesUs = s.Stages.Sum(t => t.ComputeUs + t.EncodeUs + t.DecodeUs + t.QueueUs);
            var wireMs = Math.Max(0, s.Elapsed.TotalMilliseconds - (stagesUs / 1000.0));
            sb.Append(CultureInfo.InvariantCulture, $"  step {s.Step,3} token {s.Token,6} {s.Elapsed.TotalMilliseconds,7:F1} ms |");
            foreach (var t in s.Stages)
            {
                sb.Append(CultureInfo.InvariantCulture, $" {t.Node} compute {t.ComputeUs / 1000.0:F1} enc {t.EncodeUs / 1000.0:F2} dec {t.DecodeUs / 1000.0:F2} |");
            }

            sb.Append(CultureInfo.InvariantCulture, $" wire {wireMs:F1} ms");
        }

        return sb.ToString();
    }

    private static NodeRoleOptions ParseRole(string role, string model, string segments, string site, string? node, string wire, double timeout)
    {
        var dash = segments.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0
            || !int.TryParse(segments.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            || !int.TryParse(segments.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var last))
        {
            throw new ArgumentException("--segments '" + segments + "' must be A-B, e.g. 0-0 or 1-3.");
        }

        if ((role == "gateway") != (first == 0))
        {
            throw new ArgumentException("--role " + role + " with --segments " + segments + ": the gateway, and only the gateway, runs segment 0.");
        }

        if (!WireCodecNames.TryParse(wire, out var codec))
        {
            throw new ArgumentException("--wire '" + wire + "' must be one of " + string.Join(", ", WireCodecNames.All) + ".");
        }

        var options = new NodeRoleOptions
        {
            Site = site,
            Node = node ?? role + "-" + Environment.MachineName,
            ModelDirectory = model,
            FirstSegment = first,
            LastSegment = last,
            Codec = codec,
            StepTimeout = TimeSpan.FromSeconds(timeout),
        };
        var problems = options.Validate();
        return problems.Count == 0 ? options : throw new ArgumentException(ConfigProblem.Lines(problems));
    }

    private static MqttClientOptions ParseBroker(string broker, string node)
    {
        var colon = broker.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(broker.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            throw new ArgumentException("--broker '" + broker + "' must be HOST:PORT.");
        }

        var options = new MqttClientOptions { Host = broker[..colon], Port = port, ClientId = "edgelam-" + node };
        options.ThrowIfInvalid();
        return options;
    }

    private static long[] ParseIds(string text)
    {
        try
        {
            return [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => long.Parse(s, CultureInfo.InvariantCulture))];
        }
        catch (FormatException)
        {
            throw new ArgumentException("--prompt-ids '" + text + "' must be comma-separated integers.");
        }
    }

    /// <summary>A different, reproducible prompt per request (8 ids below the vocabulary size).</summary>
    private static long[] SeededPrompt(int request, long vocabulary)
    {
        var ids = new long[8];
        var x = (ulong)(request + 1) * 0x9E3779B97F4A7C15UL;
        for (var i = 0; i < ids.Length; i++)
        {
            x ^= x >> 31;
            x *= 0xBF58476D1CE4E5B9UL;
            x ^= x >> 27;
            ids[i] = 1 + (long)(x % (ulong)Math.Max(2, vocabulary - 1));
        }

        return ids;
    }

    private static long Vocabulary(string model)
    {
        var logits = ModelSplitter.ReadManifest(model).Outputs.FirstOrDefault(o => o.Name == "logits");
        return logits?.Shape is { Count: > 0 } shape && long.TryParse(shape[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 100;
    }

    private static double Percentile(List<double> sorted, double q) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
}
