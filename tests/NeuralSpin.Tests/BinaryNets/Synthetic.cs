using NeuralSpin.Numerics;
using NeuralSpin.BinaryNets;
using NeuralSpin.Training;

namespace NeuralSpin.Tests.BinaryNets;

/// <summary>Synthetic data for the BinaryNets tests, from SplitMixRandom (no libtorch state).</summary>
static class Synthetic
{
    /// <summary>A standard normal draw (Box-Muller).</summary>
    public static double Normal(ref SplitMixRandom rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>
    /// Gaussian blobs: class c has centre m_c with entries +-<paramref name="separation"/> (random signs),
    /// samples m_c + N(0, 1) per coordinate, labels uniform over the classes.
    /// </summary>
    public static TrainingData Blobs(int dim, int classes, int trainCount, int testCount, double separation, long seed)
    {
        var rng = new SplitMixRandom(seed);
        var centres = new double[classes, dim];
        for (int c = 0; c < classes; c++)
            for (int i = 0; i < dim; i++) centres[c, i] = rng.NextDouble() < 0.5 ? -separation : separation;
        (float[] X, byte[] Y) Make(int n, ref SplitMixRandom r)
        {
            var x = new float[n * dim];
            var y = new byte[n];
            for (int s = 0; s < n; s++)
            {
                int c = (int)(r.NextUInt64() % (ulong)classes);
                y[s] = (byte)c;
                for (int i = 0; i < dim; i++) x[s * dim + i] = (float)(centres[c, i] + Normal(ref r));
            }
            return (x, y);
        }
        var (trX, trY) = Make(trainCount, ref rng);
        var (teX, teY) = Make(testCount, ref rng);
        return new TrainingData(trX, trY, teX, teY, dim);
    }
}
