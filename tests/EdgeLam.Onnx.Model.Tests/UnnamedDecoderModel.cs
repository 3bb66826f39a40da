using EdgeLam.Onnx.Model.Graph;
using EdgeLam.Onnx.Model.Protos;
using Google.Protobuf;

namespace EdgeLam.Onnx.Model.Tests;

/// <summary>
/// A small GPT-2-like decoder in the style of a plain PyTorch export: unnamed nodes, opaque weight names, a
/// <c>past_N</c> / <c>present_N</c> cache, positions computed from the past length, an FFN weight shared by all layers,
/// and tied input/output embeddings. Built here (not by the synthetic builder) to exercise the structural fallbacks.
/// </summary>
internal static class UnnamedDecoderModel
{
    public const int Hidden = 8;
    public const int Vocab = 16;
    public const int Layers = 3;

    public static ModelProto Build(int seed = 7)
    {
        var export = new ExportGraph(seed, 0.5);
        var model = export.Model;
        var g = model.Graph;
        string Node(string op, string[] inputs, params AttributeProto[] attributes) => export.Node(op, inputs, null, attributes);
        string Weight(params long[] dims) => export.Weight(dims);
        static AttributeProto Int(string name, long v) => ExportGraph.Int(name, v);

        string Int64(long value)
        {
            var name = "onnx::Const_" + g.Initializer.Count;
            var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64, RawData = ByteString.CopyFrom(BitConverter.GetBytes(value)) };
            g.Initializer.Add(t);
            return name;
        }

        g.Input.Add(new TensorType(7, [Dim.Named("batch"), Dim.Named("seq")]).ToValueInfo("input_ids"));
        for (var l = 0; l < Layers; l++)
        {
            g.Input.Add(new TensorType(1, [Dim.Named("batch"), Dim.Named("past_seq"), Dim.Of(Hidden)]).ToValueInfo($"past_{l}"));
        }

        var wte = Weight(Vocab, Hidden);
        var wpe = Weight(32, Hidden);
        var shared = Weight(Hidden, Hidden);

        // Positions past_len .. past_len + seq - 1 from the shapes of past_0 and input_ids.
        var one = Int64(1);
        var pastLen = Node("Gather", [Node("Shape", ["past_0"]), one], Int("axis", 0));
        var seqLen = Node("Gather", [Node("Shape", ["input_ids"]), one], Int("axis", 0));
        var positions = Node("Range", [pastLen, Node("Add", [pastLen, seqLen]), one]);
        var h = Node("Add", [Node("Gather", [wte, "input_ids"]), Node("Gather", [wpe, positions])]);

        for (var l = 0; l < Layers; l++)
        {
            var k = Node("MatMul", [h, Weight(Hidden, Hidden)]);
            var kv = Node("Concat", [$"past_{l}", k], Int("axis", 1));
            g.Node.Add(new NodeProto { OpType = "Identity", Input = { kv }, Output = { $"present_{l}" } });
            var scores = Node("MatMul", [h, Node("Transpose", [kv], new AttributeProto { Name = "perm", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 0, 2, 1 } })]);
            var attention = Node("MatMul", [Node("Softmax", [scores], Int("axis", -1)), kv]);
            var mid = Node("Add", [h, Node("MatMul", [attention, Weight(Hidden, Hidden)])]);
            var ffn = Node("MatMul", [Node("Relu", [Node("MatMul", [mid, Weight(Hidden, Hidden)])]), shared]);
            h = Node("Add", [mid, ffn]);
        }

        var tied = Node("Transpose", [wte], new AttributeProto { Name = "perm", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 1, 0 } });
        g.Node.Add(new NodeProto { OpType = "MatMul", Input = { h, tied }, Output = { "logits" } });
        g.Output.Add(new TensorType(1, [Dim.Named("batch"), Dim.Named("seq"), Dim.Of(Vocab)]).ToValueInfo("logits"));
        for (var l = 0; l < Layers; l++)
        {
            g.Output.Add(new TensorType(1, [Dim.Named("batch"), Dim.Named("total_seq"), Dim.Of(Hidden)]).ToValueInfo($"present_{l}"));
        }

        return model;
    }
}
