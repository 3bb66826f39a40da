using System.Globalization;
using System.Text.Json.Nodes;
using EdgeLam.Gateway.Tests.Site;
using EdgeLam.Testing;
using EdgeLam.Transport.Tests;

namespace EdgeLam.Gateway.Tests.Faults;

/// <summary>
/// Fault matrix, sensor row: a gateway as <c>edgelam run</c> whose board has an IIO barometer on a simulated sysfs
/// tree (the kernel's <c>/sys/bus/iio/devices</c> layout), making sensor requests from its windows, and a peer. The
/// device folder disappears (the driver unbound, the module unloaded) and comes back.
/// </summary>
[Collection(nameof(FaultMatrixCollection))]
public sealed class SensorRemovedFaultTests(MultiNodeFixture model) : IDisposable
{
    private readonly TempDirectory _sysfs = new("edgelam-iio-");

    [Fact]
    public async Task Site_IioDeviceRemovedAndReadded_DegradedLoggedAndCountedDaemonLivesRequestsResume()
    {
        var device = _sysfs.Combine("iio:device0");
        Directory.CreateDirectory(device);
        File.WriteAllText(Path.Combine(device, "name"), "bmp280\n");
        File.WriteAllText(Path.Combine(device, "in_temp_input"), "23450\n");
        var metricsPort = MosquittoBroker.FreeTcpPort();
        await using var site = await SiteHarness.StartAsync(model.TwoWay);
        await using var watch = await ResultWatch.StartAsync(site.Broker.Port, site.Topics);
        var limit = MultiNodeFixture.ContextLimit;
        site.StartNode("gw", new JsonObject { ["Role"] = "gateway", ["Segments"] = "0-0", ["ContextLimit"] = limit, ["StepTimeout"] = "5s" }, new JsonObject
        {
            ["Sensors"] = new JsonObject
            {
                ["InitialBackoffSeconds"] = 0.1,
                ["MaxBackoffSeconds"] = 0.4,
                ["Tokenizer"] = new JsonObject { ["Chronos"] = new JsonObject { ["Bins"] = 400 } },
                ["Buses"] = new JsonObject { ["sys"] = new JsonObject { ["Kind"] = "iio", ["Path"] = _sysfs.Path } },
                ["Devices"] = new JsonObject { ["baro"] = new JsonObject { ["Driver"] = "iio", ["Bus"] = "sys", ["IioDevice"] = "bmp280", ["RateHz"] = 20, ["StuckAfter"] = 0 } },
                ["Streams"] = new JsonObject { ["baro"] = new JsonObject { ["Device"] = "baro", ["WindowLength"] = 8, ["Hop"] = 8, ["Tokenizer"] = "chronos" } },
            },
            ["Sensing"] = new JsonObject { ["Streams"] = new JsonArray("baro"), ["MaxNewTokens"] = 1, ["PromptIds"] = new JsonArray(11) },
            ["Metrics"] = new JsonObject { ["Enabled"] = true, ["Port"] = metricsPort, ["StatusInterval"] = "1s" },
        });
        site.StartNode("peer-a", new JsonObject { ["Role"] = "peer", ["Segments"] = "1-1", ["ContextLimit"] = limit });
        site.WaitServing("gw", "peer-a");
        Assert.True(watch.WaitUntil(seen => seen.Any(SensorFinal), SiteHarness.Patience), "no result from the barometer's windows: " + site.AllStderr());

        // The device folder goes away: the source reports DeviceGone, the failures are counted, the daemon lives.
        var gone = _sysfs.Combine("unbound");
        Directory.Move(device, gone);
        var gw = site.Node("gw");
        Assert.True(SpinWait.SpinUntil(() => gw.Stderr.Contains("Sensor baro degraded (DeviceGone)", StringComparison.Ordinal), SiteHarness.Patience), gw.Stderr);
        Assert.True(await SensorErrorsAsync(metricsPort) >= 1, "edgelam_sensor_errors_total{sensor=\"baro\"} did not count the failure");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Null(gw.ExitCodeIfExited);

        // The device comes back: the source reopens it and windows of new readings make requests again.
        Directory.Move(gone, device);
        var back = DateTimeOffset.UtcNow;
        Assert.True(SpinWait.SpinUntil(() => gw.Stderr.Contains("Sensor baro recovered", StringComparison.Ordinal), SiteHarness.Patience), gw.Stderr);
        Assert.True(watch.WaitUntil(seen => seen.Any(r => SensorFinal(r) && r.WindowStart >= back), SiteHarness.Patience), "no result from a window read after the device came back");
        Assert.Null(gw.ExitCodeIfExited);
        Assert.Null(site.Node("peer-a").ExitCodeIfExited);
    }

    public void Dispose() => _sysfs.Dispose();

    private static bool SensorFinal(ResultWatch.Delivered r) => r.Final && r.Error is null && r.Streams.Contains("baro");

    private static async Task<long> SensorErrorsAsync(int port)
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow + SiteHarness.Patience;
        while (true)
        {
            var line = (await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics"))).Split('\n').FirstOrDefault(l => l.StartsWith("edgelam_sensor_errors_total{sensor=\"baro\"} ", StringComparison.Ordinal));
            if (line is not null || DateTime.UtcNow > deadline)
            {
                return line is null ? 0 : long.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
            }

            await Task.Delay(500);
        }
    }
}
