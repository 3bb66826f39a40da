using EdgeLam.Core.Tensors;
using EdgeLam.Onnx.Model.Blocks;
using EdgeLam.Onnx.Model.Graph;
using EdgeLam.Onnx.Model.Split;
using EdgeLam.Wire.Codecs;
using EdgeLam.Wire.Frames;

namespace EdgeLam.Onnx.Model.Costs;

/// <summary>Derives a model's cost table from its graph: block layout, KV tensor shapes and the tensors crossing each boundary.</summary>
public static class ModelCosts
{
    /// <summary>The cost table of <paramref name="model"/>.</summary>
    /// <exception cref="ModelSurgeryException">No block is recognisable.</exception>
    public static ModelCostTable Of(ModelFile model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Of(BlockDetector.Detect(model));
    }

    /// <summary>The cost table of a detected block layout.</summary>
    public static ModelCostTable Of(BlockLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var useFlops = layout.Blocks.Any(b => b.Cost.FlopsPerToken > 0);
        double Units(StageCost c) => useFlops ? c.FlopsPerToken : c.WeightBytes;
        StageCostDescription End(StageCost c) => new() { WeightBytes = c.WeightBytes, FlopsPerToken = c.FlopsPerToken, ComputeUnits = Units(c) };

        var blocks = layout.Blocks.Select(b => new BlockCostDescription
        {
            Index = b.Index,
            WeightBytes = b.Cost.WeightBytes,
            FlopsPerToken = b.Cost.FlopsPerToken,
            ComputeUnits = Units(b.Cost),
            KvBytesPerPosition = (b.KvInputs.Count > 0 ? b.KvInputs : b.KvOutputs).Sum(t => BytesPerPosition(layout.Types, t)),
        }).ToList();

        var results = layout.Graph.Outputs.Where(o => !BlockNamePatterns.IsKvName(o)).Sum(o => BytesPerPosition(layout.Types, o));
        return new ModelCostTable
        {
            BlockCount = layout.BlockCount,
            ComputeUnit = useFlops ? ModelCostTable.FlopsUnit : ModelCostTable.WeightBytesUnit,
            Embedding = End(layout.EmbeddingCost),
            Head = End(layout.HeadCost),
            Blocks = blocks,
            Cuts = Cuts(layout),
            ResultBytesPerPosition = results,
        };
    }

    /// <summary>One entry per boundary 0..L, from one partition cut at every usable boundary.</summary>
    private static List<CutCostDescription> Cuts(BlockLayout layout)
    {
        var length = layout.BlockCount;
        var usable = Enumerable.Range(0, length + 1)
            .Where(b => (b != 0 || layout.HasEmbeddingStage) && (b != length || layout.HasHeadStage))
            .ToList();
        var crossing = new Dictionary<int, List<string>>();
        if (usable.Count > 0)
        {
            var partition = Partition.FromBoundaries(layout, usable);
            var segments = SegmentBuilder.Plan(layout.Graph, partition);
            for (var s = 1; s < segments.Count; s++)
            {
                var names = segments[s].BoundaryInputs.Concat(segments[s].Forwarded).ToHashSet(StringComparer.Ordinal);
                crossing[partition.BlockRanges[s].First] = SegmentBuilder.OrderedBoundary(layout.Graph, names).ToList();
            }
        }

        // Type inference cannot follow every exporter (PyTorch's unnamed reshapes): a floating-point tensor of unknown
        // shape crossing a cut is taken as a hidden state [batch, sequence, hidden] as wide as the widest known one.
        var hidden = crossing.Values.SelectMany(n => n)
            .Select(n => layout.Types.TryGetValue(n, out var t) ? t : null)
            .Where(t => t is not null && IsFloat(t.ElementType))
            .Select(ElementsPerPosition)
            .DefaultIfEmpty(0)
            .Max();
        var cuts = new List<CutCostDescription>(length + 1);
        for (var b = 0; b <= length; b++)
        {
            cuts.Add(crossing.TryGetValue(b, out var names) ? Describe(layout.Types, b, names, hidden) : new CutCostDescription { Boundary = b });
        }

        return cuts;
    }

    private static bool IsFloat(int elementType) =>
        (TensorElementType)elementType is TensorElementType.Float32 or TensorElementType.Float16 or TensorElementType.BFloat16;

    private static CutCostDescription Describe(IReadOnlyDictionary<string, TensorType> types, int boundary, List<string> names, long hidden)
    {
        var tensors = new List<CutTensorDescription>();
        long raw = 0, fp16 = 0, bf16 = 0, int8 = 0, fixedBytes = 0;
        foreach (var name in names)
        {
            types.TryGetValue(name, out var type);
            var elementType = type?.ElementType ?? 0;
            var assumed = type is not null && type.Shape is null && IsFloat(elementType) && hidden > 0;
            var perPosition = assumed ? hidden : ElementsPerPosition(type);
            var rank = assumed ? 3 : type?.Shape?.Count ?? -1;
            var usesCodec = WireDTypes.TryFromElementType((TensorElementType)elementType, out var dtype)
                && CodecLayout.UsesChosenCodec(dtype, rank);
            var rawBytes = TensorElementTypes.ByteCount(elementType, perPosition);
            raw += rawBytes;
            fp16 += usesCodec ? CodecBytes(WireCodec.Float16, perPosition) : rawBytes;
            bf16 += usesCodec ? CodecBytes(WireCodec.BFloat16, perPosition) : rawBytes;
            int8 += usesCodec ? CodecBytes(WireCodec.Int8Block32, perPosition) : rawBytes;
            if (perPosition == 0 && type?.Shape is { } shape && shape.All(d => d.Value is not null))
            {
                fixedBytes += TensorElementTypes.ByteCount(elementType, shape.Aggregate(1L, (p, d) => p * d.Value!.Value));
            }

            tensors.Add(new CutTensorDescription
            {
                Name = name,
                Dtype = TensorElementTypes.Name(elementType),
                Shape = type?.ShapeText,
                ElementsPerPosition = perPosition,
                ShapeAssumed = assumed,
                UsesCodec = usesCodec,
            });
        }

        return new CutCostDescription
        {
            Boundary = boundary,
            Available = true,
            RawBytesPerPosition = raw,
            Float16BytesPerPosition = fp16,
            BFloat16BytesPerPosition = bf16,
            Int8Block32BytesPerPosition = int8,
            FixedBytes = fixedBytes,
            Tensors = tensors,
        };
    }

    private static long CodecBytes(WireCodec codec, long elements) =>
        CodecLayout.ScaleLength(codec, elements) + CodecLayout.PayloadLength(codec, WireDType.Float32, elements);

    /// <summary>Bytes per position of a tensor with a sequence dimension (batch 1); 0 when every dim is fixed or the type unknown.</summary>
    private static long BytesPerPosition(IReadOnlyDictionary<string, TensorType> types, string name) =>
        types.TryGetValue(name, out var type) ? TensorElementTypes.ByteCount(type.ElementType, ElementsPerPosition(type)) : 0;

    /// <summary>Product of the fixed dims when at least one dim is symbolic or unknown (taken as batch 1 and one position).</summary>
    private static long ElementsPerPosition(TensorType? type)
    {
        if (type?.Shape is not { } shape || shape.All(d => d.Value is not null))
        {
            return 0;
        }

        return shape.Where(d => d.Value is not null).Aggregate(1L, (p, d) => p * d.Value!.Value);
    }
}
