namespace NeuralSpin.Spectra;

/// <summary>
/// The normalized first level spacing of P1 sec. 3.3 (docs/theory.md section 6): for ascending
/// eigenvalues e_0 &lt;= e_1 &lt;= ..., s_0 = e_1 - e_0, s_typ = median of all consecutive spacings, and the
/// ratio s_0 / s_typ.
/// </summary>
public static class LevelSpacing
{
    /// <summary>Consecutive spacings e_{i+1} - e_i of the ascending-sorted copy of <paramref name="eigenvalues"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="eigenvalues"/> is null.</exception>
    /// <exception cref="ArgumentException">An eigenvalue is NaN or infinite.</exception>
    public static double[] Spacings(IReadOnlyList<double> eigenvalues)
    {
        ArgumentNullException.ThrowIfNull(eigenvalues);
        for (int i = 0; i < eigenvalues.Count; i++)
            if (!double.IsFinite(eigenvalues[i]))
                throw new ArgumentException($"eigenvalue {i} is {eigenvalues[i]}: spacings need finite eigenvalues", nameof(eigenvalues));
        var e = eigenvalues.OrderBy(x => x).ToArray();
        var s = new double[Math.Max(0, e.Length - 1)];
        for (int i = 0; i + 1 < e.Length; i++) s[i] = e[i + 1] - e[i];
        return s;
    }

    /// <summary>s_0 / s_typ, or null when it does not exist (fewer than two eigenvalues or a zero median spacing).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="eigenvalues"/> is null.</exception>
    /// <exception cref="ArgumentException">An eigenvalue is NaN or infinite.</exception>
    public static double? FirstSpacingRatio(IReadOnlyList<double> eigenvalues)
    {
        var s = Spacings(eigenvalues);
        if (s.Length == 0) return null;
        double med = Median(s);
        if (!(med > 0)) return null;
        return s[0] / med;
    }

    /// <summary>Median (the mean of the two middle values for an even count).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is null.</exception>
    /// <exception cref="ArgumentException">The list is empty or holds a NaN (which has no place in the order).</exception>
    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) throw new ArgumentException("median of an empty list");
        for (int i = 0; i < values.Count; i++)
            if (double.IsNaN(values[i])) throw new ArgumentException($"value {i} is NaN: the median needs ordered values", nameof(values));
        // Stryker disable once Linq : the middle element, or the mean of the two middle ones, is the same sorted either way
        var v = values.OrderBy(x => x).ToArray();
        int n = v.Length;
        return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    }
}
