using System.Diagnostics;
using System.Globalization;
using EdgeLam.Testing;
using EdgeLam.Transport.Mqtt;

// One run, one broker: our publisher → our subscriber, MQTTnet publisher → MQTTnet subscriber, then
// mosquitto_pub -l → mosquitto_sub -C N, same topic shape, payload size, QoS 1 and message count, alternating run by
// run. Each side is measured from the first publish until the subscriber has received the last message. Then the
// round trip of one message (publish → subscriber has it), one at a time, for each client library.
var messages = Arg("--messages", 5000);
var size = Arg("--size", 16 * 1024);
var runs = Arg("--runs", 3);
var roundTrips = Arg("--rtt", 200);
const int Warmup = 20;

using var broker = new MosquittoBroker();
Console.WriteLine($"broker: mosquitto on 127.0.0.1:{broker.Port}; {messages} messages x {size} B, QoS 1, {runs} runs each; {roundTrips} round trips");

var ours = new List<double>();
var mqttnet = new List<double>();
var tools = new List<double>();
for (var run = 0; run < runs; run++)
{
    ours.Add(await OurClientAsync(broker.Port, messages, size, run));
    mqttnet.Add(await MqttNetContender.ThroughputAsync(broker.Port, messages, size, run));
    tools.Add(MosquittoTools(broker, messages, size, run));
    Console.WriteLine($"run {run + 1}: edgelam {ours[^1]:F3} s, MQTTnet {mqttnet[^1]:F3} s, mosquitto_pub/sub {tools[^1]:F3} s");
}

var ourTrips = await OurRoundTripsAsync(broker.Port, roundTrips, Warmup, size);
var netTrips = await MqttNetContender.RoundTripsAsync(broker.Port, roundTrips, Warmup, size);

var mb = messages * (double)size / (1024 * 1024);
Console.WriteLine();
Console.WriteLine("| client | statistic | time (s) | msgs/s | MiB/s |");
Console.WriteLine("|---|---|---:|---:|---:|");
foreach (var (name, times) in new[] { ("EdgeLam MqttClient pub → sub", ours), ("MQTTnet 5.2 pub → sub", mqttnet), ("mosquitto_pub -l → mosquitto_sub -C", tools) })
{
    foreach (var (statistic, t) in new[] { ("best", times.Min()), ("median", Median(times)) })
    {
        Console.WriteLine(FormattableString.Invariant($"| {name} | {statistic} | {t:F3} | {messages / t:F0} | {mb / t:F1} |"));
    }
}

Console.WriteLine();
Console.WriteLine(FormattableString.Invariant($"ratio edgelam / mosquitto tools (msgs/s): best {tools.Min() / ours.Min():F2}, median {Median(tools) / Median(ours):F2}"));
Console.WriteLine(FormattableString.Invariant($"ratio MQTTnet / mosquitto tools (msgs/s): best {tools.Min() / mqttnet.Min():F2}, median {Median(tools) / Median(mqttnet):F2}"));
Console.WriteLine(FormattableString.Invariant($"ratio MQTTnet / edgelam (msgs/s): best {ours.Min() / mqttnet.Min():F2}, median {Median(ours) / Median(mqttnet):F2}"));
Console.WriteLine();
Console.WriteLine($"round trip of one {size} B QoS 1 message (publish → subscriber has it), {roundTrips} after {Warmup} warm-up:");
Console.WriteLine("| client | median (ms) | p90 (ms) | p99 (ms) |");
Console.WriteLine("|---|---:|---:|---:|");
foreach (var (name, times) in new[] { ("EdgeLam MqttClient", ourTrips), ("MQTTnet 5.2", netTrips) })
{
    Console.WriteLine(FormattableString.Invariant($"| {name} | {Median(times):F3} | {Percentile(times, 0.90):F3} | {Percentile(times, 0.99):F3} |"));
}

Console.WriteLine("| mosquitto tools | — (one process per message would measure process start) | | |");
Console.WriteLine(FormattableString.Invariant($"ratio MQTTnet / edgelam round trip (median): {Median(netTrips) / Median(ourTrips):F2}"));
return 0;

static MqttClientOptions BenchOptions(int port, string id, int incoming) => new()
{
    Port = port,
    ClientId = $"bench-{id}",
    CleanStart = true,
    IncomingQueueCapacity = incoming,
    OutgoingQueueCapacity = 1024,
    MaxInflightMessages = 64,
};

static async Task<List<double>> OurRoundTripsAsync(int port, int count, int warmup, int size)
{
    const string topic = "edgelam/v1/bench/act/rtt";
    await using var sub = MqttClient.Create(BenchOptions(port, "rtt-sub", 16));
    await using var pub = MqttClient.Create(BenchOptions(port, "rtt-pub", 16));
    await sub.ConnectAsync();
    await pub.ConnectAsync();
    await sub.SubscribeAsync(topic, MqttQualityOfService.AtLeastOnce);
    var payload = new byte[size];
    var times = new List<double>(count);
    for (var i = 0; i < warmup + count; i++)
    {
        var start = Stopwatch.GetTimestamp();
        await pub.PublishAsync(new MqttApplicationMessage(topic, payload));
        using var m = await sub.Messages.ReadAsync();
        var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (m.Payload.Length != size)
        {
            throw new InvalidOperationException($"payload {m.Payload.Length} != {size}");
        }

        if (i >= warmup)
        {
            times.Add(elapsed);
        }
    }

    return times;
}

static async Task<double> OurClientAsync(int port, int count, int size, int run)
{
    var topic = $"edgelam/v1/bench/act/m/{run}";
    await using var sub = MqttClient.Create(BenchOptions(port, $"sub-{run}", count + 16));
    await using var pub = MqttClient.Create(BenchOptions(port, $"pub-{run}", count + 16));
    await sub.ConnectAsync();
    await pub.ConnectAsync();
    await sub.SubscribeAsync(topic, MqttQualityOfService.AtLeastOnce);

    var payload = new byte[size];
    new Random(run).NextBytes(payload);
    var stopwatch = Stopwatch.StartNew();
    var receive = Task.Run(async () =>
    {
        for (var i = 0; i < count; i++)
        {
            using var m = await sub.Messages.ReadAsync();
            if (m.Payload.Length != size)
            {
                throw new InvalidOperationException($"payload {m.Payload.Length} != {size}");
            }
        }
    });
    for (var i = 0; i < count; i++)
    {
        await pub.PublishAsync(new MqttApplicationMessage(topic, payload));
    }

    await receive;
    var seconds = stopwatch.Elapsed.TotalSeconds;
    var stats = sub.GetStatistics();
    if (stats.DroppedIncoming != 0 || pub.GetStatistics().DroppedOutgoing != 0)
    {
        throw new InvalidOperationException("messages dropped during the benchmark");
    }

    return seconds;
}

static double MosquittoTools(MosquittoBroker broker, int count, int size, int run)
{
    var topic = $"edgelam/v1/bench/tools/{run}";
    using var lines = new TempDirectory("edgelam-bench-");
    var input = lines.Combine("payload.txt");
    using (var writer = new StreamWriter(input))
    {
        // mosquitto_pub -l sends each line (without its newline) as one message.
        var line = new string('x', size);
        for (var i = 0; i < count; i++)
        {
            writer.Write(line);
            writer.Write('\n');
        }
    }

    var sub = Start("mosquitto_sub", "-V", "5", "-h", "127.0.0.1", "-p", Num(broker.Port), "-q", "1", "-t", topic, "-C", Num(count), "-F", "%l", "-i", $"tools-sub-{run}");

    // mosquitto_sub prints nothing until a message arrives; give it time to connect and subscribe.
    Thread.Sleep(1000);
    var stopwatch = Stopwatch.StartNew();
    var pub = Start("mosquitto_pub", "-V", "5", "-h", "127.0.0.1", "-p", Num(broker.Port), "-q", "1", "-t", topic, "-l", "-i", $"tools-pub-{run}");
    using (var file = File.OpenRead(input))
    {
        file.CopyTo(pub.StandardInput.BaseStream);
    }

    pub.StandardInput.Close();
    var received = 0;
    while (sub.StandardOutput.ReadLine() is { } l)
    {
        if (l != Num(size))
        {
            throw new InvalidOperationException($"mosquitto_sub saw a payload of {l} bytes");
        }

        received++;
    }

    sub.WaitForExit();
    var seconds = stopwatch.Elapsed.TotalSeconds;
    pub.WaitForExit();
    if (received != count)
    {
        throw new InvalidOperationException($"mosquitto_sub received {received} of {count}");
    }

    return seconds;
}

static Process Start(string tool, params string[] args)
{
    var info = new ProcessStartInfo(MosquittoBroker.FindExecutable(tool))
    {
        RedirectStandardInput = true,
        RedirectStandardOutput = true,
        UseShellExecute = false,
    };
    foreach (var a in args)
    {
        info.ArgumentList.Add(a);
    }

    return Process.Start(info) ?? throw new InvalidOperationException(tool + " did not start");
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToArray();
    return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}

static string Num(int value) => value.ToString(CultureInfo.InvariantCulture);

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
