using System.Text;
using EdgeLam.Wire.Frames;

namespace EdgeLam.Wire.Contracts;

/// <summary>
/// What a receiver expects at one boundary, built once from the manifest and the split plan: the model id, plan
/// epoch, boundary index and the tensors with their dtypes and shapes. <see cref="FrameReader"/> checks every frame
/// against it without allocating.
/// </summary>
public sealed class FrameContract
{
    /// <summary>Distinct symbolic dimension names per contract.</summary>
    public const int MaxSymbols = 8;

    private readonly byte[][] _utf8Names;
    private readonly int[][] _symbolIndices;

    /// <summary>Creates the contract.</summary>
    public FrameContract(
        ModelId modelId,
        uint planEpoch,
        ushort boundaryIndex,
        IReadOnlyList<TensorContract> tensors,
        int maxFrameLength = FrameLimits.MaxFrameLength)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count > FrameLimits.MaxTensors)
        {
            throw new ArgumentException($"At most {FrameLimits.MaxTensors} tensors.", nameof(tensors));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrameLength, FrameLayout.HeaderLength + FrameLayout.TrailerLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxFrameLength, FrameLimits.MaxFrameLength);

        var symbols = new List<string>();
        _utf8Names = new byte[tensors.Count][];
        _symbolIndices = new int[tensors.Count][];
        for (int t = 0; t < tensors.Count; t++)
        {
            TensorContract tensor = tensors[t];
            byte[] name = Encoding.UTF8.GetBytes(tensor.Name);
            if (name.Length > FrameLimits.MaxNameBytes)
            {
                throw new ArgumentException($"Tensor name '{tensor.Name}' is longer than {FrameLimits.MaxNameBytes} UTF-8 bytes.", nameof(tensors));
            }

            for (int other = 0; other < t; other++)
            {
                if (name.AsSpan().SequenceEqual(_utf8Names[other]))
                {
                    throw new ArgumentException($"Tensor '{tensor.Name}' is listed twice.", nameof(tensors));
                }
            }

            _utf8Names[t] = name;
            _symbolIndices[t] = new int[tensor.Shape.Count];
            for (int d = 0; d < tensor.Shape.Count; d++)
            {
                string? symbol = tensor.Shape[d].Symbol;
                int index = symbol is null ? -1 : symbols.IndexOf(symbol);
                if (symbol is not null && index < 0)
                {
                    if (symbols.Count == MaxSymbols)
                    {
                        throw new ArgumentException($"At most {MaxSymbols} symbolic dimensions.", nameof(tensors));
                    }

                    index = symbols.Count;
                    symbols.Add(symbol);
                }

                _symbolIndices[t][d] = index;
            }
        }

        ModelId = modelId;
        PlanEpoch = planEpoch;
        BoundaryIndex = boundaryIndex;
        Tensors = tensors;
        MaxFrameLength = maxFrameLength;
        SymbolCount = symbols.Count;
    }

    /// <summary>The expected model.</summary>
    public ModelId ModelId { get; }

    /// <summary>The expected plan epoch.</summary>
    public uint PlanEpoch { get; }

    /// <summary>The expected boundary.</summary>
    public ushort BoundaryIndex { get; }

    /// <summary>The accepted tensors.</summary>
    public IReadOnlyList<TensorContract> Tensors { get; }

    /// <summary>The longest accepted frame.</summary>
    public int MaxFrameLength { get; }

    internal int SymbolCount { get; }

    /// <summary>The same contract for another plan epoch.</summary>
    public FrameContract WithPlanEpoch(uint planEpoch) =>
        new(ModelId, planEpoch, BoundaryIndex, Tensors, MaxFrameLength);

    internal int IndexOf(ReadOnlySpan<byte> utf8Name)
    {
        for (int i = 0; i < _utf8Names.Length; i++)
        {
            if (utf8Name.SequenceEqual(_utf8Names[i]))
            {
                return i;
            }
        }

        return -1;
    }

    internal int SymbolIndex(int tensor, int dimension) => _symbolIndices[tensor][dimension];
}
