using System.Globalization;
using NeuralSpin.IO;
using NeuralSpin.SpinModel;

namespace NeuralSpin.Tests.Trajectory;

/// <summary>
/// A synthetic training run in the trainer's checkpoint format (RUN_DIR/checkpoints/*.safetensors,
/// weights layers.{k}.weight of shape (out, in), string metadata epoch/step/lr/seed/program/widths/
/// val_error/train_loss/samples_per_second). "Training" adds to a Kaiming-normal network (C = 2) a
/// growing rank-one ferromagnetic (Mattis) component g(t) xi^(k-1) xi^(k)^T / sqrt(N_{k-1} N_k) in every
/// block, with one +-1 pattern xi per layer and g(t) = G sqrt(t), so that T_c grows along the run.
/// </summary>
public static class SyntheticRun
{
    /// <summary>Epochs of the default run (not a multiple of one another, fractional ones included).</summary>
    public static readonly double[] DefaultEpochs = [0, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100];

    public const int StepsPerEpoch = 1875;

    /// <summary>Writes the run into <paramref name="runDir"/>; returns the checkpoint paths in epoch order.</summary>
    /// <param name="runDir">Run directory (created).</param>
    /// <param name="epochs">Checkpoint times in epochs.</param>
    /// <param name="widths">Layer widths.</param>
    /// <param name="strength">G of g(t) = G sqrt(t).</param>
    /// <param name="withoutValError">Epochs whose checkpoint has no val_error entry.</param>
    /// <param name="seed">Seed of the initial weights and patterns.</param>
    public static List<string> Write(string runDir, double[]? epochs = null, int[]? widths = null, double strength = 0.8,
        double[]? withoutValError = null, int seed = 7)
    {
        epochs ??= DefaultEpochs;
        widths ??= [30, 20, 10];
        var rng = new Random(seed);
        var j0 = BondMatrix.Sample(widths, Enumerable.Repeat(2.0, widths.Length - 1).ToArray(), rng);
        var xi = widths.Select(n => Enumerable.Range(0, n).Select(_ => rng.Next(2) == 0 ? -1.0 : 1.0).ToArray()).ToArray();
        string dir = Path.Combine(runDir, "checkpoints");
        Directory.CreateDirectory(dir);
        var paths = new List<string>();
        foreach (double t in epochs)
        {
            double g = strength * Math.Sqrt(t);
            var blocks = new List<double[]>();
            for (int k = 1; k < widths.Length; k++)
            {
                var b = j0.BlockCopy(k); // N_{k-1} x N_k, row-major
                int rows = widths[k - 1], cols = widths[k];
                double s = g / Math.Sqrt(rows * cols);
                for (int i = 0; i < rows; i++)
                    for (int jj = 0; jj < cols; jj++)
                        b[i * cols + jj] += s * xi[k - 1][i] * xi[k][jj];
                blocks.Add(b);
            }
            var bonds = new BondMatrix(widths, blocks);
            long step = (long)Math.Round(t * StepsPerEpoch);
            var meta = new Dictionary<string, string>
            {
                ["epoch"] = t.ToString("R", CultureInfo.InvariantCulture),
                ["step"] = step.ToString(CultureInfo.InvariantCulture),
                ["lr"] = "0.0001",
                ["seed"] = seed.ToString(CultureInfo.InvariantCulture),
                ["program"] = "synthetic",
                ["widths"] = string.Join(",", widths),
                ["train_loss"] = (1 / (1 + t)).ToString("R", CultureInfo.InvariantCulture),
                ["samples_per_second"] = "12345.6",
            };
            if (withoutValError is null || !withoutValError.Contains(t))
                meta["val_error"] = (0.9 / Math.Sqrt(1 + 4 * t) + 0.02).ToString("R", CultureInfo.InvariantCulture);
            // names that sort differently from the steps ("epoch-10" before "epoch-2")
            string path = Path.Combine(dir, $"epoch-{t.ToString(CultureInfo.InvariantCulture)}.safetensors");
            WeightFile.Save(path, bonds, "F32", meta);
            paths.Add(path);
        }
        return paths;
    }

    /// <summary>
    /// Rewrites checkpoint <paramref name="path"/> (F32, metadata kept) with <paramref name="count"/> entries of
    /// tensor <paramref name="tensor"/> set to <paramref name="value"/> (NaN or an infinity, as a diverged run
    /// leaves them), starting at flat index <paramref name="first"/> and every third entry after it.
    /// </summary>
    public static void Poison(string path, double value, int count = 1, string tensor = "layers.1.weight", int first = 3)
    {
        var (tensors, meta) = SafeTensors.Read(path);
        var copy = tensors.Select(t => t with { Data = (double[])t.Data.Clone() }).ToList();
        var target = copy.Single(t => t.Name == tensor);
        for (int i = 0; i < count; i++) target.Data[first + 3 * i] = value;
        SafeTensors.Write(path, copy, meta, "F32");
    }
}
