using System.Buffers.Binary;
using EdgeLam.Onnx.Model.Protos;
using EdgeLam.Onnx.Model.Synthetic;

namespace EdgeLam.Onnx.Model.Tests;

/// <summary>
/// An independent, deliberately plain forward pass of the synthetic decoders (loops, double precision) written from
/// the textbook definitions of Llama and GPT-2, reading the weights back from the model file by name. It shares no
/// code with the builder: rotary angles are recomputed from theta, masks from their definition.
/// </summary>
internal sealed class SyntheticReference
{
    private readonly SyntheticModelConfig _c;
    private readonly Dictionary<string, double[]> _w = new(StringComparer.Ordinal);

    public SyntheticReference(SyntheticModelConfig config, string modelPath)
    {
        _c = config;
        var model = ModelFile.Load(modelPath);
        foreach (var tensor in model.Graph.Initializer)
        {
            if (tensor.DataType is (int)TensorProto.Types.DataType.Float or (int)TensorProto.Types.DataType.Float16
                && tensor.Dims.Count > 0)
            {
                _w[tensor.Name] = Decode(tensor, TensorStorage.ReadBytes(tensor, model.BaseDirectory, 1L << 30));
            }
        }
    }

    /// <summary>One forward pass. Caches are [batch][kvHeads][past][head] flattened; returns logits [batch, seq, vocab]
    /// and the present caches [layer] as [batch, kvHeads, total, head].</summary>
    public (double[] Logits, double[][] PresentKeys, double[][] PresentValues) Run(
        int batch, long[] inputIds, long[] attentionMask, long[] positionIds, double[][] pastKeys, double[][] pastValues, int past)
    {
        var c = _c;
        var seq = inputIds.Length / batch;
        var total = past + seq;
        int hidden = c.HiddenSize, heads = c.Heads, kvHeads = c.KeyValueHeads, head = c.HeadSize;
        var logits = new double[batch * seq * c.VocabSize];
        var presentKeys = new double[c.Layers][];
        var presentValues = new double[c.Layers][];
        for (var l = 0; l < c.Layers; l++)
        {
            presentKeys[l] = new double[batch * kvHeads * total * head];
            presentValues[l] = new double[batch * kvHeads * total * head];
        }

        for (var b = 0; b < batch; b++)
        {
            var x = new double[seq][];
            for (var s = 0; s < seq; s++)
            {
                x[s] = Row("model.embed_tokens.weight", inputIds[(b * seq) + s], hidden);
                if (c.Architecture == SyntheticArchitecture.Gpt2)
                {
                    AddInPlace(x[s], Row("model.embed_positions.weight", positionIds[(b * seq) + s], hidden));
                }
            }

            for (var l = 0; l < c.Layers; l++)
            {
                var w = $"model.layers.{l}.";
                var gpt2 = c.Architecture == SyntheticArchitecture.Gpt2;
                var q = new double[seq][];
                var k = new double[seq][];
                var v = new double[seq][];
                for (var s = 0; s < seq; s++)
                {
                    if (gpt2)
                    {
                        var h = LayerNorm(x[s], w + "ln_1");
                        var qkv = Linear(h, w + "attn.c_attn", true);
                        q[s] = qkv[..hidden];
                        k[s] = qkv[hidden..(2 * hidden)];
                        v[s] = qkv[(2 * hidden)..];
                    }
                    else
                    {
                        var h = RmsNorm(x[s], w + "input_layernorm.weight");
                        q[s] = Rotate(Linear(h, w + "self_attn.q_proj", c.AttentionBias), positionIds[(b * seq) + s], heads);
                        k[s] = Rotate(Linear(h, w + "self_attn.k_proj", c.AttentionBias), positionIds[(b * seq) + s], kvHeads);
                        v[s] = Linear(h, w + "self_attn.v_proj", c.AttentionBias);
                    }
                }

                // present = [past ; new] per KV head.
                double Cache(double[] cache, int kvh, int t, int d) => cache[(((b * kvHeads) + kvh) * total * head) + (t * head) + d];
                for (var kvh = 0; kvh < kvHeads; kvh++)
                {
                    for (var t = 0; t < total; t++)
                    {
                        for (var d = 0; d < head; d++)
                        {
                            var index = (((b * kvHeads) + kvh) * total * head) + (t * head) + d;
                            var pastIndex = (((b * kvHeads) + kvh) * past * head) + (t * head) + d;
                            presentKeys[l][index] = t < past ? pastKeys[l][pastIndex] : k[t - past][(kvh * head) + d];
                            presentValues[l][index] = t < past ? pastValues[l][pastIndex] : v[t - past][(kvh * head) + d];
                        }
                    }
                }

                for (var s = 0; s < seq; s++)
                {
                    var context = new double[hidden];
                    var queryIndex = past + s;
                    for (var hh = 0; hh < heads; hh++)
                    {
                        var kvh = hh / (heads / kvHeads);
                        var scores = new double[total];
                        var max = double.NegativeInfinity;
                        for (var t = 0; t < total; t++)
                        {
                            // Causal and padding mask; a position always sees itself (so padded rows stay defined).
                            if (t != queryIndex && (t > queryIndex || attentionMask[(b * total) + t] == 0))
                            {
                                scores[t] = double.NegativeInfinity;
                                continue;
                            }

                            double dot = 0;
                            for (var d = 0; d < head; d++)
                            {
                                dot += q[s][(hh * head) + d] * Cache(presentKeys[l], kvh, t, d);
                            }

                            scores[t] = dot / Math.Sqrt(head);
                            max = Math.Max(max, scores[t]);
                        }

                        double sum = 0;
                        for (var t = 0; t < total; t++)
                        {
                            scores[t] = double.IsNegativeInfinity(scores[t]) ? 0 : Math.Exp(scores[t] - max);
                            sum += scores[t];
                        }

                        for (var t = 0; t < total; t++)
                        {
                            for (var d = 0; d < head; d++)
                            {
                                context[(hh * head) + d] += scores[t] / sum * Cache(presentValues[l], kvh, t, d);
                            }
                        }
                    }

                    if (gpt2)
                    {
                        AddInPlace(x[s], Linear(context, w + "attn.c_proj", true));
                        var h = LayerNorm(x[s], w + "ln_2");
                        var fc = Linear(h, w + "mlp.c_fc", true);
                        for (var i = 0; i < fc.Length; i++)
                        {
                            var u = fc[i];
                            fc[i] = 0.5 * u * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (u + (0.044715 * u * u * u))));
                        }

                        AddInPlace(x[s], Linear(fc, w + "mlp.c_proj", true));
                    }
                    else
                    {
                        AddInPlace(x[s], Linear(context, w + "self_attn.o_proj", false));
                        var h = RmsNorm(x[s], w + "post_attention_layernorm.weight");
                        var gate = Linear(h, w + "mlp.gate_proj", false);
                        var up = Linear(h, w + "mlp.up_proj", false);
                        for (var i = 0; i < gate.Length; i++)
                        {
                            gate[i] = gate[i] / (1 + Math.Exp(-gate[i])) * up[i];
                        }

                        AddInPlace(x[s], Linear(gate, w + "mlp.down_proj", false));
                    }
                }
            }

            for (var s = 0; s < seq; s++)
            {
                var h = c.Architecture == SyntheticArchitecture.Gpt2 ? LayerNorm(x[s], "model.norm") : RmsNorm(x[s], "model.norm.weight");
                for (var o = 0; o < c.VocabSize; o++)
                {
                    double sum = 0;
                    for (var i = 0; i < hidden; i++)
                    {
                        sum += h[i] * (c.TieEmbeddings
                            ? _w["model.embed_tokens.weight"][((long)o * hidden) + i]
                            : _w["lm_head.weight"][((long)i * c.VocabSize) + o]);
                    }

                    logits[(((b * seq) + s) * c.VocabSize) + o] = sum;
                }
            }
        }

        return (logits, presentKeys, presentValues);
    }

    private static double[] Decode(TensorProto tensor, byte[] bytes)
    {
        var half = tensor.DataType == (int)TensorProto.Types.DataType.Float16;
        var values = new double[bytes.Length / (half ? 2 : 4)];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = half
                ? (double)BinaryPrimitives.ReadHalfLittleEndian(bytes.AsSpan(i * 2))
                : BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4));
        }

        return values;
    }

    private static void AddInPlace(double[] x, double[] y)
    {
        for (var i = 0; i < x.Length; i++)
        {
            x[i] += y[i];
        }
    }

    private double[] Row(string name, long row, int width) => _w[name].AsSpan((int)(row * width), width).ToArray();

    /// <summary>y = x·W (+ b) with W stored [in, out].</summary>
    private double[] Linear(double[] x, string prefix, bool bias)
    {
        var weight = _w[prefix + ".weight"];
        var outFeatures = weight.Length / x.Length;
        var y = bias ? _w[prefix + ".bias"].ToArray() : new double[outFeatures];
        for (var i = 0; i < x.Length; i++)
        {
            for (var o = 0; o < outFeatures; o++)
            {
                y[o] += x[i] * weight[(i * outFeatures) + o];
            }
        }

        return y;
    }

    private double[] RmsNorm(double[] x, string weightName)
    {
        var gain = _w[weightName];
        var meanSquare = x.Sum(v => v * v) / x.Length;
        var scale = 1 / Math.Sqrt(meanSquare + _c.NormEpsilon);
        return x.Select((v, i) => v * scale * gain[i]).ToArray();
    }

    private double[] LayerNorm(double[] x, string prefix)
    {
        var gain = _w[prefix + ".weight"];
        var bias = _w[prefix + ".bias"];
        var mean = x.Average();
        var variance = x.Sum(v => (v - mean) * (v - mean)) / x.Length;
        var scale = 1 / Math.Sqrt(variance + _c.NormEpsilon);
        return x.Select((v, i) => ((v - mean) * scale * gain[i]) + bias[i]).ToArray();
    }

    /// <summary>Rotate-half RoPE of each head at <paramref name="position"/>: pairs (i, i + head/2), angle p·θ^(−2i/head).</summary>
    private double[] Rotate(double[] x, long position, int headCount)
    {
        var head = _c.HeadSize;
        var half = head / 2;
        var y = new double[x.Length];
        for (var hh = 0; hh < headCount; hh++)
        {
            for (var i = 0; i < half; i++)
            {
                var angle = position * Math.Pow(_c.RopeTheta, -2.0 * i / head);
                var a = x[(hh * head) + i];
                var b = x[(hh * head) + i + half];
                y[(hh * head) + i] = (a * Math.Cos(angle)) - (b * Math.Sin(angle));
                y[(hh * head) + i + half] = (b * Math.Cos(angle)) + (a * Math.Sin(angle));
            }
        }

        return y;
    }
}
