// Ch03Lab: what CMD does in the seed's lab (`cat ch03.txt`), at run time. The line the RUN step appended
// at build time shows that RUN ran once, when the image was built, and the file kept its result.
string path = Path.Combine(AppContext.BaseDirectory, "ch03.txt");
Console.Write(File.ReadAllText(path));
