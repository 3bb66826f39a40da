using EdgeLam.Onnx.Model;
using EdgeLam.Onnx.Model.Costs;
using EdgeLam.Orchestration.Planning;
using EdgeLam.Testing;
using EdgeLam.Wire.Codecs;

namespace EdgeLam.Orchestration.Tests.Planning;

public class CostTablesTests
{
    [Fact]
    public void FromModel_HandMadeTable_KeepsEveryFigureAndDropsUncuttableBoundaries()
    {
        var model = new ModelCostTable
        {
            BlockCount = 2,
            Embedding = new StageCostDescription { WeightBytes = 10, ComputeUnits = 0 },
            Head = new StageCostDescription { WeightBytes = 20, ComputeUnits = 5 },
            Blocks =
            [
                new BlockCostDescription { Index = 0, WeightBytes = 100, ComputeUnits = 7, KvBytesPerPosition = 3 },
                new BlockCostDescription { Index = 1, WeightBytes = 200, ComputeUnits = 9, KvBytesPerPosition = 4 },
            ],
            Cuts =
            [
                new CutCostDescription { Boundary = 0 },
                new CutCostDescription { Boundary = 1, Available = true, RawBytesPerPosition = 384, Float16BytesPerPosition = 192, BFloat16BytesPerPosition = 192, Int8Block32BytesPerPosition = 102 },
                new CutCostDescription { Boundary = 2 },
            ],
            ResultBytesPerPosition = 2048,
        };

        var table = CostTables.FromModel(model);

        Assert.Equal([new BlockCost(100, 3, 7), new BlockCost(200, 4, 9)], table.Blocks);
        Assert.Equal(new EndCost(10, 0), table.Embedding);
        Assert.Equal(new EndCost(20, 5), table.Head);
        Assert.Null(table.Cuts[0]);
        Assert.Null(table.Cuts[2]);
        Assert.Equal(102, table.Cuts[1]!.BytesPerPosition(WireCodec.Int8Block32));
        Assert.Equal(2048, table.ResultBytes);
    }

    [Fact]
    public void Plan_Phi3ExportOnTwoNodes_CutsInsideTheModelWithTheSmallestCodec()
    {
        // Phi-3 export (3 blocks of 2 × (96×288 + 96×96 + 96×320 + 160×96) = 165 888 FLOPs, hidden 96, logits 512 × 4 B).
        // Gateway 1e-3 ms per FLOP: 166 ms a block; peer 1e-6: 0.17 ms a block. At 1 MB/s int8 sends 102 B (0.1 ms)
        // against 384 B raw; the logits come back in 2 ms. Cut at the floor: about 170 ms; the gateway alone: about 500 ms.
        var costs = CostTables.FromModel(ModelCosts.Of(ModelFile.Load(Path.Combine(TestPaths.SharedModels, "phi3-torchscript", "model.onnx"))));
        var problem = new PlanningProblem
        {
            Costs = costs,
            Nodes =
            [
                new PlanningNode("gw", IsGateway: true, EligibleAsPeer: false, DecodeMsPerUnit: 1e-3, PrefillMsPerPositionPerUnit: 1e-4, MemoryAvailableBytes: 1L << 30),
                new PlanningNode("peer", IsGateway: false, EligibleAsPeer: true, DecodeMsPerUnit: 1e-6, PrefillMsPerPositionPerUnit: 1e-7, MemoryAvailableBytes: 1L << 30),
            ],
            Links = [new NodeLink("gw", "peer", 1, 1_000_000), new NodeLink("peer", "gw", 1, 1_000_000)],
            Constraints = new PlanningConstraints { PrivacyFloor = 1 },
        };

        var result = SplitPlanner.Plan(problem);

        Assert.True(result.IsFeasible);
        Assert.Equal(1, result.Best!.GatewayEnd);
        Assert.Equal(WireCodec.Int8Block32, result.Best.GatewayStages[0].CodecToNext);
        Assert.InRange(result.Best.DecodeStepMs, 168, 172);
    }
}
