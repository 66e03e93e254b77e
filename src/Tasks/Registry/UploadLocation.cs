namespace Diamol.Build.Registry;

/// <summary>
/// The upload session URL from a Location header. The distribution spec lets it be relative, and lets it carry
/// its own query (distribution's _state), which later parameters must keep.
/// </summary>
internal static class UploadLocation
{
    public static Uri? From(HttpResponseMessage response)
    {
        Uri? location = response.Headers.Location;
        if (location is null) return null;
        if (location.IsAbsoluteUri) return location;
        Uri? request = response.RequestMessage?.RequestUri;
        return request is null ? null : new Uri(request, location);
    }

    public static Uri WithQuery(Uri upload, string name, string value)
    {
        var builder = new UriBuilder(upload);
        string parameter = name + "=" + Uri.EscapeDataString(value);
        builder.Query = string.IsNullOrEmpty(builder.Query) || builder.Query == "?" ? parameter : builder.Query.TrimStart('?') + "&" + parameter;
        return builder.Uri;
    }
}
