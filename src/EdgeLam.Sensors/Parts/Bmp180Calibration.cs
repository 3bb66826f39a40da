using System.Buffers.Binary;

namespace EdgeLam.Sensors.Parts;

/// <summary>The BMP180 calibration coefficients (datasheet table 5).</summary>
public readonly record struct Bmp180Calibration(
    short AC1, short AC2, short AC3, ushort AC4, ushort AC5, ushort AC6, short B1, short B2, short MB, short MC, short MD)
{
    public const int Length = 22;

    public static Bmp180Calibration Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < Length)
        {
            throw new ArgumentException("calibration block is 22 bytes", nameof(data));
        }

        return new Bmp180Calibration(
            BinaryPrimitives.ReadInt16BigEndian(data),
            BinaryPrimitives.ReadInt16BigEndian(data[2..]),
            BinaryPrimitives.ReadInt16BigEndian(data[4..]),
            BinaryPrimitives.ReadUInt16BigEndian(data[6..]),
            BinaryPrimitives.ReadUInt16BigEndian(data[8..]),
            BinaryPrimitives.ReadUInt16BigEndian(data[10..]),
            BinaryPrimitives.ReadInt16BigEndian(data[12..]),
            BinaryPrimitives.ReadInt16BigEndian(data[14..]),
            BinaryPrimitives.ReadInt16BigEndian(data[16..]),
            BinaryPrimitives.ReadInt16BigEndian(data[18..]),
            BinaryPrimitives.ReadInt16BigEndian(data[20..]));
    }

    public void Encode(Span<byte> data)
    {
        BinaryPrimitives.WriteInt16BigEndian(data, AC1);
        BinaryPrimitives.WriteInt16BigEndian(data[2..], AC2);
        BinaryPrimitives.WriteInt16BigEndian(data[4..], AC3);
        BinaryPrimitives.WriteUInt16BigEndian(data[6..], AC4);
        BinaryPrimitives.WriteUInt16BigEndian(data[8..], AC5);
        BinaryPrimitives.WriteUInt16BigEndian(data[10..], AC6);
        BinaryPrimitives.WriteInt16BigEndian(data[12..], B1);
        BinaryPrimitives.WriteInt16BigEndian(data[14..], B2);
        BinaryPrimitives.WriteInt16BigEndian(data[16..], MB);
        BinaryPrimitives.WriteInt16BigEndian(data[18..], MC);
        BinaryPrimitives.WriteInt16BigEndian(data[20..], MD);
    }
}
