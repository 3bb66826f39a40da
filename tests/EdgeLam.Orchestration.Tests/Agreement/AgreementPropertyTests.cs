namespace EdgeLam.Orchestration.Tests.Agreement;

public class AgreementPropertyTests
{
    [Fact]
    public void Agreement_1000RandomSchedules_NoTwoPlansPerEpochAndLiveOrchestratorsPlanIsHeldByAll()
    {
        var failures = new List<string>();
        for (var seed = 0; seed < 1000 && failures.Count < 5; seed++)
        {
            var cluster = new SimulatedCluster(seed);
            cluster.RunChaos(200);
            cluster.Settle();
            failures.AddRange(cluster.Violations.Select(v => $"seed {seed}: {v}"));
            if (cluster.LivenessProblem() is { } problem)
            {
                failures.Add($"seed {seed}: {problem}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
