using EdgeLam.Onnx.Interop;

namespace EdgeLam.Inference.Segments;

/// <summary>
/// The per-step inputs every segment of a chain shares, produced by the pipeline (never by the caller): the
/// conversation, its length before the step, the new positions, the capacity the past views show, and the
/// token ids or embeddings, attention mask and position ids as tensors.
/// </summary>
public sealed class StepControl
{
    /// <summary>The conversation.</summary>
    public Guid Conversation { get; set; }

    /// <summary>Positions held before the step (0 starts the conversation).</summary>
    public int PastLength { get; set; }

    /// <summary>Positions the step adds (1 for a decode step).</summary>
    public int NewPositions { get; set; }

    /// <summary>
    /// Length of the past inputs: 0 when the conversation starts, else the cache capacity
    /// (<see cref="KvCapacity.For"/> of <see cref="PastLength"/> + <see cref="NewPositions"/>).
    /// </summary>
    public int PastCapacity { get; set; }

    /// <summary>[1, new] int64, when segment 0 takes token ids.</summary>
    public OrtValue? InputIds { get; set; }

    /// <summary>[1, new, hidden], when the step starts from embeddings.</summary>
    public OrtValue? InputsEmbeds { get; set; }

    /// <summary>[1, past capacity + new] int64: 1 for held and new positions, 0 for padding.</summary>
    public OrtValue? AttentionMask { get; set; }

    /// <summary>[1, new] int64: past length + i.</summary>
    public OrtValue? PositionIds { get; set; }

    /// <summary>True for a single-position step on a started conversation (the preallocated, allocation-free path).</summary>
    public bool IsDecode => PastLength > 0 && NewPositions == 1;
}
