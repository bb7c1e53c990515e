using System.Text;

namespace Gearbox.Gateway.LiveView;

/// <summary>
/// Makes the live view easy to find: a browser opening GET / lands on /live (programs, which do not ask
/// for text/html, still get the redirect to /v1/pipelines), and the Orleans dashboard's page gets a small
/// fixed link to /live (the dashboard is Orleans' own UI; its index page is the one thing rewritten).
/// </summary>
public static class LiveViewLinks
{
    /// <summary>The element added to the dashboard's page; its id is what tests look for.</summary>
    internal const string DashboardLinkId = "gearbox-live-link";

    public static IApplicationBuilder UseLiveViewLinks(this IApplicationBuilder app, string dashboardPrefix = "/dashboard") => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method)) { await next(context); return; }
        var path = request.Path.Value ?? "";
        if (path is "" or "/" && AcceptsHtml(request))
        {
            context.Response.Redirect(request.PathBase + LiveViewEndpoints.Path);
            return;
        }
        if (path.Equals(dashboardPrefix, StringComparison.OrdinalIgnoreCase)
            || path.Equals(dashboardPrefix + "/", StringComparison.OrdinalIgnoreCase)
            || path.Equals(dashboardPrefix + "/index.html", StringComparison.OrdinalIgnoreCase))
        {
            await WithDashboardLink(context, next);
            return;
        }
        await next(context);
    });

    private static bool AcceptsHtml(HttpRequest request) =>
        request.Headers.Accept.Any(a => a is not null && a.Contains("text/html", StringComparison.OrdinalIgnoreCase));

    /// <summary>Runs the dashboard's own handler into a buffer (uncompressed) and adds the link before &lt;/body&gt;.</summary>
    private static async Task WithDashboardLink(HttpContext context, RequestDelegate next)
    {
        context.Request.Headers.AcceptEncoding = "identity";
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }
        var bytes = buffer.ToArray();
        var isHtml = context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true;
        if (context.Response.StatusCode == StatusCodes.Status200OK && isHtml && string.IsNullOrEmpty(context.Response.Headers.ContentEncoding))
        {
            var html = Encoding.UTF8.GetString(bytes);
            var end = html.LastIndexOf("</body>", StringComparison.OrdinalIgnoreCase);
            if (end >= 0)
            {
                var link = $"<a id=\"{DashboardLinkId}\" href=\"{context.Request.PathBase}{LiveViewEndpoints.Path}\" title=\"Gearbox: load, gear, p99 and gear switches per pipeline\" "
                    + "style=\"position:fixed;right:14px;bottom:14px;z-index:2147483647;padding:7px 12px;border-radius:6px;"
                    + "background:#1d2430!important;color:#fff!important;font:600 13px system-ui,sans-serif;text-decoration:none;box-shadow:0 2px 8px rgba(0,0,0,.3)\">"
                    + "Gearbox live view →</a>";
                bytes = Encoding.UTF8.GetBytes(html.Insert(end, link));
            }
        }
        if (context.Response.HasStarted is false) context.Response.ContentLength = bytes.Length;
        await original.WriteAsync(bytes);
    }
}
