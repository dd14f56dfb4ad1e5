using NUnit.Framework;
using NeuralSpin.SpinModel;
using NeuralSpin.Tap;
using NeuralSpin.Tests.Support;
using static NeuralSpin.Tests.Support.ArgumentCheck;

namespace NeuralSpin.Tests.Tap;

/// <summary>
/// The argument checks of the TAP solvers, the TAP free energy, the linearized operator, the chi recurrence, the
/// lambda_min curve and the transition search, one row per throw site: the call with one invalid argument, the exact
/// exception type, its ParamName and what its message says.
/// </summary>
[NonParallelizable]
public class ArgumentCheckTests
{
    /// <summary>Two spins, J_01 = 0.3: the smallest valid coupling.</summary>
    static DenseCoupling J2() => new(2, new[] { 0, 0.3, 0.3, 0 });

    static readonly double[] Zero2 = new double[2], Zero3 = new double[3];

    /// <summary>A coupling that reports row square sums of the wrong length (an inconsistent implementation).</summary>
    sealed class WrongRowSums : ISymmetricCoupling
    {
        public int Size => 2;
        public void Multiply(ReadOnlySpan<double> x, Span<double> y) => y.Clear();
        public void MultiplySquared(ReadOnlySpan<double> x, Span<double> y) => y.Clear();
        public double[] RowSquareSums() => new double[3];
        public double[] ToDenseRowMajor() => new double[4];
    }

    /// <summary>J_01 = 0.3 with products that check nothing (a user's implementation): the callers' own checks must hold.</summary>
    sealed class UncheckedCoupling : ISymmetricCoupling
    {
        public int Size => 2;
        public void Multiply(ReadOnlySpan<double> x, Span<double> y) { double x0 = x[0], x1 = x[1]; y[0] = 0.3 * x1; y[1] = 0.3 * x0; }
        public void MultiplySquared(ReadOnlySpan<double> x, Span<double> y) { double x0 = x[0], x1 = x[1]; y[0] = 0.09 * x1; y[1] = 0.09 * x0; }
        public double[] RowSquareSums() => [0.09, 0.09];
        public double[] ToDenseRowMajor() => [0, 0.3, 0.3, 0];
    }

    static IEnumerable<ArgumentCheck> TapSolverChecks()
    {
        // TapSolver.Solve
        yield return Null("TapSolver.Solve: the coupling must not be null", "j", () => TapSolver.Solve(null!, 1));
        yield return Range("TapSolver.Solve: beta must be finite and non-negative - NaN", "beta", "beta must be finite and >= 0",
            () => TapSolver.Solve(J2(), double.NaN));
        yield return Range("TapSolver.Solve: beta must be finite and non-negative - negative", "beta", "beta must be finite and >= 0",
            () => TapSolver.Solve(J2(), -0.5));
        yield return Range("TapSolver.Solve: beta must be finite and non-negative - infinity", "beta", "beta must be finite and >= 0",
            () => TapSolver.Solve(J2(), double.PositiveInfinity));
        yield return Range("TapSolver.Solve: the tolerance must be positive", "options", "tolerance must be > 0",
            () => TapSolver.Solve(J2(), 1, new TapSolverOptions { Tolerance = 0 }));
        yield return Range("TapSolver.Solve: the tolerance must be positive - NaN", "options", "tolerance must be > 0",
            () => TapSolver.Solve(J2(), 1, new TapSolverOptions { Tolerance = double.NaN }));
        yield return Range("TapSolver.Solve: at least one iteration", "options", "at least one iteration is needed",
            () => TapSolver.Solve(J2(), 1, new TapSolverOptions { MaxIterations = 0 }));
        yield return Range("TapSolver.Solve: damping must lie in [0, 1) - one", "options", "damping must lie in [0, 1)",
            () => TapSolver.Solve(J2(), 1, new TapSolverOptions { Damping = 1 }));
        yield return Range("TapSolver.Solve: damping must lie in [0, 1) - negative", "options", "damping must lie in [0, 1)",
            () => TapSolver.Solve(J2(), 1, new TapSolverOptions { Damping = -0.1 }));
        yield return Range("TapSolver.Solve: damping must lie in [0, 1) - NaN", "options", "damping must lie in [0, 1)",
            () => TapSolver.Solve(J2(), 1, new TapSolverOptions { Damping = double.NaN }));
        yield return Arg("TapSolver.Solve: one field per spin", "options", "expected 2 fields, got 3",
            () => TapSolver.Solve(J2(), 1, new TapSolverOptions { Fields = new double[3] }));
        yield return Arg("TapSolver.Solve: fields must be finite", "options", "fields must be finite",
            () => TapSolver.Solve(J2(), 1, new TapSolverOptions { Fields = new[] { 0, double.NaN } }));
        yield return Arg("TapSolver.Solve: one initial magnetization per spin", "options", "expected 2 initial magnetizations, got 1",
            () => TapSolver.Solve(J2(), 1, new TapSolverOptions { InitialMagnetizations = new double[1] }));
        yield return Arg("TapSolver.Solve: initial magnetizations must be finite", "options", "initial magnetizations must be finite",
            () => TapSolver.Solve(J2(), 1, new TapSolverOptions { InitialMagnetizations = new[] { double.PositiveInfinity, 0 } }));
        yield return Arg("TapSolver.SolveOrThrow: checks as Solve", "options", "expected 2 fields, got 3",
            () => TapSolver.SolveOrThrow(J2(), 1, new TapSolverOptions { Fields = new double[3] }));

        // TapSolver.SolveSequential
        yield return Null("TapSolver.SolveSequential: the coupling must not be null", "j", () => TapSolver.SolveSequential(null!, 1));
        yield return Range("TapSolver.SolveSequential: beta must be finite and non-negative", "beta", "beta must be finite and >= 0",
            () => TapSolver.SolveSequential(J2(), -1));
        yield return Range("TapSolver.SolveSequential: the tolerance must be positive", "options", "tolerance must be > 0",
            () => TapSolver.SolveSequential(J2(), 1, new TapSolverOptions { Tolerance = -1 }));
        yield return Range("TapSolver.SolveSequential: at least one sweep", "options", "at least one sweep is needed",
            () => TapSolver.SolveSequential(J2(), 1, new TapSolverOptions { MaxIterations = 0 }));
        yield return Arg("TapSolver.SolveSequential: no damping", "options", "take no damping; set Damping = 0",
            () => TapSolver.SolveSequential(J2(), 1, new TapSolverOptions { Damping = 0.5 }));
        yield return Arg("TapSolver.SolveSequential: one field per spin", "options", "expected 2 fields, got 1",
            () => TapSolver.SolveSequential(J2(), 1, new TapSolverOptions { Fields = new double[1] }));
        yield return Arg("TapSolver.SolveSequential: fields must be finite", "options", "fields must be finite",
            () => TapSolver.SolveSequential(J2(), 1, new TapSolverOptions { Fields = new[] { double.NegativeInfinity, 0 } }));
        yield return Arg("TapSolver.SolveSequential: one initial magnetization per spin", "options", "expected 2 initial magnetizations, got 3",
            () => TapSolver.SolveSequential(J2(), 1, new TapSolverOptions { InitialMagnetizations = new double[3] }));
        yield return Arg("TapSolver.SolveSequential: initial magnetizations must be finite", "options", "initial magnetizations must be finite",
            () => TapSolver.SolveSequential(J2(), 1, new TapSolverOptions { InitialMagnetizations = new[] { 0, double.NaN } }));

        // TapSolver.Step
        yield return Null("TapSolver.Step: the coupling must not be null", "j",
            () => TapSolver.Step(null!, 1, default, new double[2], new double[2], new double[2]));
        yield return Arg("TapSolver.Step: all vectors of length N", null, "all vectors must have length 2 (fields may be empty)",
            () => TapSolver.Step(J2(), 1, default, new double[2], new double[3], new double[2]));
        yield return Arg("TapSolver.Step: fields of length N or empty", null, "all vectors must have length 2",
            () => TapSolver.Step(J2(), 1, new double[1], new double[2], new double[2], new double[2]));
        yield return Arg("TapSolver.Step: the output must not overlap the inputs", "next", "the output must not overlap the inputs",
            () => { var m = new double[2]; TapSolver.Step(J2(), 1, default, new double[2], m, m); });

        // TapSolver.Residuals and MaxResidual
        yield return Null("TapSolver.Residuals: the coupling must not be null", "j", () => TapSolver.Residuals(null!, 1, default, Zero2));
        yield return Arg("TapSolver.Residuals: vectors of length N", null, "vectors must have length 2",
            () => TapSolver.Residuals(J2(), 1, default, Zero3));
        yield return Arg("TapSolver.MaxResidual: fields of length N or empty", null, "vectors must have length 2",
            () => TapSolver.MaxResidual(J2(), 1, new double[1], Zero2));
    }

    static IEnumerable<ArgumentCheck> TapNewtonChecks()
    {
        // Hessian and SmallestHessianEigenvalue
        yield return Null("TapNewton.Hessian: the coupling must not be null", "j", () => TapNewton.Hessian(null!, 1, Zero2));
        yield return Range("TapNewton.Hessian: beta must be finite and positive", "beta", "beta must be finite and > 0",
            () => TapNewton.Hessian(J2(), 0, Zero2));
        yield return Arg("TapNewton.Hessian: one magnetization per spin", "m", "expected 2 magnetizations, got 3",
            () => TapNewton.Hessian(J2(), 1, Zero3));
        yield return Arg("TapNewton.SmallestHessianEigenvalue: magnetizations strictly inside the unit interval", "m",
            "magnetization m[1] = -1 must lie strictly inside (-1, 1)",
            () => TapNewton.SmallestHessianEigenvalue(J2(), 1, new[] { 0, -1.0 }));

        // Solve
        yield return Null("TapNewton.Solve: the coupling must not be null", "j", () => TapNewton.Solve(null!, 1, Zero2));
        yield return Range("TapNewton.Solve: beta must be finite and positive - zero", "beta", "beta must be finite and > 0",
            () => TapNewton.Solve(J2(), 0, Zero2));
        yield return Range("TapNewton.Solve: beta must be finite and positive - infinity", "beta", "beta must be finite and > 0",
            () => TapNewton.Solve(J2(), double.PositiveInfinity, Zero2));
        yield return Arg("TapNewton.Solve: one starting magnetization per spin", "initial", "expected 2 starting magnetizations, got 3",
            () => TapNewton.Solve(J2(), 1, Zero3));
        yield return Range("TapNewton.Solve: the tolerance must be positive", "options", "Tolerance must be > 0",
            () => TapNewton.Solve(J2(), 1, Zero2, new TapNewtonOptions { Tolerance = 0 }));
        yield return Range("TapNewton.Solve: at least one iteration", "options", "MaxIterations must be >= 1",
            () => TapNewton.Solve(J2(), 1, Zero2, new TapNewtonOptions { MaxIterations = 0 }));
        yield return Range("TapNewton.Solve: the step cap must be positive", "options", "MaxStep must be > 0",
            () => TapNewton.Solve(J2(), 1, Zero2, new TapNewtonOptions { MaxStep = double.NaN }));
        yield return Arg("TapNewton.Solve: one field per spin", "options", "expected 2 fields, got 3",
            () => TapNewton.Solve(J2(), 1, Zero2, new TapNewtonOptions { Fields = new double[3] }));
        yield return Arg("TapNewton.Solve: starting magnetizations in the unit interval", "initial",
            "starting magnetization m[0] = 2 is outside [-1, 1]",
            () => TapNewton.Solve(J2(), 1, new[] { 2.0, 0 }));

        // ContinueInField
        yield return Null("TapNewton.ContinueInField: the coupling must not be null", "j", () => TapNewton.ContinueInField(null!, 1, Zero2, 1));
        yield return Null("TapNewton.ContinueInField: the direction must not be null", "direction", () => TapNewton.ContinueInField(J2(), 1, null!, 1));
        yield return Arg("TapNewton.ContinueInField: one field direction per spin", "direction", "expected 2 field directions, got 3",
            () => TapNewton.ContinueInField(J2(), 1, Zero3, 1));
        yield return Range("TapNewton.ContinueInField: the start field must be positive and finite - zero", "startField",
            "the start field must be positive and finite", () => TapNewton.ContinueInField(J2(), 1, Zero2, 0));
        yield return Range("TapNewton.ContinueInField: the start field must be positive and finite - infinity", "startField",
            "the start field must be positive and finite", () => TapNewton.ContinueInField(J2(), 1, Zero2, double.PositiveInfinity));
        yield return Range("TapNewton.ContinueInField: beta must be finite and positive", "beta", "beta must be finite and > 0",
            () => TapNewton.ContinueInField(J2(), double.NaN, Zero2, 1));
        yield return Range("TapNewton.ContinueInField: at least one step", "maxSteps", "at least one step",
            () => TapNewton.ContinueInField(J2(), 1, Zero2, 1, maxSteps: 0));
        yield return Range("TapNewton.ContinueInField: the tolerance must be positive - zero", "tolerance",
            "the tolerance must be positive and finite", () => TapNewton.ContinueInField(J2(), 1, Zero2, 1, tolerance: 0));
        yield return Range("TapNewton.ContinueInField: the tolerance must be positive - NaN", "tolerance",
            "the tolerance must be positive and finite", () => TapNewton.ContinueInField(J2(), 1, Zero2, 1, tolerance: double.NaN));
        yield return Range("TapNewton.ContinueInField: the tolerance must be finite", "tolerance",
            "the tolerance must be positive and finite", () => TapNewton.ContinueInField(J2(), 1, Zero2, 1, tolerance: double.PositiveInfinity));
    }

    static IEnumerable<ArgumentCheck> OperatorChecks()
    {
        // LinearizedTap
        yield return Null("LinearizedTap: the coupling must not be null", "coupling", () => new LinearizedTap(null!, 1));
        yield return Range("LinearizedTap: beta must be finite - NaN", "beta", "beta must be finite", () => new LinearizedTap(J2(), double.NaN));
        yield return Range("LinearizedTap: beta must be finite - infinity", "beta", "beta must be finite",
            () => new LinearizedTap(J2(), double.NegativeInfinity));
        yield return Arg("LinearizedTap: the coupling's row square sums have length N", "coupling",
            "coupling returned row square sums of the wrong length", () => new LinearizedTap(new WrongRowSums(), 1));
        yield return Arg("LinearizedTap.Apply: vectors of length N", null, "vectors must have length 2",
            () => new LinearizedTap(J2(), 1).Apply(Zero2, new double[3]));
        yield return Arg("LinearizedTap.Apply: the output must not overlap the input", "y", "the output must not overlap the input",
            () => { var x = new double[2]; new LinearizedTap(J2(), 1).Apply(x, x); });
        yield return Arg("LinearizedTap.Apply: the output must not overlap the input - a coupling without checks", "y",
            "the output must not overlap the input", () => { var x = new double[2]; new LinearizedTap(new UncheckedCoupling(), 1).Apply(x, x); });

        // TapFreeEnergy
        yield return Null("TapFreeEnergy.Evaluate: the coupling must not be null", "j", () => TapFreeEnergy.Evaluate(null!, 1, Zero2));
        yield return Range("TapFreeEnergy.Evaluate: beta must be finite and positive - zero", "beta",
            "the TAP free energy needs a finite beta > 0", () => TapFreeEnergy.Evaluate(J2(), 0, Zero2));
        yield return Range("TapFreeEnergy.Gradient: beta must be finite and positive - infinity", "beta",
            "the TAP free energy needs a finite beta > 0", () => TapFreeEnergy.Gradient(J2(), double.PositiveInfinity, Zero2));
        yield return Arg("TapFreeEnergy.Evaluate: one magnetization per spin", "m", "expected 2 magnetizations, got 3",
            () => TapFreeEnergy.Evaluate(J2(), 1, Zero3));
        yield return Arg("TapFreeEnergy.Evaluate: fields of length N or none", "h", "expected 2 fields (or none), got 1",
            () => TapFreeEnergy.Evaluate(J2(), 1, Zero2, new double[1]));
        yield return Arg("TapFreeEnergy.Evaluate: magnetizations in the unit interval", "m", "magnetization m[0] = -3 is outside [-1, 1]",
            () => TapFreeEnergy.Evaluate(J2(), 1, new[] { -3.0, 0 }));
        yield return Arg("TapFreeEnergy.Evaluate: magnetizations must not be NaN", "m", "is outside [-1, 1]",
            () => TapFreeEnergy.Evaluate(J2(), 1, new[] { 0, double.NaN }));
        yield return Arg("TapFreeEnergy.Gradient: magnetizations strictly inside the unit interval", "m",
            "magnetization m[0] = 1 must lie strictly inside (-1, 1) for the gradient", () => TapFreeEnergy.Gradient(J2(), 1, new[] { 1.0, 0 }));
        yield return Arg("TapFreeEnergy.Evaluate: fields must be finite", "h", "field h[1] is not finite",
            () => TapFreeEnergy.Evaluate(J2(), 1, Zero2, new[] { 0, double.NaN }));

        // ChiRecurrence after Dispose
        yield return ArgumentCheck.Of<ObjectDisposedException>("ChiRecurrence.Evaluate: not after Dispose", null, "ChiRecurrence",
            () => { var chi = new ChiRecurrence(TapTestSupport.SmallBondMatrix(1)); chi.Dispose(); chi.Evaluate(0.5); });
        yield return ArgumentCheck.Of<ObjectDisposedException>("ChiRecurrence.IsPositiveDefinite: not after Dispose", null, "ChiRecurrence",
            () => { var chi = new ChiRecurrence(TapTestSupport.SmallBondMatrix(1)); chi.Dispose(); chi.IsPositiveDefinite(0.5); });
    }

    static IEnumerable<ArgumentCheck> CurveChecks()
    {
        // LambdaMinCurve (J_01 = 0.3: MaxBeta = sqrt(1e300 / 0.09), about 3.3e150)
        yield return Null("LambdaMinCurve.MaxBetaOf: the coupling must not be null", "j", () => LambdaMinCurve.MaxBetaOf(null!));
        yield return Null("LambdaMinCurve: the coupling must not be null", "j", () => { using var c = new LambdaMinCurve(null!); });
        yield return Range("LambdaMinCurve.Evaluate: beta must be finite and non-negative - negative", "beta",
            "beta must be finite and non-negative", () => { using var c = new LambdaMinCurve(J2()); c.Evaluate(-1e-3); });
        yield return Range("LambdaMinCurve.Evaluate: beta must be finite and non-negative - NaN", "beta",
            "beta must be finite and non-negative", () => { using var c = new LambdaMinCurve(J2()); c.Evaluate(double.NaN); });
        yield return Range("LambdaMinCurve.Evaluate: beta must not exceed MaxBeta", "beta", "where I - M(beta) overflows float64 (MaxBeta)",
            () => { using var c = new LambdaMinCurve(J2()); c.Evaluate(1e200); });
        yield return Range("LambdaMinCurve: the norm bound of J must be non-negative", "spectralNormJ",
            "the norm bound of J must be finite and non-negative", () => { using var c = new LambdaMinCurve(J2(), -1e-3); });
        yield return Range("LambdaMinCurve: the norm bound of J must not be NaN", "spectralNormJ",
            "the norm bound of J must be finite and non-negative", () => { using var c = new LambdaMinCurve(J2(), double.NaN); });
        yield return Range("LambdaMinCurve: the norm bound of J must be finite", "spectralNormJ",
            "the norm bound of J must be finite and non-negative", () => { using var c = new LambdaMinCurve(J2(), double.PositiveInfinity); });
        yield return Range("LambdaMinCurve.LambdaMaxBelow: the bound must be positive - zero", "bound",
            "the bound must be positive and finite", () => { using var c = new LambdaMinCurve(J2()); c.LambdaMaxBelow(0); });
        yield return Range("LambdaMinCurve.LambdaMaxBelow: the bound must be positive - negative", "bound",
            "the bound must be positive and finite", () => { using var c = new LambdaMinCurve(J2()); c.LambdaMaxBelow(-1); });
        yield return Range("LambdaMinCurve.LambdaMaxBelow: the bound must be finite - NaN", "bound",
            "the bound must be positive and finite", () => { using var c = new LambdaMinCurve(J2()); c.LambdaMaxBelow(double.NaN); });
        yield return Range("LambdaMinCurve.LambdaMaxBelow: the bound must be finite - infinity", "bound",
            "the bound must be positive and finite", () => { using var c = new LambdaMinCurve(J2()); c.LambdaMaxBelow(double.PositiveInfinity); });
        yield return Range("LambdaMinCurve.AssumeNormForEstimates: the norm must be positive - zero", "norm",
            "the norm must be positive and finite", () => { using var c = new LambdaMinCurve(J2()); c.AssumeNormForEstimates(0); });
        yield return Range("LambdaMinCurve.AssumeNormForEstimates: the norm must be positive - negative", "norm",
            "the norm must be positive and finite", () => { using var c = new LambdaMinCurve(J2()); c.AssumeNormForEstimates(-2); });
        yield return Range("LambdaMinCurve.AssumeNormForEstimates: the norm must be finite - NaN", "norm",
            "the norm must be positive and finite", () => { using var c = new LambdaMinCurve(J2()); c.AssumeNormForEstimates(double.NaN); });
        yield return Range("LambdaMinCurve.AssumeNormForEstimates: the norm must be finite - infinity", "norm",
            "the norm must be positive and finite", () => { using var c = new LambdaMinCurve(J2()); c.AssumeNormForEstimates(double.PositiveInfinity); });

        // TransitionSearch
        yield return Range("TransitionSearch.FirstCrossing: the level must lie below one", "level",
            "the level must lie below lambda_min(0) = 1, got 1", () => { using var c = new LambdaMinCurve(J2()); TransitionSearch.FirstCrossing(c, 1, 2); });
        yield return Range("TransitionSearch.FirstCrossing: the level must not be NaN", "level",
            "the level must lie below lambda_min(0) = 1", () => { using var c = new LambdaMinCurve(J2()); TransitionSearch.FirstCrossing(c, double.NaN, 2); });
        yield return Range("TransitionSearch.FirstCrossing: beta_max must be positive and finite", "betaMax",
            "beta_max must be positive and finite, got 0", () => { using var c = new LambdaMinCurve(J2()); TransitionSearch.FirstCrossing(c, 0, 0); });
        yield return Range("TransitionSearch.GlobalMinimum: beta_max must be positive and finite", "betaMax",
            "beta_max must be positive and finite", () => { using var c = new LambdaMinCurve(J2()); TransitionSearch.GlobalMinimum(c, double.PositiveInfinity); });
        yield return Null("TransitionSearch.FirstCrossingDetailed: the curve must not be null", "curve", () => TransitionSearch.FirstCrossingDetailed(null!, 0, 2));
        yield return Null("TransitionSearch.GlobalMinimum: the curve must not be null", "curve", () => TransitionSearch.GlobalMinimum(null!, 2));
        yield return Null("TransitionSearch.MinimumEstimate: the curve must not be null", "curve", () => TransitionSearch.MinimumEstimate(null!, 2));
        yield return Range("TransitionSearch.MinimumEstimate: beta_max must be positive and finite", "betaMax",
            "beta_max must be positive and finite, got -1", () => { using var c = new LambdaMinCurve(J2()); TransitionSearch.MinimumEstimate(c, -1); });
        yield return Null("TransitionSearch.CrossingEstimate: the curve must not be null", "curve", () => TransitionSearch.CrossingEstimate(null!, 0, 2));
        yield return Range("TransitionSearch.CrossingEstimate: the level must lie below one", "level",
            "the level must lie below lambda_min(0) = 1, got 1", () => { using var c = new LambdaMinCurve(J2()); TransitionSearch.CrossingEstimate(c, 1, 2); });
        yield return Range("TransitionSearch.CrossingEstimate: beta_max must be positive and finite", "betaMax",
            "beta_max must be positive and finite, got NaN", () => { using var c = new LambdaMinCurve(J2()); TransitionSearch.CrossingEstimate(c, 0, double.NaN); });
    }

    /// <summary>Checks of beta and fields in the low-level TAP maps, non-finite Newton inputs, the chi recurrence's beta,
    /// shift and zero tolerance, the dense inertia and the dense operator.</summary>
    static IEnumerable<ArgumentCheck> MoreChecks()
    {
        yield return Range("TapSolver.Step: beta must be finite and non-negative - NaN", "beta", "beta must be finite and >= 0",
            () => TapSolver.Step(J2(), double.NaN, default, new double[2], new double[2], new double[2]));
        yield return Range("TapSolver.Step: beta must be finite and non-negative - negative", "beta", "beta must be finite and >= 0",
            () => TapSolver.Step(J2(), -1, default, new double[2], new double[2], new double[2]));
        yield return Arg("TapSolver.Step: fields must be finite", "h", "fields must be finite",
            () => TapSolver.Step(J2(), 1, new[] { double.NaN, 0 }, new double[2], new double[2], new double[2]));
        yield return Range("TapSolver.Residuals: beta must be finite and non-negative", "beta", "beta must be finite and >= 0",
            () => TapSolver.Residuals(J2(), double.PositiveInfinity, default, Zero2));
        yield return Range("TapSolver.MaxResidual: beta must be finite and non-negative", "beta", "beta must be finite and >= 0",
            () => TapSolver.MaxResidual(J2(), -0.5, default, Zero2));
        yield return Arg("TapSolver.Residuals: fields must be finite", "h", "fields must be finite",
            () => TapSolver.Residuals(J2(), 1, new[] { 0, double.NegativeInfinity }, Zero2));
        yield return Arg("TapNewton.Solve: fields must be finite", "options", "fields must be finite",
            () => TapNewton.Solve(J2(), 1, Zero2, new TapNewtonOptions { Fields = new[] { double.NaN, 0 } }));
        yield return Arg("TapNewton.ContinueInField: the direction must be finite", "direction", "the field direction must be finite",
            () => TapNewton.ContinueInField(J2(), 1, new[] { 1, double.PositiveInfinity }, 1));

        yield return Null("ChiRecurrence: the bond matrix must not be null", "bonds", () => _ = new ChiRecurrence(null!));
        yield return Range("ChiRecurrence.Evaluate: beta must be finite - NaN", "beta", "beta must be finite",
            () => { using var chi = new ChiRecurrence(TapTestSupport.SmallBondMatrix(1)); chi.Evaluate(double.NaN); });
        yield return Range("ChiRecurrence.Evaluate: the shift must be finite", "shift", "the shift must be finite",
            () => { using var chi = new ChiRecurrence(TapTestSupport.SmallBondMatrix(1)); chi.Evaluate(0.5, double.NaN); });
        yield return Range("ChiRecurrence.Evaluate: the zero tolerance must be finite and non-negative", "zeroTolerance",
            "the zero tolerance must be finite and non-negative",
            () => { using var chi = new ChiRecurrence(TapTestSupport.SmallBondMatrix(1)); chi.Evaluate(0.5, 0, -1e-13); });
        yield return Range("ChiRecurrence.IsPositiveDefinite: beta must be finite - infinity", "beta", "beta must be finite",
            () => { using var chi = new ChiRecurrence(TapTestSupport.SmallBondMatrix(1)); chi.IsPositiveDefinite(double.PositiveInfinity); });
        yield return Range("ChiRecurrence.IsPositiveDefinite: the shift must be finite", "shift", "the shift must be finite",
            () => { using var chi = new ChiRecurrence(TapTestSupport.SmallBondMatrix(1)); chi.IsPositiveDefinite(0.5, double.NaN); });
        yield return Range("ChiRecurrence.IsPositiveDefinite: the diagonal weight must be finite", "diagonalWeight", "the weight must be finite",
            () => { using var chi = new ChiRecurrence(TapTestSupport.SmallBondMatrix(1)); chi.IsPositiveDefinite(0.5, 0, double.NaN); });
        yield return Arg("ChiRecurrence: one row square sum per spin", "rowSquareSums", "expected 9 row square sums, got 5",
            () => _ = new ChiRecurrence(TapTestSupport.SmallBondMatrix(1), new double[5]));
        yield return Range("DenseInertia.Of: the zero tolerance must be finite and non-negative", "zeroTolerance",
            "the zero tolerance must be finite and non-negative", () => DenseInertia.Of(new[] { 1.0 }, 1, double.NaN));
        yield return Arg("DenseInertia.Of: the matrix must be symmetric", "rowMajor", "the matrix is not symmetric at (0,1)",
            () => DenseInertia.Of(new[] { 1, 0.5, -0.5, 1 }, 2));

        yield return Null("LinearizedTap.DenseFromJ: the matrix must not be null", "j", () => LinearizedTap.DenseFromJ(null!, new double[2], 1));
        yield return Arg("LinearizedTap.DenseFromJ: the matrix has one row per d_i", "j", "expected 2x2 = 4 entries (one row per d_i), got 9",
            () => LinearizedTap.DenseFromJ(new double[9], new double[2], 1));
        yield return Range("LinearizedTap.DenseFromJ: beta must be finite", "beta", "beta must be finite",
            () => LinearizedTap.DenseFromJ(new double[4], new double[2], double.NaN));
    }

    /// <summary>The new checks keep the documented valid range: beta = 0 in the maps, negative beta in the linearized
    /// operator and the chi recurrence (I - M(beta) is defined for every real beta), zero tolerance in the inertia count.</summary>
    [Test]
    public void ValidEdgesAreAccepted()
    {
        var next = new double[2];
        TapSolver.Step(J2(), 0, default, new[] { 0.5, 0.5 }, new[] { 0.5, 0.5 }, next);
        Assert.That(next, Is.EqualTo(new[] { 0.0, 0.0 }), "beta = 0: tanh 0");
        Assert.That(TapSolver.MaxResidual(J2(), 0, default, new[] { 0.0, 0.0 }), Is.EqualTo(0));
        var bonds = TapTestSupport.SmallBondMatrix(1);
        using var chi = new ChiRecurrence(bonds);
        var neg = chi.Evaluate(-0.7, 0.1, zeroTolerance: 0);
        var pos = chi.Evaluate(0.7, 0.1, zeroTolerance: 0);
        Assert.That((neg.Negative, neg.Zero, neg.Positive), Is.EqualTo((pos.Negative, pos.Zero, pos.Positive)),
            "flipping the sign of every other layer maps J to -J, so I - M(-beta) and I - M(beta) share their spectrum");
        Assert.That(chi.IsPositiveDefinite(-0.7, 0.1), Is.EqualTo(chi.IsPositiveDefinite(0.7, 0.1)));
        var dense = LinearizedTap.DenseFromJ(J2().ToDenseRowMajor(), new[] { 0.09, 0.09 }, -1);
        Assert.That(dense, Is.EqualTo(new[] { 1.09, 0.3, 0.3, 1.09 }).Within(1e-15));
    }

    static IEnumerable<TestCaseData> Cases() =>
        TapSolverChecks().Concat(TapNewtonChecks()).Concat(OperatorChecks()).Concat(CurveChecks()).Concat(MoreChecks()).Select(c => c.ToCase());

    [TestCaseSource(nameof(Cases))]
    public void Rejects(ArgumentCheck check) => check.Verify();
}
