using System.Globalization;
using EdgeLam.Testing;
using EdgeLam.Wire.Checksums;
using EdgeLam.Wire.Codecs;
using EdgeLam.Wire.Frames;

namespace EdgeLam.Wire.Tests.Frames;

/// <summary>Keeps the worked example in docs/protocol.md ("Activation frame") true.</summary>
public class ProtocolDocTests
{
    private static byte[] DocumentedExample()
    {
        string doc = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docs", "protocol.md"));
        int begin = doc.IndexOf("<!-- worked-example:begin -->", StringComparison.Ordinal);
        int end = doc.IndexOf("<!-- worked-example:end -->", StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, "worked example markers not found");
        var bytes = new List<byte>();
        foreach (string line in doc[begin..end].Split('\n'))
        {
            string[] parts = line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2 || parts[0].Length != 4 || !int.TryParse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int offset))
            {
                continue;
            }

            Assert.Equal(bytes.Count, offset);
            bytes.AddRange(parts.Skip(1).Select(p => byte.Parse(p, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
        }

        return [.. bytes];
    }

    private static FrameHeader DocumentedHeader() => new()
    {
        Flags = FrameFlags.None,
        SessionId = new Guid("0f8fad5b-d9cb-469f-a165-70867728950e"),
        RequestId = 7,
        Step = 1,
        PlanEpoch = 3,
        ModelId = ModelId.FromHash(System.Security.Cryptography.SHA256.HashData("test"u8)),
        BoundaryIndex = 0,
    };

    [Fact]
    public void WorkedExample_FrameWriter_ProducesDocumentedBytes()
    {
        var buffer = new byte[256];
        var writer = new FrameWriter(buffer, DocumentedHeader());
        writer.WriteTensor("hidden", [1, 1, 4], WireCodec.Float16, [1f, -2f, 0.5f, 65504f]);
        writer.WriteRawTensor<long>("pos", WireDType.Int64, [1, 1], [5L]);
        int length = writer.Complete();

        Assert.Equal(DocumentedExample(), buffer[..length]);
    }

    [Fact]
    public void WorkedExample_FrameReader_DecodesDocumentedValues()
    {
        byte[] frame = DocumentedExample();
        Assert.Equal(137, frame.Length);
        Assert.Equal(0x6C8651C4u, Crc32C.Compute(frame.AsSpan(0, 133)));

        FrameView view = FrameReader.Read(frame);
        Assert.Equal(DocumentedHeader(), view.Header);
        Assert.Equal("9f86d081884c7d659a2feaa0c55ad015", view.Header.ModelId.ToString());
        Assert.Equal(2, view.TensorCount);

        TensorView hidden = view.GetTensor(0);
        Assert.Equal("hidden", hidden.GetName());
        Assert.Equal(WireCodec.Float16, hidden.Codec);
        var values = new float[4];
        Assert.Equal(FrameError.None, hidden.TryDecode(values));
        Assert.Equal([1f, -2f, 0.5f, 65504f], values);

        var pos = new long[1];
        Assert.Equal(FrameError.None, view.GetTensor(1).TryCopyRaw<long>(pos));
        Assert.Equal(5L, pos[0]);
    }
}
