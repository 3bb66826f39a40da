using System.Buffers.Binary;
using System.Globalization;

namespace EdgeLam.Wire.Frames;

/// <summary>
/// Identifies the model a frame belongs to: the first 16 bytes (128 bits) of the SHA-256 in the model manifest.
/// 128 bits keep accidental collisions out of reach (a gateway knows a handful of models) at half the size.
/// </summary>
public readonly struct ModelId : IEquatable<ModelId>
{
    /// <summary>Bytes on the wire.</summary>
    public const int Length = 16;

    private readonly ulong _high;
    private readonly ulong _low;

    private ModelId(ulong high, ulong low)
    {
        _high = high;
        _low = low;
    }

    /// <summary>The id from a SHA-256 digest (32 bytes) or an already truncated id (16 bytes); takes the first 16 bytes.</summary>
    public static ModelId FromHash(ReadOnlySpan<byte> hash)
    {
        if (hash.Length is not (Length or 32))
        {
            throw new ArgumentException("A model hash has 16 or 32 bytes.", nameof(hash));
        }

        return Read(hash);
    }

    /// <summary>Parses 32 or 64 hexadecimal digits (a full SHA-256 is truncated to its first 16 bytes).</summary>
    public static ModelId Parse(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        if (hex.Length is not (32 or 64))
        {
            throw new FormatException("A model id has 32 or 64 hexadecimal digits.");
        }

        Span<byte> bytes = stackalloc byte[Length];
        for (int i = 0; i < Length; i++)
        {
            if (!byte.TryParse(hex.AsSpan(2 * i, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out bytes[i]))
            {
                throw new FormatException("A model id has 32 or 64 hexadecimal digits.");
            }
        }

        return Read(bytes);
    }

    /// <summary>Reads the 16 wire bytes.</summary>
    public static ModelId Read(ReadOnlySpan<byte> source) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(source), BinaryPrimitives.ReadUInt64BigEndian(source[8..]));

    /// <summary>Writes the 16 wire bytes (the hash bytes in their original order).</summary>
    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _high);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _low);
    }

    /// <inheritdoc />
    public bool Equals(ModelId other) => _high == other._high && _low == other._low;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ModelId other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_high, _low);

    /// <summary>32 lowercase hexadecimal digits.</summary>
    public override string ToString() =>
        _high.ToString("x16", CultureInfo.InvariantCulture) + _low.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>Equality.</summary>
    public static bool operator ==(ModelId left, ModelId right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(ModelId left, ModelId right) => !left.Equals(right);
}
