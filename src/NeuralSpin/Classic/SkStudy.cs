using System.Diagnostics;
using NeuralSpin.Ising;
using NeuralSpin.Numerics;
using NeuralSpin.Reporting;
using NeuralSpin.Tap;

namespace NeuralSpin.Classic;

/// <summary>
/// Settings of <see cref="SkStudy.Run"/>. Every field has the default the command line uses
/// (<c>neuralspin classic sk</c> maps its options one to one onto these fields).
/// </summary>
public sealed record SkStudyOptions
{
    /// <summary>Spins of the instances whose TAP solutions and TAP states are studied (<see cref="MinSize"/> to <see cref="MaxN"/>:
    /// the field continuation solves a dense (N+1) x (N+1) system per Newton step).</summary>
    public int N { get; init; } = 100;

    /// <summary>Sizes of the finite-size study and of the lambda_min curves (each <see cref="MinSize"/> to <see cref="MaxSize"/>).</summary>
    public IReadOnlyList<int> Sizes { get; init; } = [50, 100, 200, 400];

    /// <summary>Instances (seeds) per size in the finite-size study.</summary>
    public int Instances { get; init; } = 6;

    /// <summary>Coupling scale J: J_ij ~ N(0, J^2/N), so T_c = J (docs/theory.md section 8).</summary>
    public double Coupling { get; init; } = 1.0;

    /// <summary>Master seed; every instance and every stage derives its own stream from it (<see cref="Seeds.Derive"/>).</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Upper end of the beta range searched for the curve minimum and the level crossing; must exceed 1/J.</summary>
    public double BetaMax { get; init; } = 10.0;

    /// <summary>The small level c in [0, 1) whose first crossing is reported per instance (large N: (1 - sqrt c)/J).</summary>
    public double Level { get; init; } = 0.05;

    /// <summary>Random starts of the TAP iteration at each temperature.</summary>
    public int Starts { get; init; } = 20;

    /// <summary>Field-continuation branches per temperature (each from a zero-temperature quenched state).</summary>
    public int Branches { get; init; } = 8;

    /// <summary>
    /// Field strength h0 at the start of every field-continuation branch, in units of J (h = h0 J xi): strong enough that
    /// the TAP equations have one solution there.
    /// </summary>
    public double ContinuationStartField { get; init; } = 2;

    /// <summary>Instances of size <see cref="N"/> searched for TAP states from Monte Carlo seeds.</summary>
    public int TapInstances { get; init; } = 8;

    /// <summary>Monte Carlo runs per instance and temperature, each seeding one Newton solve of the TAP equations.</summary>
    public int TapStarts { get; init; } = 4;

    /// <summary>Reduced temperatures T/J of the TAP scan and of the field continuation.</summary>
    public IReadOnlyList<double> TapTemperatures { get; init; } = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.05, 1.1, 1.2, 1.3];

    /// <summary>Reduced temperatures T/J of the Monte Carlo seeded TAP-state search (the two above T_c are a control).</summary>
    public IReadOnlyList<double> StateTemperatures { get; init; } = [0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.1, 1.3];

    /// <summary>Points of each lambda_min(beta) curve, evenly spaced on [0, min(BetaMax, 2.5/J)].</summary>
    public int CurvePoints { get; init; } = 101;

    /// <summary>Maximum iterations of one TAP iteration from a random start.</summary>
    public int TapMaxIterations { get; init; } = 2000;

    /// <summary>Workers of the TAP stages (instances of the finite-size study run one at a time, which keeps them
    /// bit-reproducible; the libtorch threads speed up each eigensolve). Default: the processor count.</summary>
    public int Parallelism { get; init; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>The smallest instance size (<see cref="N"/> and <see cref="Sizes"/>): a handful of spins, below which the curves and TAP states are degenerate.</summary>
    public const int MinSize = 4;

    /// <summary>The largest size of <see cref="N"/>: the field continuation solves a dense (N+1) x (N+1) system per Newton step.</summary>
    public const int MaxN = 1000;

    /// <summary>The largest size of <see cref="Sizes"/>: each instance's lambda_min curve needs dense N x N eigensolves.</summary>
    public const int MaxSize = 4000;

    /// <summary>The most instances per size (<see cref="Instances"/>).</summary>
    public const int MaxInstances = 10_000;

    /// <summary>The most random starts of the TAP iteration per temperature (<see cref="Starts"/>).</summary>
    public const int MaxStarts = 100_000;

    /// <summary>The most field-continuation branches per temperature (<see cref="Branches"/>).</summary>
    public const int MaxBranches = 10_000;

    /// <summary>The most instances of the TAP-state search (<see cref="TapInstances"/>).</summary>
    public const int MaxTapInstances = 1000;

    /// <summary>The most Monte Carlo runs per instance and temperature of the TAP-state search (<see cref="TapStarts"/>).</summary>
    public const int MaxTapStarts = 1000;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first field outside its range.</summary>
    public void Validate()
    {
        static void Check(bool ok, string name, object value, string rule)
        {
            if (!ok) throw new ArgumentOutOfRangeException(name, value, rule);
        }
        Check(N is >= MinSize and <= MaxN, nameof(N), N, $"between {MinSize} and {MaxN}");
        Check(Sizes is { Count: > 0 } && Sizes.All(s => s is >= MinSize and <= MaxSize), nameof(Sizes), Sizes?.Count ?? 0, $"one or more sizes, each between {MinSize} and {MaxSize}");
        Check(Instances is >= 1 and <= MaxInstances, nameof(Instances), Instances, $"between 1 and {MaxInstances}");
        Check(Coupling > 0 && double.IsFinite(Coupling), nameof(Coupling), Coupling, "positive and finite");
        Check(BetaMax > 0 && double.IsFinite(BetaMax) && BetaMax * Coupling > 1, nameof(BetaMax), BetaMax, "finite and beyond the transition at beta = 1/J");
        Check(Level >= 0 && Level < 1, nameof(Level), Level, "in [0, 1)");
        Check(Starts is >= 1 and <= MaxStarts, nameof(Starts), Starts, $"between 1 and {MaxStarts}");
        Check(Branches is >= 1 and <= MaxBranches, nameof(Branches), Branches, $"between 1 and {MaxBranches}");
        Check(ContinuationStartField > 0 && double.IsFinite(ContinuationStartField), nameof(ContinuationStartField), ContinuationStartField, "positive and finite");
        Check(TapInstances is >= 1 and <= MaxTapInstances, nameof(TapInstances), TapInstances, $"between 1 and {MaxTapInstances}");
        Check(TapStarts is >= 1 and <= MaxTapStarts, nameof(TapStarts), TapStarts, $"between 1 and {MaxTapStarts}");
        Check(TapTemperatures is { Count: > 0 } && TapTemperatures.All(t => t > 0 && double.IsFinite(t)), nameof(TapTemperatures), TapTemperatures?.Count ?? 0, "one or more positive reduced temperatures");
        Check(StateTemperatures is { Count: > 0 } && StateTemperatures.All(t => t > 0 && double.IsFinite(t)), nameof(StateTemperatures), StateTemperatures?.Count ?? 0, "one or more positive reduced temperatures");
        Check(CurvePoints >= 2, nameof(CurvePoints), CurvePoints, "at least 2");
        Check(TapMaxIterations >= 1, nameof(TapMaxIterations), TapMaxIterations, "at least 1");
        Check(Parallelism >= 1, nameof(Parallelism), Parallelism, "at least 1");
    }
}

/// <summary>One lambda_min(beta) curve of <see cref="SkStudy"/>: instance 0 of one size.</summary>
/// <param name="Size">N.</param>
/// <param name="Points">The curve on the study's beta grid.</param>
public sealed record SkCurve(int Size, CurvePoint[] Points);

/// <summary>Everything <see cref="SkStudy.Run"/> computes.</summary>
public sealed record SkStudyResult
{
    /// <summary>The settings it ran with.</summary>
    public required SkStudyOptions Options { get; init; }

    /// <summary>The distinct sizes in increasing order.</summary>
    public required IReadOnlyList<int> Sizes { get; init; }

    /// <summary>lambda_min(beta) of instance 0 of every size, next to its large-N limit (1 - beta J)^2.</summary>
    public required IReadOnlyList<SkCurve> Curves { get; init; }

    /// <summary>Curve minima and level crossings over instances, with the N^(-2/3) extrapolation of T*.</summary>
    public required SkFiniteSizeResult FiniteSize { get; init; }

    /// <summary>TAP solutions of one instance of size N from random starts, per temperature.</summary>
    public required IReadOnlyList<SkTapTemperature> Tap { get; init; }

    /// <summary>TAP solutions at zero field by field continuation from quenched states, per temperature.</summary>
    public required IReadOnlyList<SkTapContinuation> Continuation { get; init; }

    /// <summary>TAP states from Monte Carlo seeds on several instances, followed in T.</summary>
    public required SkTapStateResult States { get; init; }

    /// <summary>Wall time of the study.</summary>
    public required double WallSeconds { get; init; }
}

/// <summary>
/// The Sherrington-Kirkpatrick study behind <c>neuralspin classic sk</c> (docs/theory.md sections 3, 4 and 8), callable
/// from the library: seeded instances J_ij ~ N(0, J^2/N); (1) the linearized-TAP curve lambda_min(beta) of one instance
/// per size next to (1 - beta J)^2; (2) the curve minimum beta*(N) and the first crossing of a small level over several
/// instances per size, with the N^(-2/3) extrapolation of T* = 1/beta* (expected T_c = J, <see cref="SkFiniteSize"/>);
/// (3) the TAP solutions of one instance against temperature from random starts and (4) by field continuation
/// (<see cref="SkTapSolutions"/>); (5) TAP states below T_c from Monte Carlo seeds, followed in T (<see cref="SkTapStates"/>).
/// Seed streams: instance k of size n uses <see cref="SkInstances.InstanceSeed"/>(seed, n, k); the random starts of stage 3
/// stream -1 of (seed, N), the quenched states of stage 4 stream -2, the Monte Carlo seeds of stage 5 stream -3.
/// </summary>
public static class SkStudy
{
    /// <summary>Runs the five stages in order, reporting each on <paramref name="progress"/>.</summary>
    public static SkStudyResult Run(SkStudyOptions? options = null, IProgress<StageProgress>? progress = null)
    {
        var s = options ?? new SkStudyOptions();
        s.Validate();
        var clock = Stopwatch.StartNew();
        var sizes = s.Sizes.Distinct().OrderBy(x => x).ToArray();

        double curveMax = Math.Min(s.BetaMax, 2.5 / s.Coupling);
        var betas = Precision.UniformGrid(curveMax, s.CurvePoints);
        var curves = StageProgress.Run(progress, "lambda_min(beta) curves", sizes.Length, prog =>
        {
            var list = new SkCurve[sizes.Length];
            for (int k = 0; k < sizes.Length; k++)
            {
                var inst = SkInstances.Draw(sizes[k], s.Coupling, SkInstances.InstanceSeed(s.Seed, sizes[k], 0));
                list[k] = new SkCurve(sizes[k], SkLinearizedTap.Curve(inst, betas));
                prog?.Report(k + 1);
            }
            return list;
        });

        // serial over instances: bit-reproducible
        var study = StageProgress.Run(progress, $"curve minima: {sizes.Length} sizes x {s.Instances} instances", sizes.Length * s.Instances,
            prog => SkFiniteSize.Run(sizes, s.Instances, s.Coupling, s.Seed, s.BetaMax, s.Level, 1, prog));

        var tapInstance = SkInstances.Draw(s.N, s.Coupling, SkInstances.InstanceSeed(s.Seed, s.N, 0));
        var temps = s.TapTemperatures.Select(t => t * s.Coupling).ToArray();
        var tapOptions = new TapFixedPointOptions { Starts = s.Starts, Seed = unchecked((int)Seeds.Derive(s.Seed, s.N, SeedStreams.SkTapStarts)), MaxIterations = s.TapMaxIterations };
        var tap = StageProgress.Run(progress, $"TAP solutions, N = {s.N}, {temps.Length} temperatures", temps.Length,
            prog => SkTapSolutions.Scan(tapInstance, temps, tapOptions, s.Parallelism, prog));

        var continuation = StageProgress.Run(progress, $"TAP field continuation, N = {s.N}, {s.Branches} branches x {temps.Length} temperatures", temps.Length,
            prog => SkTapSolutions.ContinueFromQuenchedStates(tapInstance, temps, s.Branches, Seeds.Derive(s.Seed, s.N, SeedStreams.SkQuenchedStates), s.ContinuationStartField, s.Parallelism, prog));

        var stateInstances = Enumerable.Range(0, s.TapInstances).Select(k => SkInstances.Draw(s.N, s.Coupling, SkInstances.InstanceSeed(s.Seed, s.N, k))).ToArray();
        var stateTemps = s.StateTemperatures.Select(t => t * s.Coupling).ToArray();
        var states = StageProgress.Run(progress, $"TAP states from Monte Carlo seeds, N = {s.N}, {s.TapInstances} instances x {stateTemps.Length} temperatures",
            s.TapInstances * (stateTemps.Length + 1),
            prog => SkTapStates.Find(stateInstances, stateTemps, new SkTapStateOptions { Starts = s.TapStarts, Seed = Seeds.Derive(s.Seed, s.N, SeedStreams.SkStateSearch) }, s.Parallelism, prog));

        return new SkStudyResult { Options = s, Sizes = sizes, Curves = curves, FiniteSize = study, Tap = tap, Continuation = continuation, States = states, WallSeconds = clock.Elapsed.TotalSeconds };
    }
}
