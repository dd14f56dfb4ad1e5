namespace NeuralSpin.Spectra;

/// <summary>
/// The normalized first level spacing of P1 sec. 3.3 (docs/theory.md section 6): for ascending
/// eigenvalues e_0 &lt;= e_1 &lt;= ..., s_0 = e_1 - e_0, s_typ = median of all consecutive spacings, and the
/// ratio s_0 / s_typ.
/// </summary>
public static class LevelSpacing
{
    /// <summary>Consecutive spacings e_{i+1} - e_i of the ascending-sorted copy of <paramref name="eigenvalues"/>.</summary>
    public static double[] Spacings(IReadOnlyList<double> eigenvalues)
    {
        var e = eigenvalues.OrderBy(x => x).ToArray();
        var s = new double[Math.Max(0, e.Length - 1)];
        for (int i = 0; i + 1 < e.Length; i++) s[i] = e[i + 1] - e[i];
        return s;
    }

    /// <summary>s_0 / s_typ, or null when it does not exist (fewer than two eigenvalues or a zero median spacing).</summary>
    public static double? FirstSpacingRatio(IReadOnlyList<double> eigenvalues)
    {
        var s = Spacings(eigenvalues);
        if (s.Length == 0) return null;
        double med = Median(s);
        if (!(med > 0)) return null;
        return s[0] / med;
    }

    /// <summary>Median (the mean of the two middle values for an even count).</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("median of an empty list");
        var v = values.OrderBy(x => x).ToArray();
        int n = v.Length;
        return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    }
}
