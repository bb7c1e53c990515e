using Gearbox.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gearbox.Tests.Http;

/// <summary>Changes the process's working directory for a moment, so it runs alone.</summary>
[CollectionDefinition("working directory", DisableParallelization = true)]
public sealed class WorkingDirectoryCollection;

[Collection("working directory")]
public class GatewaySettingsTests
{
    [Fact]
    public async Task The_gateway_reads_the_appsettings_beside_its_binaries_wherever_it_is_started_from()
    {
        // ./gearbox serve starts the gateway from the checkout's root; its appsettings.json must still
        // apply, or ASP.NET Core logs two lines per request at Information and halves the throughput.
        var before = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(Path.GetTempPath());
        WebApplication app;
        try
        {
            app = SiloApp.Create(["--port", FreePort.Next().ToString()]);
        }
        finally
        {
            Directory.SetCurrentDirectory(before);
        }
        try
        {
            Assert.Equal(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory), Path.TrimEndingDirectorySeparator(app.Environment.ContentRootPath));
            var requestLog = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics");
            Assert.False(requestLog.IsEnabled(LogLevel.Information));
            Assert.True(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Gearbox.Gateway").IsEnabled(LogLevel.Information));
        }
        finally
        {
            await app.DisposeAsync();
        }
    }
}
