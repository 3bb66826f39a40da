using EdgeLam.Onnx.Model.Costs;

namespace EdgeLam.Orchestration.Planning;

/// <summary>Makes the planner's cost table from a model's (the <c>costs</c> of manifest.json, or <see cref="ModelCosts.Of(Onnx.Model.ModelFile)"/>).</summary>
public static class CostTables
{
    /// <summary>
    /// Blocks, embedding and head keep their weight bytes, KV bytes per position and compute units; every available
    /// boundary becomes a cut with its bytes per position per codec; the result is one position of the model's
    /// non-KV outputs (the logits the last node returns).
    /// </summary>
    public static CostTable FromModel(ModelCostTable model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new CostTable(
            [.. model.Blocks.Select(b => new BlockCost(b.WeightBytes, b.KvBytesPerPosition, b.ComputeUnits))],
            new EndCost(model.Embedding.WeightBytes, model.Embedding.ComputeUnits),
            new EndCost(model.Head.WeightBytes, model.Head.ComputeUnits),
            [.. model.Cuts.Select(c => c.Available
                ? new CutCost(c.RawBytesPerPosition, c.Float16BytesPerPosition, c.BFloat16BytesPerPosition, c.Int8Block32BytesPerPosition)
                : null)],
            model.ResultBytesPerPosition);
    }
}
