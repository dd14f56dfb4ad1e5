using NeuralSpin.Numerics;
using System.Diagnostics;
using System.Globalization;
using NeuralSpin.IO;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralSpin.Training;

/// <summary>
/// Trains the networks of P1 sec. 3.1 (Table 1, docs/theory.md section 9): SGD with momentum
/// (<see cref="MomentumSgd"/>, PyTorch's <c>torch.optim.SGD</c> update), mini-batches in a seeded order (<see cref="DataOrder"/>), the squared
/// multi-class hinge loss (<see cref="MultiClassHingeLoss"/>), checkpoints on a schedule
/// (<see cref="CheckpointSchedule"/>) with the test-set error, and a resume state (<see cref="RunFiles"/>).
/// </summary>
/// <remarks>
/// <para>Checkpoint metadata (all strings): format, program, widths (e.g. <c>784,512,512,512,10</c>),
/// bias, epoch, step, steps_per_epoch, lr, momentum, batch_size, margin, seed, val_error, val_loss,
/// train_loss (mean over the steps since the previous checkpoint, NaN at step 0), samples_per_second
/// (of the optimizer steps since the previous checkpoint, NaN at step 0), threads, torchsharp, libtorch.</para>
/// <para>Reproducibility: with the same options, data and thread count, a run interrupted and resumed
/// from its state ends with bitwise the same weights as an uninterrupted run (tested single-threaded;
/// libtorch has no deterministic mode, so multi-threaded reductions may differ).</para>
/// </remarks>
public static class Trainer
{
    /// <summary>Stream id of the weight-initialisation seed (<see cref="Seeds.Stream"/>).</summary>
    public const ulong InitStream = SeedStreams.Initialisation;

    /// <summary>
    /// Starts a new run in <paramref name="runDir"/> (created if needed; it must not already hold a run, i.e. a
    /// run.json). The start writes the t = 0 checkpoint (always, whatever the schedule), the first resume state and
    /// then run.json, in that order: a directory with run.json can always be resumed, and one without it (a start cut
    /// off by a full disk or a kill) is "not started", so Train starts it again, removing that start's checkpoints and
    /// state. The run's <see cref="RunLock"/> is held for the whole call.
    /// </summary>
    /// <param name="runDir">Run directory.</param>
    /// <param name="data">Training and test data.</param>
    /// <param name="options">The run's configuration.</param>
    /// <param name="progress">Receives progress reports.</param>
    /// <param name="cancellationToken">On cancellation the state is saved, then <see cref="OperationCanceledException"/> is thrown; <see cref="Resume"/> continues.</param>
    /// <param name="stopAfterStep">Stop (saving the state) once this many steps are done; the result has <c>Completed = false</c>.</param>
    /// <exception cref="RunLockedException">Another process is training in <paramref name="runDir"/> (its <see cref="RunLock"/> is held); nothing is written.</exception>
    public static TrainingResult Train(string runDir, TrainingData data, TrainingOptions options,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default, long? stopAfterStep = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(runDir);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        CheckData(data, options);
        using var held = Lock(runDir);
        if (File.Exists(RunFiles.RunJson(runDir)))
            throw new InvalidOperationException($"'{runDir}' already holds a training run; continue it (neuralspin train --resume RUN_DIR) or choose another directory");
        Directory.CreateDirectory(RunFiles.CheckpointDirectory(runDir));
        Directory.CreateDirectory(RunFiles.StateDirectory(runDir));
        RunFiles.RemoveUnfinishedStart(runDir);
        if (options.Threads is { } t) torch.set_num_threads(t);

        string fingerprint = data.Fingerprint();
        using var session = new Session(runDir, data, options, fingerprint);
        // The t = 0 checkpoint is always written (the trajectory needs it), whatever the schedule.
        var written = new List<CheckpointInfo> { session.WriteCheckpoint() };
        session.SaveState();
        // run.json last: a start that fails before here (full disk, a kill) leaves no run.json, so the directory is
        // "not started" and Train may start it again, instead of a run.json without a state that neither Train nor
        // Resume accepts.
        RunFiles.WriteRunJson(runDir, options, data, fingerprint, session.StepsPerEpoch, session.TotalSteps);
        return session.Run(written, progress, cancellationToken, stopAfterStep);
    }

    /// <summary>Continues the run in <paramref name="runDir"/> from its last saved state, with the same data.</summary>
    /// <exception cref="InvalidDataException">The directory holds no run or its files are damaged.</exception>
    /// <exception cref="ArgumentException">The data differ from those the run started with.</exception>
    public static TrainingResult Resume(string runDir, TrainingData data,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default, long? stopAfterStep = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(runDir);
        ArgumentNullException.ThrowIfNull(data);
        using var held = Lock(runDir);
        var (options, sha, _, _, _) = RunFiles.ReadRunJson(runDir);
        if (!File.Exists(RunFiles.StateFile(runDir)))
            throw new InvalidDataException($"run '{runDir}' has a run.json but no resume state ({RunFiles.StateFile(runDir)}): its start was cut off before the first state was saved (NeuralSpin before this version wrote run.json first), so nothing was trained. Delete the directory and start it again with the same options");
        options.Validate();
        CheckData(data, options);
        string fingerprint = data.Fingerprint();
        if (!string.Equals(fingerprint, sha, StringComparison.Ordinal))
            throw new ArgumentException($"the data differ from those run '{runDir}' was started with (SHA-256 {fingerprint} instead of {sha})", nameof(data));
        if (options.Threads is { } t) torch.set_num_threads(t);
        RunFiles.RemoveStaleTemporaries(runDir);
        using var session = new Session(runDir, data, options, fingerprint);
        session.LoadState();
        return session.Run([], progress, cancellationToken, stopAfterStep);
    }

    /// <summary>
    /// The run's <see cref="RunLock"/> for the whole of a Train or Resume call; null (nothing to release) when this
    /// process already holds it (a caller that took the lock to pick the run, as the reproduction pipelines do).
    /// </summary>
    /// <exception cref="RunLockedException">Another process (or another open lock) holds the run.</exception>
    static RunLock? Lock(string runDir)
    {
        if (RunLock.IsHeldByThisProcess(runDir)) return null;
        return RunLock.TryAcquire(runDir) ?? throw new RunLockedException(runDir, RunLock.ReadHolder(runDir));
    }

    /// <summary>
    /// One optimizer step on a mini-batch: zero the gradients, the loss of <paramref name="convention"/> on
    /// <c>model(x)</c>, its backward pass and <c>optimizer.step()</c> (for SGD with momentum, PyTorch's update
    /// b = mu b + g, p = p - lr b; b = g at the first step). Returns the loss before the step; when it is NaN or
    /// infinite nothing is changed (no backward pass, no step), so the caller can stop with finite weights.
    /// </summary>
    public static double Step(Mlp model, MomentumSgd optimizer, Tensor x, Tensor y, TrainingConvention convention)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        using var scope = NewDisposeScope();
        optimizer.ZeroGrad();
        var l = MultiClassHingeLoss.Squared(model.forward(x), y, convention);
        double loss = l.ToDouble();
        if (!double.IsFinite(loss)) return loss;
        l.backward();
        optimizer.Step();
        return loss;
    }

    /// <summary>Fraction of misclassified samples (argmax of the scores) and the mean hinge loss of <paramref name="model"/> on the given set, in batches.</summary>
    public static (double Error, double Loss) Evaluate(Mlp model, float[] x, byte[] y, int inputDim, double margin = 1.0, int batchSize = 1000)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var scope = NewDisposeScope();
        var tx = torch.tensor(x, [y.Length, inputDim]);
        var ty = torch.tensor(y.Select(b => (long)b).ToArray());
        return Evaluate(model, tx, ty, margin, batchSize);
    }

    internal static (double Error, double Loss) Evaluate(Mlp model, Tensor x, Tensor y, double margin, int batchSize)
    {
        long n = y.shape[0];
        if (n == 0) return (double.NaN, double.NaN);
        bool wasTraining = model.training;
        model.eval();
        long wrong = 0;
        double lossSum = 0;
        using (no_grad())
        {
            for (long b0 = 0; b0 < n; b0 += batchSize)
            {
                using var scope = NewDisposeScope();
                long m = Math.Min(batchSize, n - b0);
                var xb = x.narrow(0, b0, m);
                var yb = y.narrow(0, b0, m);
                var scores = model.forward(xb);
                wrong += scores.argmax(1).ne(yb).sum().item<long>();
                lossSum += MultiClassHingeLoss.Squared(scores, yb, margin).item<float>() * (double)m;
            }
        }
        if (wasTraining) model.train();
        return (wrong / (double)n, lossSum / n);
    }

    static void CheckData(TrainingData data, TrainingOptions options)
    {
        if (data.InputDim != options.Widths[0])
            throw new ArgumentException($"the data have {data.InputDim} features but the network's input width is {options.Widths[0]}", nameof(data));
        int classes = options.Widths[^1];
        if (data.ClassCountLowerBound() > classes)
            throw new ArgumentException($"the data have label {data.ClassCountLowerBound() - 1} but the network has {classes} outputs", nameof(data));
    }

    /// <summary>One run's model, optimizer, data tensors and counters.</summary>
    private sealed class Session : IDisposable
    {
        readonly string _runDir;
        readonly TrainingOptions _o;
        readonly string _fingerprint;
        readonly Mlp _model;
        readonly MomentumSgd _optimizer;
        readonly Tensor _trainX, _trainY, _testX, _testY;
        readonly int _trainCount;
        readonly HashSet<long> _checkpointSteps;
        readonly (string Name, Parameter Value)[] _parameters;

        long _step;
        // since the previous checkpoint (persisted in the state, so a resumed run reports the same train_loss)
        double _ckptLossSum, _ckptSeconds;
        long _ckptLossCount, _ckptSamples;
        double? _lastValError;
        // The resume state is also written at least this often between checkpoints, so a long run that dies
        // between two distant checkpoints loses minutes, not hours (resuming at any step is exact).
        static readonly TimeSpan StateSaveInterval = TimeSpan.FromMinutes(5);
        readonly Stopwatch _sinceStateSave = Stopwatch.StartNew();
        int[]? _order;
        long _orderEpoch = -1;

        public Session(string runDir, TrainingData data, TrainingOptions options, string fingerprint)
        {
            _runDir = runDir;
            _o = options;
            _fingerprint = fingerprint;
            _trainCount = data.TrainCount;
            StepsPerEpoch = (data.TrainCount + options.BatchSize - 1) / options.BatchSize;
            TotalSteps = (long)StepsPerEpoch * options.Epochs;
            _checkpointSteps = [.. CheckpointSchedule.Parse(options.Schedule).Steps(options.Epochs, StepsPerEpoch)];

            _model = Mlp.Create(options.Program, options.Widths, options.Bias, Seeds.Stream(options.Seed, InitStream));
            _model.train();
            _parameters = _model.named_parameters().Select(p => (p.name, p.parameter)).ToArray();
            _optimizer = new MomentumSgd(_parameters.Select(p => p.Value), options.LearningRate, options.Momentum);

            _trainX = torch.tensor(data.TrainX, [data.TrainCount, data.InputDim]);
            _trainY = torch.tensor(data.TrainY.Select(b => (long)b).ToArray());
            _testX = torch.tensor(data.TestX, [data.TestCount, data.InputDim]);
            _testY = torch.tensor(data.TestY.Select(b => (long)b).ToArray());
        }

        public int StepsPerEpoch { get; }
        public long TotalSteps { get; }
        double EpochOf(long step) => step / (double)StepsPerEpoch;
        public bool IsCheckpointStep(long step) => _checkpointSteps.Contains(step);

        public TrainingResult Run(List<CheckpointInfo> written, IProgress<TrainingProgress>? progress, CancellationToken ct, long? stopAfterStep)
        {
            double windowLoss = 0, windowSeconds = 0;
            long windowSteps = 0, windowSamples = 0;
            double callSeconds = 0;
            long callSamples = 0;
            var watch = new Stopwatch();
            int batch = _o.BatchSize;

            while (_step < TotalSteps)
            {
                if (ct.IsCancellationRequested)
                {
                    SaveState();
                    ct.ThrowIfCancellationRequested();
                }
                if (stopAfterStep is { } stop && _step >= stop)
                {
                    SaveState();
                    return new TrainingResult(_runDir, _step, TotalSteps, false, written, Rate(callSamples, callSeconds));
                }

                long epoch = _step / StepsPerEpoch;
                int position = (int)(_step % StepsPerEpoch);
                if (_orderEpoch != epoch)
                {
                    _order = DataOrder.Permutation(_o.Seed, epoch, _trainCount);
                    _orderEpoch = epoch;
                }
                int b0 = position * batch, m = Math.Min(batch, _trainCount - b0);
                var indices = new long[m];
                for (int i = 0; i < m; i++) indices[i] = _order![b0 + i];

                watch.Restart();
                double loss;
                using (var scope = NewDisposeScope())
                {
                    var idx = torch.tensor(indices);
                    var xb = _trainX.index_select(0, idx);
                    var yb = _trainY.index_select(0, idx);
                    loss = Step(_model, _optimizer, xb, yb, _o.Convention);
                    // Divergence is never silent: Step leaves the weights alone when the loss is not finite,
                    // and the last saved state and checkpoints hold finite weights.
                    if (!double.IsFinite(loss))
                        throw new TrainingDivergedException(_runDir, _step + 1, EpochOf(_step + 1), _o.LearningRate, $"the loss is {loss.ToString(CultureInfo.InvariantCulture)}");
                }
                double seconds = watch.Elapsed.TotalSeconds;
                _step++;

                _ckptLossSum += loss; _ckptLossCount++; _ckptSamples += m; _ckptSeconds += seconds;
                windowLoss += loss; windowSteps++; windowSamples += m; windowSeconds += seconds;
                callSamples += m; callSeconds += seconds;

                bool checkpoint = IsCheckpointStep(_step);
                if (checkpoint)
                {
                    written.Add(WriteCheckpoint());
                    SaveState();
                }
                else if (_sinceStateSave.Elapsed >= StateSaveInterval)
                    SaveState();
                if (progress is not null && (checkpoint || windowSteps >= _o.ProgressInterval || _step == TotalSteps))
                {
                    double rate = Rate(windowSamples, windowSeconds);
                    TimeSpan? eta = windowSteps > 0 && windowSeconds > 0
                        ? TimeSpan.FromSeconds((TotalSteps - _step) * windowSeconds / windowSteps) : null;
                    progress.Report(new TrainingProgress(_step, TotalSteps, EpochOf(_step), _o.Epochs,
                        windowLoss / windowSteps, rate, eta, _lastValError));
                    windowLoss = 0; windowSteps = 0; windowSamples = 0; windowSeconds = 0;
                }
            }
            SaveState();
            return new TrainingResult(_runDir, _step, TotalSteps, true, written, Rate(callSamples, callSeconds));
        }

        static double Rate(long samples, double seconds) => samples > 0 && seconds > 0 ? samples / seconds : double.NaN;

        public CheckpointInfo WriteCheckpoint()
        {
            CheckFinite();
            var (valError, valLoss) = Evaluate(_model, _testX, _testY, _o.Convention.Margin, _o.EvaluationBatchSize);
            _lastValError = valError;
            double trainLoss = _ckptLossCount > 0 ? _ckptLossSum / _ckptLossCount : double.NaN;
            double rate = Rate(_ckptSamples, _ckptSeconds);
            double epoch = EpochOf(_step);
            var tensors = _parameters.Select(p => ToNamed(p.Name, p.Value)).ToList();
            var metadata = new Dictionary<string, string>
            {
                ["format"] = RunFiles.CheckpointFormat,
                ["program"] = _o.Program.Name(),
                ["widths"] = string.Join(",", _o.Widths),
                ["bias"] = _o.Bias ? "true" : "false",
                ["epoch"] = RunFiles.Format(epoch),
                ["step"] = _step.ToString(CultureInfo.InvariantCulture),
                ["steps_per_epoch"] = StepsPerEpoch.ToString(CultureInfo.InvariantCulture),
                ["lr"] = RunFiles.Format(_o.LearningRate),
                ["momentum"] = RunFiles.Format(_o.Momentum),
                ["batch_size"] = _o.BatchSize.ToString(CultureInfo.InvariantCulture),
                ["margin"] = RunFiles.Format(_o.Convention.Margin),
                ["convention"] = _o.Convention.Id,
                ["loss"] = _o.Convention.PyTorchLoss,
                ["seed"] = _o.Seed.ToString(CultureInfo.InvariantCulture),
                ["val_error"] = RunFiles.Format(valError),
                ["val_loss"] = RunFiles.Format(valLoss),
                ["train_loss"] = RunFiles.Format(trainLoss),
                ["samples_per_second"] = RunFiles.Format(rate),
                ["threads"] = torch.get_num_threads().ToString(CultureInfo.InvariantCulture),
                ["torchsharp"] = typeof(torch).Assembly.GetName().Version?.ToString() ?? "",
                ["libtorch"] = torch.__version__,
            };
            string path = Path.Combine(RunFiles.CheckpointDirectory(_runDir), RunFiles.CheckpointFileName(_step, epoch));
            SafeTensors.Write(path, tensors, metadata, _o.CheckpointDType);
            _ckptLossSum = 0; _ckptLossCount = 0; _ckptSamples = 0; _ckptSeconds = 0;
            return new CheckpointInfo(path, _step, epoch, valError, valLoss, trainLoss, rate);
        }

        /// <summary>Throws <see cref="TrainingDivergedException"/> if any parameter is NaN or infinite (nothing is written then).</summary>
        void CheckFinite()
        {
            using var _ = no_grad();
            foreach (var (name, p) in _parameters)
                if (!p.isfinite().all().item<bool>())
                    throw new TrainingDivergedException(_runDir, _step, EpochOf(_step), _o.LearningRate, $"parameter '{name}' holds non-finite values");
        }

        public void SaveState()
        {
            CheckFinite();
            var tensors = new List<NamedTensor>();
            foreach (var (name, p) in _parameters) tensors.Add(ToNamed("model." + name, p));
            for (int i = 0; i < _parameters.Length; i++)
                if (_optimizer.MomentumBuffer(i) is { } buf)
                    tensors.Add(ToNamed("momentum." + _parameters[i].Name, buf));
            var metadata = new Dictionary<string, string>
            {
                ["format"] = RunFiles.StateFormat,
                ["step"] = _step.ToString(CultureInfo.InvariantCulture),
                ["optimizer_steps"] = _step.ToString(CultureInfo.InvariantCulture),
                ["data_order"] = $"DataOrder.Permutation(seed, epoch = step / steps_per_epoch), position = step % steps_per_epoch",
                ["steps_per_epoch"] = StepsPerEpoch.ToString(CultureInfo.InvariantCulture),
                ["loss_sum"] = RunFiles.Format(_ckptLossSum),
                ["loss_count"] = _ckptLossCount.ToString(CultureInfo.InvariantCulture),
                ["samples"] = _ckptSamples.ToString(CultureInfo.InvariantCulture),
                ["seconds"] = RunFiles.Format(_ckptSeconds),
                ["last_val_error"] = RunFiles.Format(_lastValError ?? double.NaN),
                ["data_sha256"] = _fingerprint,
            };
            // F32 holds the float32 parameters and buffers exactly.
            SafeTensors.Write(RunFiles.StateFile(_runDir), tensors, metadata, "F32");
            _sinceStateSave.Restart();
        }

        public void LoadState()
        {
            string path = RunFiles.StateFile(_runDir);
            var (tensors, meta) = SafeTensors.Read(path);
            string Meta(string key) => meta.TryGetValue(key, out var v) ? v
                : throw new InvalidDataException($"resume state '{path}' has no '{key}' metadata");
            if (Meta("format") != RunFiles.StateFormat)
                throw new InvalidDataException($"resume state '{path}' has format '{Meta("format")}', expected '{RunFiles.StateFormat}'");
            if (Meta("data_sha256") != _fingerprint)
                throw new InvalidDataException($"resume state '{path}' belongs to other data than run.json describes");
            if (int.Parse(Meta("steps_per_epoch"), CultureInfo.InvariantCulture) != StepsPerEpoch)
                throw new InvalidDataException($"resume state '{path}' has {Meta("steps_per_epoch")} steps per epoch, the run {StepsPerEpoch}");
            long step = long.Parse(Meta("step"), CultureInfo.InvariantCulture);
            if (step < 0 || step > TotalSteps)
                throw new InvalidDataException($"resume state '{path}' is at step {step}, outside the run's 0..{TotalSteps}");

            var byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
            using (no_grad())
            {
                for (int i = 0; i < _parameters.Length; i++)
                {
                    var (name, p) = _parameters[i];
                    if (!byName.TryGetValue("model." + name, out var w))
                        throw new InvalidDataException($"resume state '{path}' has no tensor 'model.{name}'");
                    using (var src = FromNamed(w, p.shape, path)) p.copy_(src);
                    if (byName.TryGetValue("momentum." + name, out var b))
                        _optimizer.SetMomentumBuffer(i, FromNamed(b, p.shape, path));
                }
            }
            _step = step;
            _ckptLossSum = RunFiles.ParseDouble(Meta("loss_sum"));
            _ckptLossCount = long.Parse(Meta("loss_count"), CultureInfo.InvariantCulture);
            _ckptSamples = long.Parse(Meta("samples"), CultureInfo.InvariantCulture);
            _ckptSeconds = RunFiles.ParseDouble(Meta("seconds"));
            double last = RunFiles.ParseDouble(Meta("last_val_error"));
            _lastValError = double.IsNaN(last) ? null : last;
        }

        static NamedTensor ToNamed(string name, Tensor t)
        {
            var f = t.detach().contiguous().to(ScalarType.Float32).data<float>().ToArray();
            var d = new double[f.Length];
            for (int i = 0; i < f.Length; i++) d[i] = f[i];
            return new NamedTensor(name, "F32", t.shape, d);
        }

        static Tensor FromNamed(NamedTensor t, long[] shape, string path)
        {
            if (!t.Shape.SequenceEqual(shape))
                throw new InvalidDataException($"resume state '{path}': tensor '{t.Name}' has shape {t.ShapeText}, the model needs ({string.Join(", ", shape)})");
            var f = new float[t.Data.Length];
            for (int i = 0; i < f.Length; i++) f[i] = (float)t.Data[i];
            return torch.tensor(f, shape);
        }

        public void Dispose()
        {
            _optimizer.Dispose();
            _model.Dispose();
            _trainX.Dispose(); _trainY.Dispose(); _testX.Dispose(); _testY.Dispose();
        }
    }
}
