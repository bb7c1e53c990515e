using System.Net.Sockets;
using System.Text;

namespace Gearbox.Bench;

/// <summary>A real redis-server (apt package redis-server) on a free loopback port, no persistence: the silos' membership table.</summary>
public static class RedisServer
{
    public const string Executable = "/usr/bin/redis-server";

    public static async Task<ChildProcess> StartAsync(int port)
    {
        if (!File.Exists(Executable))
            throw new InvalidOperationException($"{Executable} is missing: install it with 'sudo apt-get install -y redis-server' (.ci/run does).");
        var redis = ChildProcess.Start("redis-server", Executable,
            ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (redis.HasExited) break;
            if (await PingAsync(port)) return redis;
            await Task.Delay(100);
        }
        var problem = $"redis-server did not answer PING on port {port} within 30 s: {redis.Describe()}";
        await redis.DisposeAsync();
        throw new InvalidOperationException(problem);
    }

    private static async Task<bool> PingAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(2));
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException or TimeoutException)
        {
            return false;
        }
    }
}
