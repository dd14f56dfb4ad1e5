System.Console.WriteLine(NeuralSpin.Probe.Go());
