using System.Globalization;
using EdgeLam.Onnx.Model.Protos;
using static EdgeLam.Onnx.Model.Synthetic.GraphBuilder;
using DataType = EdgeLam.Onnx.Model.Protos.TensorProto.Types.DataType;

namespace EdgeLam.Onnx.Model.Synthetic;

/// <summary>
/// Builds the graph of a synthetic decoder in the onnxruntime-genai layout: inputs <c>input_ids</c>,
/// <c>attention_mask</c>, <c>position_ids</c>, <c>past_key_values.N.key|value</c>; outputs <c>logits</c>,
/// <c>present.N.key|value</c>. Block nodes live under <c>/model/layers.N/</c>, block weights are named
/// <c>model.layers.N.*</c>. Only default-domain operators of opset <see cref="Opset"/>.
/// </summary>
internal sealed partial class DecoderGraph
{
    public const int Opset = 17;

    private const string Batch = "batch_size";
    private const string Sequence = "sequence_length";
    private const string Total = "total_sequence_length";
    private const string Past = "past_sequence_length";
    private const string CosCache = "cos_cache";
    private const string SinCache = "sin_cache";

    private readonly SyntheticModelConfig _config;
    private readonly SyntheticDataType _dataType;
    private readonly ExternalWeightWriter _weights;
    private readonly GraphBuilder _g;
    private readonly DataType _t;
    private string _maskBias = "";
    private string _cos = "";
    private string _sin = "";

    public DecoderGraph(SyntheticModelConfig config, SyntheticDataType dataType, ExternalWeightWriter weights)
    {
        _config = config;
        _dataType = dataType;
        _weights = weights;
        _t = dataType == SyntheticDataType.Float16 ? DataType.Float16 : DataType.Float;
        _g = new GraphBuilder("edgelam_synthetic_" + config.Name.Replace('-', '_').Replace('.', '_'));
    }

    private bool IsHalf => _dataType == SyntheticDataType.Float16;

    public GraphProto Build()
    {
        var c = _config;
        _g.AddInput("input_ids", DataType.Int64, Batch, Sequence);
        _g.AddInput("attention_mask", DataType.Int64, Batch, Total);
        _g.AddInput("position_ids", DataType.Int64, Batch, Sequence);
        _g.AddOutput("logits", _t, Batch, Sequence, c.VocabSize);
        for (var i = 0; i < c.Layers; i++)
        {
            _g.AddInput(PastKey(i), _t, Batch, c.KeyValueHeads, Past, c.HeadSize);
            _g.AddInput(PastValue(i), _t, Batch, c.KeyValueHeads, Past, c.HeadSize);
            _g.AddOutput(PresentKey(i), _t, Batch, c.KeyValueHeads, Total, c.HeadSize);
            _g.AddOutput(PresentValue(i), _t, Batch, c.KeyValueHeads, Total, c.HeadSize);
        }

        var embed = Weight("model.embed_tokens.weight", [c.VocabSize, c.HiddenSize], WeightFill.Embedding);
        var x = _g.Op("/model/embed_tokens", "Gather", [embed, "input_ids"]);
        if (c.Architecture == SyntheticArchitecture.Gpt2)
        {
            var wpe = Weight("model.embed_positions.weight", [c.MaxPositions, c.HiddenSize], WeightFill.Embedding);
            var positions = _g.Op("/model/embed_positions", "Gather", [wpe, "position_ids"]);
            x = RoundToModelType("/model/embed", _g.Op("/model/embed", "Add", [x, positions]));
        }
        else
        {
            BuildRotaryTables();
        }

        BuildMaskBias();
        for (var layer = 0; layer < c.Layers; layer++)
        {
            x = c.Architecture == SyntheticArchitecture.Gpt2 ? Gpt2Block(layer, x) : LlamaBlock(layer, x);
            x = RoundToModelType(Scope(layer) + "/output", x);
        }

        x = c.Architecture == SyntheticArchitecture.Gpt2
            ? LayerNorm("/model/norm", x, "model.norm")
            : RmsNorm("/model/norm", x, "model.norm.weight");
        x = RoundToModelType("/model/norm", x);
        LanguageModelHead(x, embed);
        return _g.Graph;
    }

    /// <summary>The rotary cos/sin tables are precomputed constants, not parameters.</summary>
    internal static bool IsRotaryTable(string name) => name is CosCache or SinCache;

    internal static string PastKey(int layer) => string.Create(CultureInfo.InvariantCulture, $"past_key_values.{layer}.key");

    internal static string PastValue(int layer) => string.Create(CultureInfo.InvariantCulture, $"past_key_values.{layer}.value");

    internal static string PresentKey(int layer) => string.Create(CultureInfo.InvariantCulture, $"present.{layer}.key");

    internal static string PresentValue(int layer) => string.Create(CultureInfo.InvariantCulture, $"present.{layer}.value");

    private static string Scope(int layer) => string.Create(CultureInfo.InvariantCulture, $"/model/layers.{layer}");

    private static string WeightPrefix(int layer) => string.Create(CultureInfo.InvariantCulture, $"model.layers.{layer}");

    private string Weight(string name, long[] dims, WeightFill fill)
    {
        _g.AddInitializer(_weights.WriteSeeded(name, dims, fill));
        return name;
    }

    /// <summary>
    /// Additive attention bias [batch, 1, sequence, total] in float32: 0 where key j may be seen by query i
    /// (j &lt;= past + i and attention_mask[b, j] != 0, or j is the query's own position), -1e9 elsewhere. A padded
    /// query thus attends to itself alone: its (ignored) outputs stay finite and do not depend on the sequence length.
    /// </summary>
    private void BuildMaskBias()
    {
        const string s = "/model/attn_mask_reformat";
        var one = _g.Int64([1], scalar: true);
        var seq = _g.Op(s + "/sequence_length", "Gather", [_g.Op(s + "/input_ids", "Shape", ["input_ids"]), one], Attr("axis", 0L));
        var total = _g.Op(s + "/total_sequence_length", "Gather", [_g.Op(s + "/attention_mask", "Shape", ["attention_mask"]), one], Attr("axis", 0L));
        var past = _g.Op(s + "/past_sequence_length", "Sub", [total, seq]);
        var keyPositions = _g.Op(s + "/key_positions", "Range", [_g.Int64([0], scalar: true), total, one]);
        var queryPositions = _g.Op(s + "/query_positions", "Range", [past, total, one]);
        var keys = _g.Op(s + "/key_positions", "Unsqueeze", [keyPositions, _g.Int64([0])]);
        var queries = _g.Op(s + "/query_positions", "Unsqueeze", [queryPositions, _g.Int64([1])]);
        var causal = _g.Op(s + "/causal", "LessOrEqual", [keys, queries]);
        var padding = _g.Op(s + "/padding", "Cast", ["attention_mask"], Attr("to", (long)DataType.Bool));
        padding = _g.Op(s + "/padding", "Unsqueeze", [padding, _g.Int64([1, 2])]);
        var allowed = _g.Op(s + "/allowed", "And", [padding, causal]);
        var self = _g.Op(s + "/self", "Equal", [keys, queries]);
        allowed = _g.Op(s + "/allowed", "Or", [allowed, self]);
        _maskBias = _g.Op(s + "/bias", "Where", [allowed, _g.Scalar(0f, SyntheticDataType.Float32), _g.Scalar(-1e9f, SyntheticDataType.Float32)]);
    }

    /// <summary>cos/sin [batch, sequence, 1, head/2] gathered by position_ids from the cached tables.</summary>
    private void BuildRotaryTables()
    {
        var c = _config;
        var half = c.HeadSize / 2;
        var cos = RotaryTable(CosCache, half, Math.Cos);
        var sin = RotaryTable(SinCache, half, Math.Sin);
        const string s = "/model/rotary_emb";
        _cos = _g.Op(s + "/cos", "Unsqueeze", [_g.Op(s + "/cos", "Gather", [cos, "position_ids"]), _g.Int64([2])]);
        _sin = _g.Op(s + "/sin", "Unsqueeze", [_g.Op(s + "/sin", "Gather", [sin, "position_ids"]), _g.Int64([2])]);
    }

    /// <summary>table[p, i] = f(p * theta^(-2i / head)), computed in double.</summary>
    private string RotaryTable(string name, int half, Func<double, double> f)
    {
        var headSize = _config.HeadSize;
        var theta = _config.RopeTheta;
        long index = 0;
        _g.AddInitializer(_weights.Write(name, [_config.MaxPositions, half], chunk =>
        {
            for (var k = 0; k < chunk.Length; k++, index++)
            {
                var position = index / half;
                var i = index % half;
                var inverseFrequency = 1.0 / Math.Pow(theta, 2.0 * i / headSize);
                chunk[k] = (float)f(position * inverseFrequency);
            }
        }));
        return name;
    }

    /// <summary>
    /// logits = x·W over [batch·seq, hidden] rows: MatMul on lm_head.weight [hidden, vocab], or, tied, Gemm(transB) on
    /// the shared [vocab, hidden] embedding matrix (never a transposed copy). The flattening Reshape also keeps the
    /// float16 rounding of the final norm's output in place (see <see cref="RoundToModelType"/>).
    /// </summary>
    private void LanguageModelHead(string x, string embed)
    {
        var c = _config;
        var flat = _g.Op("/lm_head", "Reshape", [x, _g.Int64([-1, c.HiddenSize])]);
        var product = c.TieEmbeddings
            ? _g.Op("/lm_head", "Gemm", [flat, embed], Attr("transB", 1L))
            : _g.Op("/lm_head", "MatMul", [flat, Weight("lm_head.weight", [c.HiddenSize, c.VocabSize], WeightFill.Linear(c.HiddenSize))]);
        var shape = _g.Op("/lm_head/shape", "Concat", [_g.Op("/lm_head/shape", "Shape", ["input_ids"]), _g.Int64([c.VocabSize])], Attr("axis", 0L));
        _g.OpNamed("/lm_head", "Reshape", [product, shape], "logits");
    }

    private string Linear(string scope, string x, string weightPrefix, int inFeatures, int outFeatures, bool bias)
    {
        var w = Weight(weightPrefix + ".weight", [inFeatures, outFeatures], WeightFill.Linear(inFeatures));
        var y = _g.Op(scope, "MatMul", [x, w]);
        if (bias)
        {
            var b = Weight(weightPrefix + ".bias", [outFeatures], WeightFill.Bias);
            y = _g.Op(scope, "Add", [y, b]);
        }

        return y;
    }

    /// <summary>RMSNorm: x / sqrt(mean(x²) + eps) · gain, statistics in float32.</summary>
    private string RmsNorm(string scope, string x, string weightName)
    {
        var gain = Weight(weightName, [_config.HiddenSize], WeightFill.NormGain);
        var xf = IsHalf ? Cast(scope, x, DataType.Float) : x;
        var squared = _g.Op(scope, "Mul", [xf, xf]);
        var mean = _g.Op(scope, "ReduceMean", [squared], Attr("axes", new long[] { -1 }), Attr("keepdims", 1L));
        var variance = _g.Op(scope, "Add", [mean, _g.Scalar(_config.NormEpsilon, SyntheticDataType.Float32)]);
        var inverse = _g.Op(scope, "Reciprocal", [_g.Op(scope, "Sqrt", [variance])]);
        var normed = _g.Op(scope, "Mul", [xf, inverse]);
        if (IsHalf)
        {
            normed = Cast(scope, normed, DataType.Float16);
        }

        return _g.Op(scope, "Mul", [normed, gain]);
    }

    /// <summary>LayerNormalization (opset 17) with gain and bias; ONNX computes its statistics in float32 (stash_type 1).</summary>
    private string LayerNorm(string scope, string x, string weightPrefix)
    {
        var gain = Weight(weightPrefix + ".weight", [_config.HiddenSize], WeightFill.NormGain);
        var bias = Weight(weightPrefix + ".bias", [_config.HiddenSize], WeightFill.Bias);
        return _g.Op(scope, "LayerNormalization", [x, gain, bias], Attr("axis", -1L), Attr("epsilon", _config.NormEpsilon));
    }

    /// <summary>
    /// float16 only: passes the hidden state through a shape-preserving Reshape. ONNX Runtime's CPU provider has no
    /// float16 kernels for element-wise arithmetic, so it computes it in float32 behind inserted casts and keeps those
    /// float32 intermediates across block boundaries; a data-movement op runs natively in float16 and pins the rounding
    /// there. The hidden state at every block boundary is then the same float16 tensor whether the model runs whole
    /// or split at that boundary.
    /// </summary>
    private string RoundToModelType(string scope, string x) =>
        IsHalf ? _g.Op(scope, "Reshape", [x, _g.Int64([0, 0, _config.HiddenSize])]) : x;

    private string Cast(string scope, string x, DataType to) => _g.Op(scope, "Cast", [x], Attr("to", (long)to));
}
