namespace NeuralSpin.Ising.Inverse;

/// <summary>Options of <see cref="BoltzmannLearning.Fit"/>.</summary>
/// <param name="Eta">Learning rate eta.</param>
/// <param name="L2">lambda_2: the step adds -eta lambda_2 J_ij (weight decay on couplings).</param>
/// <param name="L1">lambda_1: after the step, J_ij is soft-thresholded by eta lambda_1 (proximal L1 step).</param>
/// <param name="Tolerance">Stop when the RMS deviation of all moments (N magnetizations and N(N-1)/2 correlations) is below this.</param>
/// <param name="MaxSteps">Step budget.</param>
/// <param name="Initial">Starting model (default: J = 0, h = 0).</param>
public sealed record BoltzmannOptions(double Eta = 0.1, double L2 = 0, double L1 = 0, double Tolerance = 1e-6,
    int MaxSteps = 10000, IsingModel? Initial = null);

/// <summary>Result of <see cref="BoltzmannLearning.Fit"/>.</summary>
/// <param name="Model">The learned model (beta = 1).</param>
/// <param name="Steps">Update steps taken.</param>
/// <param name="RmsDeviation">RMS moment deviation of <paramref name="Model"/> (computed with the delegate).</param>
/// <param name="Converged">Whether the deviation fell below the tolerance.</param>
/// <param name="History">RMS deviation before each step, plus the final one.</param>
public sealed record BoltzmannResult(IsingModel Model, int Steps, double RmsDeviation, bool Converged, double[] History);

/// <summary>
/// Boltzmann learning (P2 5; docs/theory.md section 7; Ackley, Hinton and Sejnowski 1985): gradient ascent
/// on the log-likelihood, whose gradient is the moment mismatch:
/// J_ij += eta (&lt;s_i s_j&gt;_data - &lt;s_i s_j&gt;_model) - eta lambda_2 J_ij, then J_ij = soft(J_ij, eta lambda_1);
/// h_i += eta (&lt;s_i&gt;_data - &lt;s_i&gt;_model). Fields are not penalised.
/// </summary>
/// <remarks>
/// The model moments come from a delegate (m_i and raw &lt;s_i s_j&gt; row-major), so the same loop runs
/// on exact enumeration, belief propagation (P2's choice; approximate on loopy graphs) or Monte Carlo.
/// With exact moments and no penalty the fixed point is the maximum-likelihood model, which reproduces
/// the data moments exactly; eta must be below 2 / lambda_max of the Fisher matrix (the connected
/// covariance of the sufficient statistics) for the iteration to converge.
/// </remarks>
public static class BoltzmannLearning
{
    /// <summary>Learns (J, h) from the data moments <paramref name="dataM"/> and raw <paramref name="dataC"/> (row-major N x N).</summary>
    public static BoltzmannResult Fit(double[] dataM, double[] dataC, int nSpins,
        Func<IsingModel, (double[] M, double[] C)> modelMoments, BoltzmannOptions? options = null)
    {
        options ??= new BoltzmannOptions();
        int n = nSpins;
        if (dataM.Length != n || dataC.LongLength != (long)n * n) throw new ArgumentException($"moments must be of length {n} and {n} x {n}");
        if (!(options.Eta > 0) || !(options.L2 >= 0) || !(options.L1 >= 0)) throw new ArgumentException("eta must be positive and penalties non-negative");
        var model = options.Initial ?? new IsingModel(n, new double[(long)n * n], new double[n]);
        if (model.Size != n) throw new ArgumentException("initial model has the wrong size");
        if (model.Beta != 1.0) model = new IsingModel(n, Scaled(model.CouplingsCopy(), model.Beta), Scaled(model.FieldsCopy(), model.Beta));
        var j = model.CouplingsCopy();
        var h = model.FieldsCopy();
        var history = new List<double>();
        int steps = 0;
        // assigned in the first pass of the loop below; initialised so that mutation testing's switch on `true` compiles
        double rms = double.NaN;
        double eta = options.Eta;
        while (true)
        {
            var (mm, mc) = modelMoments(model);
            if (mm.Length != n || mc.LongLength != (long)n * n) throw new InvalidOperationException("the moment delegate returned the wrong shapes");
            rms = RmsDeviation(dataM, dataC, mm, mc, n);
            history.Add(rms);
            if (rms < options.Tolerance || steps >= options.MaxSteps) break;
            for (int a = 0; a < n; a++)
            {
                h[a] += eta * (dataM[a] - mm[a]);
                for (int b = a + 1; b < n; b++)
                {
                    long ab = (long)a * n + b;
                    double v = j[ab] + eta * (dataC[ab] - mc[ab]) - eta * options.L2 * j[ab];
                    if (options.L1 > 0) v = ProximalGradient.SoftThreshold(v, eta * options.L1);
                    j[ab] = v; j[(long)b * n + a] = v;
                }
            }
            model = new IsingModel(n, j, h);
            steps++;
        }
        return new BoltzmannResult(model, steps, rms, rms < options.Tolerance, history.ToArray());
    }

    /// <summary>sqrt of the mean squared deviation over the N magnetizations and the N(N-1)/2 pairs i &lt; j.</summary>
    public static double RmsDeviation(double[] m1, double[] c1, double[] m2, double[] c2, int n)
    {
        double s = 0;
        for (int a = 0; a < n; a++)
        {
            double d = m1[a] - m2[a];
            s += d * d;
            for (int b = a + 1; b < n; b++)
            {
                double e = c1[(long)a * n + b] - c2[(long)a * n + b];
                s += e * e;
            }
        }
        return Math.Sqrt(s / (n + n * (n - 1) / 2.0));
    }

    static double[] Scaled(double[] v, double beta)
    {
        for (int k = 0; k < v.Length; k++) v[k] *= beta;
        return v;
    }
}
