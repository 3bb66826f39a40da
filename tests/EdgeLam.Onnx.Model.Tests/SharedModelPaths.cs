using EdgeLam.Testing;

namespace EdgeLam.Onnx.Model.Tests;

/// <summary>The two shared reference models.</summary>
internal static class SharedModelPaths
{
    public static string TinyLlamaDirectory => Path.Combine(TestPaths.SharedModels, "tiny-llama-fp16");

    public static string TinyLlama => Path.Combine(TinyLlamaDirectory, "model.onnx");

    public static string BertToyDirectory => Path.Combine(TestPaths.SharedModels, "bert-toy");

    public static string BertToy => Path.Combine(BertToyDirectory, "bert_toy_optimized.onnx");
}
