using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using Gearbox.Tests.Http;

namespace Gearbox.Tests.Grpc;

/// <summary>
/// tests/node/grpc-client.mjs (@grpc/grpc-js + @grpc/proto-loader, reading the same proto) against the
/// real gateway: a client outside .NET gets the JSON path's labels. Node and the npm packages are
/// required: without them the test fails and says what to install.
/// </summary>
[Collection("gateway")]
public sealed class NodeGrpcClientTests(GatewayServer server)
{
    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "package.json")) && File.Exists(Path.Combine(directory.FullName, "tests", "node", "grpc-client.mjs")))
                return directory.FullName;
        throw new InvalidOperationException($"No checkout with tests/node/grpc-client.mjs above {AppContext.BaseDirectory}.");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_node_grpc_client_prints_the_json_paths_labels(bool typed)
    {
        var root = RepositoryRoot();
        Assert.True(Directory.Exists(Path.Combine(root, "node_modules", "@grpc", "grpc-js")) && Directory.Exists(Path.Combine(root, "node_modules", "@grpc", "proto-loader")),
            $"The npm packages @grpc/grpc-js and @grpc/proto-loader are missing from {root}/node_modules: run 'npm ci' there.");
        const int start = 200, count = 16;
        var images = Enumerable.Range(start, count).Select(i => server.Models.Data.Test.Image(i).ToArray()).ToArray();
        var expected = InferJson.Labels(await InferJson.Json(await InferJson.Post(server.Http, "fashion", InferJson.Body(images, 28))));

        var start_ = new ProcessStartInfo("node")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            Path.Combine(root, "tests", "node", "grpc-client.mjs"),
            "--address", $"127.0.0.1:{server.GrpcAddress.Port}", "--model", "fashion",
            "--start", start.ToString(), "--count", count.ToString(),
            "--data", Gearbox.GearboxPaths.Default().DatasetFile, "--json",
        }) start_.ArgumentList.Add(argument);
        if (typed) start_.ArgumentList.Add("--typed");

        Process node;
        try
        {
            node = Process.Start(start_)!;
        }
        catch (Win32Exception e)
        {
            Assert.Fail($"Node.js is needed for this test and was not found on PATH ({e.Message}); install it (Debian: apt-get install nodejs npm).");
            return;
        }
        using (node)
        {
            var output = node.StandardOutput.ReadToEndAsync();
            var error = node.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await node.WaitForExitAsync(timeout.Token);
            Assert.True(node.ExitCode == 0, $"node exited {node.ExitCode}: {await error}{await output}");
            var answer = JsonDocument.Parse((await output).Trim().Split('\n')[^1]).RootElement;
            Assert.Equal(expected, answer.GetProperty("labels").EnumerateArray().Select(l => l.GetInt64()).ToArray());
            Assert.Equal(server.Models.Data.Test.Labels[start..(start + count)], answer.GetProperty("truth").EnumerateArray().Select(l => l.GetInt32()).ToArray());
        }
    }
}
