using System.Reflection;
using System.Text.Json;

namespace Gearbox.Tests.Layout;

/// <summary>
/// The client-mode gateway (Gearbox.Gateway.dll) must not drag TorchSharp/libtorch, the grains or Azure
/// storage in: it references Contracts, Planning and Hosting only (README "Process layout"). These fail
/// as soon as someone adds a reference that brings them back, directly or through another project.
/// </summary>
public class ProjectLayoutTests
{
    private static readonly string[] Forbidden = ["TorchSharp", "libtorch", "Gearbox.Inference", "Gearbox.Grains", "Gearbox.Storage", "Gearbox.Silo", "Azure."];

    [Fact]
    public void The_gateway_depends_on_no_torch_grains_storage_or_silo_package_or_project()
    {
        var libraries = Libraries("Gearbox.Gateway.deps.json");
        Assert.Contains(libraries, l => l.StartsWith("Gearbox.Planning/", StringComparison.Ordinal)); // the file is the one we think
        NoneForbidden(libraries);
    }

    [Fact]
    public void The_check_sees_torch_where_it_is_the_silo()
    {
        // The silo does carry libtorch; were this empty, the test above would prove nothing.
        var libraries = Libraries("Gearbox.Silo.deps.json");
        Assert.Contains(libraries, l => l.StartsWith("TorchSharp/", StringComparison.Ordinal));
        Assert.Contains(libraries, l => l.StartsWith("Gearbox.Inference/", StringComparison.Ordinal));
    }

    [Fact]
    public void The_gateway_assembly_references_no_forbidden_assembly_even_transitively()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<AssemblyName>([typeof(Gearbox.Gateway.GatewayApp).Assembly.GetName()]);
        while (pending.TryPop(out var name))
        {
            if (!seen.Add(name.Name!)) continue;
            if (!name.Name!.StartsWith("Gearbox.", StringComparison.Ordinal) && name != typeof(Gearbox.Gateway.GatewayApp).Assembly.GetName()) continue;
            foreach (var reference in Assembly.Load(name).GetReferencedAssemblies()) pending.Push(reference);
        }
        Assert.Contains("Gearbox.Planning", seen);
        NoneForbidden(seen);
    }

    [Fact]
    public void The_gateway_build_output_holds_no_torch_files()
    {
        var output = GatewayOutput();
        Assert.True(File.Exists(Path.Combine(output, "Gearbox.Gateway.dll")), $"No gateway build at {output}.");
        var torch = Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories)
            .Select(Path.GetFileName)
            .Where(f => f!.Contains("torch", StringComparison.OrdinalIgnoreCase))
            .ToArray();
        Assert.Empty(torch);
    }

    private static void NoneForbidden(IEnumerable<string> names)
    {
        var forbidden = names.Where(IsForbidden).ToArray();
        Assert.True(forbidden.Length == 0, "The gateway depends on " + string.Join(", ", forbidden));
    }

    private static bool IsForbidden(string library) => Forbidden.Any(f => library.StartsWith(f, StringComparison.OrdinalIgnoreCase));

    /// <summary>The "libraries" of a deps.json the build copied beside the tests, e.g. "TorchSharp/0.107.0".</summary>
    private static string[] Libraries(string depsFile)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, depsFile)));
        return json.RootElement.GetProperty("libraries").EnumerateObject().Select(p => p.Name).ToArray();
    }

    /// <summary>Gateway/bin/{configuration}/net10.0 of this checkout, the configuration being the tests' own.</summary>
    private static string GatewayOutput()
    {
        var testOutput = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        var (framework, configuration) = (testOutput.Name, testOutput.Parent!.Name);
        for (var dir = testOutput; dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.sln")))
                return Path.Combine(dir.FullName, "Gateway", "bin", configuration, framework);
        }
        throw new InvalidOperationException($"No checkout (Orleans.sln) above {testOutput.FullName}.");
    }
}
