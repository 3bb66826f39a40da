using EdgeLam.Sensors.Windows;

namespace EdgeLam.Sensors.Tokenization;

/// <summary>
/// The encoder's input for one window: each channel normalized to zero mean and unit standard deviation over the window
/// (std 1 when constant; NaN/masked values become 0, the mean), cut into patches of P samples. Row p of the
/// [patches, P × channels] matrix is channel 0's P samples, then channel 1's, and so on.
/// </summary>
public static class PatchFeatures
{
    public static int PatchCount(int length, int patchLength) => length / patchLength;

    public static int FeatureSize(int channels, int patchLength) => channels * patchLength;

    /// <summary>Fills <paramref name="features"/> ([patches × P·C], row-major) and each channel's mean and std.</summary>
    public static void Compute(SensorWindow window, int patchLength, Span<float> features, Span<float> means, Span<float> stds)
    {
        if (window.Length % patchLength != 0)
        {
            throw new ArgumentException($"window length {window.Length} is not a multiple of the patch length {patchLength}");
        }

        var patches = PatchCount(window.Length, patchLength);
        var width = FeatureSize(window.Channels, patchLength);
        for (var c = 0; c < window.Channels; c++)
        {
            var values = window.Channel(c);
            double sum = 0, sumSq = 0;
            var n = 0;
            foreach (var v in values)
            {
                if (double.IsFinite(v))
                {
                    sum += v;
                    sumSq += v * v;
                    n++;
                }
            }

            var mean = n == 0 ? 0 : sum / n;
            var variance = n == 0 ? 0 : Math.Max(0, (sumSq / n) - (mean * mean));
            var std = variance > 1e-12 ? Math.Sqrt(variance) : 1.0;
            means[c] = (float)mean;
            stds[c] = (float)std;
            for (var p = 0; p < patches; p++)
            {
                var row = features.Slice((p * width) + (c * patchLength), patchLength);
                for (var i = 0; i < patchLength; i++)
                {
                    var v = values[(p * patchLength) + i];
                    row[i] = double.IsFinite(v) ? (float)((v - mean) / std) : 0f;
                }
            }
        }
    }
}
