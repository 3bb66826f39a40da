using System.Text;
using EdgeLam.Core.Tensors;

namespace EdgeLam.Onnx.Interop.Tests;

/// <summary>
/// Writes minimal ONNX models straight from onnx.proto3 field numbers (ModelProto.ir_version=1, graph=7,
/// opset_import=8; GraphProto.node=1, name=2, input=11, output=12; NodeProto.input=1, output=2, op_type=4;
/// ValueInfoProto.name=1, type=2; TypeProto.tensor_type=1; Tensor.elem_type=1, shape=2; Dimension.dim_value=1,
/// dim_param=2; OperatorSetIdProto.version=2), independent of the code under test.
/// </summary>
internal static class TinyOnnx
{
    /// <summary>y = Identity(x), x and y of <paramref name="type"/> with shape [n, 3] where n is symbolic.</summary>
    public static byte[] Identity(TensorElementType type)
    {
        var node = Message(w => { w.String(1, "x"); w.String(2, "y"); w.String(4, "Identity"); });
        var graph = Message(w =>
        {
            w.Bytes(1, node);
            w.String(2, "identity");
            w.Bytes(11, ValueInfo("x", type));
            w.Bytes(12, ValueInfo("y", type));
        });
        return Message(w =>
        {
            w.Varint(1, 8);
            w.Bytes(7, graph);
            w.Bytes(8, Message(o => o.Varint(2, 17)));
        });
    }

    private static byte[] ValueInfo(string name, TensorElementType type)
    {
        var shape = Message(s =>
        {
            s.Bytes(1, Message(d => d.String(2, "n")));
            s.Bytes(1, Message(d => d.Varint(1, 3)));
        });
        var tensor = Message(t => { t.Varint(1, (ulong)type); t.Bytes(2, shape); });
        return Message(v => { v.String(1, name); v.Bytes(2, Message(t => t.Bytes(1, tensor))); });
    }

    private static byte[] Message(Action<Writer> build)
    {
        var w = new Writer();
        build(w);
        return w.Stream.ToArray();
    }

    private sealed class Writer
    {
        public MemoryStream Stream { get; } = new();

        public void Varint(int field, ulong value)
        {
            Raw(((ulong)field << 3) | 0);
            Raw(value);
        }

        public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public void Bytes(int field, byte[] value)
        {
            Raw(((ulong)field << 3) | 2);
            Raw((ulong)value.Length);
            Stream.Write(value);
        }

        private void Raw(ulong v)
        {
            while (v >= 0x80)
            {
                Stream.WriteByte((byte)(v | 0x80));
                v >>= 7;
            }

            Stream.WriteByte((byte)v);
        }
    }
}
