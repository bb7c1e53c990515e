using System.Text.Json;

namespace Gearbox.Gateway.Protocol;

/// <summary>Names a JSON token for error messages ("a string", "an object").</summary>
internal static class JsonKinds
{
    public static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };
}
