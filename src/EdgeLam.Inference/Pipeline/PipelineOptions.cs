using EdgeLam.Wire.Codecs;

namespace EdgeLam.Inference.Pipeline;

/// <summary>How a chain is run.</summary>
public sealed class PipelineOptions
{
    /// <summary>Most positions a conversation may hold.</summary>
    public int ContextLimit { get; set; } = 2048;

    /// <summary>KV bytes per segment before least-recently-used conversations are evicted.</summary>
    public long MemoryBudgetBytes { get; set; } = 1L << 30;

    /// <summary>
    /// Null passes boundary tensors between segments as they are; a codec sends them through an activation frame
    /// (encode → frame → CRC → decode), exactly what crosses MQTT.
    /// </summary>
    public WireCodec? Wire { get; set; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate()
    {
        if (ContextLimit <= 0)
        {
            throw new ArgumentException("ContextLimit must be positive (got " + ContextLimit + ").");
        }

        if (MemoryBudgetBytes <= 0)
        {
            throw new ArgumentException("MemoryBudgetBytes must be positive (got " + MemoryBudgetBytes + ").");
        }

        if (Wire is { } codec && !CodecLayout.IsDefined(codec))
        {
            throw new ArgumentException("Unknown wire codec " + (int)codec + ".");
        }
    }
}
