using EdgeLam.Core.Tensors;

namespace EdgeLam.Inference.Segments;

/// <summary>
/// How a segment's inputs and outputs map onto the genai decoder layout: which inputs the pipeline produces (ids,
/// embeddings, mask, positions), which are KV cache (past → present), and which tensors cross segment boundaries.
/// </summary>
public sealed class SegmentSignature
{
    /// <summary>Input name of token ids.</summary>
    public const string InputIdsName = "input_ids";

    /// <summary>Input name of embeddings.</summary>
    public const string InputsEmbedsName = "inputs_embeds";

    /// <summary>Input name of the attention mask.</summary>
    public const string AttentionMaskName = "attention_mask";

    /// <summary>Input name of the position ids.</summary>
    public const string PositionIdsName = "position_ids";

    /// <summary>Output name of the logits.</summary>
    public const string LogitsName = "logits";

    private const string PastPrefix = "past_key_values.";
    private const string PresentPrefix = "present.";

    private SegmentSignature(
        IReadOnlyList<TensorSpec> inputs,
        IReadOnlyList<TensorSpec> outputs,
        SegmentInputKind[] inputKinds,
        int[] inputKvIndex,
        int[] outputKvIndex,
        KvTensorLayout[] kv,
        int logitsOutput)
    {
        Inputs = inputs;
        Outputs = outputs;
        InputKinds = inputKinds;
        InputKvIndex = inputKvIndex;
        OutputKvIndex = outputKvIndex;
        KeyValues = kv;
        LogitsOutput = logitsOutput;
    }

    /// <summary>The session's inputs in declaration order.</summary>
    public IReadOnlyList<TensorSpec> Inputs { get; }

    /// <summary>The session's outputs in declaration order.</summary>
    public IReadOnlyList<TensorSpec> Outputs { get; }

    /// <summary>The kind of each input.</summary>
    public IReadOnlyList<SegmentInputKind> InputKinds { get; }

    /// <summary>For each input, the index into <see cref="KeyValues"/>, or -1.</summary>
    public IReadOnlyList<int> InputKvIndex { get; }

    /// <summary>For each output, the index into <see cref="KeyValues"/> (a present output), or -1.</summary>
    public IReadOnlyList<int> OutputKvIndex { get; }

    /// <summary>The cached tensors.</summary>
    public IReadOnlyList<KvTensorLayout> KeyValues { get; }

    /// <summary>Index of the <c>logits</c> output, or -1 for a segment that is not the last.</summary>
    public int LogitsOutput { get; }

    /// <summary>True when the segment takes <c>input_ids</c>.</summary>
    public bool TakesInputIds => InputKinds.Contains(SegmentInputKind.InputIds);

    /// <summary>True when the segment takes <c>inputs_embeds</c>.</summary>
    public bool TakesInputsEmbeds => InputKinds.Contains(SegmentInputKind.InputsEmbeds);

    /// <summary>Classifies a session's inputs and outputs.</summary>
    /// <exception cref="InferenceException">A past input has no present output, or a KV tensor is not [batch, heads, past, head size] with fixed heads and head size.</exception>
    public static SegmentSignature Create(IReadOnlyList<TensorSpec> inputs, IReadOnlyList<TensorSpec> outputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        var kinds = new SegmentInputKind[inputs.Count];
        var inputKv = new int[inputs.Count];
        var outputKv = new int[outputs.Count];
        Array.Fill(outputKv, -1);
        var kv = new List<KvTensorLayout>();
        for (var i = 0; i < inputs.Count; i++)
        {
            var spec = inputs[i];
            inputKv[i] = -1;
            kinds[i] = spec.Name switch
            {
                InputIdsName => SegmentInputKind.InputIds,
                InputsEmbedsName => SegmentInputKind.InputsEmbeds,
                AttentionMaskName => SegmentInputKind.AttentionMask,
                PositionIdsName => SegmentInputKind.PositionIds,
                _ when spec.Name.StartsWith(PastPrefix, StringComparison.Ordinal) => SegmentInputKind.PastKeyValue,
                _ => SegmentInputKind.Boundary,
            };
            if (kinds[i] != SegmentInputKind.PastKeyValue)
            {
                continue;
            }

            var presentName = PresentPrefix + spec.Name[PastPrefix.Length..];
            var output = FindIndex(outputs, presentName);
            if (output < 0)
            {
                throw new InferenceException("The segment takes '" + spec.Name + "' but has no output '" + presentName + "' to cache.");
            }

            if (spec.Rank != 4 || spec.Shape[1] <= 0 || spec.Shape[3] <= 0)
            {
                throw new InferenceException("KV input '" + spec.Name + "' must be [batch, heads, past, head size] with fixed heads and head size; it is " + spec + ".");
            }

            if (spec.ElementType.SizeInBytes() == 0)
            {
                throw new InferenceException("KV input '" + spec.Name + "' has unsupported element type " + spec.ElementType.OnnxName() + ".");
            }

            inputKv[i] = kv.Count;
            outputKv[output] = kv.Count;
            kv.Add(new KvTensorLayout(spec.Name, presentName, spec.ElementType, (int)spec.Shape[1], (int)spec.Shape[3]));
        }

        return new SegmentSignature(inputs, outputs, kinds, inputKv, outputKv, [.. kv], FindIndex(outputs, LogitsName));
    }

    private static int FindIndex(IReadOnlyList<TensorSpec> specs, string name)
    {
        for (var i = 0; i < specs.Count; i++)
        {
            if (specs[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }
}
