namespace Greetings;

/// <summary>Says hello; lives in its own project so the WebApi sample has a ProjectReference.</summary>
public static class Greeter
{
    public static string Greet(string name) => $"Hello, {name}, from a container built by Diamol.Build!";
}
