using System.Globalization;
using EdgeLam.Onnx.Model.Protos;

namespace EdgeLam.Onnx.Model.Graph;

/// <summary>One dimension: a fixed size, a symbolic name, or unknown (both null).</summary>
public readonly record struct Dim(long? Value, string? Param)
{
    public static Dim Unknown => default;

    public static Dim Of(long value) => new(value, null);

    public static Dim Named(string param) => new(null, param);

    public bool IsKnown => Value is not null || Param is not null;

    public override string ToString() =>
        Value?.ToString(CultureInfo.InvariantCulture) ?? Param ?? "?";
}

/// <summary>Element type and (possibly unknown, possibly partly symbolic) shape of a tensor.</summary>
/// <param name="ElementType">A <see cref="TensorProto.Types.DataType"/> value; 0 when unknown.</param>
/// <param name="Shape">The dims, or null when even the rank is unknown.</param>
public sealed record TensorType(int ElementType, IReadOnlyList<Dim>? Shape)
{
    /// <summary>Reads the tensor type of a value_info entry; null for non-tensor types.</summary>
    public static TensorType? From(ValueInfoProto? info)
    {
        var tensor = info?.Type?.TensorType;
        if (tensor is null)
        {
            return null;
        }

        List<Dim>? dims = null;
        if (tensor.Shape is not null)
        {
            dims = [];
            foreach (var d in tensor.Shape.Dim)
            {
                dims.Add(d.ValueCase switch
                {
                    TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue => Dim.Of(d.DimValue),
                    TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam when d.DimParam.Length > 0 => Dim.Named(d.DimParam),
                    _ => Dim.Unknown,
                });
            }
        }

        return new TensorType(tensor.ElemType, dims);
    }

    /// <summary>The value_info declaring a tensor of this type under <paramref name="name"/>.</summary>
    public ValueInfoProto ToValueInfo(string name)
    {
        var tensor = new TypeProto.Types.Tensor { ElemType = ElementType };
        if (Shape is not null)
        {
            tensor.Shape = new TensorShapeProto();
            foreach (var d in Shape)
            {
                var dim = new TensorShapeProto.Types.Dimension();
                if (d.Value is { } v)
                {
                    dim.DimValue = v;
                }
                else if (d.Param is { } p)
                {
                    dim.DimParam = p;
                }

                tensor.Shape.Dim.Add(dim);
            }
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }

    /// <summary>Dims as strings ("batch", "16", "?"), or null when the rank is unknown.</summary>
    public IReadOnlyList<string>? ShapeText => Shape?.Select(d => d.ToString()).ToList();
}
