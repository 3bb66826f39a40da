using EdgeLam.Inference.Sampling;
using EdgeLam.Wire.Codecs;

namespace EdgeLam.Inference.Pipeline;

/// <summary>How close one wire codec keeps a split chain to the raw wire (teacher-forced: both see the same tokens).</summary>
/// <param name="Codec">The codec.</param>
/// <param name="Steps">Decode steps compared.</param>
/// <param name="MaxAbsError">Largest |logit - raw logit| over all compared steps.</param>
/// <param name="MeanCosine">Mean cosine similarity of the logit vectors.</param>
/// <param name="MinCosine">Smallest cosine similarity of one step.</param>
/// <param name="Top1Agreement">Fraction of steps whose arg max equals the raw arg max.</param>
/// <param name="FrameBytes">Bytes of the last decode frame on the first boundary.</param>
public sealed record WireFidelityRow(WireCodec Codec, int Steps, double MaxAbsError, double MeanCosine, double MinCosine, double Top1Agreement, int FrameBytes);

/// <summary>
/// Measures codec fidelity on a split chain: runs the raw-wire chain greedily for N decode steps, then replays the same
/// prompt and tokens through each codec and compares the final logits of every decode step with the raw ones.
/// </summary>
public static class WireFidelity
{
    /// <summary>Compares <paramref name="codecs"/> with the raw wire.</summary>
    /// <param name="open">Opens the split chain with a given wire codec.</param>
    /// <param name="prompt">Prompt token ids.</param>
    /// <param name="steps">Decode steps after the prefill.</param>
    /// <param name="codecs">Codecs to compare.</param>
    public static IReadOnlyList<WireFidelityRow> Measure(Func<WireCodec, InferencePipeline> open, ReadOnlySpan<long> prompt, int steps, IEnumerable<WireCodec> codecs)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentNullException.ThrowIfNull(codecs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        var tokens = new long[steps];
        var reference = new float[steps][];
        using (var raw = open(WireCodec.Raw))
        {
            var conversation = Guid.NewGuid();
            var logits = raw.Prefill(conversation, prompt);
            for (var s = 0; s < steps; s++)
            {
                tokens[s] = TokenSampler.ArgMax(logits);
                logits = raw.Decode(conversation, tokens[s]);
                reference[s] = logits.ToArray();
            }
        }

        var rows = new List<WireFidelityRow>();
        foreach (var codec in codecs)
        {
            using var pipeline = open(codec);
            var conversation = Guid.NewGuid();
            pipeline.Prefill(conversation, prompt);
            double maxAbs = 0, cosineSum = 0, minCosine = 1;
            var agree = 0;
            for (var s = 0; s < steps; s++)
            {
                var logits = pipeline.Decode(conversation, tokens[s]);
                var expected = reference[s];
                double dot = 0, a = 0, b = 0;
                for (var i = 0; i < logits.Length; i++)
                {
                    maxAbs = Math.Max(maxAbs, Math.Abs(logits[i] - expected[i]));
                    dot += (double)logits[i] * expected[i];
                    a += (double)logits[i] * logits[i];
                    b += (double)expected[i] * expected[i];
                }

                var cosine = dot / Math.Sqrt(a * b);
                cosineSum += cosine;
                minCosine = Math.Min(minCosine, cosine);
                agree += TokenSampler.ArgMax(logits) == TokenSampler.ArgMax(expected) ? 1 : 0;
            }

            rows.Add(new WireFidelityRow(codec, steps, maxAbs, cosineSum / steps, minCosine, agree / (double)steps, pipeline.Boundary(1)?.LastFrameBytes ?? 0));
        }

        return rows;
    }
}
