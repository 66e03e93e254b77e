namespace Diamol.Build.Credentials;

/// <summary>What a client is for: pulling a base image, or pushing the built one. It decides which environment credentials apply.</summary>
internal enum RegistryAccess
{
    Pull,
    Push,

    /// <summary>Pulling from the registry the image is pushed to (a base image kept there): the push login applies, as in the SDK.</summary>
    PullFromPushRegistry,
}
