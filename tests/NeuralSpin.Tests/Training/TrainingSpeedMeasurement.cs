using NUnit.Framework;
using NeuralSpin.Tests.IO;
using NeuralSpin.Training;

namespace NeuralSpin.Tests.Training;

/// <summary>
/// Not a test: measures the full-size (784-512-512-512-10, batch 32) training throughput of both
/// programs on random data of MNIST's size, with 1 and 2 libtorch threads, over 300 steps (no
/// checkpoint falls in them). Run with
/// <c>dotnet test --filter "FullyQualifiedName~TrainingSpeedMeasurement"</c>.
/// </summary>
[TestFixture, Explicit("speed measurement, minutes of CPU"), NonParallelizable]
public class TrainingSpeedMeasurement : TempDirFixture
{
    const int Steps = 300;

    // $NEURALSPIN_SPEED_THREADS, e.g. "2,1", sets the thread counts and their order (default 1,2).
    static int[] ThreadCounts() =>
        (Environment.GetEnvironmentVariable("NEURALSPIN_SPEED_THREADS") ?? "1,2").Split(',').Select(int.Parse).ToArray();

    [Test]
    public void FullSize_SamplesPerSecond()
    {
        var data = SyntheticData.Random(60000, 1000, 784, 10, seed: 1);
        foreach (var program in new[] { TrainingProgram.Binarized, TrainingProgram.Standard })
            foreach (var threads in ThreadCounts())
            {
                var options = new TrainingOptions
                {
                    Program = program, Epochs = 1, Schedule = "1", Threads = threads, LearningRate = 1e-4, Seed = 1,
                };
                var r = Trainer.Train(PathOf($"{program}-{threads}"), data, options, stopAfterStep: Steps);
                double perEpoch = data.TrainCount / r.SamplesPerSecond;
                TestContext.Out.WriteLine($"load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}  {program.Name(),-9} threads {threads}: {r.SamplesPerSecond,8:F0} samples/s, {perEpoch,6:F1} s/epoch (extrapolated from {Steps} steps of 32)");
            }
    }
}
