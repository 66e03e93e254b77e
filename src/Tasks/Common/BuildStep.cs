namespace Diamol.Build.Common;

/// <summary>
/// One Dockerfile step as the builder ran it: whether it came from the cache (for the OCI writer: whether it added
/// nothing new), and the image the engine made at that step (none for the OCI writer). Both builders fill it; the
/// history joins it with the image's history rows.
/// </summary>
internal sealed record BuildStep(int Number, string Instruction, bool Cached, string? ImageId);
