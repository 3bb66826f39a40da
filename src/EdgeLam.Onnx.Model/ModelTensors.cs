using EdgeLam.Onnx.Model.Protos;

namespace EdgeLam.Onnx.Model;

/// <summary>Walks a model for every dense tensor that can hold weight data.</summary>
internal static class ModelTensors
{
    public static IEnumerable<TensorProto> Enumerate(ModelProto model) => EnumerateWithKind(model).Select(t => t.Tensor);

    /// <summary>Every tensor with whether it is a graph initializer (true) or sits in a node attribute (false).</summary>
    public static List<(TensorProto Tensor, bool IsInitializer)> EnumerateWithKind(ModelProto model)
    {
        var result = new List<(TensorProto Tensor, bool IsInitializer)>();
        if (model.Graph is not null)
        {
            Collect(model.Graph, result);
        }

        foreach (var function in model.Functions)
        {
            foreach (var node in function.Node)
            {
                Collect(node, result);
            }
        }

        foreach (var training in model.TrainingInfo)
        {
            if (training.Initialization is not null)
            {
                Collect(training.Initialization, result);
            }

            if (training.Algorithm is not null)
            {
                Collect(training.Algorithm, result);
            }
        }

        return result;
    }

    private static void Collect(GraphProto graph, List<(TensorProto Tensor, bool IsInitializer)> result)
    {
        result.AddRange(graph.Initializer.Select(t => (t, true)));
        foreach (var sparse in graph.SparseInitializer)
        {
            AddSparse(sparse, result, true);
        }

        foreach (var node in graph.Node)
        {
            Collect(node, result);
        }
    }

    private static void Collect(NodeProto node, List<(TensorProto Tensor, bool IsInitializer)> result)
    {
        foreach (var attribute in node.Attribute)
        {
            if (attribute.T is not null)
            {
                result.Add((attribute.T, false));
            }

            result.AddRange(attribute.Tensors.Select(t => (t, false)));
            if (attribute.SparseTensor is not null)
            {
                AddSparse(attribute.SparseTensor, result, false);
            }

            foreach (var sparse in attribute.SparseTensors)
            {
                AddSparse(sparse, result, false);
            }

            if (attribute.G is not null)
            {
                Collect(attribute.G, result);
            }

            foreach (var graph in attribute.Graphs)
            {
                Collect(graph, result);
            }
        }
    }

    private static void AddSparse(SparseTensorProto sparse, List<(TensorProto Tensor, bool IsInitializer)> result, bool isInitializer)
    {
        if (sparse.Values is not null)
        {
            result.Add((sparse.Values, isInitializer));
        }

        if (sparse.Indices is not null)
        {
            result.Add((sparse.Indices, isInitializer));
        }
    }
}
