namespace EdgeLam.Sensors.Tokenization;

/// <summary>Where one stream sits in a concatenated sequence, with the time range its window covers.</summary>
public sealed record TokenSegment(string Stream, int Start, int Length, long StartNs, long EndNs);

/// <summary>A model input: ids, attention mask and the segments (prompt first, then each stream after its separator).</summary>
public sealed record TokenSequence(int[] Ids, byte[] AttentionMask, IReadOnlyList<TokenSegment> Segments)
{
    /// <summary>
    /// Concatenates a prompt's token ids and tokenized streams: <c>prompt, SEP_0, stream 0, SEP_1, stream 1, ...</c>,
    /// where SEP_k = FirstSeparatorId + k (+ offset) of the stream's index in <paramref name="streamOrder"/>.
    /// </summary>
    public static TokenSequence Build(
        ReadOnlySpan<int> prompt,
        IReadOnlyList<TokenizedStream> streams,
        ChronosTokenizerOptions options,
        IReadOnlyList<string> streamOrder)
    {
        var total = prompt.Length + streams.Sum(s => s.Ids.Length + 1);
        var ids = new int[total];
        var mask = new byte[total];
        var segments = new List<TokenSegment>();
        prompt.CopyTo(ids);
        mask.AsSpan(0, prompt.Length).Fill(1);
        if (prompt.Length > 0)
        {
            segments.Add(new TokenSegment("prompt", 0, prompt.Length, 0, 0));
        }

        var k = prompt.Length;
        foreach (var s in streams)
        {
            var index = IndexOf(streamOrder, s.Stream);
            if (index < 0 || index >= options.MaxStreams)
            {
                throw new ArgumentException($"stream '{s.Stream}' has no separator (index {index}, MaxStreams {options.MaxStreams})");
            }

            ids[k] = options.TokenOffset + options.FirstSeparatorId + index;
            mask[k] = 1;
            k++;
            s.Ids.CopyTo(ids, k);
            s.AttentionMask.CopyTo(mask, k);
            segments.Add(new TokenSegment(s.Stream, k, s.Ids.Length, s.StartNs, s.EndNs));
            k += s.Ids.Length;
        }

        return new TokenSequence(ids, mask, segments);
    }

    private static int IndexOf(IReadOnlyList<string> order, string stream)
    {
        for (var i = 0; i < order.Count; i++)
        {
            if (order[i] == stream)
            {
                return i;
            }
        }

        return -1;
    }
}
