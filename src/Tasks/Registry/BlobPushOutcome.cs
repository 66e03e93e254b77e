namespace Diamol.Build.Registry;

/// <summary>How a blob came to be in the destination repository.</summary>
public enum BlobPushOutcome
{
    AlreadyPresent,
    Mounted,
    Uploaded,
}
