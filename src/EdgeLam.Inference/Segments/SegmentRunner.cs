using System.Diagnostics;
using EdgeLam.Core.Tensors;
using EdgeLam.Inference.Chain;
using EdgeLam.Onnx.Interop;

namespace EdgeLam.Inference.Segments;

/// <summary>
/// Runs one segment of a model (or the whole model, the one-segment chain): owns its ORT session, the KV caches of
/// its conversations, and per cache capacity a prepared decode run whose inputs and outputs are preallocated, so a
/// decode step allocates no managed memory. A multi-position step (prefill) lets ORT allocate its outputs.
/// Outputs of a step stay valid until the next step. Not thread-safe.
/// </summary>
public sealed class SegmentRunner : IDisposable
{
    private readonly OrtSession _session;
    private readonly bool _ownsSession;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly OrtValue[] _inputs;
    private readonly int[] _boundaryInputIndex;
    private readonly OrtValue[] _emptyPast;
    private readonly Dictionary<int, DecodePlan> _decodePlans = [];
    private OrtValue[]? _transientOutputs;
    private IReadOnlyList<OrtValue> _outputs = [];

    /// <summary>Wraps a session.</summary>
    /// <exception cref="InferenceException">The session's inputs and outputs are not a genai-layout segment.</exception>
    public SegmentRunner(OrtSession session, ChainOptions? options = null, bool ownsSession = true, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        options ??= new ChainOptions();
        options.Validate();
        _session = session;
        _ownsSession = ownsSession;
        Name = name ?? Path.GetFileNameWithoutExtension(session.ModelPath);
        Options = options;
        Signature = SegmentSignature.Create(session.Inputs, session.Outputs);
        _inputNames = [.. session.Inputs.Select(i => i.Name)];
        _outputNames = [.. session.Outputs.Select(o => o.Name)];
        _inputs = new OrtValue[_inputNames.Length];
        _boundaryInputIndex = [.. Enumerable.Range(0, _inputNames.Length).Where(i => Signature.InputKinds[i] == SegmentInputKind.Boundary)];
        BoundaryInputs = [.. _boundaryInputIndex.Select(i => session.Inputs[i])];
        BoundaryOutputs = [.. session.Outputs.Where((o, i) => Signature.OutputKvIndex[i] < 0)];
        _emptyPast = [.. Signature.KeyValues.Select(kv => OrtValue.CreateTensor(kv.ElementType, 0, 0, [1, kv.Heads, 0, kv.HeadSize]))];
        Conversations = new ConversationStore(Signature.KeyValues, options.MemoryBudgetBytes);
    }

    /// <summary>A label for timings (the model file name by default).</summary>
    public string Name { get; }

    /// <summary>The limits.</summary>
    public ChainOptions Options { get; }

    /// <summary>The session.</summary>
    public OrtSession Session => _session;

    /// <summary>How the session's tensors map onto the decoder layout.</summary>
    public SegmentSignature Signature { get; }

    /// <summary>Inputs produced by earlier segments, in the order <see cref="Run"/> takes them.</summary>
    public IReadOnlyList<TensorSpec> BoundaryInputs { get; }

    /// <summary>Outputs that are not KV cache (boundary tensors and logits), in session output order.</summary>
    public IReadOnlyList<TensorSpec> BoundaryOutputs { get; }

    /// <summary>The conversations' KV caches.</summary>
    public ConversationStore Conversations { get; }

    /// <summary>Stopwatch ticks the last <see cref="Run"/> spent in ORT.</summary>
    public long LastRunTicks { get; private set; }

    /// <summary>Every output of the last step, in session output order (present outputs included). Valid until the next step.</summary>
    public IReadOnlyList<OrtValue> Outputs => _outputs;

    /// <summary>Drops a conversation's cache; false when it was not held.</summary>
    public bool Drop(Guid conversation) => Conversations.Drop(conversation);

    /// <summary>Runs one step and appends the new positions to the conversation's cache.</summary>
    /// <param name="control">The shared step inputs.</param>
    /// <param name="boundary">Values for <see cref="BoundaryInputs"/>, in order.</param>
    /// <returns>Every output in session output order; valid until the next step.</returns>
    /// <exception cref="ContextOverflowException">The step would exceed the context limit.</exception>
    /// <exception cref="ConversationNotFoundException">A continued conversation is not held.</exception>
    /// <exception cref="OrtException">ORT rejected an input.</exception>
    public IReadOnlyList<OrtValue> Run(StepControl control, ReadOnlySpan<OrtValue> boundary)
    {
        ArgumentNullException.ThrowIfNull(control);
        if (boundary.Length != _boundaryInputIndex.Length)
        {
            throw new ArgumentException("The segment takes " + _boundaryInputIndex.Length + " boundary tensors; " + boundary.Length + " were given.", nameof(boundary));
        }

        var past = control.PastLength;
        var count = control.NewPositions;
        if (count <= 0)
        {
            throw new ArgumentException("A step adds at least one position.", nameof(control));
        }

        if (past + count > Options.ContextLimit)
        {
            throw new ContextOverflowException(control.Conversation, past, count, Options.ContextLimit);
        }

        KvCache cache;
        if (past == 0)
        {
            cache = Conversations.Start(control.Conversation);
        }
        else
        {
            cache = Conversations.Get(control.Conversation);
            if (cache.Length != past)
            {
                throw new InferenceException("Conversation " + control.Conversation + " holds " + cache.Length + " positions in segment " + Name + "; the step assumes " + past + ".");
            }
        }

        var capacity = KvCapacity.For(past + count, Options.ContextLimit);
        if (control.PastCapacity != (past == 0 ? 0 : capacity))
        {
            throw new ArgumentException("The past capacity " + control.PastCapacity + " does not match the cache rule (" + (past == 0 ? 0 : capacity) + ").", nameof(control));
        }

        Conversations.Grow(cache, capacity);
        BindInputs(control, cache, boundary);
        ReleaseTransient();
        var start = Stopwatch.GetTimestamp();
        if (control.IsDecode)
        {
            if (_decodePlans.TryGetValue(control.PastCapacity, out var plan))
            {
                for (var i = 0; i < _inputs.Length; i++)
                {
                    plan.Binding.BindInput(i, _inputs[i]);
                }

                plan.Binding.Run();
                _outputs = plan.Outputs;
            }
            else
            {
                _outputs = CreateDecodePlan(control.PastCapacity).Outputs;
            }
        }
        else
        {
            _transientOutputs = _session.Run(_inputNames, _inputs, _outputNames);
            _outputs = _transientOutputs;
        }

        LastRunTicks = Stopwatch.GetTimestamp() - start;
        var presentLength = control.PastCapacity + count;
        for (var o = 0; o < _outputs.Count; o++)
        {
            var kv = Signature.OutputKvIndex[o];
            if (kv >= 0)
            {
                cache.Append(kv, _outputs[o].GetBytes(), presentLength, control.PastCapacity, count);
            }
        }

        cache.Length = past + count;
        return _outputs;
    }

    /// <summary>Records a step the segment does not compute (an embedding-only segment skipped for embeddings input).</summary>
    /// <exception cref="InferenceException">The segment caches KV tensors, so it cannot be skipped.</exception>
    public void Advance(Guid conversation, int pastLength, int newPositions)
    {
        if (Signature.KeyValues.Count != 0)
        {
            throw new InferenceException("Segment " + Name + " holds a KV cache and cannot be skipped.");
        }

        var cache = pastLength == 0 ? Conversations.Start(conversation) : Conversations.Get(conversation);
        cache.Length = pastLength + newPositions;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        ReleaseTransient();
        foreach (var plan in _decodePlans.Values)
        {
            plan.Dispose();
        }

        _decodePlans.Clear();
        foreach (var value in _emptyPast)
        {
            value.Dispose();
        }

        Conversations.Dispose();
        if (_ownsSession)
        {
            _session.Dispose();
        }
    }

    private void BindInputs(StepControl control, KvCache cache, ReadOnlySpan<OrtValue> boundary)
    {
        var b = 0;
        for (var i = 0; i < _inputs.Length; i++)
        {
            _inputs[i] = Signature.InputKinds[i] switch
            {
                SegmentInputKind.InputIds => control.InputIds ?? throw new InferenceException("Segment " + Name + " takes input_ids; the step has none (it started from embeddings)."),
                SegmentInputKind.InputsEmbeds => control.InputsEmbeds ?? throw new InferenceException("Segment " + Name + " takes inputs_embeds; the step has none (it started from token ids)."),
                SegmentInputKind.AttentionMask => control.AttentionMask ?? throw new InferenceException("The step has no attention mask."),
                SegmentInputKind.PositionIds => control.PositionIds ?? throw new InferenceException("The step has no position ids."),
                SegmentInputKind.PastKeyValue => control.PastLength == 0 ? _emptyPast[Signature.InputKvIndex[i]] : cache.PastView(Signature.InputKvIndex[i]),
                _ => boundary[b++],
            };
        }
    }

    private DecodePlan CreateDecodePlan(int pastCapacity)
    {
        // The first decode step at this capacity learns the output shapes from an ORT-allocated run; later steps
        // write into values preallocated with those shapes.
        var discovered = _session.Run(_inputNames, _inputs, _outputNames);
        var plan = new DecodePlan(_session.CreateBinding(_inputNames, _outputNames), new OrtValue[discovered.Length]);
        try
        {
            for (var o = 0; o < discovered.Length; o++)
            {
                var value = OrtValue.Allocate(discovered[o].ElementType, discovered[o].Shape);
                plan.Outputs[o] = value;
                discovered[o].GetBytes().CopyTo(value.GetBytes());
                plan.Binding.BindOutput(o, value);
            }
        }
        catch
        {
            plan.Dispose();
            throw;
        }
        finally
        {
            foreach (var value in discovered)
            {
                value.Dispose();
            }
        }

        _decodePlans.Add(pastCapacity, plan);
        return plan;
    }

    private void ReleaseTransient()
    {
        if (_transientOutputs is { } outputs)
        {
            foreach (var value in outputs)
            {
                value.Dispose();
            }

            _transientOutputs = null;
            _outputs = [];
        }
    }

    private sealed class DecodePlan(OrtRunBinding binding, OrtValue[] outputs) : IDisposable
    {
        public OrtRunBinding Binding { get; } = binding;

        public OrtValue[] Outputs { get; } = outputs;

        public void Dispose()
        {
            Binding.Dispose();
            foreach (var value in Outputs)
            {
                value?.Dispose();
            }
        }
    }
}
