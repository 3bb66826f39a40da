namespace EdgeLam.Fuzz.Tests.Fuzzing;

/// <summary>Counts of one fuzzing run; <see cref="FirstCrash"/> holds the first input that made the target throw.</summary>
public sealed record FuzzReport(string Target, long Cases, long Accepted, long Rejected, long Crashes, string? FirstCrash)
{
    public override string ToString() =>
        $"{Target}: {Cases} cases, {Accepted} accepted, {Rejected} rejected, {Crashes} crashes"
        + (FirstCrash is null ? string.Empty : Environment.NewLine + "  first crash: " + FirstCrash);
}

/// <summary>Runs a target on its seeds and on mutants of them (seeded, so a run is reproducible).</summary>
public static class FuzzRunner
{
    public static FuzzReport Run(FuzzTarget target, long cases, int seed)
    {
        ArgumentNullException.ThrowIfNull(target);
        var random = new Random(seed);
        var mutator = new Mutator(random, target.IsJson);
        long accepted = 0, rejected = 0, crashes = 0;
        string? firstCrash = null;
        for (long i = 0; i < cases; i++)
        {
            var input = i < target.Seeds.Count ? target.Seeds[(int)i] : target.Repair(mutator.Next(target.Seeds), random);
            try
            {
                if (target.Run(input) == FuzzOutcome.Accepted)
                {
                    accepted++;
                }
                else
                {
                    rejected++;
                }
            }
#pragma warning disable CA1031 // Any escaping exception is what the fuzzer looks for.
            catch (Exception e)
#pragma warning restore CA1031
            {
                crashes++;
                firstCrash ??= $"case {i}: {e.GetType().Name}: {e.Message}{Environment.NewLine}  input (base64): {Convert.ToBase64String(input)}{Environment.NewLine}{e.StackTrace}";
            }
        }

        return new FuzzReport(target.Name, cases, accepted, rejected, crashes, firstCrash);
    }
}
