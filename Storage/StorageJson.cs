using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gearbox.Storage;

/// <summary>How documents are written to the store: web JSON, where a figure not measured (NaN) or unbounded (∞) is a named literal, not a failed write.</summary>
public static class StorageJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
