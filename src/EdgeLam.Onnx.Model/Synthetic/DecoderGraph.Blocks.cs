using static EdgeLam.Onnx.Model.Synthetic.GraphBuilder;
using DataType = EdgeLam.Onnx.Model.Protos.TensorProto.Types.DataType;

namespace EdgeLam.Onnx.Model.Synthetic;

/// <summary>The transformer blocks: Llama (RMSNorm, rotary, GQA, SwiGLU) and GPT-2 (LayerNorm, MHA, GELU).</summary>
internal sealed partial class DecoderGraph
{
    private string LlamaBlock(int layer, string x)
    {
        var c = _config;
        var p = Scope(layer);
        var w = WeightPrefix(layer);
        var kvWidth = c.KeyValueHeads * c.HeadSize;

        var h = RmsNorm(p + "/input_layernorm", x, w + ".input_layernorm.weight");
        var q = Linear(p + "/attn/q_proj", h, w + ".self_attn.q_proj", c.HiddenSize, c.HiddenSize, c.AttentionBias);
        var k = Linear(p + "/attn/k_proj", h, w + ".self_attn.k_proj", c.HiddenSize, kvWidth, c.AttentionBias);
        var v = Linear(p + "/attn/v_proj", h, w + ".self_attn.v_proj", c.HiddenSize, kvWidth, c.AttentionBias);
        var context = Attention(layer, q, k, v, rotary: true);
        var o = Linear(p + "/attn/o_proj", context, w + ".self_attn.o_proj", c.HiddenSize, c.HiddenSize, bias: false);
        x = _g.Op(p + "/attn_residual", "Add", [x, o]);

        h = RmsNorm(p + "/post_attention_layernorm", x, w + ".post_attention_layernorm.weight");
        var gate = Linear(p + "/mlp/gate_proj", h, w + ".mlp.gate_proj", c.HiddenSize, c.IntermediateSize, bias: false);
        var up = Linear(p + "/mlp/up_proj", h, w + ".mlp.up_proj", c.HiddenSize, c.IntermediateSize, bias: false);
        var silu = _g.Op(p + "/mlp/act_fn", "Mul", [gate, _g.Op(p + "/mlp/act_fn", "Sigmoid", [gate])]);
        var product = _g.Op(p + "/mlp", "Mul", [silu, up]);
        var down = Linear(p + "/mlp/down_proj", product, w + ".mlp.down_proj", c.IntermediateSize, c.HiddenSize, bias: false);
        return _g.Op(p + "/mlp_residual", "Add", [x, down]);
    }

    private string Gpt2Block(int layer, string x)
    {
        var c = _config;
        var p = Scope(layer);
        var w = WeightPrefix(layer);

        var h = LayerNorm(p + "/ln_1", x, w + ".ln_1");
        var qkv = Linear(p + "/attn/c_attn", h, w + ".attn.c_attn", c.HiddenSize, 3 * c.HiddenSize, bias: true);
        var parts = _g.OpMulti(p + "/attn/c_attn", "Split", [qkv, _g.Int64([c.HiddenSize, c.HiddenSize, c.HiddenSize])], 3, Attr("axis", -1L));
        var context = Attention(layer, parts[0], parts[1], parts[2], rotary: false);
        var o = Linear(p + "/attn/c_proj", context, w + ".attn.c_proj", c.HiddenSize, c.HiddenSize, bias: true);
        x = _g.Op(p + "/attn_residual", "Add", [x, o]);

        h = LayerNorm(p + "/ln_2", x, w + ".ln_2");
        var fc = Linear(p + "/mlp/c_fc", h, w + ".mlp.c_fc", c.HiddenSize, c.IntermediateSize, bias: true);
        var gelu = GeluTanh(p + "/mlp/act", fc);
        var down = Linear(p + "/mlp/c_proj", gelu, w + ".mlp.c_proj", c.IntermediateSize, c.HiddenSize, bias: true);
        return _g.Op(p + "/mlp_residual", "Add", [x, down]);
    }

    /// <summary>
    /// Scaled dot-product attention over [past ; new] keys and values. q is [batch, seq, heads·head], k and v are
    /// [batch, seq, kv_heads·head]; present.N.key|value are [batch, kv_heads, total, head]; KV heads are repeated to
    /// the query heads (grouped-query attention). Scores, mask and softmax are float32. Returns [batch, seq, hidden].
    /// </summary>
    private string Attention(int layer, string q, string k, string v, bool rotary)
    {
        var c = _config;
        var s = Scope(layer) + "/attn";
        var q4 = _g.Op(s + "/q", "Reshape", [q, _g.Int64([0, 0, c.Heads, c.HeadSize])]);
        var k4 = _g.Op(s + "/k", "Reshape", [k, _g.Int64([0, 0, c.KeyValueHeads, c.HeadSize])]);
        var v4 = _g.Op(s + "/v", "Reshape", [v, _g.Int64([0, 0, c.KeyValueHeads, c.HeadSize])]);
        if (rotary)
        {
            q4 = Rotary(s + "/q_rotary", q4);
            k4 = Rotary(s + "/k_rotary", k4);
        }

        var qt = _g.Op(s + "/q", "Transpose", [q4], Attr("perm", new long[] { 0, 2, 1, 3 }));
        var kt = _g.Op(s + "/k", "Transpose", [k4], Attr("perm", new long[] { 0, 2, 1, 3 }));
        var vt = _g.Op(s + "/v", "Transpose", [v4], Attr("perm", new long[] { 0, 2, 1, 3 }));
        var presentKey = _g.OpNamed(s + "/k_cache", "Concat", [PastKey(layer), kt], PresentKey(layer), Attr("axis", 2L));
        var presentValue = _g.OpNamed(s + "/v_cache", "Concat", [PastValue(layer), vt], PresentValue(layer), Attr("axis", 2L));
        var keys = RepeatKv(s + "/k_repeat", presentKey);
        var values = RepeatKv(s + "/v_repeat", presentValue);

        var keysT = _g.Op(s + "/k_repeat", "Transpose", [keys], Attr("perm", new long[] { 0, 1, 3, 2 }));
        var scores = _g.Op(s + "/qk", "MatMul", [qt, keysT]);
        if (IsHalf)
        {
            scores = Cast(s + "/qk", scores, DataType.Float);
        }

        scores = _g.Op(s + "/qk", "Mul", [scores, _g.Scalar(1f / MathF.Sqrt(c.HeadSize), SyntheticDataType.Float32)]);
        scores = _g.Op(s + "/qk", "Add", [scores, _maskBias]);
        var probabilities = _g.Op(s, "Softmax", [scores], Attr("axis", -1L));
        if (IsHalf)
        {
            probabilities = Cast(s, probabilities, DataType.Float16);
        }

        var context = _g.Op(s + "/qkv", "MatMul", [probabilities, values]);
        context = _g.Op(s + "/qkv", "Transpose", [context], Attr("perm", new long[] { 0, 2, 1, 3 }));
        return _g.Op(s + "/qkv", "Reshape", [context, _g.Int64([0, 0, c.HiddenSize])]);
    }

    /// <summary>[batch, kv_heads, total, head] → [batch, heads, total, head], each KV head serving heads/kv_heads queries.</summary>
    private string RepeatKv(string scope, string x)
    {
        var c = _config;
        var groups = c.Heads / c.KeyValueHeads;
        if (groups == 1)
        {
            return x;
        }

        var expanded = _g.Op(scope, "Expand", [_g.Op(scope, "Unsqueeze", [x, _g.Int64([2])]), _g.Int64([1, 1, groups, 1, 1])]);
        return _g.Op(scope, "Reshape", [expanded, _g.Int64([0, c.Heads, -1, c.HeadSize])]);
    }

    /// <summary>Rotate-half rotary embedding on [batch, seq, heads, head]: (x1·cos − x2·sin, x2·cos + x1·sin).</summary>
    private string Rotary(string scope, string x)
    {
        var half = _config.HeadSize / 2;
        var parts = _g.OpMulti(scope, "Split", [x, _g.Int64([half, half])], 2, Attr("axis", 3L));
        var first = _g.Op(scope, "Sub", [_g.Op(scope, "Mul", [parts[0], _cos]), _g.Op(scope, "Mul", [parts[1], _sin])]);
        var second = _g.Op(scope, "Add", [_g.Op(scope, "Mul", [parts[1], _cos]), _g.Op(scope, "Mul", [parts[0], _sin])]);
        return _g.Op(scope, "Concat", [first, second], Attr("axis", 3L));
    }

    /// <summary>GELU, tanh approximation: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).</summary>
    private string GeluTanh(string scope, string x)
    {
        var cube = _g.Op(scope, "Mul", [_g.Op(scope, "Mul", [x, x]), x]);
        var inner = _g.Op(scope, "Add", [x, _g.Op(scope, "Mul", [cube, _g.Scalar(0.044715f, _dataType)])]);
        var t = _g.Op(scope, "Tanh", [_g.Op(scope, "Mul", [inner, _g.Scalar(MathF.Sqrt(2f / MathF.PI), _dataType)])]);
        var onePlus = _g.Op(scope, "Add", [t, _g.Scalar(1f, _dataType)]);
        return _g.Op(scope, "Mul", [_g.Op(scope, "Mul", [x, _g.Scalar(0.5f, _dataType)]), onePlus]);
    }
}
