Console.WriteLine("Gearbox gateway: see README.");
