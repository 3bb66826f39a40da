using System.Runtime.InteropServices;
using EdgeLam.Core.Tensors;

namespace EdgeLam.Onnx.Interop.Native;

/// <summary>Reads an <c>OrtTensorTypeAndShapeInfo</c> (the caller releases it).</summary>
internal static unsafe class OrtTensorInfo
{
    public static (TensorElementType Type, long[] Shape, string[] Symbols) Read(nint info, bool readSymbols)
    {
        int type;
        OrtStatus.Check(OrtApi.GetTensorElementType(info, &type), "GetTensorElementType");
        nuint rank;
        OrtStatus.Check(OrtApi.GetDimensionsCount(info, &rank), "GetDimensionsCount");
        var shape = new long[(int)rank];
        fixed (long* dims = shape)
        {
            OrtStatus.Check(OrtApi.GetDimensions(info, dims, rank), "GetDimensions");
        }

        var symbols = new string[(int)rank];
        if (readSymbols && rank > 0)
        {
            var names = stackalloc byte*[(int)rank];
            OrtStatus.Check(OrtApi.GetSymbolicDimensions(info, names, rank), "GetSymbolicDimensions");
            for (var i = 0; i < (int)rank; i++)
            {
                symbols[i] = Marshal.PtrToStringUTF8((nint)names[i]) ?? string.Empty;
            }
        }
        else
        {
            Array.Fill(symbols, string.Empty);
        }

        return ((TensorElementType)type, shape, symbols);
    }
}
