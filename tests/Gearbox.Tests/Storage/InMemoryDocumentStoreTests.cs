using Gearbox.Storage;

namespace Gearbox.Tests.Storage;

public sealed class InMemoryDocumentStoreTests : DocumentStoreContract
{
    protected override IDocumentStore NewStore() => new InMemoryDocumentStore();
}
