using NeuralSpin.Numerics;

namespace NeuralSpin.Tests.BinaryNets;

/// <summary>
/// The training-noise stream of docs/theory.md section 7 ("The noise stream") written out independently of the library's
/// lane code: the scalar Philox-4x32-10 (checked against its published answers) and Box-Muller in double precision,
/// rounded to float. The library's values (float log, cos and sin of its own) agree with these to a few float ulp.
/// </summary>
static class NoiseReference
{
    /// <summary>Normals 0 .. count - 1 of step <paramref name="step"/> of the network of seed <paramref name="seed"/>.</summary>
    public static float[] Step(long seed, long step, int count)
    {
        ulong key = unchecked((ulong)Seeds.Stream(seed, SeedStreams.Noise));
        var z = new float[count];
        for (int j = 0; 4 * j < count; j++)
        {
            var (x0, x1, x2, x3) = Philox4x32.Block((uint)j, (uint)step, (uint)((ulong)step >> 32), 0, (uint)key, (uint)(key >> 32));
            var (a, b) = BoxMuller(x0, x1);
            var (c, d) = BoxMuller(x2, x3);
            double[] four = [a, b, c, d];
            for (int i = 0; i < 4 && 4 * j + i < count; i++) z[4 * j + i] = (float)four[i];
        }
        return z;
    }

    /// <summary>u = (floor(x0 / 2^8) + 1) / 2^24, v = floor(x1 / 2^8) / 2^24, r = sqrt(-2 ln u): (r cos 2 pi v, r sin 2 pi v).</summary>
    public static (double Z0, double Z1) BoxMuller(uint x0, uint x1)
    {
        double u = ((x0 >> 8) + 1) / 16777216.0, v = (x1 >> 8) / 16777216.0;
        double r = Math.Sqrt(-2 * Math.Log(u));
        return (r * Math.Cos(2 * Math.PI * v), r * Math.Sin(2 * Math.PI * v));
    }
}
