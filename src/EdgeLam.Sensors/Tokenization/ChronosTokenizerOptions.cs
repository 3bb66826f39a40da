namespace EdgeLam.Sensors.Tokenization;

/// <summary>
/// Chronos-style vocabulary: special tokens first (PAD, EOS, one separator per stream), then <see cref="Bins"/> uniform
/// bins whose centres span [<see cref="Low"/>, <see cref="High"/>] in mean-scaled units. All ids are shifted by
/// <see cref="TokenOffset"/> to place the sensor vocabulary inside a model's vocabulary.
/// </summary>
public sealed class ChronosTokenizerOptions
{
    public int Bins { get; set; } = 4094;

    public double Low { get; set; } = -15.0;

    public double High { get; set; } = 15.0;

    public int PadId { get; set; }

    public int EosId { get; set; } = 1;

    /// <summary>Stream k's separator is FirstSeparatorId + k.</summary>
    public int FirstSeparatorId { get; set; } = 2;

    public int MaxStreams { get; set; } = 8;

    public int TokenOffset { get; set; }

    /// <summary>The first bin's id (after every special token).</summary>
    public int FirstBinId => Math.Max(Math.Max(PadId, EosId), FirstSeparatorId + MaxStreams - 1) + 1;

    public int VocabularySize => FirstBinId + Bins;
}
