using EdgeLam.Core.Models;
using EdgeLam.Core.Npy;

namespace EdgeLam.Onnx.Model.Comparison;

/// <summary>Prefill and decode comparisons of a generated sequence, and the tokens A chose.</summary>
public sealed record GenerationComparison(LogitComparison Prefill, LogitComparison Decode, IReadOnlyList<long> Tokens)
{
    public LogitComparison All
    {
        get
        {
            var all = new LogitComparison();
            all.Add(Prefill);
            all.Add(Decode);
            return all;
        }
    }
}

/// <summary>
/// Runs two models on the same inputs and compares their logits (see <see cref="LogitComparison"/>): either on a
/// greedy generation where model A picks every next token and both models run it with their own KV caches, or on
/// stored cases (every floating-point output both models give, its last axis taken as the classes).
/// </summary>
public static class ModelComparer
{
    public const string Logits = "logits";

    /// <summary>A seeded prompt of <paramref name="length"/> token ids in [0, <paramref name="vocabulary"/>).</summary>
    public static long[] Prompt(long vocabulary, int length, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vocabulary);
        var random = new Synthetic.SeededRandom(seed, "edgelam.compare.prompt");
        var tokens = new long[length];
        for (var i = 0; i < length; i++)
        {
            tokens[i] = (long)(random.NextUInt64() % (ulong)vocabulary);
        }

        return tokens;
    }

    /// <summary>The number of classes of A's logits, or null when the model leaves it dynamic.</summary>
    public static long? Vocabulary(IModelRunner model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Outputs.FirstOrDefault(o => o.Name == Logits) is { Rank: > 0 } spec && spec.Shape[^1] > 0 ? spec.Shape[^1] : null;
    }

    /// <summary>
    /// Prefills <paramref name="prompt"/>, then decodes <paramref name="steps"/> tokens, each A's argmax, or, when
    /// <paramref name="forced"/> is given, its tokens in order (teacher forcing: a random model's greedy output
    /// soon repeats one token, which would make every later position agree trivially).
    /// </summary>
    public static GenerationComparison Generate(IModelRunner a, IModelRunner b, IReadOnlyList<long> prompt, int steps, IReadOnlyList<long>? forced = null)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentOutOfRangeException.ThrowIfZero(prompt.Count);
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        if (forced is not null && forced.Count < steps)
        {
            throw new ArgumentException($"{steps} steps need {steps} forced tokens, got {forced.Count}.", nameof(forced));
        }

        var prefill = new LogitComparison();
        var decode = new LogitComparison();
        var tokens = new List<long>(prompt);
        IReadOnlyDictionary<string, NpyArray>? outA = null;
        IReadOnlyDictionary<string, NpyArray>? outB = null;
        long past = 0;
        for (var step = 0; step <= steps; step++)
        {
            var fresh = step == 0 ? tokens.ToArray() : [tokens[^1]];
            outA = a.Run(DecoderInputs.Step(a.Inputs, fresh, past, outA));
            outB = b.Run(DecoderInputs.Step(b.Inputs, fresh, past, outB));
            past += fresh.Length;
            var last = AddRows(step == 0 ? prefill : decode, LogitsOf(outA), LogitsOf(outB));
            if (step < steps)
            {
                tokens.Add(forced is null ? LogitComparison.ArgMax(last) : forced[step]);
            }
        }

        return new GenerationComparison(prefill, decode, tokens);
    }

    /// <summary>Runs both models on <paramref name="inputs"/> and compares each floating-point output both give.</summary>
    public static IReadOnlyDictionary<string, LogitComparison> Case(IModelRunner a, IModelRunner b, IReadOnlyDictionary<string, NpyArray> inputs)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var outA = a.Run(inputs);
        var outB = b.Run(inputs);
        var result = new SortedDictionary<string, LogitComparison>(StringComparer.Ordinal);
        foreach (var (name, valueA) in outA)
        {
            if (outB.TryGetValue(name, out var valueB) && IsFloat(valueA) && valueA.Rank > 0 && valueA.ElementCount > 0)
            {
                var comparison = new LogitComparison();
                AddRows(comparison, valueA, valueB);
                result[name] = comparison;
            }
        }

        return result;
    }

    private static bool IsFloat(NpyArray array) => array.ElementType is Core.Tensors.TensorElementType.Float32
        or Core.Tensors.TensorElementType.Float16 or Core.Tensors.TensorElementType.BFloat16 or Core.Tensors.TensorElementType.Float64;

    private static NpyArray LogitsOf(IReadOnlyDictionary<string, NpyArray> outputs) =>
        outputs.TryGetValue(Logits, out var logits)
            ? logits
            : throw new ModelSurgeryException($"The model has no '{Logits}' output (it gives {string.Join(", ", outputs.Keys)}); use --cases.");

    /// <summary>Adds every row (last axis) of a and b; returns the last row of a.</summary>
    private static double[] AddRows(LogitComparison comparison, NpyArray a, NpyArray b)
    {
        if (!a.Shape.SequenceEqual(b.Shape))
        {
            throw new ModelSurgeryException(
                $"The models' outputs differ in shape: [{string.Join(",", a.Shape.ToArray())}] vs [{string.Join(",", b.Shape.ToArray())}].");
        }

        var classes = (int)a.Shape[^1];
        var valuesA = a.ToDoubleArray();
        var valuesB = b.ToDoubleArray();
        for (var row = 0; row < valuesA.Length / classes; row++)
        {
            comparison.Add(valuesA.AsSpan(row * classes, classes), valuesB.AsSpan(row * classes, classes));
        }

        return valuesA[^classes..];
    }
}
