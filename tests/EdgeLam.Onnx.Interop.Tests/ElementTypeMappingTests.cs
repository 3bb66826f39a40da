using EdgeLam.Core.Tensors;
using OrtElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;

namespace EdgeLam.Onnx.Interop.Tests;

/// <summary>Our element types against the official API's enum, by name (the table is the ONNX spec's, written out here).</summary>
public sealed class ElementTypeMappingTests
{
    public static TheoryData<TensorElementType, string> Pairs() => new()
    {
        { TensorElementType.Float32, "Float" },
        { TensorElementType.UInt8, "UInt8" },
        { TensorElementType.Int8, "Int8" },
        { TensorElementType.UInt16, "UInt16" },
        { TensorElementType.Int16, "Int16" },
        { TensorElementType.Int32, "Int32" },
        { TensorElementType.Int64, "Int64" },
        { TensorElementType.String, "String" },
        { TensorElementType.Bool, "Bool" },
        { TensorElementType.Float16, "Float16" },
        { TensorElementType.Float64, "Double" },
        { TensorElementType.UInt32, "UInt32" },
        { TensorElementType.UInt64, "UInt64" },
        { TensorElementType.BFloat16, "BFloat16" },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void ToOrtAndBack_EveryElementType_MatchesTheOfficialNameAndRoundTrips(TensorElementType ours, string official)
    {
        var mapped = ElementTypes.ToOrt(ours);

        Assert.Equal(official, Enum.GetName(mapped));
        Assert.Equal(ours, ElementTypes.FromOrt(mapped));
        Assert.Equal(Enum.Parse<OrtElementType>(official), mapped);
    }
}
