using System.Diagnostics;
using System.Globalization;
using EdgeLam.Inference.Pipeline;
using EdgeLam.Onnx.Interop;
using EdgeLam.Onnx.Model;
using EdgeLam.Onnx.Model.Split;
using EdgeLam.Onnx.Model.Synthetic;
using EdgeLam.Testing;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Roles;
using EdgeLam.Wire.Codecs;

// Decode-step latency, one run, side by side: the same 2-way split in one process (InferencePipeline with the wire
// codec) and as gateway + peer over MQTT on a loopback mosquitto. Usage: [preset] [steps] [codec]
var preset = args.Length > 0 ? args[0] : "tiny";
var steps = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
var codec = args.Length > 2 ? Enum.Parse<WireCodec>(args[2], ignoreCase: true) : WireCodec.Raw;
const int Warmup = 20;
const int PerGeneration = 50;

using var temp = new TempDirectory("edgelam-mqtt-bench-");
if (!SyntheticPresets.TryGet(preset, out var config))
{
    Console.Error.WriteLine("unknown preset " + preset);
    return 2;
}

var model = temp.Combine(preset);
SyntheticModelBuilder.Build(config, 7, SyntheticDataType.Float32, model);
var split = temp.Combine("split");
ModelSplitter.Split(ModelFile.Load(Path.Combine(model, "model.onnx")), SplitPlan.AtBoundaries(config.Layers / 2), split);
using var runtime = OnnxRuntime.Create(new OnnxRuntimeOptions { LibraryPath = TestPaths.OnnxRuntimeLibrary, IntraOpThreads = 1 });
var random = new Random(1);
long[] Prompt() => [.. Enumerable.Range(0, 8).Select(_ => (long)random.Next(3, config.VocabSize))];

// In-process: time each Decode call (one step through both segments and the codec).
var inProcess = new List<double>();
using (var pipeline = InferencePipeline.Open(runtime, split, new PipelineOptions { ContextLimit = 512, Wire = codec }))
{
    var sw = new Stopwatch();
    while (inProcess.Count < steps + Warmup)
    {
        var conversation = Guid.NewGuid();
        var logits = pipeline.Prefill(conversation, Prompt());
        var token = ArgMax(logits);
        for (var i = 0; i < PerGeneration && inProcess.Count < steps + Warmup; i++)
        {
            sw.Restart();
            token = ArgMax(pipeline.Decode(conversation, token));
            inProcess.Add(sw.Elapsed.TotalMilliseconds);
        }

        pipeline.Drop(conversation);
    }
}

// Over MQTT: the gateway's round trip per decode step (its segment, encode, broker hop, peer, reply hop).
async Task<List<double>> OverMqtt(string? brokerConfiguration)
{
    var mqtt = new List<double>();
    using var broker = new MosquittoBroker(extraConfiguration: brokerConfiguration);
    MqttClient Client(string id) => MqttClient.Create(new MqttClientOptions
    {
        Host = broker.Host,
        Port = broker.Port,
        ClientId = id + "-" + Guid.NewGuid().ToString("N")[..6],
        KeepAlive = TimeSpan.FromSeconds(10),
        SessionExpiry = TimeSpan.FromMinutes(5),
    });
    NodeRoleOptions Options(string node, int first, int last) => new()
    {
        Site = "bench",
        Node = node,
        ModelDirectory = split,
        FirstSegment = first,
        LastSegment = last,
        Codec = codec,
        ContextLimit = 512,
        StepTimeout = TimeSpan.FromSeconds(30),
    };
    using var stop = new CancellationTokenSource();
    await using var peerClient = Client("peer");
    using var peer = new PeerRole(Options("peer", 1, 1), runtime, peerClient);
    await peerClient.ConnectAsync();
    await peer.StartAsync(CancellationToken.None);
    var peerRun = peer.RunAsync(stop.Token);
    await using var gatewayClient = Client("gw");
    using var gateway = new GatewayRole(Options("gw", 0, 0), runtime, gatewayClient);
    await gatewayClient.ConnectAsync();
    await gateway.StartAsync(CancellationToken.None);
    var gatewayRun = gateway.RunAsync(stop.Token);
    while (mqtt.Count < steps + Warmup)
    {
        var generation = await gateway.GenerateAsync(Prompt(), PerGeneration + 1);
        mqtt.AddRange(generation.Steps.Skip(1).Select(s => s.Elapsed.TotalMilliseconds).Take(steps + Warmup - mqtt.Count));
    }

    await stop.CancelAsync();
    await Task.WhenAll(peerRun, gatewayRun);
    return mqtt;
}

var mqtt = await OverMqtt(null);
var mqttNoDelay = await OverMqtt("set_tcp_nodelay true");

var a = Stats(inProcess.Skip(Warmup).ToList());
var b = Stats(mqtt.Skip(Warmup).ToList());
var c = Stats(mqttNoDelay.Skip(Warmup).ToList());
Console.WriteLine($"decode-step latency, preset {preset}, 2-way split at block {config.Layers / 2}, wire {codec}, {steps} steps after {Warmup} warm-up");
Console.WriteLine($"in-process split : median {a.Median:F3} ms, p99 {a.P99:F3} ms");
Console.WriteLine($"2-node MQTT      : median {b.Median:F3} ms, p99 {b.P99:F3} ms");
Console.WriteLine($"added by MQTT    : median {b.Median - a.Median:F3} ms, p99 {b.P99 - a.P99:F3} ms");
Console.WriteLine($"2-node MQTT, broker set_tcp_nodelay true : median {c.Median:F3} ms, p99 {c.P99:F3} ms");
Console.WriteLine($"added by MQTT (nodelay broker)           : median {c.Median - a.Median:F3} ms, p99 {c.P99 - a.P99:F3} ms");
return 0;

static long ArgMax(ReadOnlySpan<float> logits)
{
    var best = 0;
    for (var i = 1; i < logits.Length; i++)
    {
        if (logits[i] > logits[best])
        {
            best = i;
        }
    }

    return best;
}

static (double Median, double P99) Stats(List<double> values)
{
    values.Sort();
    return (values[values.Count / 2], values[Math.Min(values.Count - 1, (int)Math.Ceiling(values.Count * 0.99) - 1)]);
}
