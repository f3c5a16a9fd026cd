System.Console.WriteLine("pattern gallery: not yet");
