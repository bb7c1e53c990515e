using Gearbox.Silo;
using Gearbox.Gateway.Grpc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gearbox.Tests.Grpc;

public class GrpcSettingsTests
{
    private static IConfiguration Settings(params string[] args) => new ConfigurationBuilder().AddCommandLine(args).Build();

    [Fact]
    public void The_grpc_port_defaults_to_the_http_port_plus_one_and_zero_turns_it_off()
    {
        Assert.Equal(8081, GrpcHosting.Port(Settings()));
        Assert.Equal(9001, GrpcHosting.Port(Settings("--port", "9000")));
        Assert.Equal(7000, GrpcHosting.Port(Settings("--port", "9000", "--grpc-port", "7000")));
        Assert.Equal(0, GrpcHosting.Port(Settings("--grpc-port", "0")));
    }

    [Fact]
    public async Task The_gateway_listens_for_grpc_beside_its_http_port_unless_turned_off_and_keeps_per_call_grpc_logs_quiet()
    {
        var (http, grpc) = (FreePort.Next(), FreePort.Next());
        var on = SiloApp.Create(["--port", http.ToString(), "--grpc-port", grpc.ToString()]);
        var off = SiloApp.Create(["--port", http.ToString(), "--grpc-port", "0"]);
        try
        {
            Assert.Equal([$"http://127.0.0.1:{http}", $"http://127.0.0.1:{grpc}"], on.Configuration["urls"]!.Split(';'));
            Assert.Equal($"http://127.0.0.1:{http}", off.Configuration["urls"]);
            // Error statuses are logged per call at Information by the framework: under overload that would be a log line per refusal.
            Assert.False(on.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Grpc.AspNetCore.Server.ServerCallHandler").IsEnabled(LogLevel.Information));
        }
        finally
        {
            await on.DisposeAsync();
            await off.DisposeAsync();
        }
    }
}
