using EdgeLam.Inference.Pipeline;
using EdgeLam.Wire.Codecs;

namespace EdgeLam.Inference.Tests;

internal static class PipelineFactory
{
    public static InferencePipeline Open(ModelsFixture models, string directory, WireCodec? wire = null, int contextLimit = 256, long budget = 1L << 30) =>
        InferencePipeline.Open(models.Runtime, directory, new PipelineOptions { ContextLimit = contextLimit, Wire = wire, MemoryBudgetBytes = budget });

    public static long[] Prompt(int length, int vocabulary, int seed = 3)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, length).Select(_ => (long)random.Next(3, vocabulary))];
    }
}
