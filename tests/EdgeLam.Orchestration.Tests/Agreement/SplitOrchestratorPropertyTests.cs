namespace EdgeLam.Orchestration.Tests.Agreement;

public class SplitOrchestratorPropertyTests
{
    [Fact]
    public void RivalOrchestrators_1000RandomInterleavings_NeverCommitTwoPlansOfOneNumber()
    {
        var failures = new List<string>();
        var seedsWithCommits = 0;
        var seedsWithRivalCommits = 0;
        for (var seed = 0; seed < 1000 && failures.Count < 5; seed++)
        {
            var run = new RivalOrchestrators(seed);
            run.Run(400);
            failures.AddRange(run.Violations.Take(1).Select(v => $"seed {seed}: {v}"));
            seedsWithCommits += run.Commits.Count > 0 ? 1 : 0;
            seedsWithRivalCommits += run.Commits.Select(c => c.Orchestrator).Distinct().Count() > 1 ? 1 : 0;
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(seedsWithCommits > 500, $"only {seedsWithCommits} of 1000 runs committed a plan: the property was barely exercised");
        Assert.True(seedsWithRivalCommits > 100, $"only {seedsWithRivalCommits} runs saw both orchestrators commit");
    }
}
