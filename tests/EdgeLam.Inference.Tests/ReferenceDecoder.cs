using EdgeLam.Core.Npy;
using EdgeLam.Core.Tensors;
using EdgeLam.Onnx.Interop;

namespace EdgeLam.Inference.Tests;

/// <summary>
/// An independent greedy decoder for the tests: one unsplit session, ORT-allocated outputs, the KV cache passed back
/// exactly as ORT returned it (no padding, no preallocation), an all-ones mask. What the engine must reproduce.
/// </summary>
internal sealed class ReferenceDecoder : IDisposable
{
    private readonly OrtSession _session;

    public ReferenceDecoder(OnnxRuntime runtime, string modelPath)
    {
        _session = runtime.OpenSession(modelPath);
    }

    public List<long> Greedy(long[] prompt, int newTokens)
    {
        var past = new Dictionary<string, NpyArray>();
        foreach (var input in _session.Inputs.Where(i => i.Name.StartsWith("past_key_values.", StringComparison.Ordinal)))
        {
            past[input.Name] = new NpyArray(input.ElementType, [1, input.Shape[1], 0, input.Shape[3]], []);
        }

        var tokens = new List<long>();
        var ids = prompt;
        var length = 0;
        for (var step = 0; step < newTokens; step++)
        {
            var feeds = new Dictionary<string, NpyArray>
            {
                ["input_ids"] = Int64(ids, ids.Length),
                ["attention_mask"] = Int64(Enumerable.Repeat(1L, length + ids.Length).ToArray(), length + ids.Length),
                ["position_ids"] = Int64(Enumerable.Range(length, ids.Length).Select(i => (long)i).ToArray(), ids.Length),
            };
            foreach (var (name, value) in past)
            {
                feeds[name] = value;
            }

            var names = feeds.Keys.ToArray();
            var values = names.Select(n => OrtValue.CreateTensor(feeds[n])).ToArray();
            var outputNames = _session.Outputs.Select(o => o.Name).ToArray();
            var outputs = _session.Run(names, values, outputNames);
            try
            {
                var logits = LastRow(outputs[Array.IndexOf(outputNames, "logits")]);
                for (var o = 0; o < outputNames.Length; o++)
                {
                    if (outputNames[o].StartsWith("present.", StringComparison.Ordinal))
                    {
                        past["past_key_values." + outputNames[o]["present.".Length..]] = outputs[o].ToNpyArray();
                    }
                }

                var next = ArgMax(logits);
                tokens.Add(next);
                length += ids.Length;
                ids = [next];
            }
            finally
            {
                foreach (var v in values.Concat(outputs))
                {
                    v.Dispose();
                }
            }
        }

        return tokens;
    }

    public void Dispose() => _session.Dispose();

    internal static float[] LastRow(OrtValue logits)
    {
        var vocab = (int)logits.Shape[^1];
        var all = ToFloats(logits);
        return all[^vocab..];
    }

    internal static float[] ToFloats(OrtValue value) => value.ElementType switch
    {
        TensorElementType.Float32 => value.GetData<float>().ToArray(),
        TensorElementType.Float16 => value.GetData<Half>().ToArray().Select(h => (float)h).ToArray(),
        _ => throw new NotSupportedException(value.ElementType.ToString()),
    };

    internal static float[] ToFloats(NpyArray array) => array.ElementType switch
    {
        TensorElementType.Float32 => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(array.Data).ToArray(),
        TensorElementType.Float16 => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(array.Data).ToArray().Select(h => (float)h).ToArray(),
        _ => throw new NotSupportedException(array.ElementType.ToString()),
    };

    // Written out rather than calling the engine's sampler, so the reference shares no code with the engine.
    private static long ArgMax(float[] values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    private static NpyArray Int64(long[] values, int columns)
    {
        var bytes = new byte[values.Length * sizeof(long)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return new NpyArray(TensorElementType.Int64, [1, columns], bytes);
    }
}
