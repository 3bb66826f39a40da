using EdgeLam.Onnx.Interop;
using EdgeLam.Sensors.Composition;
using EdgeLam.Sensors.Configuration;
using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Tokenization;
using EdgeLam.Sensors.Windows;
using EdgeLam.Testing;

namespace EdgeLam.Sensors.Tests.Configuration;

/// <summary>The sim board end to end in virtual time: simulated chips → drivers → windows → both tokenizers.</summary>
public class SimBoardRuntimeTests
{
    private static SensorsOptions SimOptions() =>
        BoardProfile.Load(Path.Combine(TestPaths.RepoRoot, "boards", "sim.json")).Sensors;

    [Fact]
    public void SimBoard_TwoSeconds_ProducesWindowsOfConfiguredShapes()
    {
        var windows = Run(SimOptions(), 2);

        var env = windows.First(w => w.Stream == "env");
        Assert.Equal((2, 32), (env.Channels, env.Length));
        Assert.InRange(env.Channel(0)[0], 15, 30);                // temperature via the BME280 driver
        Assert.InRange(env.Channel(1)[0], 30, 60);                // humidity
        Assert.Equal(31 * 50_000_000L, env.EndNs - env.StartNs);  // 32 samples at 20 Hz
        var motion = windows.First(w => w.Stream == "motion");
        Assert.Equal((3, 64), (motion.Channels, motion.Length));
        Assert.InRange(motion.Channel(2).ToArray().Average(), 9.5, 10.1); // ~1 g on z through the MPU-6050 driver
        // At 100 Hz with hop 32, 2 s give windows ending at samples 63, 95, 127, 159, 191.
        Assert.Equal(5, windows.Count(w => w.Stream == "vibration"));
    }

    [Fact]
    public void SimBoard_SameSeed_SameTokens_DifferentSeed_DifferentTokens()
    {
        var a = Tokens(SimOptions());
        var b = Tokens(SimOptions());
        var other = SimOptions();
        other.Seed = 43;
        var c = Tokens(other);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(PatchFeaturesOf(SimOptions()), PatchFeaturesOf(SimOptions()));
        Assert.NotEqual(PatchFeaturesOf(SimOptions()), PatchFeaturesOf(other));
    }

    private static float[] PatchFeaturesOf(SensorsOptions options)
    {
        using var tokenizer = new SensorTokenizer(options.Tokenizer);
        return [.. Run(options, 2).Where(w => w.Stream == "motion").SelectMany(w => tokenizer.Patch(w).Features)];
    }

    [Fact]
    public void SimBoard_ChronosAndPatch_ShapesAndSequence()
    {
        var options = SimOptions();
        var windows = Run(options, 2);
        using var ort = OnnxRuntime.Create(new OnnxRuntimeOptions { LibraryPath = TestPaths.OnnxRuntimeLibrary });
        using var dir = new TempDirectory();
        using var tokenizer = new SensorTokenizer(options.Tokenizer, width => OnnxPatchEncoder.Open(options.Tokenizer.Patch, width, dir.Path, ort));
        var env = windows.First(w => w.Stream == "env");
        var motion = windows.First(w => w.Stream == "motion");
        var vibration = windows.First(w => w.Stream == "vibration");

        var envTokens = tokenizer.Tokenize(env, "chronos").Tokens!;
        var vibrationTokens = tokenizer.Tokenize(vibration, "chronos").Tokens!;
        var patch = tokenizer.Tokenize(motion, "patch").Patch!;

        Assert.Equal(2 * 33, envTokens.Ids.Length);
        var chronos = options.Tokenizer.Chronos;
        Assert.All(envTokens.Ids, id => Assert.InRange(id, 0, chronos.VocabularySize - 1));
        Assert.Equal((4, 48, 64), (patch.Patches, patch.Width, patch.HiddenSize));
        Assert.Equal(4 * 64, patch.Embeddings!.Length);
        Assert.All(patch.Embeddings, v => Assert.True(float.IsFinite(v)));

        var sequence = TokenSequence.Build([101, 102], [envTokens, vibrationTokens], chronos, ["env", "motion", "vibration"]);
        Assert.Equal(2 + 1 + 66 + 1 + 65, sequence.Ids.Length);
        Assert.Equal(chronos.FirstSeparatorId + 0, sequence.Ids[2]);
        Assert.Equal(chronos.FirstSeparatorId + 2, sequence.Ids[2 + 1 + 66]);
        Assert.Equal(vibration.StartNs, sequence.Segments[2].StartNs);
    }

    [Fact]
    public void SimBoard_ChipFallsOffBus_DegradesAndKeepsRunning()
    {
        var options = SimOptions();
        using var runtime = SensorRuntime.Create(options);
        var env = runtime.Scheduler.Sources.First(s => s.Source.Name == "env");
        runtime.RunVirtual(1_000_000_000);
        Assert.Equal(EdgeLam.Sensors.Scheduling.SensorState.Healthy, env.Health.State);

        // Replace the device factory's chip by failing every read: dispose the source and break it through the reconnect path.
        var reconnecting = (ReconnectingSource)env.Source;
        reconnecting.Dispose();
        options.Buses["i2c-1"].Simulated = false;
        options.Buses["i2c-1"].Path = "/dev/i2c-does-not-exist";
        runtime.RunVirtual(1_000_000_000, 1_000_000_000);

        Assert.Equal(EdgeLam.Sensors.Scheduling.SensorState.Degraded, env.Health.State);
        Assert.Equal(SensorFault.DeviceGone, env.Health.LastFault);
        Assert.True(env.Health.TotalFailures >= 2);
        Assert.True(env.Health.TotalFailures < 20); // backoff, not every tick
    }

    [Fact]
    public void Runtime_InvalidOptions_ThrowsWithAllMessages()
    {
        var options = SimOptions();
        options.Devices["env"].RateHz = -1;
        options.Streams["env"].Hop = 0;

        var e = Assert.Throws<SensorsConfigurationException>(() => SensorRuntime.Create(options));
        Assert.Equal(2, e.Errors.Count);
    }

    [Fact]
    public void Runtime_ReplayAndMqttDevices_FeedTheirStreams()
    {
        using var dir = new TempDirectory();
        var csv = dir.Combine("rec.csv");
        File.WriteAllLines(csv, ["ts,channel,value,unit", .. Enumerable.Range(0, 8).Select(i => $"{100 + (i * 0.1)},flow,{i},l/min")]);
        var options = new SensorsOptions();
        options.Devices["rec"] = new DeviceOptions { Driver = "replay", Path = csv, Channels = ["flow"], Units = ["l/min"], Speed = 0 };
        options.Devices["peer"] = new DeviceOptions { Driver = "mqtt", Channels = ["temp"] };
        options.Streams["flow"] = new StreamOptions { Device = "rec", WindowLength = 4, Hop = 4 };
        options.Streams["remote"] = new StreamOptions { Device = "peer", WindowLength = 2, Hop = 2 };
        using var runtime = SensorRuntime.Create(options);
        var sink = runtime.MqttSinks["peer"];
        sink.TryAccept("""{"ts":5,"channel":"temp","value":20.5}"""u8, 0, out _);
        sink.TryAccept("""{"ts":6,"channel":"temp","value":21.5}"""u8, 0, out _);

        runtime.RunVirtual(0);
        var windows = new List<SensorWindow>();
        while (runtime.Windows.TryRead(out var w))
        {
            windows.Add(w);
        }

        Assert.Equal([4.0, 5, 6, 7], windows.Last(w => w.Stream == "flow").Values);
        Assert.Equal([20.5, 21.5], windows.Single(w => w.Stream == "remote").Values);
        Assert.Equal(5_000_000_000, windows.Single(w => w.Stream == "remote").StartNs);
    }

    private static List<SensorWindow> Run(SensorsOptions options, int seconds)
    {
        using var runtime = SensorRuntime.Create(options);
        runtime.RunVirtual(seconds * 1_000_000_000L);
        var windows = new List<SensorWindow>();
        while (runtime.Windows.TryRead(out var w))
        {
            windows.Add(w);
        }

        return windows;
    }

    private static int[] Tokens(SensorsOptions options)
    {
        var tokenizer = new ChronosTokenizer(options.Tokenizer.Chronos);
        return [.. Run(options, 2).Where(w => w.Stream != "motion").SelectMany(w => tokenizer.Tokenize(w).Ids)];
    }
}
