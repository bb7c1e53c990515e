using Gearbox.Silo;

// A standalone silo for multi-silo clusters (set Gearbox:Cluster:Redis); the gateway's embedded
// default co-hosts its own silo instead.
var builder = Host.CreateApplicationBuilder(args);
builder.UseOrleans(silo => silo.UseGearbox(builder.Configuration));
await builder.Build().RunAsync();
