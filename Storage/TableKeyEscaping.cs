using System.Text;

namespace Gearbox.Storage;

/// <summary>
/// Azure Table keys may not contain '/', '\', '#', '?' or control characters; grain ids and model
/// names do. This escapes those (and '%' itself, and '|' which the store uses as a separator) as %XXXX.
/// </summary>
public static class TableKeyEscaping
{
    public static string Escape(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c is '/' or '\\' or '#' or '?' or '%' or '|' || char.IsControl(c))
                builder.Append('%').Append(((int)c).ToString("X4"));
            else
                builder.Append(c);
        }
        return builder.ToString();
    }

    public static string Unescape(string value)
    {
        if (!value.Contains('%')) return value;
        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '%' && i + 4 < value.Length)
            {
                builder.Append((char)Convert.ToInt32(value.Substring(i + 1, 4), 16));
                i += 4;
            }
            else
                builder.Append(value[i]);
        }
        return builder.ToString();
    }
}
