using System.Reflection;

namespace Gearbox.Gateway.LiveView;

/// <summary>
/// The operator's live view: GET /live, a static page (HTML, JS, CSS embedded in this assembly, so it is
/// served whatever the content root) that polls /v1/pipelines/{name}/gear, …/gear/history and …/load.
/// </summary>
public static class LiveViewEndpoints
{
    public const string Path = "/live";

    private static readonly (string File, string Route, string ContentType)[] Assets =
    [
        ("live.html", Path, "text/html; charset=utf-8"),
        ("live.js", Path + "/live.js", "text/javascript; charset=utf-8"),
        ("live.css", Path + "/live.css", "text/css; charset=utf-8"),
    ];

    public static void MapLiveView(this IEndpointRouteBuilder app)
    {
        foreach (var (file, route, contentType) in Assets)
        {
            var bytes = Load(file);
            app.MapGet(route, (HttpContext context) =>
            {
                context.Response.Headers.CacheControl = "no-cache";
                return Results.Bytes(bytes, contentType);
            }).ExcludeFromDescription();
        }
    }

    /// <summary>One embedded asset (see the gateway's project file: LiveView/Assets/*).</summary>
    internal static byte[] Load(string file)
    {
        var name = $"Gearbox.Gateway.LiveView.{file}";
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The live view's asset '{name}' is not embedded in {Assembly.GetExecutingAssembly().GetName().Name}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
