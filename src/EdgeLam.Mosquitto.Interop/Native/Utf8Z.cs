using System.Buffers;
using System.Text;

namespace EdgeLam.Mosquitto.Interop.Native;

/// <summary>
/// A NUL-terminated UTF-8 copy of a string for a native call: encoded into caller-provided (usually stack) scratch
/// when it fits, into a pooled array otherwise. Dispose returns the pooled array.
/// </summary>
internal ref struct Utf8Z
{
    private byte[]? rented;

    public Utf8Z(string value, Span<byte> scratch)
    {
        ArgumentNullException.ThrowIfNull(value);
        var max = Encoding.UTF8.GetMaxByteCount(value.Length) + 1;
        var buffer = max <= scratch.Length ? scratch : (rented = ArrayPool<byte>.Shared.Rent(max));
        var written = Encoding.UTF8.GetBytes(value, buffer);
        buffer[written] = 0;
        Bytes = buffer[..(written + 1)];
        Length = written;
    }

    /// <summary>The encoded bytes including the terminating NUL.</summary>
    public Span<byte> Bytes { get; }

    /// <summary>The encoded length without the terminating NUL.</summary>
    public int Length { get; }

    public void Dispose()
    {
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
            rented = null;
        }
    }
}
