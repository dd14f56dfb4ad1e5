namespace NeuralSpin.Reproduction;

/// <summary>One TAP fixed point (from <see cref="NeuralSpin.Ising.TapFixedPoints"/>): magnetisations and its TAP free energy.</summary>
public sealed record TapPoint(double[] M, double FreeEnergy, double FreeEnergyPerSpin);

/// <summary>TAP fixed points reached from random starts (P2 App. I); StartFreeEnergiesPerSpin holds f/N once per converged start, for the histogram.</summary>
public sealed record TapSearch(IReadOnlyList<TapPoint> FixedPoints, int Converged, int NotConverged, IReadOnlyList<double> StartFreeEnergiesPerSpin);

/// <summary>One recorded point of a Monte-Carlo dynamics run from a reference configuration (<see cref="NeuralSpin.Ising.McDynamics"/>); Observer is the test accuracy.</summary>
public sealed record McTracePoint(int Sweep, double EnergyPerSpin, double Overlap, double Observer);
