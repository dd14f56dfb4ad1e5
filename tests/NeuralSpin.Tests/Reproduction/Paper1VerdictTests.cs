using NeuralSpin.Replica;
using NeuralSpin.Reproduction;
using NeuralSpin.Tests.Trajectory;
using NeuralSpin.Trajectory;
using NUnit.Framework;

namespace NeuralSpin.Tests.Reproduction;

/// <summary>
/// The verdict rules of <see cref="Paper1Report.Evaluate"/> on constructed trajectories: each claim of P1 that a
/// trajectory can check is set just inside and just outside its stated threshold (the constants of Paper1Report) and
/// must flip. The trajectory shell (analyses of t = 0 and the end) comes from a short synthetic run; the rows and the
/// numbers a verdict reads are then written by hand.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class Paper1VerdictTests
{
    static TrajectoryResult _shell = null!;
    static string _run = "";

    static readonly Paper1Program Standard = new("standard-lr1e-4", "standard", 1e-4, 60, 60, 0.0189);

    [OneTimeSetUp]
    public void MakeShell()
    {
        _run = Path.Combine(Path.GetTempPath(), "neuralspin-verdicts-" + Guid.NewGuid().ToString("N"));
        SyntheticRun.Write(_run, epochs: [0, 0.5, 1, 2], widths: [12, 8, 6]);
        _shell = TrajectoryAnalyzer.Analyze(_run);
    }

    [OneTimeTearDown]
    public void Remove()
    {
        if (Directory.Exists(_run)) Directory.Delete(_run, true);
    }

    /// <summary>A row at epoch t: T_c (first zero) and corrected T_c, lambda_min(R) change, s_0/s_typ, val error.</summary>
    static TrajectoryRow Row(double t, double? tc = null, double? tcc = 1.8, double rChange = 0, double? spacing = 1, double? valError = 0.02) =>
        new(t, (long)(t * 1875), valError, tc, tcc, 0.1, 3.6, -4.5, rChange, spacing);

    static TrajectoryResult With(params TrajectoryRow[] rows) => _shell with { Rows = rows };

    static bool? Verdict(TrajectoryResult r, string claimStart, Paper1Program? p = null) =>
        Paper1Report.Evaluate(p ?? Standard, r).Single(c => c.Claim.StartsWith(claimStart, StringComparison.Ordinal)).Holds;

    [Test]
    public void FirstZero_HoldsOnlyWhenLambdaMinReachesZeroAndStillDoesAtTheEnd()
    {
        const string claim = "a true transition appears";
        Assert.That(Verdict(With(Row(0), Row(1), Row(2)), claim), Is.False, "never a zero");
        Assert.That(Verdict(With(Row(0), Row(1, tc: 2.0), Row(2, tc: 2.1)), claim), Is.True);
        Assert.That(Verdict(With(Row(0), Row(1, tc: 2.0), Row(2)), claim), Is.False, "a zero that is gone at the end");
    }

    [Test]
    public void Growth_ComparesTheCorrectedTcAtTheEndWithTheStart()
    {
        const string claim = "T_c grows with training";
        Assert.That(Verdict(With(Row(0, tcc: 1.8), Row(1, tcc: 1.7), Row(2, tcc: 1.81)), claim), Is.True);
        Assert.That(Verdict(With(Row(0, tcc: 1.8), Row(1, tcc: 1.9), Row(2, tcc: 1.79)), claim), Is.False);
        Assert.That(Verdict(With(Row(0, tcc: null), Row(1), Row(2)), claim), Is.Null, "no corrected T_c at t = 0: not judged");
    }

    [Test]
    public void LambdaMinR_ChangeBound_IsStrict()
    {
        const string claim = "lambda_min(R)";
        double b = Paper1Report.LambdaMinRChangeBound;
        Assert.That(Verdict(With(Row(0), Row(1, rChange: -0.99 * b), Row(2, rChange: 0.5 * b)), claim), Is.True);
        Assert.That(Verdict(With(Row(0), Row(1, rChange: -1.01 * b), Row(2)), claim), Is.False, "a decrease counts by its size");
        Assert.That(Verdict(With(Row(0), Row(1), Row(2, rChange: b)), claim), Is.False);
    }

    [Test]
    public void Outliers_NeedTheLargestEigenvalueToGrowAndOneAboveTheInitialEdge()
    {
        const string claim = "eigenvalues of J split";
        double edge = _shell.Initial.LambdaMaxJ;
        var rows = new[] { Row(0), Row(1), Row(2) };
        var grown = _shell with { Rows = rows, Final = _shell.Final with { LambdaMaxJ = edge * 1.1, SpectrumJ = [-1, edge * 0.9, edge * 1.1] } };
        Assert.That(Verdict(grown, claim), Is.True);
        Assert.That(Paper1Report.Outliers(grown), Is.EqualTo(1));
        var inside = _shell with { Rows = rows, Final = _shell.Final with { LambdaMaxJ = edge, SpectrumJ = [-1, edge * 0.9, edge] } };
        Assert.That(Verdict(inside, claim), Is.False, "an eigenvalue at the edge is not an outlier");
        Assert.That(Paper1Report.Outliers(inside), Is.Zero);
    }

    [Test]
    public void SpacingJump_AtLeastTheFactorWithinTheFirstEpoch()
    {
        const string claim = "the normalized first level spacing";
        double f = Paper1Report.SpacingJumpFactor;
        Assert.That(Verdict(With(Row(0, spacing: 1.2), Row(0.5, spacing: f * 1.2), Row(2, spacing: 1)), claim), Is.True, "exactly the factor");
        Assert.That(Verdict(With(Row(0, spacing: 1.2), Row(0.5, spacing: f * 1.2 * 0.99), Row(2, spacing: 100)), claim), Is.False,
            "a jump after the first epoch does not count");
        Assert.That(Verdict(With(Row(0, spacing: 1.2), Row(2, spacing: 100)), claim), Is.Null, "no checkpoint in (0, 1]: not judged");
    }

    [Test]
    public void Table1Error_WithinTheAgreementAfterThePapersEpochs_NotJudgedBefore()
    {
        const string claim = "validation error reached";
        double a = Paper1Report.Table1Agreement, paper = Standard.PaperValidationError;
        Assert.That(Verdict(With(Row(0), Row(60, valError: paper * (1 + 0.99 * a))), claim), Is.True);
        Assert.That(Verdict(With(Row(0), Row(60, valError: paper * (1 - 0.99 * a))), claim), Is.True);
        Assert.That(Verdict(With(Row(0), Row(60, valError: paper * (1 + 1.01 * a))), claim), Is.False);
        var shorter = Standard with { Epochs = 15 };
        Assert.That(Verdict(With(Row(0), Row(15, valError: paper)), claim, shorter), Is.Null, "fewer epochs than the paper's: not judged");
    }

    [Test]
    public void ReplicaAgreement_TcAtTheCurveMinimumWithinFivePercent()
    {
        const string claim = "T_c(t = 0) agrees with the replica T_c";
        double replica = ReplicaHessian.CriticalTemperature(_shell.Initial.Widths, [2.0]);
        double a = Paper1Report.ReplicaAgreement;
        TrajectoryResult At(double tc) => _shell with { Rows = [Row(0), Row(1)], Initial = _shell.Initial with { CurveMinBeta = 1 / tc } };
        Assert.That(Verdict(At(replica * (1 + 0.99 * a)), claim), Is.True);
        Assert.That(Verdict(At(replica * (1 - 0.99 * a)), claim), Is.True);
        Assert.That(Verdict(At(replica * (1 + 1.01 * a)), claim), Is.False);
        Assert.That(Verdict(At(replica * (1 - 1.01 * a)), claim), Is.False);
    }
}
