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

    /// <summary>Per-layer values of two trajectories of the same weights: equal up to the eigensolver's last bits.</summary>
    static void SameLayers(TrajectoryResult a, TrajectoryResult b)
    {
        for (int i = 0; i < a.Rows.Count; i++)
            for (int k = 0; k < a.Rows[i].Layers.Count; k++)
            {
                LayerPoint x = a.Rows[i].Layers[k], y = b.Rows[i].Layers[k];
                Assert.That(x.LogSpectralNorm, Is.EqualTo(y.LogSpectralNorm).Within(1e-9));
                Assert.That(x.StableRank, Is.EqualTo(y.StableRank).Within(1e-9).Percent);
                Assert.That(x.Spikes, Is.EqualTo(y.Spikes));
            }
    }

    // run_keras: the run of run_pt saved in the Keras 3 weights layout (kernels (in, out)) with epoch, step and val_error
    // as HDF5 root attributes (make_model_fixtures.py, h5py)
    [Test]
    public void Keras_checkpoints_with_root_attributes_give_the_trajectory_of_the_same_run_in_PyTorch()
    {
        var pt = TrajectoryAnalyzer.Analyze(ModelReaderTests.Fixture("run_pt"));
        var keras = TrajectoryAnalyzer.Analyze(ModelReaderTests.Fixture("run_keras"));
        // the layers are named by the Keras datasets (layers/dense/vars/0, ...), so the spin-model columns are compared
        // without them and the layers by their values
        Assert.That(keras.Rows.Select(r => r with { Layers = [] }), Is.EqualTo(pt.Rows.Select(r => r with { Layers = [] })));
        Assert.That(keras.Rows.Select(r => r.Layers.Count), Is.EqualTo(pt.Rows.Select(r => r.Layers.Count)));
        Assert.That(keras.Level, Is.EqualTo(pt.Level));
        SameLayers(keras, pt);
    }

    // run_sharded: the same run as two safetensors shards per checkpoint directory; the step-0 checkpoint carries its time
    // in the index's "metadata", the others in transformers' trainer_state.json (val_error = 1 - eval_accuracy)
    [Test]
    public void Sharded_checkpoint_directories_give_the_trajectory_of_the_same_run_in_PyTorch()
    {
        var pt = TrajectoryAnalyzer.Analyze(ModelReaderTests.Fixture("run_pt"));
        var sharded = TrajectoryAnalyzer.Analyze(ModelReaderTests.Fixture("run_sharded"));
        Assert.That(sharded.Rows.Select(r => (r.Epoch, r.Step)), Is.EqualTo(pt.Rows.Select(r => (r.Epoch, r.Step))));
        // 1 - (1 - v) is v up to one rounding of the subtraction: 2^-53 relative to 1
        for (int i = 0; i < pt.Rows.Count; i++)
        {
            Assert.That(sharded.Rows[i].ValError, Is.EqualTo(pt.Rows[i].ValError!.Value).Within(2e-16));
            Assert.That(sharded.Rows[i] with { ValError = pt.Rows[i].ValError }, Is.EqualTo(pt.Rows[i]));
        }
        Assert.That(sharded.Level, Is.EqualTo(pt.Level));
        SameLayers(sharded, pt);
    }

    [Test]
    public void A_Keras_checkpoint_without_epoch_attributes_is_refused_with_the_remedy()
    {
        string run = PathOf("k");
        Directory.CreateDirectory(Path.Combine(run, RunDirectory.CheckpointsFolder));
        string file = Path.Combine(run, RunDirectory.CheckpointsFolder, "a.h5");
        File.Copy(ModelReaderTests.Fixture("mlp_keras2.h5"), file);
        var e = Assert.Throws<WeightFileException>(() => RunDirectory.ListCheckpoints(run))!;
        Assert.That(e.Path, Is.EqualTo(file));
        Assert.That(e.Message, Does.Contain("no 'epoch' entry").And.Contain("HDF5 root attributes"));
    }

    [Test]
    public void Keras_root_attributes_holding_one_value_are_the_file_metadata()
    {
        using var m = ModelFile.Open(ModelReaderTests.Fixture("mlp_keras2_model.h5"));
        Assert.That(m.Metadata["keras_version"], Is.EqualTo("2.13.1"));
        Assert.That(m.Metadata["backend"], Is.EqualTo("tensorflow"));
        Assert.That(m.Metadata.ContainsKey("layer_names"), Is.False, "an array attribute is not metadata");
        using var c = ModelFile.Open(Path.Combine(ModelReaderTests.Fixture("run_keras"), RunDirectory.CheckpointsFolder, "ckpt-000008.weights.h5"));
        Assert.That(c.Metadata["epoch"], Is.EqualTo("0.5"));
        Assert.That(c.Metadata["step"], Is.EqualTo("8"));
        Assert.That(c.Metadata["val_error"], Is.EqualTo((0.5 / 1.5).ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
    }
}
