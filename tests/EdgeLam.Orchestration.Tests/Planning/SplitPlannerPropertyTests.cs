using EdgeLam.Orchestration.Planning;

namespace EdgeLam.Orchestration.Tests.Planning;

/// <summary>On seeded random instances the planner's optimum equals an independent brute-force enumeration of the same cost model.</summary>
public class SplitPlannerPropertyTests
{
    private const int Instances = 1200;

    [Fact]
    public void Plan_RandomInstances_CostEqualsBruteForceOptimumAndKeepsEveryConstraint()
    {
        var random = new Random(20261204);
        var feasible = 0;
        var multiGateway = 0;
        var usedPeers = 0;
        for (var i = 0; i < Instances; i++)
        {
            var problem = RandomProblems.Create(random);
            var result = SplitPlanner.Plan(problem);
            var expected = BruteForcePlanner.Optimum(problem);
            if (expected is null)
            {
                Assert.Null(result.Best);
                Assert.NotNull(result.Infeasibility);
                Assert.NotEqual(InfeasibilityKind.InvalidProblem, result.Infeasibility.Kind);
                Assert.NotEqual(InfeasibilityKind.LatencyTarget, result.Infeasibility.Kind);
                Assert.False(string.IsNullOrWhiteSpace(result.Infeasibility.Message));
                continue;
            }

            Assert.True(result.Best is not null, $"instance {i}: brute force found {expected.Cost} but the planner says {result.Infeasibility}");
            PlanAssert.Close(expected.Cost, result.Best.Cost);
            var chain = PlanAssert.KeepsConstraints(problem, result.Best);
            PlanAssert.PricedAsTheModelSays(problem, result.Best, chain);
            foreach (var alternative in result.Alternatives)
            {
                PlanAssert.PricedAsTheModelSays(problem, alternative, PlanAssert.KeepsConstraints(problem, alternative));
                Assert.True(alternative.Cost >= result.Best.Cost);
            }

            var target = problem.Constraints.DecodeStepTargetMs;
            if (target is { } t && result.Best.DecodeStepMs > t)
            {
                Assert.Equal(InfeasibilityKind.LatencyTarget, result.Infeasibility?.Kind);
            }
            else
            {
                Assert.Null(result.Infeasibility);
            }

            feasible++;
            multiGateway += result.Best.GatewayStages.Count > 1 ? 1 : 0;
            usedPeers += result.Best.PeerStages.Count > 0 ? 1 : 0;
        }

        // The generator must exercise both outcomes and the interesting shapes, or the property proves little.
        Assert.InRange(feasible, Instances / 3, Instances - 50);
        Assert.True(multiGateway > 50, $"only {multiGateway} feasible multi-gateway instances");
        Assert.True(usedPeers > Instances / 4, $"only {usedPeers} plans used a peer");
    }

    [Fact]
    public void Plan_SmallInstances_EqualsOptimumOverEveryCodecCombination()
    {
        var random = new Random(7);
        for (var i = 0; i < 300; i++)
        {
            var problem = RandomProblems.Create(random, maxBlocksCap: 5);
            if (problem.Nodes.Count > 4)
            {
                continue;
            }

            var expected = BruteForcePlanner.Optimum(problem, everyCodecCombination: true);
            var result = SplitPlanner.Plan(problem);
            Assert.Equal(expected is null, result.Best is null);
            if (expected is not null)
            {
                PlanAssert.Close(expected.Cost, result.Best!.Cost);
            }
        }
    }

    [Fact]
    public void Plan_SameProblemTwice_GivesEqualPlans()
    {
        var random = new Random(99);
        for (var i = 0; i < 50; i++)
        {
            var problem = RandomProblems.Create(random);
            var a = SplitPlanner.Plan(problem);
            var b = SplitPlanner.Plan(problem);
            Assert.Equal(a.Best?.ToString(), b.Best?.ToString());
            Assert.Equal(a.Best?.Cost, b.Best?.Cost);
        }
    }
}
