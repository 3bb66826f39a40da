using System.Globalization;
using EdgeLam.Onnx.Model.Graph;
using EdgeLam.Onnx.Model.Protos;

namespace EdgeLam.Onnx.Model.Tests;

/// <summary>
/// A small encoder-decoder (T5/BART-like) in one graph, as a whole-model export gives it: source tokens
/// <c>input_ids</c> and target tokens <c>decoder_input_ids</c> looked up in one shared embedding table, an encoder of
/// self-attention + FFN layers ending in a layer norm (the encoder output), and decoder layers of self-attention,
/// cross-attention (queries from the decoder, keys and values projected from the encoder output) and FFN, then the
/// language-model head. Nodes and weights carry no names that say which layer they belong to, unless
/// <c>named</c>: then nodes are scoped as an exporter scopes them, <c>/model/encoder/layers.N/</c> and
/// <c>/model/decoder/layers.N/</c>, both counting from 0. Without <c>sharedTable</c> the encoder has its own, larger
/// table. With <c>cache</c> the decoder's self-attention keys and values extend <c>past_key_values.N.key|value</c>
/// [batch, past, hidden] into <c>present.N.key|value</c> (cross-attention keys and values are computed each call).
/// </summary>
internal static class EncoderDecoderModel
{
    public const int Hidden = 8;
    public const int Vocab = 24;

    /// <summary>Rows of the encoder's own table when the tables are not shared: more than the decoder's.</summary>
    public const int SourceVocab = 40;
    public const int EncoderLayers = 3;
    public const int DecoderLayers = 3;

    /// <summary>The graph and the name of the encoder output tensor.</summary>
    public static (ModelProto Model, string EncoderOutput) Build(bool named = false, bool sharedTable = true, bool cache = false, int seed = 5)
    {
        var export = new ExportGraph(seed, 0.6);
        var model = export.Model;
        var g = model.Graph;
        var scope = string.Empty;
        string Node(string op, string[] inputs, params AttributeProto[] attributes) => export.Node(op, inputs, output => named && scope.Length > 0 ? $"{scope}/{op}_{output}" : string.Empty, attributes);
        string Weight(params long[] dims) => export.Weight(dims);
        static AttributeProto Int(string name, long v) => ExportGraph.Int(name, v);

        var perm = new AttributeProto { Name = "perm", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 0, 2, 1 } };

        string Cached(string current, string name)
        {
            g.Input.Add(new TensorType(1, [Dim.Named("batch"), Dim.Named("past_length"), Dim.Of(Hidden)]).ToValueInfo("past_key_values." + name));
            g.Output.Add(new TensorType(1, [Dim.Named("batch"), Dim.Named("total_length"), Dim.Of(Hidden)]).ToValueInfo("present." + name));
            var all = Node("Concat", ["past_key_values." + name, current], Int("axis", 1));
            g.Node.Add(new NodeProto { OpType = "Identity", Input = { all }, Output = { "present." + name } });
            return "present." + name;
        }

        string Attention(string queries, string keysValues, int? cacheLayer = null)
        {
            var q = Node("MatMul", [queries, Weight(Hidden, Hidden)]);
            var k = Node("MatMul", [keysValues, Weight(Hidden, Hidden)]);
            var v = Node("MatMul", [keysValues, Weight(Hidden, Hidden)]);
            if (cacheLayer is { } layer)
            {
                k = Cached(k, string.Create(CultureInfo.InvariantCulture, $"{layer}.key"));
                v = Cached(v, string.Create(CultureInfo.InvariantCulture, $"{layer}.value"));
            }

            var scores = Node("MatMul", [q, Node("Transpose", [k], perm)]);
            var mixed = Node("MatMul", [Node("Softmax", [scores], Int("axis", -1)), v]);
            return Node("Add", [queries, Node("MatMul", [mixed, Weight(Hidden, Hidden)])]);
        }

        string Ffn(string x) =>
            Node("Add", [x, Node("MatMul", [Node("Relu", [Node("MatMul", [x, Weight(Hidden, 2 * Hidden)])]), Weight(2 * Hidden, Hidden)])]);

        g.Input.Add(new TensorType(7, [Dim.Named("batch"), Dim.Named("source_length")]).ToValueInfo("input_ids"));
        g.Input.Add(new TensorType(7, [Dim.Named("batch"), Dim.Named("target_length")]).ToValueInfo("decoder_input_ids"));
        var shared = Weight(Vocab, Hidden);

        var e = Node("Gather", [sharedTable ? shared : Weight(SourceVocab, Hidden), "input_ids"]);
        for (var l = 0; l < EncoderLayers; l++)
        {
            scope = string.Create(CultureInfo.InvariantCulture, $"/model/encoder/layers.{l}");
            e = Ffn(Attention(e, e));
        }

        scope = string.Empty;

        var encoderOutput = Node("LayerNormalization", [e, Weight(Hidden), Weight(Hidden)], Int("axis", -1));

        var d = Node("Gather", [shared, "decoder_input_ids"]);
        for (var l = 0; l < DecoderLayers; l++)
        {
            scope = string.Create(CultureInfo.InvariantCulture, $"/model/decoder/layers.{l}");
            d = Ffn(Attention(Attention(d, d, cache ? l : null), encoderOutput));
        }

        scope = string.Empty;

        g.Node.Add(new NodeProto { OpType = "MatMul", Input = { d, Weight(Hidden, Vocab) }, Output = { "logits" } });
        g.Output.Insert(0, new TensorType(1, [Dim.Named("batch"), Dim.Named("target_length"), Dim.Of(Vocab)]).ToValueInfo("logits"));
        return (model, encoderOutput);
    }
}
