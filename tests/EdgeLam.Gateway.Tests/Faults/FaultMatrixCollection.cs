using EdgeLam.Transport.Tests;

namespace EdgeLam.Gateway.Tests.Faults;

/// <summary>
/// The fault matrix's multi-process rows (docs/reliability.md, "Fault matrix") run one after another: each starts a
/// broker and several <c>edgelam run</c> daemons, and their timing assertions assume the machine is not shared with
/// another such site.
/// </summary>
[CollectionDefinition(nameof(FaultMatrixCollection))]
public sealed class FaultMatrixCollection : ICollectionFixture<MultiNodeFixture>
{
}
