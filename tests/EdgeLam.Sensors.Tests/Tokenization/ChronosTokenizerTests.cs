using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Tokenization;
using EdgeLam.Sensors.Windows;

namespace EdgeLam.Sensors.Tests.Tokenization;

public class ChronosTokenizerTests
{
    [Fact]
    public void BinId_AgainstBucketizeOverMidpointBoundaries_Agrees()
    {
        // Chronos builds centres = linspace(low, high, n) and boundaries at the midpoints between centres, then
        // bucketizes. Recompute that way, independently of the closed-form nearest-centre index.
        var options = new ChronosTokenizerOptions { Bins = 101, Low = -5, High = 5 };
        var tokenizer = new ChronosTokenizer(options);
        var centres = Enumerable.Range(0, options.Bins).Select(i => options.Low + (i * (options.High - options.Low) / (options.Bins - 1))).ToArray();
        var boundaries = centres.Zip(centres.Skip(1), (a, b) => (a + b) / 2).ToArray();
        var random = new Random(3);
        for (var k = 0; k < 2000; k++)
        {
            var x = (random.NextDouble() * 14) - 7;
            var bucket = boundaries.Count(b => b < x);
            if (boundaries.Any(b => Math.Abs(b - x) < 1e-9))
            {
                continue;
            }

            Assert.Equal(options.FirstBinId + bucket, tokenizer.BinId(x));
        }
    }

    [Fact]
    public void Tokenize_MeanScaling_DividesByMeanAbsoluteValue()
    {
        var options = new ChronosTokenizerOptions { Bins = 4094 };
        var tokenizer = new ChronosTokenizer(options);
        var window = Window([2, -4, 6, 8]);

        var t = tokenizer.Tokenize(window);

        Assert.Equal(5.0f, t.Scales[0]); // (2 + 4 + 6 + 8) / 4
        var decoded = new double[4];
        tokenizer.Detokenize(t.Ids.AsSpan(0, 4), t.Scales[0], decoded);
        var halfBin = (options.High - options.Low) / (options.Bins - 1) / 2 * 5;
        Assert.All(decoded.Zip([2.0, -4, 6, 8]), p => Assert.InRange(p.First - p.Second, -halfBin, halfBin));
        Assert.Equal(options.EosId, t.Ids[4]);
    }

    [Fact]
    public void Tokenize_SpecialTokensAndLayout_PadForMissingEosPerChannel()
    {
        var options = new ChronosTokenizerOptions { Bins = 10, Low = -1, High = 1, MaxStreams = 4, TokenOffset = 1000 };
        var tokenizer = new ChronosTokenizer(options);
        var window = new SensorWindow("s", [new SensorChannel("a", ""), new SensorChannel("b", "")], 3);
        double[] values = [1, double.NaN, 1, 0, 0, 0];
        values.CopyTo(window.Values, 0);

        var t = tokenizer.Tokenize(window);

        Assert.Equal(ChronosTokenizer.TokenCount(2, 3), t.Ids.Length);
        Assert.Equal(6, options.FirstBinId); // PAD 0, EOS 1, SEP 2..5
        Assert.Equal([1000 + 6 + 9, 1000 + 0, 1000 + 6 + 9, 1000 + 1], t.Ids[..4]);
        Assert.Equal([1, 0, 1, 1], t.AttentionMask[..4]);
        Assert.Equal(1.0f, t.Scales[1]); // all-zero channel keeps scale 1
        Assert.All(t.Ids[4..7], id => Assert.Equal(1000 + 6 + 5, id)); // 0 → nearest of 10 centres in [-1, 1] is index 5 (0.111)
    }

    [Fact]
    public void Tokenize_ValuesBeyondLimits_ClampToEdgeBins()
    {
        var options = new ChronosTokenizerOptions { Bins = 20, Low = -2, High = 2 };
        var tokenizer = new ChronosTokenizer(options);

        Assert.Equal(options.FirstBinId, tokenizer.BinId(-50));
        Assert.Equal(options.FirstBinId + 19, tokenizer.BinId(50));
    }

    [Fact]
    public void Sequence_PromptAndTwoStreams_ConcatenatesWithPerStreamSeparators()
    {
        var options = new ChronosTokenizerOptions { Bins = 10, Low = -1, High = 1, MaxStreams = 3 };
        var a = new TokenizedStream("a", [10, 11, 1], [1, 1, 1], [1f], 100, 200);
        var b = new TokenizedStream("b", [12, 0, 1], [1, 0, 1], [1f], 150, 250);

        var seq = TokenSequence.Build([7, 8], [a, b], options, ["x", "a", "b"]);

        Assert.Equal([7, 8, 3, 10, 11, 1, 4, 12, 0, 1], seq.Ids);
        Assert.Equal([1, 1, 1, 1, 1, 1, 1, 1, 0, 1], seq.AttentionMask);
        Assert.Equal(["prompt", "a", "b"], seq.Segments.Select(s => s.Stream));
        Assert.Equal(3, seq.Segments[1].Start);
        Assert.Equal(150, seq.Segments[2].StartNs);
    }

    [Fact]
    public void Sequence_UnknownStream_Throws()
    {
        var options = new ChronosTokenizerOptions();
        var s = new TokenizedStream("zzz", [1], [1], [1f], 0, 0);

        Assert.Throws<ArgumentException>(() => TokenSequence.Build([], [s], options, ["a"]));
    }

    private static SensorWindow Window(double[] values)
    {
        var w = new SensorWindow("s", [new SensorChannel("a", "")], values.Length);
        values.CopyTo(w.Values, 0);
        return w;
    }
}
