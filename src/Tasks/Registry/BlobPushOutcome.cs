namespace Diamol.Build.Registry;

/// <summary>How a blob came to be in the destination repository.</summary>
internal enum BlobPushOutcome
{
    AlreadyPresent,
    Mounted,
    Uploaded,
}
