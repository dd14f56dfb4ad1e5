using FsCheck;
using FsCheck.Fluent;
using NeuralSpin.PropertyTests.Support;
using NeuralSpin.Tap;
using NonParallelizableAttribute = NUnit.Framework.NonParallelizableAttribute;
using PropertyAttribute = FsCheck.NUnit.PropertyAttribute;
using TestFixtureAttribute = NUnit.Framework.TestFixtureAttribute;

namespace NeuralSpin.PropertyTests.Tap;

/// <summary>The chi recurrence (P1 26-27, erratum of docs/theory.md section 5) against dense diagonalization.</summary>
[TestFixture, NonParallelizable]
public class ChiRecurrenceProperties
{
    /// <summary>
    /// det(I - M - cI) = prod_k det Phi_k and inertia additivity (Haynsworth): ChiRecurrence.Evaluate(beta, c) gives the
    /// negative count, log|det| and sign of the dense matrix's MathNet spectrum, and so does DenseInertia.Of.
    /// Shifts c = (knob - 4)/4 + 0.0123 in [-0.99, 2.01] make I - M - cI indefinite for many cases.
    /// </summary>
    [SeededProperty(Arbitrary = new[] { typeof(SpinArbitraries) }, MaxTest = 100)]
    public Property Inertia_AddsUpOverPhiK_AndDetIsProductOfDetPhiK(LayeredCase c)
    {
        double shift = (c.Knob - 4) * 0.25 + 0.0123;
        var j = c.Coupling();
        int n = j.Size;
        var a = Oracle.IdentityMinusM(Oracle.DenseJ(c.Widths, c.Blocks), n, c.Beta, shift);
        var w = Oracle.Eigenvalues(a, n);
        // Block elimination without pivoting is only well conditioned when no leading block (layers 0..k, whose
        // determinant is prod_{i<=k} det Phi_i) is nearly singular; the oracle checks that (relative gap 1e-3 of
        // ||A||), which also keeps the dense spectrum away from 0. Such cases are discarded, not counted.
        double norm = Math.Max(1, w.Max(Math.Abs));
        bool wellPosed = true;
        int m = 0;
        foreach (var width in c.Widths)
        {
            m += width;
            if (Oracle.Eigenvalues(Oracle.Leading(a, n, m), m).Min(Math.Abs) < 1e-3 * norm) wellPosed = false;
        }
        using var chi = new ChiRecurrence(j);
        var inertia = chi.Evaluate(c.Beta, shift);
        var dense = DenseInertia.Of(a, n);
        int neg = w.Count(x => x < 0);
        double logdet = w.Sum(x => Math.Log(Math.Abs(x)));
        // Every eigenvalue and pivot block has relative condition <= 1e3 here, backward errors ~40 eps ||A||: each
        // log|lambda| errs by <= 40 * 1e-16 * 1e3 * (amplification of L <= 4 eliminations, ~1e3) ~ 4e-10; 40 of them:
        // 1e-8 is a safe absolute tolerance on log|det|.
        bool ok = inertia.Negative == neg && inertia.Zero == 0 && inertia.Positive == n - neg
                  && Math.Abs(inertia.LogAbsDeterminant - logdet) <= 1e-8
                  && inertia.DeterminantSign == (neg % 2 == 0 ? 1 : -1)
                  && dense.Negative == neg && Math.Abs(dense.LogAbsDeterminant - logdet) <= 1e-8
                  && chi.IsPositiveDefinite(c.Beta, shift) == (neg == 0);
        return ok.When(wellPosed).Label(
            $"shift {shift}: dense (neg {neg}, log|det| {logdet:R}); chi {inertia}; DenseInertia {dense}");
    }
}
