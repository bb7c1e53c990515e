using Gearbox.Silo;

// A standalone silo for multi-silo clusters (set Gearbox:Cluster:Redis); the gateway's embedded
// default co-hosts its own silo instead.
// appsettings.json sits beside the binaries, wherever the silo is started from.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.UseOrleans(silo => silo.UseGearbox(builder.Configuration));
await builder.Build().RunAsync();
