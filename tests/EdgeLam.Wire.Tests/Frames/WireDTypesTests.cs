using EdgeLam.Core.Tensors;
using EdgeLam.Wire.Frames;

namespace EdgeLam.Wire.Tests.Frames;

public class WireDTypesTests
{
    // ONNX TensorProto.DataType numbers (onnx.proto) paired with the wire values in docs/protocol.md.
    [Theory]
    [InlineData(1, WireDType.Float32, 4)]
    [InlineData(10, WireDType.Float16, 2)]
    [InlineData(16, WireDType.BFloat16, 2)]
    [InlineData(7, WireDType.Int64, 8)]
    [InlineData(6, WireDType.Int32, 4)]
    [InlineData(3, WireDType.Int8, 1)]
    [InlineData(2, WireDType.UInt8, 1)]
    [InlineData(9, WireDType.Bool, 1)]
    public void ElementTypeMapping_CarriedTypes_RoundTripWithSize(int onnxType, WireDType wire, int size)
    {
        Assert.True(WireDTypes.TryFromElementType((TensorElementType)onnxType, out WireDType dtype));
        Assert.Equal(wire, dtype);
        Assert.Equal((TensorElementType)onnxType, WireDTypes.ToElementType(wire));
        Assert.Equal(size, WireDTypes.SizeOf(wire));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(8)]   // string
    [InlineData(11)]  // float64
    [InlineData(14)]  // complex64
    public void TryFromElementType_TypesFramesDoNotCarry_False(int onnxType)
    {
        Assert.False(WireDTypes.TryFromElementType((TensorElementType)onnxType, out _));
    }

    [Fact]
    public void ToElementType_UndefinedWireValue_Undefined()
    {
        Assert.Equal(TensorElementType.Undefined, WireDTypes.ToElementType((WireDType)0));
        Assert.Equal(0, WireDTypes.SizeOf((WireDType)9));
    }
}
