using System.Diagnostics;
using System.Globalization;
using EdgeLam.Testing;
using EdgeLam.Transport.Mqtt;

// One run, one broker: our publisher → our subscriber, then mosquitto_pub -l → mosquitto_sub -C N, same topic
// shape, payload size, QoS 1 and message count. Each side is measured from the first publish until the subscriber
// has received the last message.
var messages = Arg("--messages", 5000);
var size = Arg("--size", 16 * 1024);
var runs = Arg("--runs", 3);

using var broker = new MosquittoBroker();
Console.WriteLine($"broker: mosquitto on 127.0.0.1:{broker.Port}; {messages} messages x {size} B, QoS 1, {runs} runs each");

var ours = new List<double>();
var theirs = new List<double>();
for (var run = 0; run < runs; run++)
{
    ours.Add(await OurClientAsync(broker.Port, messages, size, run));
    theirs.Add(MosquittoTools(broker, messages, size, run));
    Console.WriteLine($"run {run + 1}: edgelam {ours[^1]:F3} s, mosquitto_pub/sub {theirs[^1]:F3} s");
}

var mb = messages * (double)size / (1024 * 1024);
Console.WriteLine();
Console.WriteLine("| client | statistic | time (s) | msgs/s | MiB/s |");
Console.WriteLine("|---|---|---:|---:|---:|");
foreach (var (name, times) in new[] { ("EdgeLam MqttClient pub → sub", ours), ("mosquitto_pub -l → mosquitto_sub -C", theirs) })
{
    foreach (var (statistic, t) in new[] { ("best", times.Min()), ("median", Median(times)) })
    {
        Console.WriteLine(FormattableString.Invariant($"| {name} | {statistic} | {t:F3} | {messages / t:F0} | {mb / t:F1} |"));
    }
}

Console.WriteLine(FormattableString.Invariant($"ratio edgelam / mosquitto tools (msgs/s): best {theirs.Min() / ours.Min():F2}, median {Median(theirs) / Median(ours):F2}"));
return 0;

static async Task<double> OurClientAsync(int port, int count, int size, int run)
{
    var topic = $"edgelam/v1/bench/act/m/{run}";
    MqttClientOptions Options(string id) => new()
    {
        Port = port,
        ClientId = $"bench-{id}-{run}",
        CleanStart = true,
        IncomingQueueCapacity = count + 16,
        OutgoingQueueCapacity = 1024,
        MaxInflightMessages = 64,
    };

    await using var sub = MqttClient.Create(Options("sub"));
    await using var pub = MqttClient.Create(Options("pub"));
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

static string Num(int value) => value.ToString(CultureInfo.InvariantCulture);

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
