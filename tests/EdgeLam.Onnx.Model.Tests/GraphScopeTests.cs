using EdgeLam.Onnx.Model.Graph;
using EdgeLam.Onnx.Model.Protos;

namespace EdgeLam.Onnx.Model.Tests;

/// <summary>Subgraphs (If/Loop/Scan bodies) have their own name scope; reads of outer names are uses of the outer tensor.</summary>
public class GraphScopeTests
{
    private const int Float = (int)TensorProto.Types.DataType.Float;
    private const int Bool = (int)TensorProto.Types.DataType.Bool;

    [Fact]
    public void OnnxGraph_NameDefinedInMainGraphAndInsideIfBranch_IsNotProducedTwice()
    {
        var graph = new OnnxGraph(IfGraph());

        Assert.Equal(0, graph.Producer("h"));
        Assert.Equal(1, graph.Producer("y"));
        Assert.Equal([0, 1, 2], graph.TopologicalOrder);
    }

    [Fact]
    public void OnnxGraph_OuterNameReadInsideBranch_CountsAsAUseButShadowedNameDoesNot()
    {
        var graph = new OnnxGraph(IfGraph());

        // The branches read outer 'x' and their own 'h'; the If node uses 'x', not the main graph's 'h'.
        Assert.Contains(1, graph.Consumers("x"));
        Assert.Equal([2], graph.Consumers("h"));
        Assert.Equal(["c", "x"], graph.NodeInputs(1).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void OnnxGraph_NestedSubgraphReadingTheMiddleScope_IsNotAnOuterUse()
    {
        // Loop body defines 'inner' and a nested If reads it together with the outer 'x'.
        var nested = Branch("inner_if", new NodeProto { OpType = "Add", Input = { "inner", "x" }, Output = { "sum" } }, "sum");
        var body = new GraphProto { Name = "body" };
        body.Input.Add(Declared("i", (int)TensorProto.Types.DataType.Int64));
        body.Input.Add(Declared("cond_in", Bool));
        body.Input.Add(Declared("carried", Float));
        body.Node.Add(new NodeProto { OpType = "Neg", Input = { "carried" }, Output = { "inner" } });
        body.Node.Add(new NodeProto
        {
            OpType = "If",
            Input = { "cond_in" },
            Output = { "branch_out" },
            Attribute = { Subgraph("then_branch", nested), Subgraph("else_branch", nested.Clone()) },
        });
        body.Output.Add(Declared("cond_in", Bool));
        body.Output.Add(Declared("branch_out", Float));
        var main = new GraphProto { Name = "main" };
        main.Input.Add(Declared("x", Float));
        main.Input.Add(Declared("n", (int)TensorProto.Types.DataType.Int64));
        main.Input.Add(Declared("c", Bool));
        main.Node.Add(new NodeProto { OpType = "Loop", Input = { "n", "c", "x" }, Output = { "y" }, Attribute = { Subgraph("body", body) } });
        main.Output.Add(Declared("y", Float));

        var graph = new OnnxGraph(main);

        Assert.Equal(["c", "n", "x"], graph.NodeInputs(0).Order(StringComparer.Ordinal));
        Assert.Empty(graph.Consumers("inner"));
        Assert.Equal(Float, TypeInference.Infer(graph)["y"].ElementType);
    }

    [Fact]
    public void TypeInference_IfOutput_TakesTheBranchOutputTypeNotTheConditionType()
    {
        var types = TypeInference.Infer(new OnnxGraph(IfGraph()));

        Assert.Equal(Float, types["y"].ElementType);
        Assert.Equal(Float, types["z"].ElementType);
    }

    /// <summary>
    /// x -> Relu -> h; If(c) { h = Neg(x) } -> y (both branches define their own 'h'); z = Add(h, y).
    /// </summary>
    private static GraphProto IfGraph()
    {
        var main = new GraphProto { Name = "main" };
        main.Input.Add(Declared("x", Float));
        main.Input.Add(Declared("c", Bool));
        main.Node.Add(new NodeProto { OpType = "Relu", Input = { "x" }, Output = { "h" } });
        var branch = Branch("branch", new NodeProto { OpType = "Neg", Input = { "x" }, Output = { "h" } }, "h");
        main.Node.Add(new NodeProto
        {
            OpType = "If",
            Input = { "c" },
            Output = { "y" },
            Attribute = { Subgraph("then_branch", branch), Subgraph("else_branch", branch.Clone()) },
        });
        main.Node.Add(new NodeProto { OpType = "Add", Input = { "h", "y" }, Output = { "z" } });
        main.Output.Add(new ValueInfoProto { Name = "z" });
        return main;
    }

    private static GraphProto Branch(string name, NodeProto node, string output)
    {
        var g = new GraphProto { Name = name };
        g.Node.Add(node);
        g.Output.Add(Declared(output, Float));
        return g;
    }

    private static ValueInfoProto Declared(string name, int elementType) =>
        new TensorType(elementType, [Dim.Named("n")]).ToValueInfo(name);

    private static AttributeProto Subgraph(string name, GraphProto graph) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Graph, G = graph };
}
