using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using EdgeLam.Core.Native;
using EdgeLam.Onnx.Interop;
using EdgeLam.Sensors.Composition;
using EdgeLam.Sensors.Configuration;
using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Tokenization;
using EdgeLam.Sensors.Windows;

namespace EdgeLam.Gateway.Cli;

/// <summary><c>edgelam sensors read|tokenize --board NAME</c>: what a board's sensors produce and what a window becomes.</summary>
internal static class SensorsCommands
{
    public static Command Create()
    {
        var command = new Command("sensors", "Read a board's sensors and show how windows are tokenized.");
        command.Subcommands.Add(CreateRead());
        command.Subcommands.Add(CreateTokenize());
        return command;
    }

    private static Option<string> BoardOption() => new("--board")
    {
        Description = "Board profile: a path, or NAME looked up as NAME.json in /etc/edgelam/boards, boards/ beside the executable, boards/ of the repository.",
        DefaultValueFactory = _ => "sim",
    };

    private static Command CreateRead()
    {
        var board = BoardOption();
        var count = new Option<int>("--count") { Description = "Number of readings to print (one reading = every channel of one device).", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = "One JSON object per reading." };
        var read = new Command("read", "Sample the board's sensors at their configured rates and print readings.") { board, count, json };
        read.SetAction(parse => Run(() => Read(parse.GetValue(board)!, parse.GetValue(count), parse.GetValue(json))));
        return read;
    }

    private static Command CreateTokenize()
    {
        var board = BoardOption();
        var stream = new Option<string?>("--stream") { Description = "Only this stream (default: every stream)." };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var prompt = new Option<string?>("--prompt-ids") { Description = "Comma-separated prompt token ids placed before the streams." };
        var tokenize = new Command("tokenize", "Produce one window per stream (deterministic virtual time) and show the tokens or patch features.") { board, stream, json, prompt };
        tokenize.SetAction(parse => Run(() => Tokenize(parse.GetValue(board)!, parse.GetValue(stream), parse.GetValue(json), parse.GetValue(prompt))));
        return tokenize;
    }

    private static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is BoardProfileException or SensorsConfigurationException or SensorException or IOException or ArgumentException)
        {
            Console.Error.WriteLine("error: " + e.Message);
            return 2;
        }
    }

    private static BoardProfile LoadBoard(string board)
    {
        var path = BoardProfile.Locate(board) ?? throw new BoardProfileException($"board '{board}' not found (looked for {board}.json in /etc/edgelam/boards, boards/ beside the executable and in the repository)");
        return BoardProfile.Load(path);
    }

    private static int Read(string board, int count, bool json)
    {
        if (count <= 0)
        {
            throw new ArgumentException("--count must be positive");
        }

        var profile = LoadBoard(board);
        using var runtime = SensorRuntime.Create(profile.Sensors);
        using var done = new ManualResetEventSlim();
        var printed = 0;
        var start = MonotonicClock.NowNs;
        using var stdout = Console.OpenStandardOutput();
        using var writer = new Utf8JsonWriter(stdout);
        runtime.Observer = (source, channels, samples) =>
        {
            if (printed >= count)
            {
                return;
            }

            if (json)
            {
                writer.Reset(stdout);
                writer.WriteStartObject();
                writer.WriteString("source", source);
                writer.WriteNumber("t_ms", (samples[0].TimestampNs - start) / 1e6);
                writer.WriteStartObject("values");
                for (var i = 0; i < samples.Length; i++)
                {
                    writer.WriteStartObject(channels[i].Name);
                    if (double.IsFinite(samples[i].Value))
                    {
                        writer.WriteNumber("value", samples[i].Value);
                    }
                    else
                    {
                        writer.WriteNull("value");
                    }

                    writer.WriteString("unit", channels[i].Unit);
                    writer.WriteString("quality", samples[i].Quality.ToString());
                    writer.WriteEndObject();
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
                writer.Flush();
                stdout.WriteByte((byte)'\n');
            }
            else
            {
                var parts = new string[samples.Length];
                for (var i = 0; i < samples.Length; i++)
                {
                    var q = samples[i].Quality == SampleQuality.Good ? "" : $" [{samples[i].Quality}]";
                    parts[i] = string.Create(CultureInfo.InvariantCulture, $"{channels[i].Name}={samples[i].Value:G6} {channels[i].Unit}{q}");
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(samples[0].TimestampNs - start) / 1e6,10:F1} ms  {source,-10} {string.Join("  ", parts)}"));
            }

            if (++printed >= count)
            {
                done.Set();
            }
        };
        runtime.Start();
        done.Wait(TimeSpan.FromSeconds(60));
        runtime.Stop();
        return 0;
    }

    private static int Tokenize(string board, string? only, bool json, string? promptIds)
    {
        var profile = LoadBoard(board);
        var options = profile.Sensors;
        if (only is not null && !options.Streams.ContainsKey(only))
        {
            throw new ArgumentException($"--stream '{only}' is not a stream of board {board} ({string.Join(", ", options.Streams.Keys)})");
        }

        int[] prompt = string.IsNullOrWhiteSpace(promptIds)
            ? []
            : [.. promptIds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
        using var runtime = SensorRuntime.Create(options);
        var windows = CollectFirstWindows(runtime, only);
        OnnxRuntime? ort = null;
        if (runtime.Streams.Any(s => s.Options.Tokenizer == "patch"))
        {
            try
            {
                ort = OnnxRuntime.Create(new OnnxRuntimeOptions { IntraOpThreads = Math.Max(0, profile.Onnx.IntraOpThreads) });
            }
            catch (Exception e) when (e is NativeLibraryLoadException or InvalidOperationException)
            {
                Console.Error.WriteLine("warning: ONNX Runtime unavailable, patch streams show features only: " + e.Message);
            }
        }

        using var ortScope = ort;
        using var tokenizer = new SensorTokenizer(options.Tokenizer, ort is null ? null : width => OnnxPatchEncoder.Open(options.Tokenizer.Patch, width, runtime: ort));
        var results = windows.Select(w => tokenizer.Tokenize(w, runtime.Streams.First(s => s.Name == w.Stream).Options.Tokenizer)).ToList();
        var chronos = results.Where(r => r.Tokens is not null).Select(r => r.Tokens!).ToList();
        var sequence = TokenSequence.Build(prompt, chronos, options.Tokenizer.Chronos, runtime.StreamOrder);
        using var stdout = Console.OpenStandardOutput();
        if (json)
        {
            using var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true });
            TokenizeOutput.WriteJson(w, profile.Board.Name, results, sequence);
        }
        else
        {
            TokenizeOutput.WriteText(Console.Out, profile.Board.Name, results, sequence);
        }

        return 0;
    }

    /// <summary>Runs the board in virtual time until every selected stream has emitted a window.</summary>
    internal static List<SensorWindow> CollectFirstWindows(SensorRuntime runtime, string? only)
    {
        var wanted = runtime.Streams.Where(s => only is null || s.Name == only).Select(s => s.Name).ToHashSet();
        var found = new Dictionary<string, SensorWindow>();
        var elapsed = 0L;
        const long Slice = 1_000_000_000;
        while (found.Count < wanted.Count && elapsed < 600 * Slice)
        {
            runtime.RunVirtual(Slice, elapsed);
            elapsed += Slice;
            while (runtime.Windows.TryRead(out var window))
            {
                if (wanted.Contains(window.Stream))
                {
                    found.TryAdd(window.Stream, window);
                }
            }
        }

        return [.. runtime.StreamOrder.Where(found.ContainsKey).Select(s => found[s])];
    }
}

/// <summary>Text and JSON rendering of <c>sensors tokenize</c>.</summary>
internal static class TokenizeOutput
{
    private const int Preview = 24;

    public static void WriteText(TextWriter o, string board, IReadOnlyList<WindowTokens> results, TokenSequence sequence)
    {
        o.WriteLine($"board {board}: {results.Count} window(s)");
        foreach (var r in results)
        {
            var w = r.Window;
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"stream {w.Stream}: {w.Channels} channel(s) [{string.Join(", ", w.ChannelInfo.Select(c => c.Name))}] x {w.Length} samples, {(w.EndNs - w.StartNs) / 1e6:F1} ms, tokenizer {r.Tokenizer}"));
            if (r.Tokens is { } t)
            {
                o.WriteLine($"  ids[{t.Ids.Length}] = {string.Join(' ', t.Ids.Take(Preview))}{(t.Ids.Length > Preview ? " ..." : "")}");
                o.WriteLine($"  attention 0s: {t.AttentionMask.Count(m => m == 0)}, scales: {string.Join(", ", t.Scales.Select(s => s.ToString("G5", CultureInfo.InvariantCulture)))}");
            }

            if (r.Patch is { } p)
            {
                o.WriteLine($"  features [{p.Patches}, {p.Width}] (patches x P*channels), means {string.Join(", ", p.Means.Select(m => m.ToString("G5", CultureInfo.InvariantCulture)))}");
                o.WriteLine(p.Embeddings is { } e
                    ? $"  inputs_embeds [1, {p.Patches}, {p.HiddenSize}]: {string.Join(' ', e.Take(8).Select(v => v.ToString("F4", CultureInfo.InvariantCulture)))} ..."
                    : "  inputs_embeds: no encoder available");
            }
        }

        o.WriteLine($"sequence: {sequence.Ids.Length} token(s), segments: {string.Join(", ", sequence.Segments.Select(s => $"{s.Stream}@{s.Start}+{s.Length}"))}");
    }

    public static void WriteJson(Utf8JsonWriter w, string board, IReadOnlyList<WindowTokens> results, TokenSequence sequence)
    {
        w.WriteStartObject();
        w.WriteString("board", board);
        w.WriteStartArray("windows");
        foreach (var r in results)
        {
            var win = r.Window;
            w.WriteStartObject();
            w.WriteString("stream", win.Stream);
            w.WriteString("tokenizer", r.Tokenizer);
            w.WriteNumber("channels", win.Channels);
            w.WriteNumber("length", win.Length);
            w.WriteNumber("start_ns", win.StartNs);
            w.WriteNumber("end_ns", win.EndNs);
            if (r.Tokens is { } t)
            {
                WriteArray(w, "ids", t.Ids);
                WriteArray(w, "attention_mask", t.AttentionMask.Select(m => (int)m));
                w.WriteStartArray("scales");
                foreach (var s in t.Scales)
                {
                    w.WriteNumberValue(s);
                }

                w.WriteEndArray();
            }

            if (r.Patch is { } p)
            {
                WriteArray(w, "features_shape", [p.Patches, p.Width]);
                if (p.Embeddings is { } e)
                {
                    WriteArray(w, "inputs_embeds_shape", [1, p.Patches, p.HiddenSize]);
                    w.WriteStartArray("inputs_embeds_head");
                    foreach (var v in e.Take(16))
                    {
                        w.WriteNumberValue(v);
                    }

                    w.WriteEndArray();
                }
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        WriteArray(w, "sequence_ids", sequence.Ids);
        w.WriteStartArray("segments");
        foreach (var s in sequence.Segments)
        {
            w.WriteStartObject();
            w.WriteString("stream", s.Stream);
            w.WriteNumber("start", s.Start);
            w.WriteNumber("length", s.Length);
            w.WriteNumber("start_ns", s.StartNs);
            w.WriteNumber("end_ns", s.EndNs);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
    }

    private static void WriteArray(Utf8JsonWriter w, string name, IEnumerable<int> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteNumberValue(v);
        }

        w.WriteEndArray();
    }
}
