Console.WriteLine("Gearbox silo host: see README.");
