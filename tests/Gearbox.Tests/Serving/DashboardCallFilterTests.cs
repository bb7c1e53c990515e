using Gearbox.Silo;
using Microsoft.Extensions.DependencyInjection;

namespace Gearbox.Tests.Serving;

/// <summary>The dashboard's per-call filter is on the hot path only when grain-call tracing is asked for.</summary>
public class DashboardCallFilterTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_dashboard_call_filter_is_registered_only_with_call_tracing(bool trace)
    {
        var app = SiloApp.Create(["--port", FreePort.Next().ToString(), "--grpc-port", "0", "--Gearbox:TraceGrainCalls", trace.ToString()]);
        try
        {
            var filters = app.Services.GetServices<IIncomingGrainCallFilter>().Select(f => f.GetType().FullName).ToArray();
            Assert.Equal(trace, filters.Contains(GearboxSilo.DashboardCallFilterType));
        }
        finally
        {
            await app.DisposeAsync();
        }
    }
}
