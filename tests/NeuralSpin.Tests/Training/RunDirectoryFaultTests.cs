using System.Diagnostics;
using NeuralSpin.Tests.IO;
using NeuralSpin.Training;
using NeuralSpin.Trajectory;
using NUnit.Framework;

namespace NeuralSpin.Tests.Training;

/// <summary>
/// Faults around a run directory: a start that fails before its first state is saved (full disk, a kill) leaves a
/// directory that can be started again; a second trainer on a held run fails at once naming the holder; the t = 0
/// checkpoint is written whatever the schedule.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class RunDirectoryFaultTests : TempDirFixture
{
    static TrainingOptions Tiny(string schedule = "0,1,2") => new()
    {
        Program = TrainingProgram.Standard,
        Widths = [20, 8, 4],
        LearningRate = 0.01,
        Epochs = 2,
        Seed = 5,
        Threads = 1,
        Schedule = schedule,
    };

    static TrainingData Data() => SyntheticData.Separable(256, 64, 7);

    [Test]
    public void AStartThatFailsBeforeItsStateIsSaved_LeavesNoRunJson_AndStartsAgain()
    {
        string run = PathOf("run");
        // The state cannot be written (a directory where the file goes), as on a full disk.
        string obstacle = RunFiles.StateFile(run);
        Directory.CreateDirectory(obstacle);
        Assert.That(() => Trainer.Train(run, Data(), Tiny()), Throws.InstanceOf<Exception>());
        Assert.That(File.Exists(RunFiles.RunJson(run)), Is.False, "run.json is written last, so the half-started run is not a run");

        Directory.Delete(obstacle);
        var r = Trainer.Train(run, Data(), Tiny() with { Epochs = 1, Schedule = "0,1" }, stopAfterStep: 3);
        Assert.That(r.Step, Is.EqualTo(3));
        var resumed = Trainer.Resume(run, Data());
        Assert.That(resumed.Completed, Is.True);
        Assert.That(RunFiles.ListCheckpoints(run).Select(Path.GetFileName), Is.EqualTo(new[]
        {
            "ckpt-s000000000-e0.000000.safetensors", "ckpt-s000000008-e1.000000.safetensors",
        }), "the restart replaced the failed start's files");
    }

    [Test]
    public void LeftoversOfAnUnfinishedStartAreRemovedByTheRestart()
    {
        string run = PathOf("run");
        Directory.CreateDirectory(RunFiles.CheckpointDirectory(run));
        Directory.CreateDirectory(RunFiles.StateDirectory(run));
        File.WriteAllText(Path.Combine(RunFiles.CheckpointDirectory(run), "ckpt-s000000005-e0.500000.safetensors"), "stale");
        File.WriteAllText(RunFiles.StateFile(run), "stale");
        Trainer.Train(run, Data(), Tiny() with { Epochs = 1, Schedule = "1" });
        Assert.That(RunFiles.ListCheckpoints(run).Select(Path.GetFileName), Is.EqualTo(new[]
        {
            "ckpt-s000000000-e0.000000.safetensors", "ckpt-s000000008-e1.000000.safetensors",
        }));
    }

    [Test]
    public void RunJsonWithoutState_ResumeSaysWhatToDo()
    {
        string run = PathOf("run");
        Trainer.Train(run, Data(), Tiny(), stopAfterStep: 0);
        File.Delete(RunFiles.StateFile(run)); // as left by versions that wrote run.json first
        var e = Assert.Throws<InvalidDataException>(() => Trainer.Resume(run, Data()))!;
        Assert.That(e.Message, Does.Contain("no resume state").And.Contain("start it again"));
    }

    [Test]
    public void TheInitialCheckpointIsWrittenWhateverTheSchedule()
    {
        string run = PathOf("run");
        var r = Trainer.Train(run, Data(), Tiny("0.5,1") with { Epochs = 1 });
        Assert.That(r.Checkpoints.Select(c => c.Step), Is.EqualTo(new long[] { 0, 4, 8 }));
        Assert.That(RunDirectory.ListCheckpoints(run)[0].Step, Is.EqualTo(0));
        Assert.DoesNotThrow(() => TrajectoryAnalyzer.Run(run));
    }

    [Test]
    public void ASecondTrainerOnAHeldRun_FailsAtOnce_NamingTheHolder()
    {
        string run = PathOf("run");
        // Held by another open file (in .NET on Linux FileShare.None is flock, per open file, so a second
        // FileStream in this process conflicts just as another process would); content as RunLock writes it.
        using var other = new FileStream(RunLock.LockPath(run), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        other.Write("pid=424242\nstarted=2026-01-02T03:04:05.0000000Z\nhost=elsewhere\n"u8);
        other.Flush();
        var sw = Stopwatch.StartNew();
        var e = Assert.Throws<RunLockedException>(() => Trainer.Train(run, Data(), Tiny()))!;
        Assert.That(sw.Elapsed.TotalSeconds, Is.LessThan(10));
        Assert.That(e.Message, Does.Contain(run).And.Contain("424242").And.Contain("2026-01-02T03:04:05"));
        Assert.That(File.Exists(RunFiles.RunJson(run)), Is.False, "nothing written");
        Assert.Throws<RunLockedException>(() => Trainer.Resume(run, Data()));
    }

    [Test]
    public void TheTrainerHoldsTheLockForTheWholeTraining_AndWritesItsPid()
    {
        string run = PathOf("run");
        bool checkedInside = false;
        var progress = new SyncProgress(p =>
        {
            if (checkedInside) return;
            checkedInside = true;
            Assert.That(RunLock.TryAcquire(run), Is.Null, "held while training");
            Assert.That(RunLock.ReadHolder(run), Does.Contain($"pid={Environment.ProcessId}"));
        });
        Trainer.Train(run, Data(), Tiny() with { ProgressInterval = 2 }, progress);
        Assert.That(checkedInside, Is.True);
        using var after = RunLock.TryAcquire(run);
        Assert.That(after, Is.Not.Null, "released at the end");
    }

    [Test]
    public void ACallerHoldingTheRunLock_CanTrainUnderIt()
    {
        // as Paper1Pipeline and Paper1Calibration do: take the lock, then call Train/Resume
        string run = PathOf("run");
        using (var held = RunLock.TryAcquire(run))
        {
            Assert.That(held, Is.Not.Null);
            Trainer.Train(run, Data(), Tiny(), stopAfterStep: 2);
            Trainer.Resume(run, Data());
        }
        Assert.That(RunFiles.IsComplete(run), Is.True);
    }
}
