namespace NeuralSpin.Ising.Inverse;

/// <summary>
/// FISTA (Beck and Teboulle 2009) for min_x f(x) + sum_k w_k |x_k| with f smooth and convex: a gradient
/// step on f followed by the proximal map of the weighted L1 norm (soft-thresholding,
/// <see cref="SoftThreshold"/>), Nesterov momentum, backtracking on the Lipschitz estimate L (doubling until
/// the quadratic upper bound holds) and the adaptive restart of O'Donoghue and Candes (momentum reset when
/// the composite objective increases). Exact zeros come out of the soft-threshold, not from rounding.
/// Converged when the gradient mapping L |x+ - y|_inf is at most the tolerance.
/// </summary>
public static class ProximalGradient
{
    /// <summary>
    /// Relative slack of the backtracking test f(z) &lt;= f(y) + g.(z - y) + L/2 |z - y|^2 on the Lipschitz estimate L:
    /// 1e-12 |f(y)|, the rounding of f itself, so that a step whose decrease lies below the resolution of f is accepted
    /// instead of doubling L without end.
    /// </summary>
    public const double DecreaseSlack = 1e-12;

    /// <summary>Minimiser, composite objective, iterations, convergence flag, composite objective per iteration.</summary>
    public sealed record Result(double[] X, double Value, int Iterations, bool Converged, double[] History);

    /// <summary>sign(x) max(|x| - t, 0): the proximal map of t |x|.</summary>
    // Stryker disable once Equality : at x = t (x = -t) the shifted value x - t (x + t) is 0, the same as the band's 0
    public static double SoftThreshold(double x, double t) => x > t ? x - t : x < -t ? x + t : 0.0;

    /// <summary>Minimises f(x) + sum_k l1Weights[k] |x_k| from <paramref name="x0"/>.</summary>
    public static Result Minimize(Lbfgs.Objective f, double[] l1Weights, double[] x0, int maxIterations = 5000,
        double tolerance = 1e-6, double initialLipschitz = 1.0)
    {
        int n = x0.Length;
        if (l1Weights.Length != n) throw new ArgumentException("one L1 weight per coordinate");
        var x = (double[])x0.Clone();
        var yv = (double[])x0.Clone();
        var z = new double[n];
        var gy = new double[n];
        var scratch = new double[n];
        double L = initialLipschitz;
        double Fx = f(x, scratch) + Penalty(x, l1Weights);
        var history = new List<double> { Fx };
        double t = 1;
        int it = 0;
        bool converged = false;
        while (it < maxIterations)
        {
            it++;
            double fy = f(yv, gy);
            // initialised here although the loop below always assigns them: mutation testing replaces `true` with a
            // switch, after which the compiler no longer sees the assignment and the method's mutants would not compile
            double fz = 0, d2 = 0, gdot = 0, dmax = 0;
            while (true)
            {
                d2 = 0; gdot = 0; dmax = 0;
                for (int k = 0; k < n; k++)
                {
                    z[k] = SoftThreshold(yv[k] - gy[k] / L, l1Weights[k] / L);
                    double dk = z[k] - yv[k];
                    d2 += dk * dk; gdot += gy[k] * dk; dmax = Math.Max(dmax, Math.Abs(dk));
                }
                fz = f(z, scratch);
                if (fz <= fy + gdot + 0.5 * L * d2 + DecreaseSlack * Math.Abs(fy)) break;
                L *= 2;
                if (L > 1e30) throw new InvalidOperationException("FISTA: the Lipschitz estimate diverged (objective not smooth?)");
            }
            double Fz = fz + Penalty(z, l1Weights);
            if (L * dmax <= tolerance)
            {
                // Stryker disable once Statement,Equality,Block : at convergence z lies within tolerance / L of y, so keeping x or
                // taking z changes the minimiser and F by less than the tolerance itself; the test only keeps F from rising
                if (Fz <= Fx) { Array.Copy(z, x, n); Fx = Fz; }
                history.Add(Fx);
                converged = true;
                break;
            }
            if (Fz > Fx && t > 1)
            {
                // adaptive restart: drop the momentum and step again from x (with t = 1, y = x, the step is a
                // plain proximal-gradient step, which cannot increase F beyond rounding, so it is taken)
                t = 1;
                Array.Copy(x, yv, n);
                history.Add(Fx);
                continue;
            }
            double tn = 0.5 * (1 + Math.Sqrt(1 + 4 * t * t));
            double mom = (t - 1) / tn;
            for (int k = 0; k < n; k++)
            {
                yv[k] = z[k] + mom * (z[k] - x[k]);
                x[k] = z[k];
            }
            t = tn;
            Fx = Fz;
            history.Add(Fx);
        }
        return new Result(x, Fx, it, converged, history.ToArray());
    }

    static double Penalty(double[] x, double[] w)
    {
        double p = 0;
        for (int k = 0; k < x.Length; k++) p += w[k] * Math.Abs(x[k]);
        return p;
    }
}
