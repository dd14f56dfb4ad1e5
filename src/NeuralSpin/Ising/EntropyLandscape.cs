namespace NeuralSpin.Ising;

/// <summary>Settings of <see cref="EntropyLandscape"/>. All members are optional.</summary>
public sealed record EntropyLandscapeOptions
{
    /// <summary>BP settings at every point (their <see cref="BpOptions.InitialMessages"/> seeds the first point only;
    /// <see cref="BpOptions.ExtraFields"/> is ignored: the landscape sets it to x s*). Default tolerance 1e-10, budget 5000.</summary>
    public BpOptions Bp { get; init; } = new() { Tolerance = 1e-10, MaxIterations = 5000 };

    /// <summary>A change |d(x_{k+1}) - d(x_k)| above this between neighbouring grid points of one sweep counts as a jump.
    /// It must be chosen against the grid spacing: a smooth curve moves by about |dd/dx| Δx = χ Δx / 2 per step,
    /// χ = (1/N) sum_ij s*_i s*_j C^conn_ij. Default 0.1.</summary>
    public double JumpThreshold { get; init; } = 0.1;

    /// <summary>|d_up(x) - d_down(x)| above this at any grid point counts as hysteresis. Default 1e-4 (BP solved to 1e-10
    /// makes the two sweeps agree to ~1e-9 on a smooth landscape).</summary>
    public double HysteresisTolerance { get; init; } = 1e-4;

    /// <summary>Iso-energy only: stop the search on beta once |e(beta) - e*| is at most this. Default 1e-9.</summary>
    public double EnergyTolerance { get; init; } = 1e-9;

    /// <summary>Iso-energy only: the largest beta searched. Default 50.</summary>
    public double MaxBeta { get; init; } = 50;

    /// <summary>Plain sweeps only: BP settings for a point that follows a non-converged point, or for every point once
    /// <see cref="MaxTotalIterations"/> is spent (e.g. a small budget with strong damping and a random sequential schedule),
    /// so that a region where BP has no stable fixed point costs a bounded amount of work. Null (default): always <see cref="Bp"/>.</summary>
    public BpOptions? StuckBp { get; init; }

    /// <summary>Plain sweeps only: BP sweeps allowed over the whole landscape (both directions); once spent, every further point
    /// gets at most 10 sweeps (of <see cref="StuckBp"/>, or of <see cref="Bp"/> when StuckBp is null), so the total is at most
    /// this plus one point's budget plus 10 per remaining point. Null (default): unbounded.</summary>
    public long? MaxTotalIterations { get; init; }
}

/// <summary>One point of an entropy landscape (P2 6-8, 19-20) computed by BP on P_x(s) ∝ exp(-beta E(s) + x sum_i s_i s*_i).</summary>
/// <param name="X">Coupling field x (effective units: it multiplies s.s* in the exponent directly, not through beta).</param>
/// <param name="Beta">Inverse temperature used (the model's for a plain sweep, the solved one for an iso-energy point).</param>
/// <param name="Overlap">q = (1/N) sum_i m_i s*_i.</param>
/// <param name="Distance">Hamming distance per spin d = (1 - q)/2.</param>
/// <param name="EnergyDensity">e = &lt;E&gt;/N in model units (the x term excluded).</param>
/// <param name="EntropyDensity">s = (1/N) ln Z(x) + beta e - x q (nats): the Gibbs entropy of P_x per spin; at beta = 1
/// the s = (1/N) ln Z(x) + e - x q of docs/theory.md section 7.</param>
/// <param name="EntropyBound">-d ln d - (1-d) ln(1-d): the largest entropy of any distribution with mean distance d.</param>
/// <param name="LnZPerSpin">(1/N) ln Z(x) (Bethe).</param>
/// <param name="Converged">Whether BP converged at this point (for iso-energy: and the beta search succeeded).</param>
/// <param name="Iterations">BP sweeps spent at this point (summed over the beta search for iso-energy).</param>
public sealed record LandscapePoint(double X, double Beta, double Overlap, double Distance, double EnergyDensity, double EntropyDensity,
                                    double EntropyBound, double LnZPerSpin, bool Converged, int Iterations);

/// <summary>A jump |Δd| above the threshold between neighbouring grid points of one sweep.</summary>
/// <param name="XFrom">The x visited first.</param>
/// <param name="XTo">The x visited next.</param>
/// <param name="DistanceFrom">d at XFrom.</param>
/// <param name="DistanceTo">d at XTo.</param>
/// <param name="Upward">True in the up sweep (x increasing).</param>
public readonly record struct LandscapeJump(double XFrom, double XTo, double DistanceFrom, double DistanceTo, bool Upward);

/// <summary>An up and a down sweep of the landscape over the same grid, with first-order diagnostics.</summary>
/// <param name="Up">Points in visiting order (x increasing).</param>
/// <param name="Down">Points in increasing x (the sweep visited them in decreasing x), so Down[k].X == Up[k].X.</param>
/// <param name="Jumps">All jumps in d above <see cref="EntropyLandscapeOptions.JumpThreshold"/>, up sweep first.</param>
/// <param name="MaxJump">Largest |Δd| between neighbouring grid points in either sweep.</param>
/// <param name="MaxHysteresis">max_k |d_up(x_k) - d_down(x_k)|.</param>
/// <param name="HysteresisAt">The x where the sweeps disagree beyond <see cref="EntropyLandscapeOptions.HysteresisTolerance"/>.</param>
/// <param name="TotalIterations">BP sweeps spent over the whole landscape.</param>
/// <param name="Seconds">Wall time of the landscape.</param>
/// <param name="BudgetExhausted">Whether <see cref="EntropyLandscapeOptions.MaxTotalIterations"/> was reached (later points ran on the reduced budget).</param>
public sealed record LandscapeSweep(IReadOnlyList<LandscapePoint> Up, IReadOnlyList<LandscapePoint> Down,
                                    IReadOnlyList<LandscapeJump> Jumps, double MaxJump, double MaxHysteresis, IReadOnlyList<double> HysteresisAt,
                                    long TotalIterations = 0, double Seconds = 0, bool BudgetExhausted = false)
{
    /// <summary>Some neighbouring grid points differ in d by more than the jump threshold.</summary>
    public bool HasJump => Jumps.Count > 0;

    /// <summary>The up and down sweeps disagree somewhere beyond the hysteresis tolerance.</summary>
    public bool HasHysteresis => HysteresisAt.Count > 0;

    /// <summary>Every point of both sweeps converged.</summary>
    public bool AllConverged => Up.All(p => p.Converged) && Down.All(p => p.Converged);
}

/// <summary>
/// The entropy landscape around a reference configuration s* (P2 6-8, 19-20; docs/theory.md section 7), by BP on
/// <code>P_x(s) ∝ exp(-beta E(s) + x sum_i s_i s*_i),</code>
/// i.e. BP with effective fields beta h_i + x s*_i. At each x: q = (1/N) sum_i m_i s*_i, d = (1 - q)/2, e = &lt;E&gt;/N and
/// <code>s = (1/N) ln Z(x) + beta e - x q,</code>
/// the Gibbs entropy per spin of P_x (the Legendre transform of ln Z(x) in beta and x). P2 absorbs beta (beta = 1), where
/// this is the s = (1/N) ln Z + e - x q of P2 (docs/theory.md section 7); x is never multiplied by beta. The sweep visits the grid upward and then
/// downward with warm-started messages, so that metastable BP fixed points persist: a jump in d(x) or disagreeing sweeps
/// (hysteresis) are the evidence that <see cref="LandscapeVerdict"/> weighs (a coarse jump alone may be a steep but continuous curve). Exact on trees (tests: enumeration to 1e-10); s &lt;= -d ln d - (1-d) ln(1-d)
/// holds exactly for the true measure and up to the Bethe error on loopy graphs.
/// <see cref="IsoEnergy"/> instead solves, at each x, for the beta at which e equals the reference's E(s*)/N.
/// </summary>
public static class EntropyLandscape
{
    /// <summary>
    /// The iso-energy bisection on beta stops when its bracket is at most this relative width, a few tens of ulps of beta
    /// (below it the energy cannot be moved closer to the target in float64).
    /// </summary>
    const double BetaResolution = 1e-14;

    /// <summary>Sweeps x over the grid (strictly increasing) up and then down at the model's beta.</summary>
    public static LandscapeSweep Sweep(IsingModel model, ReadOnlySpan<sbyte> reference, IReadOnlyList<double> xs, EntropyLandscapeOptions? options = null)
    {
        options ??= new EntropyLandscapeOptions();
        var sStar = Validate(model, reference, xs, options);
        if (options.MaxTotalIterations is < 1) throw new ArgumentOutOfRangeException(nameof(options), options.MaxTotalIterations, "MaxTotalIterations must be >= 1");
        var sw = System.Diagnostics.Stopwatch.StartNew();
        BpMessages? messages = options.Bp.InitialMessages;
        var reduced = options.StuckBp ?? options.Bp with { MaxIterations = Math.Min(10, options.Bp.MaxIterations) };
        bool lastConverged = true, exhausted = false;
        long spent = 0;
        LandscapePoint Solve(double x)
        {
            exhausted |= options.MaxTotalIterations is long cap && spent >= cap;
            var bpOptions = exhausted ? reduced with { MaxIterations = Math.Min(10, reduced.MaxIterations) } : lastConverged ? options.Bp : reduced;
            var bp = BeliefPropagation.Run(model, bpOptions with { ExtraFields = Tilt(sStar, x), InitialMessages = messages });
            // keep the last converged messages as the warm start across a region where BP fails
            if (bp.Converged || messages is null) messages = bp.Messages;
            lastConverged = bp.Converged;
            spent += bp.Iterations;
            return Point(x, model.Beta, sStar, bp, bp.Converged, bp.Iterations);
        }
        var sweep = RunSweeps(xs, Solve, options);
        return sweep with { TotalIterations = spent, Seconds = sw.Elapsed.TotalSeconds, BudgetExhausted = exhausted };
    }

    /// <summary>
    /// Iso-energy curve: at each x the beta in [0, <see cref="EntropyLandscapeOptions.MaxBeta"/>] with e(beta, x) = E(s*)/N,
    /// found by bracketing and bisection (&lt;E&gt; is non-increasing in beta: d&lt;E&gt;/d beta = -Var E under P_x), with BP
    /// warm-started throughout, up and down the grid. A point whose target energy is not reachable with beta in that range
    /// (e.g. a reference above the infinite-temperature energy would need beta &lt; 0) is reported with Converged = false
    /// and Beta = NaN.
    /// </summary>
    public static LandscapeSweep IsoEnergy(IsingModel model, ReadOnlySpan<sbyte> reference, IReadOnlyList<double> xs, EntropyLandscapeOptions? options = null)
    {
        options ??= new EntropyLandscapeOptions();
        var sStar = Validate(model, reference, xs, options);
        if (!(options.MaxBeta > 0) || !double.IsFinite(options.MaxBeta)) throw new ArgumentOutOfRangeException(nameof(options), options.MaxBeta, "MaxBeta must be positive and finite");
        if (!(options.EnergyTolerance > 0)) throw new ArgumentOutOfRangeException(nameof(options), options.EnergyTolerance, "EnergyTolerance must be > 0");
        int n = model.Size;
        double target = model.Energy(sStar) / n;
        BpMessages? messages = options.Bp.InitialMessages;
        double lastBeta = model.Beta > 0 ? model.Beta : 1.0;

        LandscapePoint Solve(double x)
        {
            var a = Tilt(sStar, x);
            int iterations = 0;
            bool allConverged = true;
            BpResult At(double beta)
            {
                var r = BeliefPropagation.Run(model.WithBeta(beta), options.Bp with { ExtraFields = a, InitialMessages = messages });
                // messages at another beta are still messages of the same graph: a good warm start
                messages = r.Messages;
                iterations += r.Iterations;
                allConverged &= r.Converged;
                return r;
            }

            double lo = 0, hi = Math.Min(lastBeta, options.MaxBeta);
            var rLo = At(lo);
            if (Math.Abs(rLo.EnergyPerSpin - target) <= options.EnergyTolerance) return Done(lo, rLo);
            // Stryker disable once Equality : e(0) == target was accepted just above (|0| <= tol, tol > 0), so < and <= agree here
            if (rLo.EnergyPerSpin < target) return Failed(rLo); // needs beta < 0
            var rHi = At(hi);
            while (rHi.EnergyPerSpin > target)
            {
                if (hi >= options.MaxBeta) return Failed(rHi);
                lo = hi; rLo = rHi;
                hi = Math.Min(2 * hi, options.MaxBeta);
                rHi = At(hi);
            }
            // invariant: e(lo) > target >= e(hi)
            var best = rHi;
            double bestBeta = hi;
            for (int k = 0; k < 200 && Math.Abs(best.EnergyPerSpin - target) > options.EnergyTolerance && hi - lo > BetaResolution * hi; k++)
            {
                double mid = 0.5 * (lo + hi);
                var rMid = At(mid);
                // Stryker disable once Equality : at e(mid) == target mid becomes the best with |e - target| = 0 <= tol and the loop ends, so lo and hi are not used again
                if (rMid.EnergyPerSpin > target) lo = mid; else hi = mid;
                if (Math.Abs(rMid.EnergyPerSpin - target) < Math.Abs(best.EnergyPerSpin - target)) { best = rMid; bestBeta = mid; }
            }
            // re-solve at the chosen beta so that the reported messages are that point's
            var final = At(bestBeta);
            bool ok = Math.Abs(final.EnergyPerSpin - target) <= options.EnergyTolerance;
            lastBeta = bestBeta > 0 ? bestBeta : lastBeta;
            return Point(x, bestBeta, sStar, final, ok && allConverged, iterations);

            LandscapePoint Done(double beta, BpResult r) => Point(x, beta, sStar, r, allConverged, iterations);
            LandscapePoint Failed(BpResult r) => Point(x, double.NaN, sStar, r, false, iterations) with
            {
                EnergyDensity = r.EnergyPerSpin, EntropyDensity = double.NaN, LnZPerSpin = double.NaN,
            };
        }
        return RunSweeps(xs, Solve, options);
    }

    /// <summary>-d ln d - (1-d) ln(1-d) with 0 ln 0 = 0 (d outside [0, 1] is clamped).</summary>
    public static double BinaryEntropy(double d)
    {
        d = Math.Clamp(d, 0, 1);
        double a = d > 0 ? -d * Math.Log(d) : 0, b = d < 1 ? -(1 - d) * Math.Log(1 - d) : 0;
        return a + b;
    }

    /// <summary>The checks shared by the BP and MC landscapes: a reference of N spins of +-1 and a non-empty, finite,
    /// strictly increasing grid of x; returns the grid as an array.</summary>
    internal static double[] CheckReferenceAndGrid(IsingModel model, ReadOnlySpan<sbyte> reference, IReadOnlyList<double> xs)
    {
        double[] grid = [.. xs];
        if (reference.Length != model.Size) throw new ArgumentException($"the reference needs {model.Size} spins, got {reference.Length}", nameof(reference));
        foreach (var v in reference) if (v is not (1 or -1)) throw new ArgumentException("reference spins must be +1 or -1", nameof(reference));
        if (grid.Length < 1) throw new ArgumentException("the x grid is empty", nameof(xs));
        for (int k = 0; k < grid.Length; k++)
        {
            if (!double.IsFinite(grid[k])) throw new ArgumentException("x values must be finite", nameof(xs));
            if (k > 0 && !(grid[k] > grid[k - 1])) throw new ArgumentException("the x grid must be strictly increasing", nameof(xs));
        }
        return grid;
    }

    static sbyte[] Validate(IsingModel model, ReadOnlySpan<sbyte> reference, IReadOnlyList<double> xs, EntropyLandscapeOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(xs);
        ArgumentNullException.ThrowIfNull(options);
        CheckReferenceAndGrid(model, reference, xs);
        if (!(options.JumpThreshold > 0)) throw new ArgumentOutOfRangeException(nameof(options), options.JumpThreshold, "JumpThreshold must be > 0");
        if (!(options.HysteresisTolerance > 0)) throw new ArgumentOutOfRangeException(nameof(options), options.HysteresisTolerance, "HysteresisTolerance must be > 0");
        return reference.ToArray();
    }

    static double[] Tilt(sbyte[] sStar, double x)
    {
        var a = new double[sStar.Length];
        for (int i = 0; i < a.Length; i++) a[i] = x * sStar[i];
        return a;
    }

    static LandscapePoint Point(double x, double beta, sbyte[] sStar, BpResult bp, bool converged, int iterations)
    {
        int n = sStar.Length;
        double q = 0;
        for (int i = 0; i < n; i++) q += bp.Magnetizations[i] * sStar[i];
        q /= n;
        double d = (1 - q) / 2;
        // BpResult.Entropy = ln Z + beta <E> - sum_i a_i m_i with a = x s*: exactly N s
        return new LandscapePoint(x, beta, q, d, bp.EnergyPerSpin, bp.EntropyPerSpin, BinaryEntropy(d), bp.LnZPerSpin, converged, iterations);
    }

    static LandscapeSweep RunSweeps(IReadOnlyList<double> xs, Func<double, LandscapePoint> solve, EntropyLandscapeOptions options)
    {
        var up = new List<LandscapePoint>(xs.Count);
        foreach (var x in xs) up.Add(solve(x));
        var down = new LandscapePoint[xs.Count];
        for (int k = xs.Count - 1; k >= 0; k--) down[k] = solve(xs[k]);

        var jumps = new List<LandscapeJump>();
        double maxJump = 0;
        for (int k = 0; k + 1 < xs.Count; k++)
        {
            double du = Math.Abs(up[k + 1].Distance - up[k].Distance);
            maxJump = Math.Max(maxJump, du);
            if (du > options.JumpThreshold) jumps.Add(new LandscapeJump(up[k].X, up[k + 1].X, up[k].Distance, up[k + 1].Distance, true));
        }
        for (int k = xs.Count - 1; k > 0; k--)
        {
            double dd = Math.Abs(down[k - 1].Distance - down[k].Distance);
            maxJump = Math.Max(maxJump, dd);
            if (dd > options.JumpThreshold) jumps.Add(new LandscapeJump(down[k].X, down[k - 1].X, down[k].Distance, down[k - 1].Distance, false));
        }
        double maxHyst = 0;
        var hyst = new List<double>();
        for (int k = 0; k < xs.Count; k++)
        {
            double gap = Math.Abs(up[k].Distance - down[k].Distance);
            if (double.IsNaN(gap)) continue;
            maxHyst = Math.Max(maxHyst, gap);
            if (gap > options.HysteresisTolerance) hyst.Add(xs[k]);
        }
        return new LandscapeSweep(up, down, jumps, maxJump, maxHyst, hyst);
    }
}
