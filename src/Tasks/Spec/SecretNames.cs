namespace Diamol.Build.Spec;

/// <summary>
/// Recognises ENV, LABEL and build-argument names that look like they hold a secret. Such values end up in the image
/// config or its history, readable by anyone who can pull the image, so we warn at build time and redact them in the
/// history artifacts and the build record.
/// </summary>
internal static class SecretNames
{
    // Anywhere in the name, separators and case ignored: DB_PASSWORD, ApiKey, ConnectionStrings__Default, GITHUB_TOKEN.
    private static readonly string[] Markers =
        ["PASSWORD", "PASSWD", "PASSPHRASE", "TOKEN", "SECRET", "APIKEY", "CONNECTIONSTRING", "PRIVATEKEY", "CREDENTIAL", "ACCESSKEY", "CLIENTKEY", "SIGNINGKEY"];

    // Whole words only, because as parts of other words they mean nothing: NUGET_PAT, DB_PWD, DB_PASS, STRIPE_KEY,
    // STORAGE_SAS, BASIC_AUTH (but not BYPASS_CACHE or COMPASS_URL).
    private static readonly string[] Words = ["PAT", "PWD", "PASS", "KEY", "SAS", "AUTH", "CERT", "PFX"];

    public static bool LooksSecret(string name)
    {
        string folded = new string(name.Where(char.IsLetterOrDigit).ToArray()).ToUpperInvariant();
        return Markers.Any(folded.Contains) || WordsOf(name).Any(w => Words.Contains(w, StringComparer.Ordinal));
    }

    // Words split at separators and at lower-to-upper case changes: "GithubPat" and "GITHUB_PAT" both give PAT.
    private static IEnumerable<string> WordsOf(string name)
    {
        var word = new System.Text.StringBuilder();
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            bool boundary = !char.IsLetterOrDigit(c) || (i > 0 && char.IsUpper(c) && char.IsLower(name[i - 1]));
            if (boundary && word.Length > 0)
            {
                yield return word.ToString().ToUpperInvariant();
                word.Clear();
            }

            if (char.IsLetterOrDigit(c)) word.Append(c);
        }

        if (word.Length > 0) yield return word.ToString().ToUpperInvariant();
    }
}
