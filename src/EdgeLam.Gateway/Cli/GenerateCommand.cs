using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeLam.Core.Npy;
using EdgeLam.Core.Tensors;
using EdgeLam.Inference;
using EdgeLam.Inference.Chain;
using EdgeLam.Inference.Pipeline;
using EdgeLam.Inference.Sampling;
using EdgeLam.Onnx.Interop;
using EdgeLam.Onnx.Model;
using EdgeLam.Onnx.Model.Split;
using EdgeLam.Wire.Codecs;

namespace EdgeLam.Gateway.Cli;

/// <summary>
/// <c>edgelam generate --model DIR [--split 6] [--wire raw|fp16|bf16|int8] (--prompt-ids 1,2,3 | --prompt-npy F)
/// --max-tokens N [--seed S] [--json]</c>: runs a model (unsplit, split in-process, or a split folder) and prints the
/// tokens with the time of each step in each segment and in frame encode/decode. <c>--fidelity</c> instead compares
/// every lossy codec with the raw wire over N teacher-forced decode steps.
/// </summary>
internal static class GenerateCommand
{
    private static readonly string[] WireNames = ["none", "raw", "fp16", "bf16", "int8"];

    public static Command Create()
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "Model folder: model.onnx (unsplit) or manifest.json (split).", Required = true };
        var split = new Option<string?>("--split") { Description = "Cut an unsplit model at these block boundaries (e.g. 6 or 4,8) into a temporary folder first." };
        var wire = new Option<string>("--wire") { Description = "Codec of the activation frames between segments; none passes tensors directly.", DefaultValueFactory = _ => "none" };
        wire.AcceptOnlyFromAmong(WireNames);
        var promptIds = new Option<string?>("--prompt-ids") { Description = "Prompt token ids, comma separated." };
        var promptNpy = new Option<FileInfo?>("--prompt-npy") { Description = ".npy prompt: int64/int32 token ids, or float32 embeddings [positions, hidden]." };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Tokens to generate (decode steps with --fidelity).", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "Sampling seed.", DefaultValueFactory = _ => 0 };
        var temperature = new Option<float>("--temperature") { Description = "0 = greedy.", DefaultValueFactory = _ => 0f };
        var topK = new Option<int>("--top-k") { Description = "Keep the K most likely tokens (0 = all).", DefaultValueFactory = _ => 0 };
        var topP = new Option<float>("--top-p") { Description = "Nucleus probability (1 = all).", DefaultValueFactory = _ => 1f };
        var stop = new Option<string?>("--stop") { Description = "Stop token ids, comma separated." };
        var context = new Option<int>("--context") { Description = "Context limit (positions).", DefaultValueFactory = _ => ChainOptions.DefaultContextLimit };
        var threads = new Option<int>("--threads") { Description = "ORT intra-op threads (0 = ORT default).", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "Print one JSON document." };
        var fidelity = new Option<bool>("--fidelity") { Description = "Compare fp16, bf16 and int8 with the raw wire over --max-tokens teacher-forced decode steps." };
        var command = new Command("generate", "Generate tokens through a model or a chain of split segments, with per-step timings.")
        {
            model, split, wire, promptIds, promptNpy, maxTokens, seed, temperature, topK, topP, stop, context, threads, json, fidelity,
        };
        command.SetAction(parse => Run(new Request(
            parse.GetValue(model)!.FullName,
            parse.GetValue(split),
            parse.GetValue(wire)!,
            parse.GetValue(promptIds),
            parse.GetValue(promptNpy)?.FullName,
            parse.GetValue(maxTokens),
            new SamplingOptions { Seed = parse.GetValue(seed), Temperature = parse.GetValue(temperature), TopK = parse.GetValue(topK), TopP = parse.GetValue(topP) },
            parse.GetValue(stop),
            parse.GetValue(context),
            parse.GetValue(threads),
            parse.GetValue(json),
            parse.GetValue(fidelity))));
        return command;
    }

    private static int Run(Request request)
    {
        string? temp = null;
        try
        {
            var prompt = ReadPrompt(request);
            if (request.MaxTokens <= 0)
            {
                throw new ArgumentException("--max-tokens must be positive.");
            }

            request.Sampling.Validate();
            var directory = request.Model;
            if (request.Split is { } boundaries)
            {
                if (ModelDirectory.IsSplit(directory))
                {
                    throw new ArgumentException("--split cuts an unsplit model, but " + directory + " is already split (it has manifest.json).");
                }

                temp = Directory.CreateTempSubdirectory("edgelam-split-").FullName;
                ModelSplitter.Split(ModelFile.Load(Path.Combine(directory, ModelDirectory.ModelFileName)), SplitPlan.ParseBoundaries(boundaries), temp);
                directory = temp;
            }

            using var runtime = OnnxRuntime.Create(new OnnxRuntimeOptions { IntraOpThreads = request.Threads });
            return request.Fidelity ? RunFidelity(runtime, directory, prompt, request) : RunGenerate(runtime, directory, prompt, request);
        }
        catch (Exception e) when (e is ArgumentException or InferenceException or IOException or OrtException or OnnxModelException or FormatException or UnauthorizedAccessException or EdgeLam.Wire.Frames.FrameDecodeException)
        {
            Console.Error.WriteLine("error: " + e.Message);
            return 2;
        }
        finally
        {
            if (temp is not null)
            {
                try
                {
                    Directory.Delete(temp, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }
    }

    private static int RunGenerate(OnnxRuntime runtime, string directory, Prompt prompt, Request request)
    {
        using var pipeline = InferencePipeline.Open(runtime, directory, new PipelineOptions { ContextLimit = request.Context, Wire = ParseWire(request.Wire) });
        var steps = new List<StepReport>();
        var stops = ParseIds(request.Stop ?? string.Empty);
        var conversation = Guid.NewGuid();
        var sampler = new TokenSampler(pipeline.VocabularySize, request.Sampling);
        var tokens = new List<long>();
        var logits = prompt.Ids is { } ids ? pipeline.Prefill(conversation, ids) : pipeline.PrefillEmbeddings(conversation, prompt.Embeddings!, prompt.Positions);
        var stopped = false;
        while (true)
        {
            long token = sampler.Sample(logits);
            tokens.Add(token);
            var report = StepReport.From(tokens.Count - 1, token, pipeline.Timings);
            steps.Add(report);
            if (!request.Json)
            {
                Console.WriteLine(report.Format());
            }

            if (stops.Contains(token))
            {
                stopped = true;
                break;
            }

            if (tokens.Count == request.MaxTokens)
            {
                break;
            }

            logits = pipeline.Decode(conversation, token);
        }

        var decode = steps.Skip(1).ToList();
        var summary = new GenerateReport(
            directory == request.Model ? request.Model : request.Model + " (split " + request.Split + ")",
            pipeline.Segments.Count,
            request.Wire,
            prompt.Positions,
            tokens,
            stopped,
            steps[0].TotalMs,
            decode.Count == 0 ? 0 : decode.Average(s => s.TotalMs),
            steps);
        if (request.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(summary, GenerateJsonContext.Default.GenerateReport));
        }
        else
        {
            Console.WriteLine("tokens: " + string.Join(",", tokens));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"prefill {summary.PrefillMs:F2} ms ({prompt.Positions} positions), decode {summary.MeanDecodeMs:F2} ms/token over {decode.Count} steps, {pipeline.Segments.Count} segment(s), wire {request.Wire}"));
        }

        return 0;
    }

    private static int RunFidelity(OnnxRuntime runtime, string directory, Prompt prompt, Request request)
    {
        if (prompt.Ids is null)
        {
            throw new ArgumentException("--fidelity needs token ids.");
        }

        var rows = WireFidelity.Measure(
            codec => InferencePipeline.Open(runtime, directory, new PipelineOptions { ContextLimit = request.Context, Wire = codec }),
            prompt.Ids,
            request.MaxTokens,
            [WireCodec.Raw, WireCodec.Float16, WireCodec.BFloat16, WireCodec.Int8Block32]);
        if (request.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(rows.Select(FidelityReport.From).ToList(), GenerateJsonContext.Default.ListFidelityReport));
            return 0;
        }

        Console.WriteLine("| codec | steps | max abs error | mean cosine | min cosine | top-1 agreement | frame bytes |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var row in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {Name(row.Codec)} | {row.Steps} | {row.MaxAbsError:G4} | {row.MeanCosine:F7} | {row.MinCosine:F7} | {row.Top1Agreement * 100:F2}% | {row.FrameBytes} |"));
        }

        return 0;
    }

    private static Prompt ReadPrompt(Request request)
    {
        if ((request.PromptIds is null) == (request.PromptNpy is null))
        {
            throw new ArgumentException("Give exactly one of --prompt-ids and --prompt-npy.");
        }

        if (request.PromptIds is { } text)
        {
            var ids = ParseIds(text);
            return ids.Length == 0 ? throw new ArgumentException("--prompt-ids is empty.") : new Prompt(ids, null, ids.Length);
        }

        var array = NpyFile.Read(request.PromptNpy!);
        switch (array.ElementType)
        {
            case TensorElementType.Int64:
                var longs = MemoryMarshal.Cast<byte, long>(array.Data).ToArray();
                return new Prompt(longs, null, longs.Length);
            case TensorElementType.Int32:
                var ints = MemoryMarshal.Cast<byte, int>(array.Data).ToArray();
                return new Prompt([.. ints.Select(i => (long)i)], null, ints.Length);
            case TensorElementType.Float32 when array.Shape.Length >= 2:
                var positions = (int)array.Shape[^2];
                return new Prompt(null, MemoryMarshal.Cast<byte, float>(array.Data).ToArray(), positions);
            default:
                throw new ArgumentException("--prompt-npy must hold int64/int32 token ids or float32 embeddings [positions, hidden]; it holds "
                    + array.ElementType.OnnxName() + " " + TensorShape.Format(array.Shape) + ".");
        }
    }

    private static long[] ParseIds(string text) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => long.Parse(t, NumberStyles.Integer, CultureInfo.InvariantCulture))];

    private static WireCodec? ParseWire(string name) => WireCodecNames.TryParse(name, out var codec) ? codec : null;

    private static string Name(WireCodec codec) => WireCodecNames.Name(codec);

    private sealed record Request(
        string Model, string? Split, string Wire, string? PromptIds, string? PromptNpy, int MaxTokens, SamplingOptions Sampling, string? Stop, int Context, int Threads, bool Json, bool Fidelity);

    private sealed record Prompt(long[]? Ids, float[]? Embeddings, int Positions);

    internal sealed record StepReport(int Index, long Token, int Positions, double TotalMs, double[] SegmentMs, double[] EncodeMs, double[] DecodeMs)
    {
        public static StepReport From(int index, long token, StepTimings t) => new(
            index,
            token,
            t.Positions,
            StepTimings.Milliseconds(t.TotalTicks),
            [.. t.SegmentTicks.ToArray().Select(StepTimings.Milliseconds)],
            [.. t.EncodeTicks.ToArray().Select(StepTimings.Milliseconds)],
            [.. t.DecodeTicks.ToArray().Select(StepTimings.Milliseconds)]);

        public string Format()
        {
            var text = string.Create(CultureInfo.InvariantCulture, $"step {Index,4} token {Token,6} ({Positions} pos) total {TotalMs,8:F3} ms |");
            for (var k = 0; k < SegmentMs.Length; k++)
            {
                text += string.Create(CultureInfo.InvariantCulture, $" seg{k} {SegmentMs[k]:F3}");
                if (k < EncodeMs.Length)
                {
                    text += string.Create(CultureInfo.InvariantCulture, $" enc{k} {EncodeMs[k]:F3} dec{k} {DecodeMs[k]:F3}");
                }
            }

            return text + " ms";
        }
    }

    internal sealed record GenerateReport(string Model, int Segments, string Wire, int PromptPositions, List<long> Tokens, bool StoppedByToken, double PrefillMs, double MeanDecodeMs, List<StepReport> Steps);

    internal sealed record FidelityReport(string Codec, int Steps, double MaxAbsError, double MeanCosine, double MinCosine, double Top1Agreement, int FrameBytes)
    {
        public static FidelityReport From(WireFidelityRow row) => new(Name(row.Codec), row.Steps, row.MaxAbsError, row.MeanCosine, row.MinCosine, row.Top1Agreement, row.FrameBytes);
    }
}

/// <summary>Source-generated JSON for <c>edgelam generate --json</c>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(GenerateCommand.GenerateReport))]
[JsonSerializable(typeof(List<GenerateCommand.FidelityReport>))]
internal sealed partial class GenerateJsonContext : JsonSerializerContext;
