using System.Globalization;
using Diamol.Build.Diagnostics;

namespace Diamol.Build.Layers;

/// <summary>
/// The numeric owner of the folders the image's user may write. Both builders must give them the same owner, and
/// neither reads the base image's files: the OCI writer never unpacks the base, and the engine's COPY --chown would
/// read a name from the base's /etc/passwd, a lookup the writer cannot repeat. So the user must be a number (or
/// root, which is 0 on every Linux), possibly through a variable such as $APP_UID, or it is refused (DIAM1024).
/// </summary>
internal static class ImageUserId
{
    /// <param name="user">The image's user as the Dockerfile's USER gets it (ContainerUser, else the base's APP_UID); null when unknown.</param>
    /// <param name="environment">The image's environment (the base's, then the project's), for a $VARIABLE user.</param>
    /// <param name="forWhat">What needs the id, for the message ("DiamolWritableDirectory 'data'").</param>
    public static (int Uid, int Gid) Resolve(string? user, IReadOnlyDictionary<string, string> environment, string forWhat)
    {
        if (string.IsNullOrWhiteSpace(user))
        {
            throw new DiamolException(DiagnosticCode.DIAM1024,
                $"{forWhat} is to be owned by the user the image runs as, which is not known: ContainerUser is not set and the base image defines no APP_UID " +
                "(or it was not inspected, DiamolInspectBaseImage=false), so the image runs as whatever user its base names and the folder's owner would be a guess. " +
                "Set ContainerUser to the numeric id the app runs as (for example 1654, or 0 for root).");
        }

        string[] parts = user.Trim().Split(':');
        int uid = IdOf(parts[0], user, environment, forWhat);
        // COPY --chown with a user alone gives the group the same id (Docker's documented rule); the writer does the same.
        int gid = parts.Length > 1 ? IdOf(parts[1], user, environment, forWhat) : uid;
        return (uid, gid);
    }

    private static int IdOf(string part, string user, IReadOnlyDictionary<string, string> environment, string forWhat)
    {
        string value = part;
        if (value.StartsWith('$'))
        {
            string name = value[1..].Trim('{', '}');
            if (!environment.TryGetValue(name, out string? defined) || defined.Contains(':'))
            {
                throw Refused(user, forWhat, $"${name} is not a variable of the image's environment that holds an id");
            }

            value = defined.Trim();
        }

        if (value == "root") return 0;
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int id)) return id;
        throw Refused(user, forWhat, $"'{value}' is a name, which only the image's /etc/passwd (or /etc/group) resolves, at run time");
    }

    private static DiamolException Refused(string user, string forWhat, string why) =>
        new(DiagnosticCode.DIAM1024,
            $"{forWhat} is to be owned by the image's user, ContainerUser '{user}', which Diamol.Build cannot resolve to a numeric id: {why}. " +
            "Both builders give the folder a numeric owner and neither reads the base image's files. " +
            "Set ContainerUser to the numeric id (and group) that name has in the base image, for example 1654 or 1654:1654.");
}
