using System.Text;

namespace EdgeLam.Core.Randomness;

/// <summary>FNV-1a, 64 bits, over a name's UTF-8 bytes: a stable name → seed hash (string.GetHashCode changes per run).</summary>
public static class Fnv1a64
{
    /// <summary>The hash of <paramref name="text"/>'s UTF-8 bytes.</summary>
    public static ulong Hash(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var hash = 0xCBF29CE484222325UL;
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetByteCount(text) <= buffer.Length
            ? buffer[..Encoding.UTF8.GetBytes(text, buffer)]
            : Encoding.UTF8.GetBytes(text);
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 0x100000001B3UL;
        }

        return hash;
    }
}
