using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Quality;

namespace EdgeLam.Sensors.Windows;

/// <summary>Applies a <see cref="BadDataPolicy"/> to a window in place (see the policy for the rules).</summary>
public static class WindowPolicy
{
    /// <summary>Returns false when the window must be dropped.</summary>
    public static bool Apply(SensorWindow window, BadDataPolicy policy, double maxBadFraction)
    {
        for (var c = 0; c < window.Channels; c++)
        {
            var quality = window.ChannelQuality(c);
            var bad = 0;
            var gap = false;
            foreach (var q in quality)
            {
                bad += q.IsBad() ? 1 : 0;
                gap |= (q & SampleQuality.AfterGap) != 0;
            }

            if (bad > maxBadFraction * window.Length || (policy == BadDataPolicy.Drop && (bad > 0 || gap)))
            {
                return false;
            }
        }

        if (policy == BadDataPolicy.Drop)
        {
            return true;
        }

        for (var c = 0; c < window.Channels; c++)
        {
            if (policy == BadDataPolicy.Impute)
            {
                Impute(window.Channel(c), window.ChannelQuality(c));
            }
            else
            {
                Mask(window.Channel(c), window.ChannelQuality(c));
            }
        }

        return true;
    }

    private static void Mask(Span<double> values, Span<SampleQuality> quality)
    {
        for (var t = 0; t < values.Length; t++)
        {
            if (quality[t].IsBad())
            {
                values[t] = double.NaN;
                quality[t] |= SampleQuality.Masked;
            }
        }
    }

    /// <summary>Linear interpolation between the nearest good neighbours; nearest good value at the edges.</summary>
    private static void Impute(Span<double> values, Span<SampleQuality> quality)
    {
        var previousGood = -1;
        for (var t = 0; t < values.Length; t++)
        {
            if (!quality[t].IsBad())
            {
                previousGood = t;
                continue;
            }

            var nextGood = t + 1;
            while (nextGood < values.Length && quality[nextGood].IsBad())
            {
                nextGood++;
            }

            for (var k = t; k < nextGood; k++)
            {
                double v;
                if (previousGood >= 0 && nextGood < values.Length)
                {
                    var f = (double)(k - previousGood) / (nextGood - previousGood);
                    v = values[previousGood] + (f * (values[nextGood] - values[previousGood]));
                }
                else if (previousGood >= 0)
                {
                    v = values[previousGood];
                }
                else if (nextGood < values.Length)
                {
                    v = values[nextGood];
                }
                else
                {
                    v = 0;
                }

                values[k] = v;
                quality[k] |= SampleQuality.Imputed;
            }

            t = nextGood - 1;
        }
    }
}
