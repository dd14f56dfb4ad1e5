using NeuralSpin.Trajectory;
using NUnit.Framework;

namespace NeuralSpin.Tests.Trajectory;

/// <summary>
/// <c>trajectory.csv</c>'s text, checked against lines written by hand from its documented rules (TrajectoryCsv's doc
/// comment and the README's column list): header from <see cref="TrajectoryAnalyzer.AllColumns"/>, invariant round-trip
/// numbers, an empty field for a missing value (null or NaN) and for an infinite log norm, "\n" line ends.
/// </summary>
public class TrajectoryCsvTests
{
    [Test]
    public void Format_WritesHeaderAndRows_ByTheDocumentedRules()
    {
        var layer0 = new LayerPoint("layers.0.weight", 3.25, 0.0625, 2, 1.5, double.NegativeInfinity, 0.1, 7.0);
        var layer1 = new LayerPoint("layers.1.weight", null, null, 0, null, 0.30102999566398120, double.NaN, 1.0);
        var rows = new[]
        {
            new TrajectoryRow(0, 0, null, null, 1.25, -0.5, 3.6174321193832304, 0.1, 0, null) { Layers = [layer0, layer1] },
            new TrajectoryRow(0.5, 117, 0.0243, 1.9664404032418608, double.NaN, 1e-17, 4, 0.2, -0.001, 8.5) { Layers = [layer0, layer1] },
        };

        string text = TrajectoryCsv.Format(rows);

        string header = "epoch,step,val_error,tc,tc_corrected,curve_min_lambda,lambda_max_j,lambda_min_r,lambda_min_r_change,first_level_spacing_ratio,"
            + "layer0_alpha,layer0_ks_distance,layer0_num_spikes,layer0_alpha_weighted,layer0_log_spectral_norm,layer0_log_frobenius_norm,layer0_stable_rank,"
            + "layer1_alpha,layer1_ks_distance,layer1_num_spikes,layer1_alpha_weighted,layer1_log_spectral_norm,layer1_log_frobenius_norm,layer1_stable_rank";
        string layers = "3.25,0.0625,2,1.5,,0.1,7,,,0,,0.3010299956639812,,1";
        Assert.That(text, Is.EqualTo(
            header + "\n"
            + "0,0,,,1.25,-0.5,3.6174321193832304,0.1,0,," + layers + "\n"
            + "0.5,117,0.0243,1.9664404032418608,,1E-17,4,0.2,-0.001,8.5," + layers + "\n"));
    }

    [Test]
    public void Format_NoRows_IsTheSpinModelHeaderAlone()
    {
        Assert.That(TrajectoryCsv.Format([]), Is.EqualTo(string.Join(",", TrajectoryAnalyzer.Columns) + "\n"));
    }

    [Test]
    public void Format_RowsWithDifferentLayerCounts_AreRefused()
    {
        var l = new LayerPoint("w", 1, 1, 0, 1, 0, 0, 1);
        var rows = new[]
        {
            new TrajectoryRow(0, 0, null, null, null, 0, 1, 0, 0, null) { Layers = [l] },
            new TrajectoryRow(1, 1, null, null, null, 0, 1, 0, 0, null) { Layers = [l, l] },
        };
        Assert.That(() => TrajectoryCsv.Format(rows), Throws.ArgumentException.With.Message.Contains("same number of layers"));
    }
}
