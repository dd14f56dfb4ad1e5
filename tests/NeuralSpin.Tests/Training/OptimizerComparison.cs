using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralSpin.Tests.Training;

/// <summary>Runs two optimizers side by side on copies of one parameter, feeding both the same gradients.</summary>
static class OptimizerComparison
{
    /// <summary>
    /// For each gradient: both optimizers zero their gradients, both parameters get a copy of it, both step, and
    /// <paramref name="check"/> compares the parameters (ours first).
    /// </summary>
    public static void StepBoth(Parameter ours, Action zeroOurs, Action stepOurs, Parameter theirs, Action zeroTheirs, Action stepTheirs,
        IEnumerable<Tensor> gradients, Action<Parameter, Parameter> check)
    {
        foreach (var g in gradients)
        {
            zeroOurs();
            zeroTheirs();
            using (no_grad())
            {
                ours.grad = g.clone();
                theirs.grad = g.clone();
            }
            stepOurs();
            stepTheirs();
            check(ours, theirs);
        }
    }
}
