using NeuralSpin.IO;
using NeuralSpin.Tests.IO;
using NeuralSpin.Trajectory;
using NUnit.Framework;

namespace NeuralSpin.Tests.Trajectory;

/// <summary>
/// <c>trajectory</c> on a run saved by PyTorch itself: tests/fixtures/models/run_pt/checkpoints/*.pt were written by
/// torch 1.13 (make_model_fixtures.py) as {"model": state_dict, "epoch", "step", "val_error"}. Property: the trajectory
/// equals that of the same weights and metadata saved as the trainer's safetensors checkpoints.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class ForeignCheckpointTests : TempDirFixture
{
    [Test]
    public void PyTorch_checkpoints_give_the_trajectory_of_the_same_run_in_safetensors()
    {
        string ptRun = ModelReaderTests.Fixture("run_pt");
        var pt = TrajectoryAnalyzer.Analyze(ptRun);
        Assert.That(pt.Rows.Select(r => r.Epoch), Is.EqualTo(new[] { 0, 0.5, 1, 2 }));
        Assert.That(pt.Rows.Select(r => r.Step), Is.EqualTo(new long[] { 0, 8, 16, 32 }));
        Assert.That(pt.Rows.Select(r => r.ValError), Is.EqualTo(new double?[] { 0.5, 0.5 / 1.5, 0.25, 0.5 / 3 }));
        Assert.That(pt.Rows.All(r => r.Layers.Count == 2));

        // the same checkpoints as safetensors (weights read by the PyTorch reader, metadata as the trainer writes it)
        string stRun = PathOf("st");
        Directory.CreateDirectory(Path.Combine(stRun, RunDirectory.CheckpointsFolder));
        foreach (var f in Directory.GetFiles(Path.Combine(ptRun, RunDirectory.CheckpointsFolder), "*.pt"))
        {
            using var m = ModelFile.Open(f);
            var meta = new Dictionary<string, string> { ["epoch"] = m.Metadata["epoch"], ["step"] = m.Metadata["step"], ["val_error"] = m.Metadata["val_error"] };
            SafeTensors.Write(Path.Combine(stRun, RunDirectory.CheckpointsFolder, Path.GetFileNameWithoutExtension(f) + ".safetensors"),
                m.Tensors.Select(t => t.Load()).ToList(), meta, "F32");
        }
        var st = TrajectoryAnalyzer.Analyze(stRun);
        Assert.That(pt.Rows, Is.EqualTo(st.Rows));
        Assert.That(pt.Level, Is.EqualTo(st.Level));
        // per-layer values: the same weights, so equal up to the eigensolver's last bits (1e-9 relative is far above them)
        for (int i = 0; i < pt.Rows.Count; i++)
            for (int k = 0; k < 2; k++)
            {
                LayerPoint a = pt.Rows[i].Layers[k], b = st.Rows[i].Layers[k];
                Assert.That(a.LogSpectralNorm, Is.EqualTo(b.LogSpectralNorm).Within(1e-9));
                Assert.That(a.StableRank, Is.EqualTo(b.StableRank).Within(1e-9).Percent);
                Assert.That(a.Alpha.HasValue, Is.EqualTo(b.Alpha.HasValue));
            }
    }

    [Test]
    public void Keras_files_carry_no_epoch_so_a_run_of_them_is_refused()
    {
        string run = PathOf("k");
        Directory.CreateDirectory(Path.Combine(run, RunDirectory.CheckpointsFolder));
        File.Copy(ModelReaderTests.Fixture("mlp_keras2.h5"), Path.Combine(run, RunDirectory.CheckpointsFolder, "a.h5"));
        var e = Assert.Throws<RunDirectoryException>(() => TrajectoryAnalyzer.Analyze(run))!;
        Assert.That(e.Message, Does.Contain(".pt, .pth or .onnx"));
    }
}
