namespace NeuralSpin.Tests.Golden;

/// <summary>
/// One golden case: the generator parameters of its network (<c>BondMatrix.Sample(Widths, C, new Random(Seed))</c>,
/// the ensemble J^(k)_ij ~ N(0, C_k / N_{k-1} ) of docs/theory.md section 1, optionally with a planted rank-one
/// outlier, see <see cref="GoldenFiles.Sample"/>) and the options it is analysed with.
/// </summary>
/// <param name="Name">Folder name under <c>golden/</c>, also the snapshot name extension.</param>
/// <param name="Description">What the case exercises (copied into meta.json and golden/README.md).</param>
/// <param name="Widths">N_0..N_L.</param>
/// <param name="C">One C for all blocks, or one per block.</param>
/// <param name="Seed">Seed of <see cref="Random"/> handed to the sampler.</param>
/// <param name="Level">The level c_0 of the corrected transition (the CLI's --level), or null.</param>
/// <param name="BetaMax">Upper end of the beta range searched.</param>
/// <param name="Spike">theta of the outlier theta u v^T planted in J^(1) (unit u, v drawn from <c>new Random(Seed + 1)</c>), or null for none.</param>
public sealed record GoldenCase(string Name, string Description, int[] Widths, double[] C, int Seed, double? Level, double BetaMax, double? Spike = null)
{
    public override string ToString() => Name;
}

/// <summary>
/// The table of golden cases. This table, not the files, is the source of truth for the generator
/// parameters: the files under <c>golden/</c> are rewritten from it only by the regeneration command
/// (see golden/README.md), and a test fails when a case's meta.json no longer matches its row here.
/// </summary>
public static class GoldenCases
{
    public static readonly GoldenCase[] All =
    [
        new("equal-40-40-40",
            "Equal widths 40-40-40, Kaiming C = 2: the equal-layer case of P1 16-17 (T_c = [2 C cos(pi/4)]^(1/2)).",
            [40, 40, 40], [2.0], Seed: 11, Level: null, BetaMax: 10),
        new("unequal-60-45-30-10",
            "Unequal, shrinking widths 60-45-30-10, C = 2: the general-width replica T_c (docs/theory.md section 2) and a bipartite J with zero modes.",
            [60, 45, 30, 10], [2.0], Seed: 12, Level: null, BetaMax: 10),
        new("deep-7-layers",
            "A deep network of 7 layers (6 blocks) of widths 20-30, C = 1.5: many blocks in the chi recurrence and the replica tridiagonal.",
            [24, 28, 20, 30, 22, 26, 24], [1.5], Seed: 13, Level: null, BetaMax: 10),
        new("per-block-c-50-40-30",
            "Widths 50-40-30 with a different C per block (C_1 = 2, C_2 = 0.5): per-block variances in sampling, C_k estimation and the replica Hessian.",
            [50, 40, 30], [2.0, 0.5], Seed: 14, Level: null, BetaMax: 10),
        // The level must lie above this network's curve minimum (0.174) for beta_c(c_0) to exist; an untrained
        // network of ~100 spins never reaches 0.1 (nor 0: beta_c is null in every case), so 0.2 is used.
        new("level-0.2-48-36-24",
            "Widths 48-36-24, C = 2, analysed with --level 0.2 (above its curve minimum 0.174): the finite-size-corrected beta_c(c_0) of P1 sec. 3.2 is found by the certified crossing search, and the level spacing is taken there.",
            [48, 36, 24], [2.0], Seed: 15, Level: 0.2, BetaMax: 10),
        // Untrained networks where the first zero exists: a planted outlier theta u v^T (theta = 3) in J^(1) lifts
        // lambda_max(J) out of the bulk and the curve dips below 0 (GoldenFiles.Sample). One network (seed 9601) at no
        // level and at levels above 0 (crossed before beta_c) and below 0 (after it), another (seed 9602) at a fourth.
        new("spike-9601-40-30-20",
            "Widths 40-30-20, C = 1, plus a planted outlier 3 u v^T in J^(1): the curve dips to -0.51 (at beta 0.966), so beta_c (0.398) exists in an untrained network; the spacing is taken at beta_c.",
            [40, 30, 20], [1.0], Seed: 9601, Level: null, BetaMax: 10, Spike: 3.0),
        new("spike-9601-level-0.3-40-30-20",
            "The network of spike-9601-40-30-20 with --level 0.3: beta_c(0.3) = 0.253 lies below beta_c = 0.398; the spacing is taken at beta_c(0.3).",
            [40, 30, 20], [1.0], Seed: 9601, Level: 0.3, BetaMax: 10, Spike: 3.0),
        new("spike-9601-level-0.05-40-30-20",
            "The network of spike-9601-40-30-20 with --level 0.05, just above 0: beta_c(0.05) = 0.371 just below beta_c = 0.398.",
            [40, 30, 20], [1.0], Seed: 9601, Level: 0.05, BetaMax: 10, Spike: 3.0),
        new("spike-9601-level-minus-0.1-40-30-20",
            "The network of spike-9601-40-30-20 with --level -0.1, below 0 and above the curve minimum -0.51: beta_c(-0.1) = 0.456 lies beyond beta_c = 0.398.",
            [40, 30, 20], [1.0], Seed: 9601, Level: -0.1, BetaMax: 10, Spike: 3.0),
        new("spike-9602-level-0.2-40-30-20",
            "Another draw (seed 9602) of widths 40-30-20, C = 1, outlier 3 u v^T in J^(1) (curve minimum -0.64), with --level 0.2: beta_c = 0.379 and beta_c(0.2) = 0.286 both exist.",
            [40, 30, 20], [1.0], Seed: 9602, Level: 0.2, BetaMax: 10, Spike: 3.0),
    ];

    /// <summary>Case names for <c>[TestCaseSource]</c>.</summary>
    public static IEnumerable<string> Names => All.Select(c => c.Name);

    public static GoldenCase Get(string name) => All.Single(c => c.Name == name);
}
