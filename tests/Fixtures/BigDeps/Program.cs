// The line the cache test edits:
const string Greeting = "Hello from BigDeps";

Console.WriteLine(Greeting);
Console.WriteLine($"{Basic.Reference.Assemblies.Net100.References.All.Count()} .NET 10 and {Basic.Reference.Assemblies.Net80.References.All.Count()} .NET 8 reference assemblies on board.");
