using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using EdgeLam.Hosting.Configuration;
using EdgeLam.Hosting.Health;
using EdgeLam.Hosting.Metrics;
using EdgeLam.Hosting.Options;
using EdgeLam.Hosting.Status;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLam.Hosting.Tests;

public sealed class MetricsTests : IDisposable
{
    private readonly EdgeLamMetrics _metrics = new();
    private readonly MetricsCollector _collector;

    public MetricsTests()
    {
        _collector = new MetricsCollector(_metrics);
    }

    public void Dispose()
    {
        _collector.Dispose();
        _metrics.Dispose();
    }

    private void RecordSample()
    {
        _metrics.RecordStage("infer", TimeSpan.FromMilliseconds(3));
        _metrics.RecordStage("infer", TimeSpan.FromMilliseconds(3));
        _metrics.RecordStage("infer", TimeSpan.FromMilliseconds(200));
        _metrics.RecordStage("send", TimeSpan.FromSeconds(20));
        _metrics.FrameSent(1000);
        _metrics.FrameSent(24);
        _metrics.FrameReceived(7);
        _metrics.Dropped("stale-epoch");
        _metrics.Reconnected();
        _metrics.SensorError("bme280");
        _metrics.SetSplit(4);
        _metrics.SetEpoch(9);
    }

    [Fact]
    public void Prometheus_Text_HasCumulativeBucketsCountersAndGauges()
    {
        RecordSample();

        var lines = PrometheusTextWriter.Write(_collector.Collect()).Split('\n');

        // 3 ms falls in (0.0025, 0.005], 200 ms in (0.1, 0.25]; buckets are cumulative.
        Assert.Contains("edgelam_stage_duration_seconds_bucket{stage=\"infer\",le=\"0.0025\"} 0", lines);
        Assert.Contains("edgelam_stage_duration_seconds_bucket{stage=\"infer\",le=\"0.005\"} 2", lines);
        Assert.Contains("edgelam_stage_duration_seconds_bucket{stage=\"infer\",le=\"0.1\"} 2", lines);
        Assert.Contains("edgelam_stage_duration_seconds_bucket{stage=\"infer\",le=\"0.25\"} 3", lines);
        Assert.Contains("edgelam_stage_duration_seconds_bucket{stage=\"infer\",le=\"+Inf\"} 3", lines);
        Assert.Contains("edgelam_stage_duration_seconds_count{stage=\"infer\"} 3", lines);
        Assert.Contains("edgelam_stage_duration_seconds_bucket{stage=\"send\",le=\"10\"} 0", lines);
        Assert.Contains("edgelam_stage_duration_seconds_bucket{stage=\"send\",le=\"+Inf\"} 1", lines);
        var sum = lines.Single(l => l.StartsWith("edgelam_stage_duration_seconds_sum{stage=\"infer\"}", StringComparison.Ordinal));
        Assert.Equal(0.206, double.Parse(sum.Split(' ')[1], CultureInfo.InvariantCulture), 9);
        Assert.Contains("# TYPE edgelam_stage_duration_seconds histogram", lines);
        Assert.Contains("edgelam_frames_total{direction=\"sent\"} 2", lines);
        Assert.Contains("edgelam_bytes_total{direction=\"sent\"} 1024", lines);
        Assert.Contains("edgelam_bytes_total{direction=\"received\"} 7", lines);
        Assert.Contains("edgelam_drops_total{reason=\"stale-epoch\"} 1", lines);
        Assert.Contains("edgelam_mqtt_reconnects_total 1", lines);
        Assert.Contains("edgelam_sensor_errors_total{sensor=\"bme280\"} 1", lines);
        Assert.Contains("edgelam_split_layer 4", lines);
        Assert.Contains("edgelam_plan_epoch 9", lines);
        Assert.Contains("# TYPE edgelam_frames_total counter", lines);
    }

    [Fact]
    public void Prometheus_KvHandovers_CountedByOutcomeAndZeroAddsNothing()
    {
        _metrics.HandedOver(2);
        _metrics.HandedOver(1);
        _metrics.HandoversFailed(1);
        _metrics.HandoverRejected(0);

        var lines = PrometheusTextWriter.Write(_collector.Collect()).Split('\n');

        Assert.Contains("edgelam_kv_handovers_total{outcome=\"handed-over\"} 3", lines);
        Assert.Contains("edgelam_kv_handovers_total{outcome=\"failed\"} 1", lines);
        Assert.DoesNotContain(lines, l => l.Contains("outcome=\"rejected\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Collector_IgnoresOtherMeterInstances()
    {
        using var other = new EdgeLamMetrics();
        other.FrameSent(5);

        Assert.DoesNotContain(_collector.Collect(), i => i.Series.Count > 0 && i.Name == "edgelam.frames");
    }

    [Fact]
    public void Quantile_InterpolatesInsideTheBucket()
    {
        for (var i = 0; i < 100; i++)
        {
            _metrics.RecordStage("decode", TimeSpan.FromMilliseconds(2)); // bucket (1 ms, 2.5 ms]
        }

        var series = _collector.Collect().Single(i => i.Name == "edgelam.stage.duration").Series.Single();

        // rank 50 of 100 in a bucket from 1 ms to 2.5 ms: 1 + 1.5 * 0.5 = 1.75 ms
        Assert.Equal(0.00175, StatusSnapshotProducer.Quantile(series, 0.5), 9);
        Assert.Equal(2.0, StatusSnapshotProducer.Summarize(series).MeanMs, 6);
    }

    private StatusSnapshotProducer Producer(ServiceStatus status) => new(
        _collector,
        _metrics,
        new SettingsStore(Settings.Valid(("Node:Name", "n1"), ("Node:Site", "lab"), ("Node:Role", "gateway"))),
        status,
        new HealthMonitor([]),
        TimeProvider.System);

    [Fact]
    public void StatusSnapshot_Json_CarriesIdentityStateAndCounters()
    {
        RecordSample();
        var status = new ServiceStatus();
        status.Set("model", "waiting for model assignment");
        status.SetPhase("running");

        using var json = JsonDocument.Parse(Producer(status).CreateJson());
        var root = json.RootElement;

        Assert.Equal("n1", root.GetProperty("node").GetString());
        Assert.Equal("gateway", root.GetProperty("role").GetString());
        Assert.Equal("lab", root.GetProperty("site").GetString());
        Assert.Equal("waiting for model assignment", root.GetProperty("state").GetString());
        Assert.True(root.GetProperty("healthy").GetBoolean());
        Assert.Equal(4, root.GetProperty("split").GetInt32());
        Assert.Equal(9, root.GetProperty("epoch").GetInt64());
        Assert.Equal(2, root.GetProperty("frames").GetProperty("sent").GetInt64());
        Assert.Equal(1024, root.GetProperty("bytes").GetProperty("sent").GetInt64());
        Assert.Equal(1, root.GetProperty("reconnects").GetInt64());
        Assert.Equal(3, root.GetProperty("stages").GetProperty("infer").GetProperty("count").GetInt64());
        Assert.False(root.TryGetProperty("healthProblems", out _));
    }

    [Fact]
    public void StatusSnapshot_BeforeAnyPlan_OmitsSplitAndEpoch()
    {
        using var json = JsonDocument.Parse(Producer(new ServiceStatus()).CreateJson());

        Assert.False(json.RootElement.TryGetProperty("split", out _));
        Assert.False(json.RootElement.TryGetProperty("epoch", out _));
    }

    private static async Task<string> RequestAsync(int port, string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    [Fact]
    public async Task Endpoint_ServesMetricsOnlyForGetMetrics()
    {
        _metrics.FrameSent(3);
        var settings = Settings.Valid(("Metrics:Enabled", "true"));
        var store = new SettingsStore(new EdgeLamSettings
        {
            Node = settings.Node,
            Model = settings.Model,
            Shutdown = settings.Shutdown,
            Board = settings.Board,
            Diagnostics = settings.Diagnostics,
            LogLevels = settings.LogLevels,
            Metrics = new MetricsOptions { Enabled = true, Port = 0 }, // 0: any free loopback port
        });
        using var endpoint = new PrometheusEndpoint(_collector, store, NullLogger<PrometheusEndpoint>.Instance);
        await endpoint.StartAsync(CancellationToken.None);
        var port = endpoint.BoundPort!.Value;

        var ok = await RequestAsync(port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
        var notFound = await RequestAsync(port, "GET / HTTP/1.1\r\n\r\n");
        var post = await RequestAsync(port, "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
        var garbage = await RequestAsync(port, "hello\r\n\r\n");
        await endpoint.StopAsync(CancellationToken.None);

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", ok, StringComparison.Ordinal);
        Assert.Contains("Content-Type: text/plain; version=0.0.4", ok, StringComparison.Ordinal);
        Assert.Contains("\nedgelam_frames_total{direction=\"sent\"} 1\n", ok, StringComparison.Ordinal);
        var body = ok[(ok.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        Assert.Contains($"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n", ok, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 404", notFound, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 405", post, StringComparison.Ordinal);
        Assert.Contains("Allow: GET", post, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 400", garbage, StringComparison.Ordinal);
        Assert.Null(endpoint.BoundPort);
    }

    [Fact]
    public async Task Endpoint_Disabled_ListensNowhere()
    {
        using var endpoint = new PrometheusEndpoint(_collector, new SettingsStore(Settings.Valid()), NullLogger<PrometheusEndpoint>.Instance);

        await endpoint.StartAsync(CancellationToken.None);

        Assert.Null(endpoint.BoundPort);
        await endpoint.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Endpoint_ReloadEnablingMetrics_StartsListening()
    {
        var store = new SettingsStore(Settings.Valid());
        using var endpoint = new PrometheusEndpoint(_collector, store, NullLogger<PrometheusEndpoint>.Instance);
        await endpoint.StartAsync(CancellationToken.None);
        var current = store.Current;

        store.Replace(new EdgeLamSettings
        {
            Node = current.Node,
            Model = current.Model,
            Shutdown = current.Shutdown,
            Board = current.Board,
            Diagnostics = current.Diagnostics,
            LogLevels = current.LogLevels,
            Metrics = new MetricsOptions { Enabled = true, Port = 0 },
        });
        for (var i = 0; i < 100 && endpoint.BoundPort is null; i++)
        {
            await Task.Delay(50); // the listener restarts off the reload thread
        }

        Assert.NotNull(endpoint.BoundPort);
        Assert.StartsWith("HTTP/1.1 200 OK", await RequestAsync(endpoint.BoundPort!.Value, "GET /metrics HTTP/1.0\r\n\r\n"), StringComparison.Ordinal);
        await endpoint.StopAsync(CancellationToken.None);
    }
}
