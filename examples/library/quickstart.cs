#:project ../../src/NeuralSpin/NeuralSpin.csproj
// NeuralSpin as a library: a .NET 10 file-based program (run it with `dotnet run examples/library/quickstart.cs`).
// It analyses the bundled untrained network as a spin model, fits an Ising model to samples of a small planted
// model, and runs a small Sherrington-Kirkpatrick study. The test suite runs this file and checks what it prints.
using System.Globalization;
using NeuralSpin.Analysis;
using NeuralSpin.Classic;
using NeuralSpin.IO;
using NeuralSpin.Ising;
using NeuralSpin.Ising.Inverse;
using NeuralSpin.Numerics;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string here = AppContext.GetData("EntryPointFileDirectoryPath") as string ?? Path.Combine("examples", "library");

// 1. load weights, analyse, print T_c
var weights = WeightFile.Load(Path.Combine(here, "..", "kaiming-784-512-512-512-10.safetensors"));
var analysis = NetworkAnalysis.Run(weights.ToBondMatrix(), new AnalysisOptions { Level = 0.05 });
Console.WriteLine($"network {string.Join("-", analysis.Widths)}: N = {analysis.NSpins}, replica T_c = {analysis.TcReplica:F6}, " +
                  $"corrected T_c(c0 = 0.05) = {analysis.TcCorrected:F6}, first zero T_c = {(analysis.Tc is double t ? t.ToString("F6") : "none")}");

// 2. fit an Ising model: exact samples of a 5-spin chain, then pseudolikelihood
int n = 5;
var j = new double[n * n];
for (int i = 0; i + 1 < n; i++) j[i * n + i + 1] = j[(i + 1) * n + i] = 0.6;
var planted = new IsingModel(n, j, new double[n]);
var samples = ExactEnumeration.Sample(planted, 20000, new SplitMixSource(1));
var fit = InverseIsing.Fit(samples.Spins, n, new InverseFitOptions { Method = InverseMethod.PseudoLikelihood });
Console.WriteLine($"pseudolikelihood fit of a 5-spin chain (J = 0.6): J_01 = {fit.Model.Coupling(0, 1):F3}, RMS moment error {fit.RmsMomentError:G2}");

// 3. run a study: SK transition from small instances
var sk = SkStudy.Run(new SkStudyOptions { Sizes = [32, 64], Instances = 2, N = 16, Starts = 2, Branches = 1, TapInstances = 1, TapStarts = 1, BetaMax = 3 });
Console.WriteLine($"SK: T* at N = 64 is {sk.FiniteSize.Sizes[^1].MeanTStar:F4} (T_c = 1 as N -> infinity)");
