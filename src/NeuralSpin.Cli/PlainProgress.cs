using System.Diagnostics;
using System.Globalization;

namespace NeuralSpin.Cli;

/// <summary>
/// Progress of a long computation for output that is not a terminal (logs, pipes, batch jobs): every
/// <see cref="Interval"/> a line <c>progress: LABEL: STAGE DONE/TOTAL (P%), elapsed E s, ETA R s</c> on standard error,
/// printed by a timer, so that a stage which reports nothing for a long time still shows that the command is alive.
/// A run shorter than one interval prints nothing. Reports may come from several threads.
/// </summary>
public sealed class PlainProgress : IProgress<int>, IDisposable
{
    /// <summary>The default interval between lines, in seconds (environment variable NEURALSPIN_PROGRESS_SECONDS overrides it).</summary>
    public const double DefaultSeconds = 10;

    readonly TextWriter _err;
    readonly string _label;
    readonly Stopwatch _clock = Stopwatch.StartNew();
    readonly Timer _timer;
    readonly object _gate = new();
    int _total;
    int _done;
    string? _stage;
    bool _stopped;

    /// <summary>Starts the timer; <paramref name="total"/> 0 means no known total (then no percentage or ETA).</summary>
    public PlainProgress(TextWriter err, string label, int total)
    {
        _err = err;
        _label = label;
        _total = total;
        var every = Interval;
        _timer = new Timer(_ => Print(), null, every, every);
    }

    /// <summary>The interval between lines: NEURALSPIN_PROGRESS_SECONDS when it is a positive number, else <see cref="DefaultSeconds"/>.</summary>
    public static TimeSpan Interval =>
        double.TryParse(Environment.GetEnvironmentVariable("NEURALSPIN_PROGRESS_SECONDS"), NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s > 0 && s < 86400
            ? TimeSpan.FromSeconds(s) : TimeSpan.FromSeconds(DefaultSeconds);

    /// <summary>Steps done so far.</summary>
    public void Report(int done)
    {
        lock (_gate) _done = Math.Max(_done, done);
    }

    /// <summary>Names the current stage (and optionally a new total, resetting the steps done).</summary>
    public void Stage(string stage, int? total = null)
    {
        lock (_gate)
        {
            _stage = stage;
            if (total is int t) { _total = t; _done = 0; }
        }
    }

    /// <summary>The line that would be printed now.</summary>
    public string Line()
    {
        lock (_gate)
        {
            double elapsed = _clock.Elapsed.TotalSeconds;
            var inv = CultureInfo.InvariantCulture;
            var text = $"progress: {_label}";
            if (_stage != null) text += $": {_stage}";
            if (_total > 0)
            {
                text += string.Create(inv, $" {_done}/{_total} ({100.0 * _done / _total:F0}%)");
            }
            text += string.Create(inv, $", elapsed {elapsed:F0} s");
            if (_total > 0 && _done < _total && NeuralSpin.Reporting.ProgressRate.RemainingSeconds(_done, _total, elapsed) is double eta)
                text += string.Create(inv, $", ETA {eta:F0} s");
            return text;
        }
    }

    void Print()
    {
        string line = Line();
        lock (_gate)
        {
            if (_stopped) return;
            lock (_err) _err.WriteLine(line);
        }
    }

    /// <summary>Stops the timer (no line is printed after this returns).</summary>
    public void Dispose()
    {
        lock (_gate) _stopped = true;
        using var done = new ManualResetEvent(false);
        if (_timer.Dispose(done)) done.WaitOne();
    }
}
