using NeuralSpin.Ising;
using NeuralSpin.Numerics;
using NeuralSpin.SpinModel;

namespace NeuralSpin.Classic;

/// <summary>How the external field of an SK instance is chosen.</summary>
public enum SkFieldKind
{
    /// <summary>h = 0 (the paramagnet-to-glass transition at T = J, docs/theory.md section 8).</summary>
    None,

    /// <summary>h_i = H for every spin.</summary>
    Uniform,

    /// <summary>h_i ~ N(0, H^2), independent.</summary>
    Random,
}

/// <summary>The field of an SK instance: its kind and strength H.</summary>
/// <param name="Kind">None, uniform or random.</param>
/// <param name="Strength">H (the value for a uniform field, the standard deviation for a random one); finite.</param>
public sealed record SkField(SkFieldKind Kind, double Strength)
{
    /// <summary>No field.</summary>
    public static SkField Zero { get; } = new(SkFieldKind.None, 0);
}

/// <summary>
/// One Sherrington-Kirkpatrick instance (papers/002 eq. 15, docs/theory.md section 8):
/// H(sigma) = -sum_{i&lt;j} J_ij sigma_i sigma_j - sum_i h_i sigma_i = -1/2 sigma^T J sigma - h^T sigma with
/// J_ij = J_ji ~ N(0, J^2/N), zero diagonal. Drawn by <see cref="SkInstances.Draw"/>.
/// </summary>
public sealed class SkInstance
{
    readonly double[] _h;

    internal SkInstance(DenseCoupling coupling, double[] fields, double couplingScale, long seed, SkField field)
    {
        Coupling = coupling;
        _h = fields;
        CouplingScale = couplingScale;
        Seed = seed;
        Field = field;
    }

    /// <summary>Number of spins N.</summary>
    public int Size => Coupling.Size;

    /// <summary>The coupling scale J (the standard deviation of J_ij is J / sqrt N).</summary>
    public double CouplingScale { get; }

    /// <summary>The seed the instance was drawn from.</summary>
    public long Seed { get; }

    /// <summary>The field specification.</summary>
    public SkField Field { get; }

    /// <summary>The couplings as the project's dense symmetric coupling (for <see cref="Tap.LambdaMinCurve"/>, <see cref="Tap.TapSolver"/>).</summary>
    public DenseCoupling Coupling { get; }

    /// <summary>A copy of the fields h.</summary>
    public double[] FieldsCopy() => (double[])_h.Clone();

    /// <summary>The instance as a pairwise Ising model E(s) = -1/2 s^T J s - h^T s at inverse temperature <paramref name="beta"/> (docs/theory.md section 7).</summary>
    public IsingModel ToIsingModel(double beta) => new(Size, Coupling.ToDenseRowMajor(), FieldsCopy(), beta);
}

/// <summary>
/// Seeded, reproducible SK instances (docs/theory.md section 8: J_ij ~ N(0, J^2/N)).
/// <para>
/// The generator is defined here so that an instance is a documented function of (N, J, seed, field):
/// a <see cref="SplitMixSource"/> (SplitMix64) seeded with <c>seed</c> feeds
/// <see cref="DenseCoupling.SherringtonKirkpatrick"/>, which draws the upper triangle row by row
/// (i = 0..N-1, j = i+1..N-1), each entry (J / sqrt N) z with z from the Box-Muller cosine branch
/// (<see cref="Gaussian.Sample"/>, two uniforms per entry), and mirrors it. A random field then takes N
/// further Gaussian draws h_i = H z_i from the same stream. Instances are bit-identical across runs.
/// </para>
/// </summary>
public static class SkInstances
{
    /// <summary>Draws one instance.</summary>
    /// <param name="n">Number of spins, at least 2.</param>
    /// <param name="couplingScale">J &gt; 0, finite.</param>
    /// <param name="seed">Seed of the SplitMix64 stream.</param>
    /// <param name="field">The field (default none).</param>
    public static SkInstance Draw(int n, double couplingScale, long seed, SkField? field = null)
    {
        if (n < 2) throw new ArgumentOutOfRangeException(nameof(n), n, "an SK instance needs at least 2 spins");
        if (!(couplingScale > 0) || !double.IsFinite(couplingScale))
            throw new ArgumentOutOfRangeException(nameof(couplingScale), couplingScale, "the coupling scale J must be positive and finite");
        field ??= SkField.Zero;
        if (!double.IsFinite(field.Strength)) throw new ArgumentOutOfRangeException(nameof(field), field.Strength, "the field strength must be finite");
        var rng = new SplitMixSource(seed);
        var j = DenseCoupling.SherringtonKirkpatrick(n, couplingScale, rng);
        var h = new double[n];
        switch (field.Kind)
        {
            case SkFieldKind.Uniform:
                Array.Fill(h, field.Strength);
                break;
            case SkFieldKind.Random:
                for (int i = 0; i < n; i++) h[i] = field.Strength * Gaussian.Sample(rng);
                break;
        }
        return new SkInstance(j, h, couplingScale, seed, field);
    }

    /// <summary>
    /// The seed of instance <paramref name="index"/> of size <paramref name="n"/> in a study with master seed
    /// <paramref name="seed"/>: <see cref="Seeds.Derive"/>(seed, n, index), so that adding sizes or
    /// instances never changes the others.
    /// </summary>
    public static long InstanceSeed(long seed, int n, int index) => Seeds.Derive(seed, n, index);
}
