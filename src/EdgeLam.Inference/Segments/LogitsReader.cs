using System.Runtime.InteropServices;
using EdgeLam.Core.Tensors;
using EdgeLam.Onnx.Interop;

namespace EdgeLam.Inference.Segments;

/// <summary>Reads the last row of a [1, sequence, vocabulary] logits tensor as float32.</summary>
public static class LogitsReader
{
    /// <summary>Copies the logits of the last of <paramref name="count"/> positions into <paramref name="destination"/>.</summary>
    /// <exception cref="InferenceException">The tensor is not [1, count, destination.Length] of a float type.</exception>
    public static void ReadLastRow(OrtValue value, int count, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(value);
        var bytes = value.GetBytes();
        var row = destination.Length * value.ElementType.SizeInBytes();
        if (count <= 0 || bytes.Length != (long)row * count)
        {
            throw new InferenceException("Logits have shape " + TensorShape.Format(value.Shape) + "; expected [1, " + count + ", " + destination.Length + "].");
        }

        var lastRow = bytes.Slice(row * (count - 1), row);
        switch (value.ElementType)
        {
            case TensorElementType.Float32:
                MemoryMarshal.Cast<byte, float>(lastRow).CopyTo(destination);
                break;
            case TensorElementType.Float16:
                var halves = MemoryMarshal.Cast<byte, Half>(lastRow);
                for (var i = 0; i < halves.Length; i++)
                {
                    destination[i] = (float)halves[i];
                }

                break;
            case TensorElementType.BFloat16:
                var raw = MemoryMarshal.Cast<byte, ushort>(lastRow);
                for (var i = 0; i < raw.Length; i++)
                {
                    destination[i] = BitConverter.UInt32BitsToSingle((uint)raw[i] << 16);
                }

                break;
            default:
                throw new InferenceException("Logits of type " + value.ElementType.OnnxName() + " are not supported.");
        }
    }
}
