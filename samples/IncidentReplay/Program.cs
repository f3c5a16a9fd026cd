System.Console.WriteLine("incident replay: not yet");
