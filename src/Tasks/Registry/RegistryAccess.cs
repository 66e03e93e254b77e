namespace Diamol.Build.Registry;

/// <summary>What a client is for: pulling a base image, or pushing the built one. It decides which environment credentials apply.</summary>
public enum RegistryAccess
{
    Pull,
    Push,
}
