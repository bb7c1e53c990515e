using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Runtime.Hosting;
using Orleans.Serialization.Serializers;

namespace Gearbox.Storage;

/// <summary>
/// Wires Gearbox's durable storage: with <c>Gearbox:Storage:ConnectionString</c> set (env var
/// <c>Gearbox__Storage__ConnectionString</c>), Azure Tables for everything; without it, in memory.
/// Registers <see cref="IDocumentStore"/> (behind <see cref="LastKnownGoodDocumentStore"/>, so reads keep
/// being answered through an outage), <see cref="ProfileRepository"/>, <see cref="ModelRegistry"/>, and the
/// named grain storage "gearbox" (<c>[PersistentState("state", "gearbox")]</c>).
/// </summary>
public static class GearboxStorageRegistration
{
    public const string GrainStorageName = "gearbox";
    public const string ConnectionStringKey = "Gearbox:Storage:ConnectionString";
    public const string TableNameKey = "Gearbox:Storage:TableName";

    /// <summary>The store without the outage cache: grain storage must see failures, not stale state.</summary>
    public const string DirectStoreKey = "gearbox-direct";

    public static ISiloBuilder AddGearboxStorage(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.Services.AddGearboxDocumentStores(configuration);
        silo.Services.AddGrainStorage(GrainStorageName, (services, name) => new DocumentGrainStorage(
            name, services.GetRequiredKeyedService<IDocumentStore>(DirectStoreKey), services.GetRequiredService<IActivatorProvider>()));
        return silo;
    }

    /// <summary>The document stores and repositories alone, for hosts without a silo (CLI, tools).</summary>
    public static IServiceCollection AddGearboxDocumentStores(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration[ConnectionStringKey];
        var tableName = configuration[TableNameKey] is { Length: > 0 } name ? name : AzureTableDocumentStore.DefaultTableName;
        services.TryAddKeyedSingleton<IDocumentStore>(DirectStoreKey, (_, _) => string.IsNullOrWhiteSpace(connectionString)
            ? new InMemoryDocumentStore()
            : new AzureTableDocumentStore(connectionString, tableName));
        services.TryAddSingleton<IDocumentStore>(sp => new LastKnownGoodDocumentStore(sp.GetRequiredKeyedService<IDocumentStore>(DirectStoreKey)));
        services.TryAddSingleton<ProfileRepository>();
        services.TryAddSingleton<ModelRegistry>();
        return services;
    }
}
