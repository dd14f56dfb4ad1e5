using NUnit.Framework;
using NeuralSpin.Ising;
using NeuralSpin.Reproduction;
using NeuralSpin.Tests.BinaryNets;
using NeuralSpin.Tests.Support;
using Snapshooter.NUnit;

namespace NeuralSpin.Tests.Reproduction;

[TestFixture, NonParallelizable]
public class Paper2Tests
{
    string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("neuralspin-paper2-").FullName;

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, true);
    }

    static Paper2Options Toy => new()
    {
        Mode = "toy", Trainings = 3, TrainingsPerGroup = 2, SamplesPerTraining = 40, KeepPerTraining = 30, MinKept = 20, Epochs = 2, LearningRate = 0.05,
        AccuracyThresholdDeep = 0.99, AccuracyThresholdShallow = 0.0, MaxFitSamples = 100, PlMaxIterations = 50,
        LandscapeXs = Paper2Options.Grid(-0.5, 1.0, 0.25), TapStarts = 4, McSweeps = 6, McRecordEvery = 2, Seed = 7, Threads = 1,
        BpDamping = 0.6, BpTolerance = 1e-9, OverParamTrainImages = null,
    };

    [Test]
    public void Pipeline_RunsEndToEnd_OnSyntheticData_AndWritesTheReport()
    {
        var data = Synthetic.Blobs(6, 3, 300, 100, separation: 1.5, 99);
        var r = Paper2Pipeline.Run(data, Toy, _dir, 0.5, [6, 3, 3, 3], [6, 3]);
        Assert.That(r.Parts.Select(p => p.Part.Name), Is.EqualTo(new[] { "shallow", "deep-input", "deep-middle", "deep-output", "deep-full" }));
        Assert.That(r.Parts.Select(p => p.Part.Count), Is.EqualTo(new[] { 18, 18, 9, 9, 36 }));
        // every part has an MC landscape on the same grid, and the verdict is the MC rule
        foreach (var p in r.Parts)
        {
            Assert.That(p.McLandscape, Is.Not.Null);
            Assert.That(p.McLandscape!.Up.Select(q => q.X), Is.EqualTo(Toy.LandscapeXs));
            // the shared rule: an MC loop is first order; without one the verdict rests on BP's refined jumps (toy models on a
            // coarse grid may leave a jump unresolved), so a first-order verdict without an MC loop needs a jump that kept its size
            if (p.McLandscape.HasLoop(Paper2Pipeline.LoopSigmas, Paper2Pipeline.MinLoopGap)) Assert.That(Paper2Verdicts.Landscape(p).FirstOrder, Is.True, p.Part.Name);
            else if (Paper2Verdicts.Landscape(p).FirstOrder)
                Assert.That(p.Refinements!.Any(f => f.FinestStep > NeuralSpin.Ising.LandscapeVerdict.JumpThreshold && f.FinestStep > NeuralSpin.Ising.LandscapeVerdict.KeptFraction * f.CoarseJump), Is.True, p.Part.Name);
        }
        // C11 is judged once the full model is analysed, unless an entropy at x = 0 is unavailable (NaN: not judged)
        bool finite = r.Parts.Where(p => p.Part.Architecture == "deep").All(p => double.IsFinite(p.EntropyAtZero));
        Assert.That(Paper2Verdicts.Claims(r).Single(c => c.Id == "C11").Holds.HasValue, Is.EqualTo(finite));
        string report = File.ReadAllText(Path.Combine(_dir, "report.md"));
        foreach (var c in Paper2Verdicts.Claims(r))
            Assert.That(report, Does.Contain($"| {c.Id} |"), c.Id);
        Assert.That(Paper2Verdicts.Claims(r).Count, Is.EqualTo(12));
        // the report states the BP settings the run used (from the options, not a literal)
        Assert.That(report, Does.Contain("BP damping 0.6, tolerance 1E-09"));
        // the deep threshold 0.99 is unreachable: it is lowered to keep the 20 best of the 90 per-training candidates, and
        // the report says so; the shallow threshold 0 keeps every candidate, the best 30 of each training
        Assert.That(r.Ensembles[0].Note, Does.Contain("lowered"));
        Assert.That(r.Ensembles[0].Kept, Is.GreaterThanOrEqualTo(20));
        Assert.That(r.Ensembles[0].KeptAccuracyMin, Is.EqualTo(r.Ensembles[0].Threshold));
        Assert.That(r.Ensembles[1].Kept, Is.EqualTo(90));
        Assert.That(r.Ensembles[1].Contributing, Is.EqualTo(3));
        Assert.That(r.Ensembles.All(e => e.KeptAccuracyMin <= e.KeptAccuracyMedian && e.KeptAccuracyMedian <= e.KeptAccuracyMax));
        Assert.That(report, Does.Contain("lowered"));
        Assert.That(report, Does.Contain("2,000,000").Or.Contain("2000000").Or.Contain("2 000 000"));
        foreach (var f in new[] { "ensemble-deep.bin", "ensemble-shallow.bin", "models/shallow.npz", "csv/landscape-deep-middle.csv", "csv/tap-shallow.csv", "csv/mc-deep-input.csv",
                     "plots/entropy_landscape.png", "plots/tap_free_energy.png", "plots/mc_dynamics.png", "plots/distance_vs_x.png",
                     "plots/middle_entropy.png", "csv/landscape-mc-deep-full.csv", "models/deep-full.npz" })
            Assert.That(File.Exists(Path.Combine(_dir, f)), f);
        foreach (var p in r.Parts)
        {
            Assert.That(p.Landscape.Up.Count, Is.EqualTo(7));
            Assert.That(p.Mc[0].Overlap, Is.EqualTo(1.0));
            Assert.That(p.Mc[0].Observed, Is.EqualTo(p.ReferenceAccuracy).Within(1e-12));
        }

        // resumable: a second run reuses the ensembles and models
        var r2 = Paper2Pipeline.Run(data, Toy, _dir, 0.5, [6, 3, 3, 3], [6, 3]);
        Assert.That(r2.Ensembles.All(e => e.Resumed));
        Assert.That(r2.Parts.Select(p => p.EntropyAtZero), Is.EqualTo(r.Parts.Select(p => p.EntropyAtZero)).Within(1e-9));
    }

    /// <summary>The four CSVs of every part of the toy run, exactly as written (a change of any byte is a change of the format).</summary>
    [Test]
    public void Csvs_OfTheToyRun_ArePinned()
    {
        var data = Synthetic.Blobs(6, 3, 300, 100, separation: 1.5, 99);
        var r = Paper2Pipeline.Run(data, Toy, _dir, 0.5, [6, 3, 3, 3], [6, 3]);
        var lines = new List<string>();
        foreach (var p in r.Parts)
            foreach (var name in new[] { $"landscape-{p.Part.Name}.csv", $"landscape-mc-{p.Part.Name}.csv", $"tap-{p.Part.Name}.csv", $"mc-{p.Part.Name}.csv" })
            {
                lines.Add($"--- {name} ---");
                lines.AddRange(PinnedText.Lines(File.ReadAllText(Path.Combine(_dir, "csv", name)), _dir));
            }
        Snapshot.Match(lines.ToArray());
    }

    /// <summary>The CSVs of a constructed part with the awkward values: NaN (written NaN), infinities, -0, tiny and huge
    /// numbers, both convergence flags (1/0), no TAP start, no MC landscape.</summary>
    [Test]
    public void Csvs_OfAConstructedPart_ArePinned()
    {
        LandscapePoint P(double x, double d, bool converged) => new(x, 1, 1 - 2 * d, d, -0.0, 1e-300, double.NaN, 0.1, converged, 3);
        var up = new[] { P(-0.5, 1.0 / 3, true), P(0, double.PositiveInfinity, false), P(0.25, 1.5e20, true) };
        var down = new[] { P(-0.5, 0.1, false), P(0, double.NegativeInfinity, true), P(0.25, double.NaN, false) };
        var sweep = new LandscapeSweep(up, down, [], 0, 0, []);
        McLandscapePoint M(double x, double d) => new(x, 1 - 2 * d, 0.01, d, 1e-17, -0.25, 0.001, double.NaN, double.NaN, double.NaN);
        var mc = new McLandscapeSweep([M(-0.5, 0.2), M(0, 2.0 / 3)], [M(-0.5, -0.0), M(0, 123456789.125)], 0, 0, 0, 0, 0, 0, 0);
        var dynamics = new[] { new McDynamicsPoint(0, -1.0 / 7, 1, double.NaN), new McDynamicsPoint(int.MaxValue, double.PositiveInfinity, -0.0, 0.5) };
        var tapNone = new TapFixedPointsResult([], 0, 4);
        var tapSome = new TapFixedPointsResult([new TapFixedPoint([0.5, -0.5, 0.25], -1, 2), new TapFixedPoint([0.0], double.NaN, 1)], 3, 0);
        Paper2PartResult Part(TapFixedPointsResult tap, McLandscapeSweep? m) => new(new Paper2Part("x", "deep", 0, 3, "x"), 10, true, 1, 1, 0.1, 0.9, -1, sweep, 0, 0,
            0.3, 0.3, 0.5, tap, dynamics, 1, McLandscape: m);
        var a = Part(tapNone, mc);
        var b = Part(tapSome, null);
        Assert.That(Paper2Files.McLandscapeCsv(b), Is.Null);
        Snapshot.Match(new[] { "--- landscape ---", Paper2Files.LandscapeCsv(a), "--- landscape-mc ---", Paper2Files.McLandscapeCsv(a)!,
            "--- tap (none) ---", Paper2Files.TapCsv(a), "--- tap ---", Paper2Files.TapCsv(b), "--- mc ---", Paper2Files.DynamicsCsv(a) });
    }

    static HashSet<string> Entries(string dir) => Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories).ToHashSet();

    [Test]
    public void Compute_WritesNoFile_AndGivesWhatRunWrites()
    {
        // the compute-only entry on the toy configuration: nothing appears in the output directory or the working directory;
        // then Run (Compute with the directory as cache, and the files stage) on the same seed writes exactly these numbers
        var data = Synthetic.Blobs(6, 3, 300, 100, separation: 1.5, 99);
        string cwd = Environment.CurrentDirectory;
        var cwdBefore = Entries(cwd);
        var computed = Paper2Pipeline.Compute(data, Toy with { DeepWidths = [6, 3, 3, 3], ShallowWidths = [6, 3] });
        Assert.That(Entries(_dir), Is.Empty, "Compute wrote into the output directory");
        Assert.That(Entries(cwd).Except(cwdBefore), Is.Empty, "Compute wrote into the working directory");

        var written = Paper2Pipeline.Run(data, Toy, _dir, 0.5, [6, 3, 3, 3], [6, 3]);
        Assert.That(computed.Parts.Select(p => p.Part.Name), Is.EqualTo(written.Parts.Select(p => p.Part.Name)));
        // the verdicts: every part's landscape verdict and every claim, as the report states them
        var vc = Paper2Verdicts.Run(computed);
        var vw = Paper2Verdicts.Run(written);
        Assert.That(vc.Parts.Select(v => (v.Part, v.Landscape.Name, v.Landscape.Reason)), Is.EqualTo(vw.Parts.Select(v => (v.Part, v.Landscape.Name, v.Landscape.Reason))));
        Assert.That(vc.Claims.Select(c => (c.Id, c.Holds, c.Obtained)), Is.EqualTo(vw.Claims.Select(c => (c.Id, c.Holds, c.Obtained))));
        string report = File.ReadAllText(Path.Combine(_dir, "report.md"));
        foreach (var c in vc.Claims) Assert.That(report, Does.Contain($"| {c.Id} | {c.Claim} | {c.Obtained} |"), c.Id);
        foreach (var (p, v) in computed.Parts.Zip(vc.Parts))
        {
            // a CSV column (d of the BP up sweep) and every CSV of the part, byte for byte
            var lines = File.ReadAllLines(Path.Combine(_dir, "csv", $"landscape-{p.Part.Name}.csv"));
            Assert.That(lines[0].Split(',')[1], Is.EqualTo("d_up"));
            Assert.That(lines.Skip(1).Select(l => double.Parse(l.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture)), Is.EqualTo(p.Landscape.Up.Select(q => q.Distance)), p.Part.Name);
            Assert.That(File.ReadAllText(Path.Combine(_dir, "csv", $"landscape-{p.Part.Name}.csv")), Is.EqualTo(Paper2Files.LandscapeCsv(p)), p.Part.Name);
            Assert.That(File.ReadAllText(Path.Combine(_dir, "csv", $"landscape-mc-{p.Part.Name}.csv")), Is.EqualTo(Paper2Files.McLandscapeCsv(p)), p.Part.Name);
            Assert.That(File.ReadAllText(Path.Combine(_dir, "csv", $"tap-{p.Part.Name}.csv")), Is.EqualTo(Paper2Files.TapCsv(p)), p.Part.Name);
            Assert.That(File.ReadAllText(Path.Combine(_dir, "csv", $"mc-{p.Part.Name}.csv")), Is.EqualTo(Paper2Files.DynamicsCsv(p)), p.Part.Name);
            Assert.That(report, Does.Contain($"| {v.Landscape.Name} |"), p.Part.Name);
        }
        Assert.That(computed.Ensembles.Select(e => (e.Kept, e.Threshold, e.Note)), Is.EqualTo(written.Ensembles.Select(e => (e.Kept, e.Threshold, e.Note))));
    }

    static LandscapeSweep Sweep(double[] xs, Func<double, double> dUp, Func<double, double> dDown)
    {
        LandscapePoint P(double x, double d) => new(x, 1, 1 - 2 * d, d, 0, 0.5 * EntropyLandscape.BinaryEntropy(d), EntropyLandscape.BinaryEntropy(d), 0, true, 1);
        var up = xs.Select(x => P(x, dUp(x))).ToList();
        var down = xs.Select(x => P(x, dDown(x))).ToList();
        var jumps = new List<LandscapeJump>();
        double maxJump = 0;
        for (int k = 1; k < xs.Length; k++)
        {
            double j = Math.Abs(up[k].Distance - up[k - 1].Distance);
            maxJump = Math.Max(maxJump, j);
            if (j > 0.1) jumps.Add(new(xs[k - 1], xs[k], up[k - 1].Distance, up[k].Distance, true));
        }
        double hyst = xs.Select((x, k) => Math.Abs(up[k].Distance - down[k].Distance)).Max();
        return new LandscapeSweep(up, down, jumps, maxJump, hyst, xs.Where((x, k) => Math.Abs(up[k].Distance - down[k].Distance) > 1e-3).ToList());
    }

    static Paper2PartResult Part(string name, string arch, LandscapeSweep sweep, double s0, double[] tapF, double finalOverlap)
    {
        double hyst = sweep.Up.Select((p, k) => Math.Abs(p.Distance - sweep.Down[k].Distance)).Max();
        var tap = new TapFixedPointsResult(tapF.Select(f => new TapFixedPoint([0.0], f, 1)).ToList(), tapF.Length, 0);
        var mc = new[] { new McDynamicsPoint(0, -1, 1, 0.9), new McDynamicsPoint(10, -0.5, finalOverlap, 0.5) };
        return new(new Paper2Part(name, arch, 0, 10, name), 100, true, 1, 1, 0.1, 0.9, -1, sweep, hyst, 0, s0, 0.3, EntropyLandscape.BinaryEntropy(0.3), tap, mc, 1);
    }

    static Paper2Result Constructed(bool shallowJumps)
    {
        var xs = Paper2Options.Grid(-1, 2, 0.1);
        double Smooth(double x) => 0.5 / (1 + Math.Exp(2 * x));
        double StepUp(double x) => x < 0.8 ? 0.45 : 0.05;
        double StepDown(double x) => x < 0.3 ? 0.45 : 0.05;
        var shallowSweep = shallowJumps ? Sweep(xs, StepUp, StepDown) : Sweep(xs, Smooth, Smooth);
        var parts = new List<Paper2PartResult>
        {
            Part("shallow", "shallow", shallowSweep, 0.3, [-1.0, -1.0, -0.9, -0.9], 0.95),
            Part("deep-input", "deep", Sweep(xs, Smooth, Smooth), 0.4, [-0.5, -0.5], 0.3),
            Part("deep-middle", "deep", Sweep(xs, Smooth, Smooth), 0.6, [-0.7], 0.1),
            Part("deep-output", "deep", Sweep(xs, Smooth, Smooth), 0.5, [-0.2, -0.2005], 0.2),
        };
        return new Paper2Result(new Paper2Options(), 0.6, [], parts, new Dictionary<string, double>(), TimeSpan.FromSeconds(1));
    }

    static Paper2Claim Claim(Paper2Result r, string id) => Paper2Verdicts.Claims(r).Single(c => c.Id == id);

    [Test]
    public void Claims_ShallowJump_DeepSmooth_AreReproduced()
    {
        var r = Constructed(shallowJumps: true);
        Assert.That(Claim(r, "C1").Holds, Is.True);
        Assert.That(Claim(r, "C2").Holds, Is.True);
        Assert.That(Claim(r, "C3").Holds, Is.True);
        Assert.That(Claim(r, "C4").Holds, Is.True);
        Assert.That(Claim(r, "C6").Holds, Is.True);
        Assert.That(Claim(r, "C7").Holds, Is.True);
        Assert.That(Claim(r, "C8").Holds, Is.True);
        Assert.That(Claim(r, "C9").Holds, Is.True);
        Assert.That(Claim(r, "C10").Holds, Is.True);
        Assert.That(Claim(r, "C11").Holds, Is.Null);
        Assert.That(Claim(r, "C11").Verdict, Is.EqualTo("not judged"));
    }

    [Test]
    public void Claims_SmoothShallow_IsNotReproduced()
    {
        var r = Constructed(shallowJumps: false);
        Assert.That(Claim(r, "C2").Holds, Is.False);
        Assert.That(Claim(r, "C2").Verdict, Is.EqualTo("not reproduced"));
        Assert.That(Claim(r, "C3").Holds, Is.False);
        Assert.That(Claim(r, "C1").Holds, Is.True);
    }

    [Test]
    public void Claims_UnresolvedDeepJump_IsNotJudged()
    {
        var xs = Paper2Options.Grid(-1, 2, 0.1);
        double Steep(double x) => x < 0.5 ? 0.45 : 0.05;
        var r = Constructed(shallowJumps: true);
        var parts = r.Parts.ToList();
        parts[2] = Part("deep-middle", "deep", Sweep(xs, Steep, Steep), 0.6, [-0.7], 0.1) with { RefinedJump = 0, RefinedConvergedFraction = 0.05 };
        r = r with { Parts = parts };
        Assert.That(Claim(r, "C1").Holds, Is.Null);
        Assert.That(Claim(r, "C3").Holds, Is.Null);
        Assert.That(Claim(r, "C2").Holds, Is.True);
    }

    [Test]
    public void Claims_MissingParts_AreNotJudged()
    {
        var r = Constructed(true);
        r = r with { Parts = r.Parts.Where(p => p.Part.Name == "shallow").ToList() };
        Assert.That(Claim(r, "C1").Holds, Is.Null);
        Assert.That(Claim(r, "C3").Holds, Is.Null);
        Assert.That(Claim(r, "C4").Holds, Is.Null);
        Assert.That(Claim(r, "C2").Holds, Is.True);
    }

    [Test]
    public void FirstOrder_JumpWithoutHysteresis_DependsOnTheRefinedGrid()
    {
        var xs = Paper2Options.Grid(-1, 2, 0.1);
        double Steep(double x) => x < 0.5 ? 0.45 : 0.05;
        var steep = Part("deep-middle", "deep", Sweep(xs, Steep, Steep), 0.5, [-1.0], 0.1);
        Assert.That(steep.Landscape.HasJump, Is.True);
        Assert.That(steep.ConvergedHysteresis, Is.EqualTo(0));
        Assert.That(Paper2Verdicts.Landscape(steep with { RefinedJump = 0.02, RefinedConvergedFraction = 1 }).FirstOrder, Is.False, "a steep crossover: steps shrink on the fine grid");
        Assert.That(Paper2Verdicts.Landscape(steep with { RefinedJump = 0.02, RefinedConvergedFraction = 1 }).Unresolved, Is.False);
        Assert.That(Paper2Verdicts.Landscape(steep with { RefinedJump = 0, RefinedConvergedFraction = 0.1 }).Unresolved, Is.True, "BP failed across the jump");
        Assert.That(Paper2Verdicts.Landscape(steep with { RefinedJump = 0.39 }).FirstOrder, Is.True, "a discontinuity keeps its size");
    }

    [Test]
    public void ConvergedMaxStep_SkipsNonConvergedPoints()
    {
        LandscapePoint P(double x, double d, bool ok) => new(x, 1, 1 - 2 * d, d, 0, 0, 0, 0, ok, 1);
        var pts = new[] { P(0, 0.40, true), P(0.1, 0.0, false), P(0.2, 0.38, true), P(0.3, 0.35, true) };
        Assert.That(Paper2Pipeline.ConvergedMaxStep(pts), Is.EqualTo(0.03).Within(1e-12));
    }

    [Test]
    public void TapPeaks_CountsGroupsSeparatedByGaps()
    {
        Assert.That(TapStage.Peaks([]), Is.EqualTo(0));
        Assert.That(TapStage.Peaks([-1, -1.0005, -0.9995]), Is.EqualTo(1));
        Assert.That(TapStage.Peaks([-1, -1, -0.5, -0.5]), Is.EqualTo(2));
    }

    static McLandscapeSweep McSweep(double[] xs, Func<double, double> dUp, Func<double, double> dDown, double error)
    {
        McLandscapePoint P(double x, double d) => new(x, 1 - 2 * d, 2 * error, d, error, 0, 0, double.NaN, double.NaN, double.NaN);
        var up = xs.Select(x => P(x, dUp(x))).ToList();
        var down = xs.Select(x => P(x, dDown(x))).ToList();
        double area = 0, var = 0, gap = double.NegativeInfinity;
        for (int k = 0; k < xs.Length; k++)
        {
            double w = 0.5 * ((k > 0 ? xs[k] - xs[k - 1] : 0) + (k + 1 < xs.Length ? xs[k + 1] - xs[k] : 0));
            area += w * (up[k].Distance - down[k].Distance);
            var += w * w * 2 * error * error;
            gap = Math.Max(gap, up[k].Distance - down[k].Distance);
        }
        return new McLandscapeSweep(up, down, area, Math.Sqrt(var), gap, Math.Sqrt(2) * error, 0.4, 1, 0);
    }

    [Test]
    public void FirstOrder_WithAnMcLandscape_FollowsTheLoopRule()
    {
        // the verdict rule: first order iff the signed loop area exceeds LoopSigmas standard errors and the largest gap is at
        // least MinLoopGap. A loop of height 0.4 over Δx = 0.5 (area 0.2) with errors 0.005 per point is ~90 sigma; a collapse
        // (up = down) has area exactly 0; a loop of height 0.03 (below MinLoopGap) is not first order however significant.
        var xs = Paper2Options.Grid(-1, 2, 0.1);
        double StepUp(double x) => x < 0.8 ? 0.45 : 0.05;
        double StepDown(double x) => x < 0.3 ? 0.45 : 0.05;
        double SmallUp(double x) => x < 0.8 ? 0.08 : 0.05;
        var basePart = Part("deep-middle", "deep", Sweep(xs, StepUp, StepUp), 0.5, [-1.0], 0.1);
        Assert.That(Paper2Verdicts.Landscape(basePart with { McLandscape = McSweep(xs, StepUp, StepDown, 0.005) }).FirstOrder, Is.True);
        Assert.That(Paper2Verdicts.Landscape(basePart with { McLandscape = McSweep(xs, StepUp, StepUp, 0.005) }).FirstOrder, Is.False, "a steep switch without a loop is smooth by the rule");
        Assert.That(Paper2Verdicts.Landscape(basePart with { McLandscape = McSweep(xs, SmallUp, _ => 0.05, 1e-4) }).FirstOrder, Is.False, "a loop smaller than MinLoopGap");
        Assert.That(Paper2Verdicts.Landscape(basePart with { McLandscape = McSweep(xs, StepUp, StepDown, 1.0) }).FirstOrder, Is.False, "a loop within the noise");
        // BP failed across the jump and the MC curve, without a loop, still steps by 0.4 on the coarse grid: neither method settles
        // it, so the shared rule says unresolved (a smooth MC curve would have settled it)
        Assert.That(Paper2Verdicts.Landscape(basePart with { RefinedJump = 0, RefinedConvergedFraction = 0, McLandscape = McSweep(xs, StepUp, StepUp, 0.005) }).Unresolved, Is.True);
    }

    [Test]
    public void Claim11_FullLikeOutput_ComparesEntropyAndVerdict()
    {
        // C11: the full model's s(0) nearest the output layer's and the same landscape verdict (MC rule)
        var r = Constructed(shallowJumps: true);
        var xs = Paper2Options.Grid(-1, 2, 0.1);
        double Smooth(double x) => 0.5 / (1 + Math.Exp(2 * x));
        var full = Part("deep-full", "deep", Sweep(xs, Smooth, Smooth), 0.49, [-0.3], 0.2) with { McLandscape = McSweep(xs, Smooth, Smooth, 0.01) };
        var withFull = r with { Parts = r.Parts.Append(full).ToList() };
        Assert.That(Claim(withFull, "C11").Holds, Is.True, "s(0) 0.49 is nearest the output's 0.5; both smooth");
        var farFull = r with { Parts = r.Parts.Append(full with { EntropyAtZero = 0.41 }).ToList() };
        Assert.That(Claim(farFull, "C11").Holds, Is.False, "s(0) 0.41 is nearest the input's 0.4");
        double StepUp(double x) => x < 0.8 ? 0.45 : 0.05;
        double StepDown(double x) => x < 0.3 ? 0.45 : 0.05;
        var firstOrderFull = r with { Parts = r.Parts.Append(full with { McLandscape = McSweep(xs, StepUp, StepDown, 0.005) }).ToList() };
        Assert.That(Claim(firstOrderFull, "C11").Holds, Is.False, "a first-order full model unlike the smooth output layer");
    }

    [Test]
    public void WarmStart_PlacesTheLayersOnTheDiagonalBlocks()
    {
        var parts = Paper2Pipeline.Parts([2, 2, 1], [2, 1], fullDeep: true);
        var input = parts.Single(p => p.Name == "deep-input");
        var output = parts.Single(p => p.Name == "deep-output");
        var full = parts.Single(p => p.Name == "deep-full");
        var mIn = new IsingModel(4, [0, 0.1, 0.2, 0.3, 0.1, 0, 0.4, 0.5, 0.2, 0.4, 0, 0.6, 0.3, 0.5, 0.6, 0], [1, 2, 3, 4]);
        var mOut = new IsingModel(2, [0, -0.7, -0.7, 0], [5, 6]);
        var init = Paper2Pipeline.WarmStart(full, [(parts[0], new IsingModel(2, [0, 9, 9, 0], [9, 9])), (input, mIn), (output, mOut)])!;
        Assert.That(init, Has.Length.EqualTo(36));
        Assert.That(init[0 * 6 + 1], Is.EqualTo(0.1));
        Assert.That(init[3 * 6 + 2], Is.EqualTo(0.6));
        Assert.That(init[2 * 6 + 2], Is.EqualTo(3), "fields on the diagonal");
        Assert.That(init[4 * 6 + 5], Is.EqualTo(-0.7));
        Assert.That(init[5 * 6 + 5], Is.EqualTo(6));
        Assert.That(init[0 * 6 + 4], Is.EqualTo(0), "no coupling across layers");
        Assert.That(init.Contains(9), Is.False, "the shallow network's model is not used");
        Assert.That(Paper2Pipeline.WarmStart(input, [(input, mIn)]), Is.Null, "a part is not its own warm start");
    }
    [Test]
    public void EnsembleFile_IsThePackedFormat_RoundTripsExactly_AndIsAConfigurationsFile()
    {
        // The pipeline's ensembles use the one ensemble format (PackedConfigurations, bit-packed with accuracies), so
        // that `ising fit --configs` reads them; weights and accuracies come back bit for bit, with the note.
        string dir = Path.Combine(Path.GetTempPath(), "neuralspin-p2ens-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            const int n = 67, m = 9;   // 67 weights: two 64-bit words per configuration, the second partly filled
            var rng = new Random(5);
            var w = new sbyte[n * m];
            for (int i = 0; i < w.Length; i++) w[i] = rng.Next(2) == 0 ? (sbyte)-1 : (sbyte)1;
            var acc = Enumerable.Range(0, m).Select(k => 0.8 + k * 1e-3 + 1e-17 * k).ToArray();
            string path = Path.Combine(dir, "ensemble-deep.bin");
            Paper2Pipeline.WriteEnsemble(path, n, w, acc, "threshold 0.8");
            var (w2, acc2, note) = Paper2Pipeline.ReadEnsemble(path, n);
            Assert.That(w2, Is.EqualTo(w));
            Assert.That(acc2, Is.EqualTo(acc));
            Assert.That(note, Does.StartWith("threshold 0.8"));
            Assert.That(Configurations.Read(path).Spins, Is.EqualTo(w));
            Assert.Throws<InvalidDataException>(() => Paper2Pipeline.ReadEnsemble(path, n + 1));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>The toy schedule with paper 2's collection rule (one configuration per training, the best of K draws) and the
    /// over-parameterized deep ensemble on the first 60 of the 300 training points.</summary>
    static Paper2Options ToyOver => Toy with
    {
        Trainings = 12, TrainingsPerGroup = 5, SamplesPerTraining = 10, KeepPerTraining = 1, MinKept = 4,
        OverParamTrainImages = 60, OverParamEpochs = 5, AccuracyThresholdOverParam = 0.0,
    };

    [Test]
    public void Pipeline_OneConfigurationPerTraining_WithTheOverParameterizedEnsemble_EndToEnd()
    {
        var data = Synthetic.Blobs(6, 3, 300, 100, separation: 1.5, 99);
        var r = Paper2Pipeline.Run(data, ToyOver, _dir, 0.5, [6, 3, 3, 3], [6, 3]);
        Assert.That(r.Ensembles.Select(e => e.Architecture), Is.EqualTo(new[] { "deep", "shallow", "deep-over" }));
        Assert.That(r.Parts.Select(p => p.Part.Name), Is.EqualTo(new[] { "shallow", "deep-input", "deep-middle", "deep-output", "deep-full",
            "deep-over-input", "deep-over-middle", "deep-over-output", "deep-over-full" }));
        Assert.That(r.Parts.Where(p => p.Part.Architecture == "deep-over").Select(p => p.Part.Count), Is.EqualTo(new[] { 18, 9, 9, 36 }));
        // one configuration per training: every kept configuration comes from its own training, so kept = contributing trainings;
        // the shallow and over-parameterized thresholds 0 keep every training's best draw, the deep threshold 0.99 is lowered to
        // the MinKept-th best of the 12 candidates (ties may keep a few more)
        foreach (var e in r.Ensembles)
        {
            Assert.That(e.Kept, Is.EqualTo(e.Contributing), e.Architecture);
            Assert.That(e.Kept, Is.LessThanOrEqualTo(12), e.Architecture);
            Assert.That(e.Drawn, Is.EqualTo(12 * 10), e.Architecture);
            Assert.That(e.Chunks, Is.EqualTo(3), $"{e.Architecture}: 12 trainings in chunks of 5");
        }
        var deep = r.Ensembles[0];
        Assert.That(deep.Note, Does.Contain("lowered"));
        Assert.That(deep.Kept, Is.GreaterThanOrEqualTo(4));
        var shallow = r.Ensembles[1];
        Assert.That((shallow.Kept, shallow.Reached), Is.EqualTo((12, 12)));
        Assert.That(shallow.Note, Does.Contain("the other 0 contribute nothing"));
        var over = r.Ensembles[2];
        Assert.That((over.Kept, over.TrainImages, over.Epochs), Is.EqualTo((12, 60, 5)));
        Assert.That(deep.TrainImages, Is.EqualTo(300));
        // the over-parameterized ensemble is its own: other seeds and data than the deep one
        var (wDeep, _, _) = Paper2Pipeline.ReadEnsemble(Path.Combine(_dir, "ensemble-deep.bin"), 36);
        var (wOver, _, _) = Paper2Pipeline.ReadEnsemble(Path.Combine(_dir, "ensemble-deep-over.bin"), 36);
        Assert.That(wOver.AsSpan(0, 36).SequenceEqual(wDeep.AsSpan(0, 36)), Is.False);

        // C12 is the shared rule on the two deep ensembles' parts
        var c12 = Paper2Verdicts.Claims(r).Single(c => c.Id == "C12");
        var under = r.Parts.Where(p => p.Part.Architecture == "deep").ToList();
        var overParts = r.Parts.Where(p => p.Part.Architecture == "deep-over").ToList();
        Assert.That(c12.Holds, Is.EqualTo(Paper2Verdicts.BothConnected(Paper2Verdicts.Connected(under), Paper2Verdicts.Connected(overParts))));
        Assert.That(c12.Obtained, Does.Contain("over: deep-over-input"));

        // the report and summary.json show the over-parameterized ensemble and its parts
        string report = File.ReadAllText(Path.Combine(_dir, "report.md"));
        Assert.That(report, Does.Contain("| deep-over | 6-3-3-3 | 60 | 5 |"));
        Assert.That(report, Does.Contain("| deep-over-full | 36 |"));
        Assert.That(report, Does.Contain($"| C12 | {c12.Claim} | {c12.Obtained} |"));
        var summary = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "summary.json")))!;
        Assert.That(summary["ensembles"]!.AsObject().Select(kv => kv.Key), Is.EqualTo(new[] { "deep", "shallow", "deep-over" }));
        Assert.That((int)summary["ensembles"]!["deep-over"]!["train_images"]!, Is.EqualTo(60));
        Assert.That((int)summary["ensembles"]!["deep-over"]!["keep_per_training"]!, Is.EqualTo(1));
        Assert.That((long)summary["ensembles"]!["shallow"]!["kept"]!, Is.EqualTo(12));
        Assert.That((string)summary["parts"]!["deep-over-middle"]!["ensemble"]!, Is.EqualTo("deep-over"));
        Assert.That((bool?)summary["claims"]!["C12"]!["holds"], Is.EqualTo(c12.Holds));
        Assert.That(summary["provenance"], Is.Not.Null);
        foreach (var f in new[] { "ensemble-deep-over.bin", "models/deep-over-full.npz", "csv/landscape-deep-over-middle.csv", "ensembles/deep-over/trainings-10-11.nspack" })
            Assert.That(File.Exists(Path.Combine(_dir, f)), f);
    }

    /// <summary>Options of the collection tests: 7 trainings of the toy deep network in chunks of 2 (the last one holds one
    /// training), the best 2 of 6 draws per training as candidates.</summary>
    static Paper2Options Chunked => Toy with { Trainings = 7, TrainingsPerGroup = 2, SamplesPerTraining = 6, KeepPerTraining = 2, MinKept = 3, DeepWidths = [6, 3, 3, 3] };

    static byte[][] ChunkBytes(string dir) =>
        Directory.GetFiles(Path.Combine(dir, "ensembles", "deep"), "*.nspack").Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToArray();

    [Test]
    public void Collection_InterruptedAndResumed_OrSplitIntoShards_EqualsAnUninterruptedOne()
    {
        // the chunks of a collection depend only on the seed and the settings (the lane kernel's trainings do not depend on their
        // group), so a collection stopped after its first chunk, left with a chunk whose candidates file was lost (a stop between its
        // two writes) and resumed, and one made by three separate shards in any order, give the uninterrupted ensemble bit for bit
        var data = Synthetic.Blobs(6, 3, 300, 100, separation: 1.5, 99);
        var o = Chunked;
        var setting = Paper2Setting.Of(o)[0];
        string a = Path.Combine(_dir, "a"), b = Path.Combine(_dir, "b"), c = Path.Combine(_dir, "c");
        var whole = Paper2Stages.Ensemble(new Paper2EnsembleInput(data, setting), o, a);
        Assert.That(whole.Info.Chunks, Is.EqualTo(4));
        Assert.That(whole.Info.ChunksReused, Is.EqualTo(0));
        Assert.That(Directory.GetFiles(Path.Combine(a, "ensembles", "deep"), "*.nspack").Select(Path.GetFileName).Order(StringComparer.Ordinal),
            Is.EqualTo(new[] { "trainings-0-1.nspack", "trainings-2-3.nspack", "trainings-4-5.nspack", "trainings-6-6.nspack" }));

        // interrupted: cancelled once the first chunk is stored
        using (var cts = new CancellationTokenSource())
        {
            var stop = new NeuralSpin.Reporting.SyncProgress<Paper2Progress>(_ => cts.Cancel());
            Assert.Throws<OperationCanceledException>(() => Paper2Pipeline.Collect(data, o, b, progress: stop, cancellationToken: cts.Token));
        }
        Assert.That(Directory.GetFiles(Path.Combine(b, "ensembles", "deep"), "*.nspack"), Has.Length.EqualTo(1));
        // a second partial run stopped between the statistics and the candidates of its chunk: only the statistics are there
        Paper2Collection.Collect(data, setting, o, b, 1, 4, out _);
        File.Delete(Path.Combine(b, "ensembles", "deep", "trainings-2-3.nspack"));
        var resumed = Paper2Stages.Ensemble(new Paper2EnsembleInput(data, setting), o, b);
        Assert.That(resumed.Info.ChunksReused, Is.EqualTo(1), "the first chunk was read, the one without candidates recollected");

        // three shards, run in the order 2, 0, 1, then put together
        foreach (int i in new[] { 2, 0, 1 })
        {
            var sum = Paper2Collection.Collect(data, setting, o, c, i, 3, out var got);
            Assert.That(sum.Collected, Is.EqualTo(i == 0 ? 2 : 1), $"shard {i}/3 collects the chunks c with c mod 3 = {i}");
        }
        var sharded = Paper2Stages.Ensemble(new Paper2EnsembleInput(data, setting), o, c);
        Assert.That(sharded.Info.ChunksReused, Is.EqualTo(4));

        foreach (var other in new[] { b, c })
        {
            Assert.That(ChunkBytes(other), Is.EqualTo(ChunkBytes(a)), other);
            Assert.That(File.ReadAllBytes(Path.Combine(other, "ensemble-deep.bin")), Is.EqualTo(File.ReadAllBytes(Path.Combine(a, "ensemble-deep.bin"))), other);
            Assert.That(File.ReadAllText(Path.Combine(other, "ensemble-deep.bin.note.txt")), Is.EqualTo(File.ReadAllText(Path.Combine(a, "ensemble-deep.bin.note.txt"))), other);
        }
        Assert.That(resumed.Weights, Is.EqualTo(whole.Weights));
        Assert.That(resumed.Accuracies, Is.EqualTo(whole.Accuracies));
        Assert.That((resumed.Info.Drawn, resumed.Info.Reached, resumed.Info.MeanDrawnAccuracy), Is.EqualTo((whole.Info.Drawn, whole.Info.Reached, whole.Info.MeanDrawnAccuracy)));
        // the candidates: the best 2 of the 6 draws of each of the 7 trainings, in the order of the trainings
        var candidates = Directory.GetFiles(Path.Combine(a, "ensembles", "deep"), "*.nspack").Order(StringComparer.Ordinal)
            .SelectMany(f => NeuralSpin.BinaryNets.PackedEnsembleFile.Read(f).Select(x => x.TrainingIndex)).ToList();
        Assert.That(candidates, Is.EqualTo(Enumerable.Range(0, 7).SelectMany(t => new[] { t, t })));
    }

    [Test]
    public void Collection_RefusesAStoredChunkThatHoldsOtherTrainings()
    {
        var data = Synthetic.Blobs(6, 3, 300, 100, separation: 1.5, 99);
        var o = Chunked;
        var setting = Paper2Setting.Of(o)[0];
        Paper2Collection.Collect(data, setting, o, _dir, 0, 2, out _);   // chunks 0 and 2
        string folder = Paper2Collection.Folder(_dir, "deep");
        File.Copy(Path.Combine(folder, "trainings-0-1.nspack"), Path.Combine(folder, "trainings-4-5.nspack"), overwrite: true);
        var e = Assert.Throws<InvalidDataException>(() => Paper2Collection.Collect(data, setting, o, _dir, 0, 1, out _))!;
        Assert.That(e.Message, Does.Contain("trainings-4-5.nspack").And.Contain("delete it"));
    }

    [Test]
    public void Claim12_UnderAndOverParameterized_InOneClass_OnlyWhenBothEnsemblesAreConnected()
    {
        var xs = Paper2Options.Grid(-1, 2, 0.1);
        double Smooth(double x) => 0.5 / (1 + Math.Exp(2 * x));
        double StepUp(double x) => x < 0.8 ? 0.45 : 0.05;
        double StepDown(double x) => x < 0.3 ? 0.45 : 0.05;
        double Steep(double x) => x < 0.5 ? 0.45 : 0.05;
        Paper2PartResult Smoothly(string name, string arch) => Part(name, arch, Sweep(xs, Smooth, Smooth), 0.5, [-0.5], 0.2);
        Paper2PartResult Broken(string name, string arch) => Part(name, arch, Sweep(xs, StepUp, StepDown), 0.5, [-0.5], 0.2);   // BP hysteresis: first order
        Paper2PartResult Unsettled(string name, string arch) =>
            Part(name, arch, Sweep(xs, Steep, Steep), 0.5, [-0.5], 0.2) with { RefinedJump = 0, RefinedConvergedFraction = 0.05 };   // BP failed across a jump
        Assert.That(Paper2Verdicts.Landscape(Broken("x", "deep")).FirstOrder, Is.True);
        Assert.That(Paper2Verdicts.Landscape(Unsettled("x", "deep")).Unresolved, Is.True);
        Paper2Result With(Func<string, string, Paper2PartResult> under, Func<string, string, Paper2PartResult> over)
        {
            var r = Constructed(shallowJumps: true);
            var parts = r.Parts.Where(p => p.Part.Architecture != "deep").ToList();
            foreach (var n in new[] { "input", "middle", "output" }) parts.Add(n == "middle" ? under($"deep-{n}", "deep") : Smoothly($"deep-{n}", "deep"));
            foreach (var n in new[] { "input", "middle", "output" }) parts.Add(n == "middle" ? over($"deep-over-{n}", "deep-over") : Smoothly($"deep-over-{n}", "deep-over"));
            return r with { Parts = parts };
        }
        Assert.That(Claim(With(Smoothly, Smoothly), "C12").Holds, Is.True, "both ensembles connected");
        Assert.That(Claim(With(Smoothly, Broken), "C12").Holds, Is.False, "the over-parameterized middle layer is first order");
        Assert.That(Claim(With(Broken, Smoothly), "C12").Holds, Is.False, "the under-parameterized middle layer is first order");
        Assert.That(Claim(With(Unsettled, Broken), "C12").Holds, Is.False, "one ensemble broken decides, whatever the other");
        Assert.That(Claim(With(Smoothly, Unsettled), "C12").Holds, Is.Null, "a connected and an unresolved ensemble");
        Assert.That(Claim(With(Unsettled, Unsettled), "C12").Holds, Is.Null);
        var noOver = Constructed(shallowJumps: true);
        Assert.That(Claim(noOver, "C12").Holds, Is.Null, "no over-parameterized ensemble analysed");
        Assert.That(Claim(noOver, "C12").Obtained, Does.Contain("not analysed"));
        // the rule on the two ensembles' verdicts, all nine cases
        bool?[] v = [true, false, null];
        foreach (var u in v)
            foreach (var w in v)
                Assert.That(Paper2Verdicts.BothConnected(u, w), Is.EqualTo(u == false || w == false ? false : u == true && w == true ? (bool?)true : null), $"{u} {w}");
        Assert.That(Paper2Verdicts.Connected([]), Is.Null);
    }
}
