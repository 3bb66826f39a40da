using EdgeLam.Inference.Chain;
using EdgeLam.Wire.Codecs;

namespace EdgeLam.Inference.Pipeline;

/// <summary>How a model is run in one process: the chain limits and, optionally, a wire codec between its segments.</summary>
public sealed class PipelineOptions
{
    /// <summary>The limits every chain of the pipeline runs with (defaults: <see cref="ChainOptions"/>).</summary>
    public ChainOptions Chain { get; } = new();

    /// <summary>Most positions a conversation may hold (<see cref="ChainOptions.ContextLimit"/>).</summary>
    public int ContextLimit
    {
        get => Chain.ContextLimit;
        set => Chain.ContextLimit = value;
    }

    /// <summary>KV bytes per segment before least-recently-used conversations are evicted (<see cref="ChainOptions.MemoryBudgetBytes"/>).</summary>
    public long MemoryBudgetBytes
    {
        get => Chain.MemoryBudgetBytes;
        set => Chain.MemoryBudgetBytes = value;
    }

    /// <summary>
    /// Null runs the segments as one chain, boundary tensors passed as they are; a codec runs each segment as its own
    /// chain and sends the tensors between them through an activation frame (encode → frame → CRC → decode), exactly
    /// what crosses MQTT.
    /// </summary>
    public WireCodec? Wire { get; set; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate()
    {
        Chain.Validate();
        if (Wire is { } codec && !CodecLayout.IsDefined(codec))
        {
            throw new ArgumentException("Unknown wire codec " + (int)codec + ".");
        }
    }
}
