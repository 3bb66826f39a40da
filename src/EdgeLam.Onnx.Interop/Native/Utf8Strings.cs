using System.Runtime.InteropServices;
using System.Text;

namespace EdgeLam.Onnx.Interop.Native;

/// <summary>
/// A set of NUL-terminated UTF-8 strings and the <c>const char*</c> array pointing at them, in one native block that
/// lives until disposed (input/output names for <c>OrtApi::Run</c>).
/// </summary>
internal sealed unsafe class Utf8Strings : IDisposable
{
    private void* _block;

    public Utf8Strings(IReadOnlyList<string> strings)
    {
        ArgumentNullException.ThrowIfNull(strings);
        Count = strings.Count;
        var bytes = 0L;
        foreach (var s in strings)
        {
            bytes += Encoding.UTF8.GetByteCount(s) + 1;
        }

        var pointersSize = (nuint)(Math.Max(1, Count) * sizeof(byte*));
        _block = NativeMemory.Alloc(pointersSize + (nuint)bytes);
        Pointers = (byte**)_block;
        var cursor = (byte*)_block + pointersSize;
        for (var i = 0; i < Count; i++)
        {
            var s = strings[i];
            var n = Encoding.UTF8.GetBytes(s, new Span<byte>(cursor, (int)(bytes - (cursor - ((byte*)_block + pointersSize)))));
            cursor[n] = 0;
            Pointers[i] = cursor;
            cursor += n + 1;
        }
    }

    public int Count { get; }

    public byte** Pointers { get; private set; }

    public void Dispose()
    {
        if (_block != null)
        {
            NativeMemory.Free(_block);
            _block = null;
            Pointers = null;
        }
    }
}
