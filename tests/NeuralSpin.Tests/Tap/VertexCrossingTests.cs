using NUnit.Framework;
using NeuralSpin.SpinModel;
using NeuralSpin.Tap;
using NeuralSpin.Tests.Golden;

namespace NeuralSpin.Tests.Tap;

/// <summary>
/// The first crossing by the vertex certificate (docs/theory.md section 4, "One inertia count for a first crossing",
/// equations 4.1-4.4) against <see cref="IndependentReference"/> (MathNet's dense eigensolver, inertia by a naive LDL^T
/// and bisection to 1e-14 relative; no code shared with the library), and the fallback to the search where the vertex
/// condition 2 (1 - c) T_c &gt;= lambda_max(J) fails.
/// </summary>
[TestFixture, NonParallelizable]
public class VertexCrossingTests
{
    /// <summary>
    /// A layered Kaiming-type network with a planted rank-one outlier theta u v^T in J^(1) (the construction of the golden
    /// spike cases), which lifts lambda_max(J) out of the bulk and pulls the curve below 0.
    /// </summary>
    internal static BondMatrix Spiked(int[] widths, double[] c, int seed, double theta)
    {
        var j = BondMatrix.Sample(widths, c, new Random(seed));
        if (theta == 0) return j;
        var rng = new Random(seed + 1);
        var u = Enumerable.Range(0, widths[0]).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var v = Enumerable.Range(0, widths[1]).Select(_ => rng.NextDouble() - 0.5).ToArray();
        double nu = Math.Sqrt(u.Sum(x => x * x)), nv = Math.Sqrt(v.Sum(x => x * x));
        var blocks = Enumerable.Range(1, j.BlockCount).Select(j.BlockCopy).ToArray();
        for (int i = 0; i < widths[0]; i++)
            for (int k = 0; k < widths[1]; k++) blocks[0][i * widths[1] + k] += theta * u[i] / nu * v[k] / nv;
        return new BondMatrix(widths, blocks);
    }

    static IndependentReference Reference(BondMatrix j) => IndependentReference.Of(j);

    /// <summary>Equation 4.1's larger root in closed form: (1 - c) T^2 - a T + d with c = 0, a = 3, d = 2 has roots 1 and 2;
    /// with c = 0.5, a = 3, d = 4 the roots are 2 and 4; complex roots (a^2 &lt; 4 (1 - c) d) give none.</summary>
    [Test]
    public void LargerRoot_IsTheClosedForm()
    {
        Assert.That(VertexCrossing.LargerRoot(1, 3, 2), Is.EqualTo(2).Within(1e-15));
        Assert.That(VertexCrossing.LargerRoot(0.5, 3, 4), Is.EqualTo(4).Within(1e-15));
        Assert.That(VertexCrossing.LargerRoot(1, 1, 1), Is.Null);
    }

    /// <summary>Edges of equation 4.1's larger root: a double root (a^2 = 4 (1 - c) d: 1 - 2 T + T^2 = (T - 1)^2) is
    /// real, T = 1; roots -1 and -2 (a = -3, d = 2) are not positive; a root that overflows float64
    /// ((1 - c) = 1.1e-16, a = 1e300) or underflows to 0 ((1 - c) = 1e300, a = 5e-324) gives none, as its 1/T would
    /// be 0 or infinite.</summary>
    [Test]
    public void LargerRoot_EdgesAreTheClosedForm()
    {
        Assert.That(VertexCrossing.LargerRoot(1, 2, 1), Is.EqualTo(1));
        Assert.That(VertexCrossing.LargerRoot(1, -3, 2), Is.Null);
        Assert.That(VertexCrossing.LargerRoot(1.1e-16, 1e300, 0), Is.Null);
        Assert.That(VertexCrossing.LargerRoot(1e300, double.Epsilon, 0), Is.Null);
    }

    /// <summary>
    /// Levels just above the minimum of two untrained networks (c = 0.129 against the minimum 0.1289 of the 40-40-40, and
    /// c = 0.18 against 0.1798 of the 30-30-30), so 1 - c and 1 + c differ widely: the crossing lies past the vertex limit
    /// 2 (1 - c) / lambda_max(J) (checked on the reference), so 2 (1 - c) T* &lt; Lambda for every T* near T_c and the
    /// vertex condition (4.3) fails. The estimate (4.4) converges there, and the certificate declines before any inertia
    /// count.
    /// </summary>
    [TestCase(40, 2.0, 11, 0.129), TestCase(30, 1.0, 5, 0.18)]
    public void VertexConditionFailsAtALevel_DeclinesWithoutACount(int width, double c, int seed, double level)
    {
        var j = BondMatrix.Sample([width, width, width], [c], new Random(seed));
        var reference = Reference(j);
        double lambdaMax = reference.SpectrumJ()[^1];
        var min = reference.CurveMinimum(3);
        double crossing = reference.FirstCrossing(level, 10, alsoTry: min.Beta)!.Value;
        Assert.That(crossing, Is.GreaterThan(1.005 * 2 * (1 - level) / lambdaMax), "precondition: past the vertex limit");
        using var curve = new LambdaMinCurve(j, lambdaMax * (1 + 1e-12));
        Assert.That(VertexCrossing.Estimate(curve, level, 10, 1e-10), Is.Not.Null);
        Assert.That(VertexCrossing.TryFind(curve, level, 10, 1e-10), Is.Null);
        Assert.That(curve.InertiaCounts, Is.EqualTo(0));
    }

    /// <summary>
    /// beta_c (level 0) and beta_c(0.3) of a spiked 40-30-20 network on both curve paths (dense eigensolver; Lanczos with
    /// chi-recurrence inertia): the vertex certificate settles them, its bracket [CertifiedBelow, Beta] is at most 1e-10
    /// relative wide and holds the reference crossing (to the reference's 1e-14 bisection plus 1e-12 relative for rounding
    /// of the two bracket ends).
    /// </summary>
    [TestCase(0.0, 0), TestCase(0.3, 0), TestCase(0.0, 10000), TestCase(0.3, 10000)]
    public void SpikedNetwork_BracketHoldsTheReferenceCrossing(double level, int denseThreshold)
    {
        var j = Spiked([40, 30, 20], [1.0], 9601, 3);
        var independent = Reference(j);
        var reference = independent.FirstCrossing(level, 10)!.Value;
        // ||J|| from the reference's spectrum (the layered J's spectrum is symmetric, so this is lambda_max(J))
        double normJ = independent.SpectrumJ()[^1] * (1 + 1e-12);
        using var curve = new LambdaMinCurve(j, normJ, new CurveOptions { DenseThreshold = denseThreshold });
        var r = TransitionSearch.FirstCrossingDetailed(curve, level, 10);
        Assert.That(r.Method, Is.EqualTo(CrossingMethod.VertexCertificate));
        Assert.That(r.Beta, Is.Not.Null);
        double hi = r.Beta!.Value, lo = r.CertifiedBelow!.Value;
        Assert.That((hi - lo) / hi, Is.LessThanOrEqualTo(1e-10));
        Assert.That(reference, Is.GreaterThanOrEqualTo(lo * (1 - 1e-12)).And.LessThanOrEqualTo(hi * (1 + 1e-12)),
            $"bracket [{lo:R}, {hi:R}], reference {reference:R}");
        Assert.That(curve.InertiaCounts, Is.EqualTo(1), "one inertia count for the whole certificate");
    }

    /// <summary>
    /// A level just above the minimum of an untrained 40-40-40 network: the crossing lies past 2 (1 - c) / lambda_max(J)
    /// (checked on the reference, so the vertex condition 4.3 cannot hold there), the vertex certificate declines, and the
    /// search (the fallback) finds the reference crossing to 1e-9 relative (its bracket is 1e-10; tangency-free since the
    /// level is 1e-6 above the minimum).
    /// </summary>
    [Test]
    public void VertexConditionFails_FallsBackToTheSearch()
    {
        var j = BondMatrix.Sample([40, 40, 40], [2.0], new Random(11));
        var reference = Reference(j);
        var min = reference.CurveMinimum(10);
        double level = min.Value + 1e-6;
        double lambdaMax = reference.SpectrumJ()[^1];
        double expected = reference.FirstCrossing(level, 10, alsoTry: min.Beta)!.Value;
        Assert.That(expected, Is.GreaterThan(2 * (1 - level) / lambdaMax),
            $"precondition: the crossing lies past the vertex limit (curve minimum {min.Value:R} at {min.Beta:R})");
        using var curve = new LambdaMinCurve(j, lambdaMax * (1 + 1e-12));
        var r = TransitionSearch.FirstCrossingDetailed(curve, level, 10);
        Assert.That(r.Method, Is.EqualTo(CrossingMethod.Search));
        Assert.That(r.Beta!.Value, Is.EqualTo(expected).Within(1e-9 * expected));
    }

    /// <summary>
    /// The golden trained standard network 784-64-32-10 (890 spins, so the Lanczos path): its T_c and its corrected
    /// beta_c(c_0) with c_0 the committed level settle by the vertex certificate with one inertia count each, and equal the
    /// committed expected values (the library's, checked against the independent reference by the trained golden
    /// tests) within the golden crossing tolerance 1e-9 relative.
    /// </summary>
    [Test]
    public void TrainedGoldenNetwork_SettlesWithOneInertiaCount()
    {
        var dir = GoldenFiles.CaseDir("trained-standard-784-64-32-10");
        var j = NeuralSpin.IO.WeightFile.Load(Path.Combine(dir, "checkpoint-final.safetensors")).ToBondMatrix();
        var expected = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "expected.json"))).RootElement;
        var spectrum = NeuralSpin.Numerics.TorchLinalg.SymmetricEigenvalues(j.ToDenseRowMajor(), j.Size);
        foreach (var (level, field) in new[] { (0.0, "beta_c"), (expected.GetProperty("level").GetDouble(), "beta_c_corrected") })
        {
            using var curve = NeuralSpin.Analysis.NetworkAnalysis.Curve(j, spectrum);
            var r = TransitionSearch.FirstCrossingDetailed(curve, level, 10);
            double want = expected.GetProperty(field).GetDouble();
            Assert.That(r.Method, Is.EqualTo(CrossingMethod.VertexCertificate), field);
            Assert.That(curve.InertiaCounts, Is.EqualTo(1), field);
            Assert.That(Math.Abs(r.Beta!.Value - want), Is.LessThanOrEqualTo(1e-9 * want), $"{field}: {r.Beta:R} against {want:R}");
        }
    }

    /// <summary>
    /// The inertia count is what makes the estimate a certificate. Two disconnected networks side by side in each layer
    /// (every block block-diagonal, so I - M is block diagonal): A, a weak 30-30-30 (C = 0.3) with a rank-one theta u v^T
    /// added to J^(1) (its top vector has a near theta and a small d, so it crosses the level near T = theta / (1 - c)), and B, an
    /// untrained Kaiming 40-40-40 with the larger lambda_max(J). Every estimate's Lanczos run is started on B's spins
    /// only, with no random part (the seam <c>CurveOptions.EstimateStartVectorOverride</c>), so the Rayleigh-functional
    /// iteration (4.4) converges to B's crossing, which lies after A's and passes the vertex condition. The inertia count
    /// at 1/T* finds I - M - c I indefinite (A has crossed), the certificate declines, and the search returns the first
    /// crossing, A's, equal to the reference on the whole network to 1e-8 relative. A certificate that skipped the
    /// count would return B's crossing and fail here.
    /// </summary>
    [Test]
    public void EstimateOfALaterCrossing_IsRejectedByTheInertiaCount()
    {
        var b = BondMatrix.Sample([40, 40, 40], [2.0], new Random(77));
        var bRef = Reference(b);
        double lambdaB = bRef.SpectrumJ()[^1];
        double theta = 0.9 * lambdaB;
        var rng = new Random(78);
        var u = Enumerable.Range(0, 30).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var w = Enumerable.Range(0, 30).Select(_ => rng.NextDouble() - 0.5).ToArray();
        double nu = Math.Sqrt(u.Sum(x => x * x)), nw = Math.Sqrt(w.Sum(x => x * x));
        var weak = BondMatrix.Sample([30, 30, 30], [0.3], new Random(79));
        var a1 = weak.BlockCopy(1);
        for (int i = 0; i < 30; i++)
            for (int k = 0; k < 30; k++) a1[i * 30 + k] += theta * u[i] / nu * w[k] / nw;
        var a = new BondMatrix([30, 30, 30], [a1, weak.BlockCopy(2)]);
        var j = SideBySide(a, b);
        var whole = Reference(j);
        double level = bRef.CurveMinimum(10).Value + 0.05;
        double first = whole.FirstCrossing(level, 10)!.Value;
        double bOnly = bRef.FirstCrossing(level, 10)!.Value;
        Assert.That(first, Is.LessThan(0.99 * bOnly), "precondition: A crosses first");
        Assert.That(2 * (1 - level) / bOnly, Is.GreaterThanOrEqualTo(lambdaB), "precondition: B's crossing passes the vertex condition");
        var onB = Enumerable.Range(0, j.Size).Select(i => IsB(j, a, i) ? 1.0 : 0.0).ToArray();
        var options = new CurveOptions { DenseThreshold = 0, EstimateStartVectorOverride = _ => (double[])onB.Clone() };
        using var curve = new LambdaMinCurve(j, lambdaB * (1 + 1e-12), options);
        var r = TransitionSearch.FirstCrossingDetailed(curve, level, 10);
        Assert.That(r.Method, Is.EqualTo(CrossingMethod.Search), $"result {r}, B alone crosses at {bOnly:R}");
        Assert.That(r.Beta!.Value, Is.EqualTo(first).Within(1e-8 * first));
    }

    /// <summary>Layer k of the result is layer k of <paramref name="a"/> followed by layer k of <paramref name="b"/>.</summary>
    static BondMatrix SideBySide(BondMatrix a, BondMatrix b)
    {
        int layers = a.Widths.Count;
        var widths = Enumerable.Range(0, layers).Select(k => a.Widths[k] + b.Widths[k]).ToArray();
        var blocks = new List<double[]>();
        for (int k = 1; k < layers; k++)
        {
            int cols = widths[k], ar = a.Widths[k - 1], ac = a.Widths[k], br = b.Widths[k - 1], bc = b.Widths[k];
            var block = new double[widths[k - 1] * cols];
            var ja = a.Block(k);
            var jb = b.Block(k);
            for (int i = 0; i < ar; i++)
                for (int c = 0; c < ac; c++) block[i * cols + c] = ja[i * ac + c];
            for (int i = 0; i < br; i++)
                for (int c = 0; c < bc; c++) block[(ar + i) * cols + ac + c] = jb[i * bc + c];
            blocks.Add(block);
        }
        return new BondMatrix(widths, blocks);
    }

    static bool IsB(BondMatrix whole, BondMatrix a, int spin)
    {
        for (int k = 0; k < whole.Widths.Count; k++)
        {
            int o = whole.LayerOffset(k);
            if (spin < o + whole.Widths[k]) return spin - o >= a.Widths[k];
        }
        return false;
    }
}
