using System.Runtime.InteropServices;
using EdgeLam.Core.Tensors;
using EdgeLam.Onnx.Interop;

namespace EdgeLam.Inference.Segments;

/// <summary>
/// Produces the attention mask and position ids of a step into a <see cref="StepControl"/>: held and new positions
/// are 1 in the mask, the padding between the held positions and the cache capacity 0; positions count on from the
/// held length. Decode steps reuse native buffers and one mask tensor per capacity, so they allocate nothing.
/// </summary>
public sealed unsafe class StepInputs : IDisposable
{
    private readonly Dictionary<int, OrtValue> _decodeMasks = [];
    private readonly long* _mask;
    private readonly long* _decodePositions;
    private readonly OrtValue _decodePositionsValue;
    private OrtValue? _transientMask;
    private OrtValue? _transientPositions;
    private bool _disposed;

    /// <summary>Creates buffers for conversations of at most <paramref name="contextLimit"/> positions.</summary>
    public StepInputs(int contextLimit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(contextLimit);
        ContextLimit = contextLimit;
        _mask = (long*)NativeMemory.AlignedAlloc((nuint)(MaskCapacity(contextLimit) * sizeof(long)), 64);
        _decodePositions = (long*)NativeMemory.AlignedAlloc(64, 64);
        _decodePositionsValue = OrtValue.CreateTensor(TensorElementType.Int64, (nint)_decodePositions, sizeof(long), [1, 1]);
    }

    /// <summary>The context limit.</summary>
    public int ContextLimit { get; }

    /// <summary>
    /// Entries the mask buffer needs: a step's mask is [past capacity + new], and a multi-position step that continues
    /// a conversation can reach a capacity of the whole limit plus up to the limit of new positions.
    /// </summary>
    public static long MaskCapacity(int contextLimit) => (2L * contextLimit) + 1;

    /// <summary>
    /// Fills <paramref name="control"/> for a step of <paramref name="count"/> positions on top of
    /// <paramref name="past"/> held ones. The tensors stay valid until <see cref="Release"/> or the next call.
    /// </summary>
    /// <exception cref="ContextOverflowException">The step would exceed the context limit.</exception>
    public void Prepare(StepControl control, Guid conversation, int past, int count)
    {
        ArgumentNullException.ThrowIfNull(control);
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(past);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (past + count > ContextLimit)
        {
            throw new ContextOverflowException(conversation, past, count, ContextLimit);
        }

        Release(control);
        var capacity = past == 0 ? 0 : KvCapacity.For(past + count, ContextLimit);
        control.Conversation = conversation;
        control.PastLength = past;
        control.NewPositions = count;
        control.PastCapacity = capacity;
        new Span<long>(_mask, past).Fill(1);
        new Span<long>(_mask + past, capacity - past).Clear();
        new Span<long>(_mask + capacity, count).Fill(1);
        if (control.IsDecode)
        {
            if (!_decodeMasks.TryGetValue(capacity, out var mask))
            {
                mask = OrtValue.CreateTensor(TensorElementType.Int64, (nint)_mask, (capacity + 1L) * sizeof(long), [1, capacity + 1]);
                _decodeMasks.Add(capacity, mask);
            }

            *_decodePositions = past;
            control.AttentionMask = mask;
            control.PositionIds = _decodePositionsValue;
            return;
        }

        _transientMask = OrtValue.CreateTensor(TensorElementType.Int64, (nint)_mask, ((long)capacity + count) * sizeof(long), [1, capacity + count]);
        var positions = new long[count];
        for (var i = 0; i < count; i++)
        {
            positions[i] = past + i;
        }

        _transientPositions = OrtValue.CreateTensor<long>(positions, [1, count]);
        control.AttentionMask = _transientMask;
        control.PositionIds = _transientPositions;
    }

    /// <summary>Clears the step's mask and positions from <paramref name="control"/> and frees prefill tensors.</summary>
    public void Release(StepControl control)
    {
        ArgumentNullException.ThrowIfNull(control);
        control.AttentionMask = null;
        control.PositionIds = null;
        _transientMask?.Dispose();
        _transientMask = null;
        _transientPositions?.Dispose();
        _transientPositions = null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _transientMask?.Dispose();
        _transientPositions?.Dispose();
        foreach (var mask in _decodeMasks.Values)
        {
            mask.Dispose();
        }

        _decodePositionsValue.Dispose();
        NativeMemory.AlignedFree(_mask);
        NativeMemory.AlignedFree(_decodePositions);
    }
}
