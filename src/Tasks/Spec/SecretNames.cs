namespace Diamol.Build.Spec;

/// <summary>
/// Recognises ENV and LABEL names that look like they hold a secret. Such values end up in the image config,
/// readable by anyone who can pull the image, so we warn at build time and redact them in the history artifact.
/// </summary>
public static class SecretNames
{
    private static readonly string[] Markers =
        ["PASSWORD", "PASSWD", "TOKEN", "SECRET", "APIKEY", "CONNECTIONSTRING", "PRIVATEKEY", "CREDENTIAL", "ACCESSKEY"];

    public static bool LooksSecret(string name)
    {
        string folded = new string(name.Where(char.IsLetterOrDigit).ToArray()).ToUpperInvariant();
        return Markers.Any(folded.Contains);
    }
}
