using EdgeLam.Wire.Codecs;
using EdgeLam.Wire.Frames;

namespace EdgeLam.Wire.Tests.Frames;

public sealed class FramePlanEpochPeekTests
{
    [Fact]
    public void TryPeekPlanEpoch_WrittenFrame_ReturnsItsEpoch()
    {
        var buffer = new byte[256];
        var writer = new FrameWriter(buffer, FrameTestData.Header() with { PlanEpoch = 0xA1B2C3D4 });
        writer.WriteTensor("h", [1, 1, 2], WireCodec.Raw, [1f, 2f]);
        var length = writer.Complete();

        Assert.True(FrameReader.TryPeekPlanEpoch(buffer.AsSpan(0, length), out var epoch));
        Assert.Equal(0xA1B2C3D4u, epoch);
    }

    [Fact]
    public void TryPeekPlanEpoch_TooShortOrBadMagic_False()
    {
        var buffer = new byte[256];
        var length = new FrameWriter(buffer, FrameTestData.Header()).Complete();
        var badMagic = buffer[..length];
        badMagic[0] ^= 0xFF;

        Assert.False(FrameReader.TryPeekPlanEpoch(buffer.AsSpan(0, 40), out _));
        Assert.False(FrameReader.TryPeekPlanEpoch(badMagic, out _));
    }
}
