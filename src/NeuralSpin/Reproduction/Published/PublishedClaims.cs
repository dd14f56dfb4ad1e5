using System.Globalization;
using NeuralSpin.Ising;

namespace NeuralSpin.Reproduction.Published;

/// <summary>
/// The claims of P2 judged on the published models: the claim list of <see cref="Paper2Verdicts.Claims"/> (C1-C11, with the
/// same thresholds) read on the authors' models (deep layers: under-para LB, ITER, RB; the whole deep network: the pseudolikelihood
/// FULL model; shallow: shallow FULL), plus the under- vs over-parameterized contrast (C12) and the MNIST vs Fashion-MNIST
/// contrast (C13) where those models are present. A claim whose models are missing is not judged (holds = null).
/// </summary>
public static class PublishedClaims
{
    static string F(double v, string fmt = "F4") => v.ToString(fmt, CultureInfo.InvariantCulture);

    /// <summary>A model's landscape verdict over its references: the shared rule's verdicts combined (<see cref="LandscapeVerdict.Combine"/>:
    /// the worst of them; unresolved without a landscape).</summary>
    public static LandscapeKind Verdict(PublishedModelResult m)
    {
        ArgumentNullException.ThrowIfNull(m);
        return LandscapeVerdict.Combine(m.Landscapes.Select(l => l.Verdict.Kind));
    }

    /// <summary>Evaluates the claims.</summary>
    public static IReadOnlyList<Paper2Claim> Evaluate(PublishedResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        PublishedModelResult? Get(string id) => r.Models.FirstOrDefault(m => m.Model.Id == id);
        IReadOnlyList<PublishedModelResult> Layers(string folder) =>
            new[] { "LB", "ITER", "RB" }.Select(s => Get($"{folder}/{s}")).Where(m => m is not null).Select(m => m!).ToList();
        var up = Layers("under-para");
        var op = Layers("over-para");
        var fa = Layers("fashion");
        var shallow = Get("shallow/FULL");
        var full = Get("under-para/FULL-pl");
        PublishedModelResult? input = Get("under-para/LB"), middle = Get("under-para/ITER"), output = Get("under-para/RB");
        bool three = input is not null && middle is not null && output is not null;
        string V(PublishedModelResult m) => $"{m.Model.Id}: {LandscapeVerdict.NameOf(Verdict(m))} ({string.Join("; ", m.Landscapes.Select(l => $"{l.ReferenceLabel}: {l.Verdict.Reason}"))})";
        string Short(PublishedModelResult m) => $"{m.Model.Id} {LandscapeVerdict.NameOf(Verdict(m))}";
        bool? Connected(IReadOnlyList<PublishedModelResult> ms) =>
            ms.Count == 0 ? null : ms.Any(m => Verdict(m) == LandscapeKind.FirstOrder) ? false : ms.Any(m => Verdict(m) == LandscapeKind.Unresolved) ? null : true;
        string S0(PublishedModelResult m) => $"{m.Model.Id} s(0) = {F(m.EntropyAtZero)} (d(0) = {F(m.DistanceAtZero, "F3")})";
        bool Finite(params PublishedModelResult[] ms) => ms.All(m => double.IsFinite(m.EntropyAtZero));
        var claims = new List<Paper2Claim>();
        const string rule = "verdicts by the shared landscape rule (docs/theory.md section 7); a model's verdict is the worst over its references (first-order > unresolved > steep-continuous > smooth)";

        var deepForLandscape = full is { Landscapes.Count: > 0 } ? up.Append(full).ToList() : up.ToList();
        claims.Add(new("C1", "Deep network: d(x) continuous, no hysteresis: a connected weight space (sec. IV.1, Fig. 5a)",
            deepForLandscape.Count == 0 ? "no deep model present" : string.Join("; ", deepForLandscape.Select(V)), "smooth, no hysteresis",
            Connected(deepForLandscape), "under-parameterized MNIST models" + (deepForLandscape.Count > up.Count ? " and the pseudolikelihood model of all 675 weights" : "") + "; " + rule));
        claims.Add(new("C2", "Shallow network: first-order transition in d(x): a broken weight space (sec. IV.3, Fig. 5c)",
            shallow is null ? "not present" : V(shallow), "discontinuous d(x) with a hysteresis loop",
            shallow is null || Verdict(shallow) == LandscapeKind.Unresolved ? null : Verdict(shallow) == LandscapeKind.FirstOrder, rule));
        claims.Add(new("C3", "Depth contrast: the shallow landscape is first order while every deep layer is connected",
            shallow is null || up.Count == 0 ? "missing models" : $"{Short(shallow)}; {string.Join(", ", up.Select(Short))}", "shallow broken, deep connected",
            shallow is null || up.Count == 0 ? null : Verdict(shallow) != LandscapeKind.FirstOrder || up.Any(m => Verdict(m) == LandscapeKind.FirstOrder) ? false
                : up.Any(m => Verdict(m) == LandscapeKind.Unresolved) || Verdict(shallow) == LandscapeKind.Unresolved ? null : true, "the central contrast of P2"));
        claims.Add(new("C4", "The interior (middle) layer has the highest entropy per weight of the three layers (sec. IV.1, Fig. 5a)",
            three ? string.Join("; ", new[] { input!, middle!, output! }.Select(S0)) : "missing models", "interior highest",
            three && Finite(input!, middle!, output!) ? middle!.EntropyAtZero > input!.EntropyAtZero && middle.EntropyAtZero > output!.EntropyAtZero : null,
            "Bethe entropy per weight at x = 0 around the Em reference"));
        claims.Add(new("C5", "The interior layer's entropy nearly saturates the upper bound, close to ln 2 per weight (sec. IV.1)",
            middle is null ? "not present" : $"s(0) = {F(middle.EntropyAtZero)} = {F(middle.EntropyAtZero / Math.Log(2), "F3")} ln 2; s(0)/bound(d(0)) = {F(middle.EntropyAtZero / EntropyLandscape.BinaryEntropy(middle.DistanceAtZero), "F3")}",
            "nearly saturates the bound", middle is null || !Finite(middle) ? null : middle.EntropyAtZero / EntropyLandscape.BinaryEntropy(middle.DistanceAtZero) >= Paper2Verdicts.SaturationRatio,
            $"holds if s(0)/bound(d(0)) >= {F(Paper2Verdicts.SaturationRatio, "G3")}"));
        claims.Add(new("C6", "The left boundary (input layer) is the most constrained: lowest entropy (sec. IV.1)",
            three ? string.Join("; ", new[] { input!, middle!, output! }.Select(S0)) : "missing models", "input lowest",
            three && Finite(input!, middle!, output!) ? input!.EntropyAtZero < middle!.EntropyAtZero && input.EntropyAtZero < output!.EntropyAtZero : null, ""));
        string Tap(PublishedModelResult m) => $"{m.Model.Id}: {m.Tap.Search.Converged}/{m.Tap.Search.Converged + m.Tap.Search.NotConverged} starts converged, {m.Tap.Search.FixedPoints.Count} fixed points, {m.Tap.Peaks} peak(s)";
        claims.Add(new("C7", "TAP free-energy distribution: single peak for the deep network (sec. IV.4, Fig. 8)",
            up.Count == 0 ? "missing" : string.Join("; ", up.Select(Tap)), "single peak",
            up.Count == 0 || up.Any(m => m.Tap.Search.Converged == 0) ? null : up.All(m => m.Tap.Peaks == 1), $"peaks: sorted free energies split at gaps > {F(TapStage.PeakGap, "G3")} per spin"));
        claims.Add(new("C8", "TAP free-energy distribution: two peaks for the shallow network (sec. IV.4, Fig. 8)",
            shallow is null ? "missing" : Tap(shallow), "double peak", shallow is null || shallow.Tap.Search.Converged == 0 ? null : shallow.Tap.Peaks >= 2, ""));
        string Mc(PublishedModelResult m) => m.Dynamics is { } d
            ? $"{m.Model.Id}: overlap {F(d.Trace[0].Overlap, "F3")} -> {F(d.Trace[^1].Overlap, "F3")}, test accuracy {F(d.Trace[0].Observed, "F3")} -> {F(d.Trace[^1].Observed, "F3")} after {d.Trace[^1].Sweep} sweeps"
            : $"{m.Model.Id}: no dynamics (no reference or test set)";
        var deepMc = (full is not null ? new[] { full } : up.ToArray()).Where(m => m.Dynamics is not null).ToList();
        claims.Add(new("C9", "MC dynamics from a reference: the deep model drifts away freely (sec. IV.4, Fig. 9)",
            deepMc.Count == 0 ? "missing" : string.Join("; ", deepMc.Select(Mc)), "leaves the reference, accuracy falls",
            deepMc.Count == 0 ? null : deepMc.All(m => m.Dynamics!.Trace[^1].Overlap < Paper2Verdicts.EscapedOverlap),
            (full is null ? "layer models, the other layers held at the reference; " : "the model of all 675 weights; ") + $"holds if the final overlap < {F(Paper2Verdicts.EscapedOverlap, "G3")}"));
        claims.Add(new("C10", "MC dynamics of the shallow model stays trapped in the reference's basin (sec. IV.4, Fig. 9)",
            shallow?.Dynamics is null ? "missing" : Mc(shallow), "trapped", shallow?.Dynamics is null ? null : shallow.Dynamics.Trace[^1].Overlap > Paper2Verdicts.TrappedOverlap,
            $"holds if the final overlap > {F(Paper2Verdicts.TrappedOverlap, "G3")}"));
        claims.Add(new("C11", "The full deep network behaves like the right boundary (sec. IV.1)",
            full is null || !three ? "missing models" : string.Join("; ", new[] { full, input!, middle!, output! }.Select(m => $"{S0(m)}, {(m.Landscapes.Count == 0 ? "no landscape" : LandscapeVerdict.NameOf(Verdict(m)))}")),
            "full ~ output layer", full is null || !three || !Finite(full, input!, middle!, output!) ? null
                : Math.Abs(full.EntropyAtZero - output!.EntropyAtZero) < Math.Abs(full.EntropyAtZero - input!.EntropyAtZero)
                  && Math.Abs(full.EntropyAtZero - output.EntropyAtZero) < Math.Abs(full.EntropyAtZero - middle!.EntropyAtZero) && (full.Landscapes.Count == 0 || Verdict(full) == Verdict(output)),
            "the full model is the authors' pseudolikelihood fit (their Boltzmann-learned J_FULL is not in the public snapshot); holds if its s(0) is nearest the output layer's and, where its landscape was computed, its verdict is the output layer's; without a landscape its s(0) is the Bethe entropy at x = 0"));
        claims.Add(new("C12", "Under- and over-parameterized weight spaces belong to the same class: well connected (abstract, sec. IV.2)",
            up.Count == 0 || op.Count == 0 ? "missing models" : $"under: {string.Join(", ", up.Select(Short))}; over: {string.Join(", ", op.Select(Short))}",
            "both connected", up.Count == 0 || op.Count == 0 ? null : Paper2Verdicts.BothConnected(Connected(up), Connected(op)),
            "holds if no layer of either ensemble is first order (and none unresolved)"));
        claims.Add(new("C13", "Fashion-MNIST deep layers: the same connected weight space as MNIST, with the interior layer of highest entropy",
            fa.Count == 0 ? "missing models" : string.Join("; ", fa.Select(m => $"{Short(m)}, {S0(m)}")), "connected, interior highest",
            fa.Count < 3 || !Finite(fa.ToArray()) || Connected(fa) is not bool c ? null : c && fa[1].EntropyAtZero > fa[0].EntropyAtZero && fa[1].EntropyAtZero > fa[2].EntropyAtZero,
            "the published Fashion-MNIST models; no reference configurations are published for them, so each landscape is taken around a configuration drawn from the model by 200 heat-bath sweeps"));
        return claims;
    }
}
