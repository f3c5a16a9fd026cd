using Layered.App;

// The sample is for the build's diagnostics; running it only shows that the layers compose.
Console.WriteLine($"{nameof(SpamCleanup)}: build this project to see the cross-project diagnostics (samples/Layered/README.md).");
