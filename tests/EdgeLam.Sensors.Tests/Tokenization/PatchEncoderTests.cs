using EdgeLam.Onnx.Interop;
using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Tokenization;
using EdgeLam.Sensors.Windows;
using EdgeLam.Testing;

namespace EdgeLam.Sensors.Tests.Tokenization;

public class PatchEncoderTests
{
    [Fact]
    public void Features_PerChannelNormalization_ZeroMeanUnitStdAndPatchLayout()
    {
        var window = new SensorWindow("s", [new SensorChannel("a", ""), new SensorChannel("b", "")], 8);
        double[] a = [1, 2, 3, 4, 5, 6, 7, 8];
        double[] b = [10, 10, 10, 10, 10, 10, 10, double.NaN];
        a.CopyTo(window.Values, 0);
        b.CopyTo(window.Values, 8);
        var features = new float[2 * 8];
        var means = new float[2];
        var stds = new float[2];

        PatchFeatures.Compute(window, 4, features, means, stds);

        Assert.Equal(4.5f, means[0]);
        Assert.Equal((float)Math.Sqrt(5.25), stds[0], 5); // population std of 1..8
        Assert.Equal(10f, means[1]);
        Assert.Equal(1f, stds[1]); // constant channel keeps std 1
        // Row 0 = channel a samples 0..3, then channel b samples 0..3; row 1 = a 4..7, b 4..7 (NaN → 0).
        Assert.Equal((float)((1 - 4.5) / Math.Sqrt(5.25)), features[0], 5);
        Assert.Equal(0f, features[4]);
        Assert.Equal((float)((5 - 4.5) / Math.Sqrt(5.25)), features[8], 5);
        Assert.Equal(0f, features[15]);
    }

    [Fact]
    public void Features_LengthNotMultipleOfPatch_Throws()
    {
        var window = new SensorWindow("s", [new SensorChannel("a", "")], 10);

        Assert.Throws<ArgumentException>(() => PatchFeatures.Compute(window, 4, new float[20], new float[1], new float[1]));
    }

    [Fact]
    public void OnnxEncoder_DefaultModel_MatchesManagedMatMulPlusBias()
    {
        using var dir = new TempDirectory();
        using var ort = OnnxRuntime.Create(new OnnxRuntimeOptions { LibraryPath = TestPaths.OnnxRuntimeLibrary });
        var options = new PatchOptions { PatchLength = 4, HiddenSize = 8, Seed = 11 };
        const int Width = 12;
        using var encoder = OnnxPatchEncoder.Open(options, Width, dir.Path, ort);
        var features = Enumerable.Range(0, 3 * Width).Select(i => (float)Math.Sin(i * 0.37)).ToArray();
        var embeddings = new float[3 * 8];

        encoder.Encode(features, 3, Width, embeddings);

        // Independent computation: y = x W + b with the same seeded parameters.
        var w = new PatchEncoderWeights(Width, 8, 11);
        for (var p = 0; p < 3; p++)
        {
            for (var h = 0; h < 8; h++)
            {
                double y = w.Bias[h];
                for (var k = 0; k < Width; k++)
                {
                    y += features[(p * Width) + k] * w.Weight[(k * 8) + h];
                }

                Assert.Equal(y, embeddings[(p * 8) + h], 4);
            }
        }

        Assert.Equal(8, encoder.HiddenSize);
    }

    [Fact]
    public void OnnxEncoder_TrainedModelWithWrongWidth_ThrowsTypedError()
    {
        using var dir = new TempDirectory();
        using var ort = OnnxRuntime.Create(new OnnxRuntimeOptions { LibraryPath = TestPaths.OnnxRuntimeLibrary });
        var path = dir.Combine("trained.onnx");
        PatchEncoderModel.Write(new PatchEncoderWeights(20, 16, 1), path);

        var e = Assert.Throws<PatchEncoderException>(() => OnnxPatchEncoder.Open(new PatchOptions { EncoderPath = path }, 12, dir.Path, ort));
        Assert.Contains("width 20", e.Message, StringComparison.Ordinal);

        using var ok = OnnxPatchEncoder.Open(new PatchOptions { EncoderPath = path, HiddenSize = 64 }, 20, dir.Path, ort);
        Assert.Equal(16, ok.HiddenSize);
    }

    [Fact]
    public void Weights_SameSeed_SameValues_DifferentSeed_Different()
    {
        Assert.Equal(new PatchEncoderWeights(6, 4, 3).Weight, new PatchEncoderWeights(6, 4, 3).Weight);
        Assert.NotEqual(new PatchEncoderWeights(6, 4, 3).Weight, new PatchEncoderWeights(6, 4, 4).Weight);
    }
}
