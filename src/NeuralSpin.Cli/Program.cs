using NeuralSpin.Tap;
using NeuralSpin.Numerics;
using NeuralSpin.SpinModel;
var j = BondMatrix.Sample(new[] { 784, 512, 512, 512, 10 }, new[] { 2.0 }, new Random(1));
var curve = new LambdaMinCurve(j, 3.7);
foreach (var b in new[] { 0.45835979486, 0.45835979166, 0.4583597933131099 }) {
  var w = TorchLinalg.SymmetricEigenvalues(curve.MatrixAt(b), j.Size);
  Console.WriteLine($"{b:R} dense {w[0]:R} {w[0]-0.05:E3}  lanczos {curve.Evaluate(b, true, 0.05).Value - 0.05:E3} gap {w[1]-w[0]:E3}");
}
