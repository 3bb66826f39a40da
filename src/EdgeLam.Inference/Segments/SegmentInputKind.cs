namespace EdgeLam.Inference.Segments;

/// <summary>What the pipeline binds to one input of a segment.</summary>
public enum SegmentInputKind
{
    /// <summary><c>input_ids</c> [batch, sequence] int64.</summary>
    InputIds,

    /// <summary><c>inputs_embeds</c> [batch, sequence, hidden]: embeddings from a sensor encoder.</summary>
    InputsEmbeds,

    /// <summary><c>attention_mask</c> [batch, past + sequence] int64, produced by the pipeline.</summary>
    AttentionMask,

    /// <summary><c>position_ids</c> [batch, sequence] int64, produced by the pipeline.</summary>
    PositionIds,

    /// <summary><c>past_key_values.N.key|value</c> [batch, kv heads, past, head size], from the segment's KV cache.</summary>
    PastKeyValue,

    /// <summary>A tensor produced by an earlier segment (hidden state, mask bias, rotary tables...).</summary>
    Boundary,
}
