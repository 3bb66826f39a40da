using EdgeLam.Wire.Checksums;
using EdgeLam.Wire.Tests.Support;

namespace EdgeLam.Wire.Tests.Checksums;

public class Crc32CTests
{
    public enum Path
    {
        Dispatch,
        Table,
        Hardware,
    }

    public static TheoryData<Path> Paths => new() { Path.Dispatch, Path.Table, Path.Hardware };

    private static uint Compute(Path path, ReadOnlySpan<byte> data) => path switch
    {
        Path.Table => ~Crc32C.UpdateTable(0xFFFFFFFFu, data),
        Path.Hardware => ~Crc32C.UpdateHardware(0xFFFFFFFFu, data),
        _ => Crc32C.Compute(data),
    };

    [Theory]
    [MemberData(nameof(Paths))]
    public void Compute_CheckString123456789_IsPublishedCheckValue(Path path)
    {
        Assert.Equal(0xE3069283u, Compute(path, "123456789"u8));
    }

    // RFC 3720 appendix B.4: the CRC bytes as listed there are the little-endian bytes of the value.
    [Theory]
    [MemberData(nameof(Paths))]
    public void Compute_Rfc3720Vectors_MatchRfc(Path path)
    {
        byte[] zeros = new byte[32];
        byte[] ones = Enumerable.Repeat((byte)0xFF, 32).ToArray();
        byte[] increasing = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        byte[] decreasing = Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray();
        byte[] readPdu =
        [
            0x01, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18,
            0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        ];

        Assert.Equal(0x8A9136AAu, Compute(path, zeros));
        Assert.Equal(0x62A8AB43u, Compute(path, ones));
        Assert.Equal(0x46DD794Eu, Compute(path, increasing));
        Assert.Equal(0x113FDB5Cu, Compute(path, decreasing));
        Assert.Equal(0xD9963A56u, Compute(path, readPdu));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Compute_EveryLengthUpTo300AndUnalignedStarts_MatchesBitwiseDefinition(Path path)
    {
        var random = new Random(3720);
        byte[] data = new byte[320];
        random.NextBytes(data);
        for (int offset = 0; offset < 8; offset++)
        {
            for (int length = 0; length <= 300; length++)
            {
                ReadOnlySpan<byte> slice = data.AsSpan(offset, length);
                Assert.Equal(Crc32CReference.Compute(slice), Compute(path, slice));
            }
        }
    }

    [Fact]
    public void Append_SplitAnywhere_EqualsOneShot()
    {
        byte[] data = new byte[200];
        new Random(1).NextBytes(data);
        uint whole = Crc32C.Compute(data);
        for (int split = 0; split <= data.Length; split++)
        {
            Assert.Equal(whole, Crc32C.Append(Crc32C.Compute(data.AsSpan(0, split)), data.AsSpan(split)));
        }
    }

    [Fact]
    public void Compute_EmptyInput_IsZero()
    {
        Assert.Equal(0u, Crc32C.Compute([]));
    }
}
