namespace Gearbox.Tests.LiveView;

/// <summary>
/// The browser the live-view tests drive: Debian's chromium (never a browser Playwright downloads, which
/// this machine cannot reach). GEARBOX_CHROMIUM points elsewhere.
/// </summary>
public static class Chromium
{
    public const string Missing =
        "chromium is missing: the live-view browser test drives Debian's chromium at /usr/bin/chromium. " +
        "Install it with `sudo apt-get update && sudo apt-get install -y chromium` (.ci/run does this on CI), " +
        "or point GEARBOX_CHROMIUM at a Chromium binary. Do not run `playwright install`: its download is not reachable here.";

    /// <summary>Flags that work headless as root on a machine without a GPU or internet.</summary>
    public static readonly string[] Flags =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    ];

    public static string? Find()
    {
        var configured = Environment.GetEnvironmentVariable("GEARBOX_CHROMIUM");
        if (!string.IsNullOrEmpty(configured)) return File.Exists(configured) ? configured : null;
        return new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);
    }
}
