using NeuralSpin.Ising;
using NeuralSpin.Ising.Inverse;
using NeuralSpin.Tests.Support;
using NUnit.Framework;

namespace NeuralSpin.Tests.Ising.Inverse;

/// <summary>
/// The joint pseudolikelihood path (<see cref="JointPlObjective"/>, <see cref="PlSolver.Joint"/>) against the per-spin
/// path (<see cref="PseudoLikelihood.SpinObjective"/>, <see cref="PlSolver.PerSpin"/>), which serves as the reference.
/// </summary>
public class JointPseudoLikelihoodTests
{
    [Test]
    public void JointObjectiveAndGradient_EqualTheSumOfPerSpinObjectives([Values(0.0, 0.01)] double l2)
    {
        // P2 21-22: L(Theta) = sum_r ell_r(theta_r), gradient row r = grad ell_r; M = 500 terms of O(1) per spin,
        // so both sums round at ~1e-14; 1e-12 leaves a margin for the different summation orders
        const int n = 7, m = 500;
        var data = ExactIsing.Sample(ExactIsing.RandomModel(n, 0.5, 0.3, new Random(31)), m, new Random(32));
        var rng = new Random(33);
        var theta = Enumerable.Range(0, n * n).Select(_ => 2 * rng.NextDouble() - 1).ToArray();
        var design = new PseudoLikelihood.Design(data, n);
        using var joint = new JointPlObjective(data, n, l2);
        var g = new double[n * n];
        var perSpin = new double[n];
        double total = joint.Evaluate(theta, g, perSpin);
        double sum = 0;
        for (int r = 0; r < n; r++)
        {
            var gr = new double[n];
            double fr = new PseudoLikelihood.SpinObjective(design, r, l2).Evaluate(theta.AsSpan(r * n, n), gr);
            sum += fr;
            NumericAssert.AreEqualAbsolute(fr, perSpin[r], 1e-12, $"ell_{r}");
            for (int j = 0; j < n; j++) NumericAssert.AreEqualAbsolute(gr[j], g[r * n + j], 1e-12, $"d ell_{r} / d theta_{j}");
        }
        NumericAssert.AreEqualAbsolute(sum, total, 1e-12, "L");
    }
}
