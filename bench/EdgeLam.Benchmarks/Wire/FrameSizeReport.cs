using System.Globalization;
using EdgeLam.Wire.Codecs;

namespace EdgeLam.Benchmarks.Wire;

/// <summary>Prints the bytes per frame of <see cref="FrameFixture"/> for each codec and token count (a Markdown table).</summary>
internal static class FrameSizeReport
{
    public static void Print(TextWriter output)
    {
        var random = new Random(42);
        output.WriteLine("| codec | tokens | frame bytes | bytes / hidden element | vs raw |");
        output.WriteLine("|---|---:|---:|---:|---:|");
        foreach (int tokens in new[] { 1, 128 })
        {
            var hidden = new float[tokens * FrameFixture.Hidden];
            for (int i = 0; i < hidden.Length; i++)
            {
                hidden[i] = (float)(random.NextDouble() - 0.5);
            }

            var positions = new long[tokens];
            var buffer = new byte[FrameFixture.MaxFrameLength(tokens)];
            int raw = FrameFixture.Write(buffer, tokens, WireCodec.Raw, hidden, positions);
            foreach (WireCodec codec in Enum.GetValues<WireCodec>())
            {
                int length = FrameFixture.Write(buffer, tokens, codec, hidden, positions);
                output.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"| {codec} | {tokens} | {length} | {(double)length / hidden.Length:F3} | {(double)length / raw:F3} |"));
            }
        }
    }
}
