using System.Buffers;
using System.Runtime.CompilerServices;

namespace NeuralSpin.SpinModel;

/// <summary>
/// The bond matrix of the multi-layer Sherrington-Kirkpatrick (MSK) model of a feed-forward network
/// (P1 1-4, docs/theory.md section 1), kept in block form: layers k = 0..L of widths N_k, and blocks
/// J^(k) = W^(k)^T of shape N_{k-1} x N_k for k = 1..L, where W^(k) is the PyTorch (out, in) weight.
/// The dense matrix J is symmetric, zero-diagonal and block tridiagonal with J^(k) above the diagonal
/// and J^(k)^T below it; H(sigma) = -1/2 sigma^T J sigma. Biases are not part of H.
/// The blocks are stored in float64, or in float32 when every weight is a float32 value (weights trained or saved in
/// float32, or drawn with <c>singlePrecision</c>): that storage is exact and halves the memory and the bytes a product
/// reads; the products widen each weight to float64 and accumulate in float64, bit for bit as on the same values stored
/// in float64, so every result is the same (docs/theory.md section 4, "Storage of the blocks").
/// </summary>
public sealed class BondMatrix : ISymmetricCoupling
{
    readonly double[][]? _blocks; // J^(k), k = 1..L, stored at index k-1, row-major N_{k-1} x N_k (float64 storage)
    readonly float[][]? _singles; // the same in float32 storage; exactly one of the two is set
    readonly int[] _offsets;

    /// <summary>Builds the bond matrix from blocks J^(k) (row-major, N_{k-1} x N_k).</summary>
    /// <param name="widths">N_0..N_L (at least two layers, all positive).</param>
    /// <param name="blocks">L blocks; block k-1 holds J^(k) with N_{k-1} * N_k finite entries.</param>
    /// <exception cref="ArgumentNullException"><paramref name="widths"/>, <paramref name="blocks"/> or one of the blocks is null.</exception>
    /// <exception cref="ArgumentException">Fewer than two layers, a block count other than L, a width below 1, or a block
    /// of the wrong size or with a NaN or infinite entry.</exception>
    public BondMatrix(IReadOnlyList<int> widths, IReadOnlyList<double[]> blocks) : this(widths, blocks, copy: true)
    {
    }

    /// <summary>
    /// As the public constructor; with <paramref name="copy"/> false the blocks are kept, not copied (for blocks made by this
    /// class that nothing else holds: a 20,000-spin network's blocks are 0.7 GB, and a copy would double the peak).
    /// </summary>
    BondMatrix(IReadOnlyList<int> widths, IReadOnlyList<double[]> blocks, bool copy)
    {
        _widths = CheckedWidths(widths, blocks);
        _blocks = CheckedBlocks(_widths, blocks, copy);
        (_offsets, Size) = Offsets(_widths);
    }

    /// <summary>
    /// Builds the bond matrix from float32 blocks J^(k) (row-major, N_{k-1} x N_k), stored in float32 (half the memory of
    /// float64; exact, since the values are float32). The results equal those of the same values given in float64.
    /// </summary>
    /// <param name="widths">N_0..N_L (at least two layers, all positive).</param>
    /// <param name="blocks">L blocks; block k-1 holds J^(k) with N_{k-1} * N_k finite entries.</param>
    /// <exception cref="ArgumentNullException"><paramref name="widths"/>, <paramref name="blocks"/> or one of the blocks is null.</exception>
    /// <exception cref="ArgumentException">As for the float64 blocks.</exception>
    public static BondMatrix FromSingleBlocks(IReadOnlyList<int> widths, IReadOnlyList<float[]> blocks) => new(widths, blocks, copy: true);

    /// <summary>The float32 constructor; with <paramref name="copy"/> false the blocks are kept, not copied.</summary>
    internal BondMatrix(IReadOnlyList<int> widths, IReadOnlyList<float[]> blocks, bool copy)
    {
        _widths = CheckedWidths(widths, blocks);
        _singles = CheckedBlocks(_widths, blocks, copy);
        (_offsets, Size) = Offsets(_widths);
    }

    /// <summary>The widths, checked against the blocks: at least two layers, one block per pair, every width positive.</summary>
    static int[] CheckedWidths<T>(IReadOnlyList<int> widths, IReadOnlyList<T[]> blocks)
    {
        ArgumentNullException.ThrowIfNull(widths);
        ArgumentNullException.ThrowIfNull(blocks);
        if (widths.Count < 2) throw new ArgumentException("a layered network needs at least two layers (one weight matrix)");
        if (blocks.Count != widths.Count - 1) throw new ArgumentException($"{widths.Count} layers need {widths.Count - 1} blocks, got {blocks.Count}");
        foreach (var w in widths) if (w < 1) throw new ArgumentException("layer widths must be positive");
        return widths.ToArray();
    }

    /// <summary>The blocks, each checked (not null, N_{k-1} x N_k entries, all finite) and copied unless <paramref name="copy"/> is false.</summary>
    static T[][] CheckedBlocks<T>(int[] widths, IReadOnlyList<T[]> blocks, bool copy) where T : System.Numerics.IFloatingPointIeee754<T>
    {
        var kept = new T[blocks.Count][];
        for (int k = 0; k < blocks.Count; k++)
        {
            if (blocks[k] is null) throw new ArgumentNullException(nameof(blocks), $"block J^({k + 1}) is null");
            long expect = (long)widths[k] * widths[k + 1];
            if (blocks[k].LongLength != expect)
                throw new ArgumentException($"block J^({k + 1}) should have {widths[k]}x{widths[k + 1]} entries, got {blocks[k].LongLength}");
            foreach (var v in blocks[k])
                if (!T.IsFinite(v)) throw new ArgumentException($"block J^({k + 1}) has a NaN or infinite entry");
            kept[k] = copy ? (T[])blocks[k].Clone() : blocks[k];
        }
        return kept;
    }

    /// <summary>The first spin of every layer and N (checked: a sum of widths past int.MaxValue throws OverflowException).</summary>
    internal static (int[] Offsets, int Size) Offsets(int[] widths)
    {
        var o = new int[widths.Length + 1];
        for (int k = 0; k < widths.Length; k++) o[k + 1] = checked(o[k] + widths[k]);
        return (o, o[^1]);
    }

    /// <summary>
    /// Whether the blocks are stored in float32 (every weight a float32 value; half the memory, same results; see the
    /// class summary).
    /// </summary>
    public bool SinglePrecision => _singles != null;

    /// <summary>Bytes of the stored blocks: 4 or 8 per weight.</summary>
    public long BlockBytes => (SinglePrecision ? 4L : 8L) * WeightCount;

    /// <summary>Number of weights W = sum_k N_{k-1} N_k.</summary>
    public long WeightCount
    {
        get
        {
            long w = 0;
            for (int k = 0; k + 1 < _widths.Length; k++) w += (long)_widths[k] * _widths[k + 1];
            return w;
        }
    }

    /// <summary>
    /// From PyTorch <c>nn.Linear</c> weights W^(k) (row-major, shape N_k x N_{k-1}), in forward order:
    /// J^(k) = W^(k)^T. The chain out_k == in_{k+1} must hold.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="weights"/> or the data of one weight is null.</exception>
    /// <exception cref="ArgumentException">No weights, a broken chain, a weight of the wrong size, or any check of the
    /// constructor.</exception>
    public static BondMatrix FromLinearWeights(IReadOnlyList<(int Rows, int Cols, double[] Data)> weights)
    {
        var (widths, blocks) = ChainOfBlocks(weights);
        // Stryker disable once Boolean : the blocks are fresh transposes; copying them again keeps the same values
        return new BondMatrix(widths, blocks, copy: false);
    }

    /// <summary>The widths N_0..N_L and the blocks J^(k) = W^(k)^T of PyTorch weights in forward order, the chain checked.</summary>
    static (List<int> Widths, List<T[]> Blocks) ChainOfBlocks<T>(IReadOnlyList<(int Rows, int Cols, T[] Data)> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Count == 0) throw new ArgumentException("no weight matrices");
        var widths = new List<int> { weights[0].Cols };
        var blocks = new List<T[]>();
        for (int k = 0; k < weights.Count; k++)
        {
            var (rows, cols, w) = weights[k];
            if (w is null) throw new ArgumentNullException(nameof(weights), $"weight {k} has no data");
            if (cols != widths[^1])
                throw new ArgumentException($"layer chain broken: weight {k} has {cols} inputs but the previous layer has {widths[^1]} outputs");
            if (w.LongLength != (long)rows * cols) throw new ArgumentException($"weight {k} should have {rows}x{cols} entries, got {w.Length}");
            blocks.Add(Transpose(w, rows, cols));
            widths.Add(rows);
        }
        return (widths, blocks);
    }

    /// <summary>
    /// From float32 PyTorch <c>nn.Linear</c> weights W^(k) (row-major, N_k x N_{k-1}), in forward order: J^(k) = W^(k)^T,
    /// stored in float32 (<see cref="SinglePrecision"/>). The chain out_k == in_{k+1} must hold.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="weights"/> or the data of one weight is null.</exception>
    /// <exception cref="ArgumentException">As for the float64 weights.</exception>
    public static BondMatrix FromSingleLinearWeights(IReadOnlyList<(int Rows, int Cols, float[] Data)> weights)
    {
        var (widths, blocks) = ChainOfBlocks(weights);
        // Stryker disable once Boolean : the blocks are fresh transposes; copying them again keeps the same values
        return new BondMatrix(widths, blocks, copy: false);
    }

    /// <summary>Layer widths N_0..N_L.</summary>
    public IReadOnlyList<int> Widths => _widths;

    readonly int[] _widths;

    /// <summary>Number of weight layers L (blocks).</summary>
    public int BlockCount => _widths.Length - 1;

    /// <inheritdoc />
    public int Size { get; }

    /// <summary>Global index of the first spin of layer k (P1 2), k = 0..L; k = L + 1 gives N, the end of the last layer.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> lies outside 0..L + 1.</exception>
    public int LayerOffset(int k)
    {
        if (k < 0 || k > _widths.Length) throw new ArgumentOutOfRangeException(nameof(k), k, $"the layer index must lie in 0..{_widths.Length} (layers 0..L, then N)");
        return _offsets[k];
    }

    /// <summary>Block J^(k), k = 1..L, row-major N_{k-1} x N_k in float64: a read-only view of the stored data in float64
    /// storage, a float64 copy (exact) in float32 storage.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> lies outside 1..L.</exception>
    public ReadOnlySpan<double> Block(int k) => _blocks is { } b ? b[CheckBlock(k) - 1] : BlockCopy(k);

    /// <summary>A copy of block J^(k) as a fresh float64 array (exact in either storage).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> lies outside 1..L.</exception>
    public double[] BlockCopy(int k)
    {
        CheckBlock(k);
        var d = new double[(long)_widths[k - 1] * _widths[k]];
        CopyBlockTo(k, d);
        return d;
    }

    /// <summary>Writes block J^(k) (row-major N_{k-1} x N_k, float64, exact in either storage) into the start of
    /// <paramref name="destination"/>, without allocating.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> lies outside 1..L.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than the block.</exception>
    public void CopyBlockTo(int k, Span<double> destination)
    {
        CheckBlock(k);
        long count = (long)_widths[k - 1] * _widths[k];
        if (destination.Length < count) throw new ArgumentException($"block {k} has {count} entries, the destination {destination.Length}", nameof(destination));
        if (_blocks is { } b) { b[k - 1].AsSpan().CopyTo(destination); return; }
        var f = _singles![k - 1];
        for (int i = 0; i < f.Length; i++) destination[i] = f[i];
    }

    int CheckBlock(int k) =>
        k >= 1 && k <= BlockCount ? k : throw new ArgumentOutOfRangeException(nameof(k), k, $"the block index must lie in 1..{BlockCount} (blocks are numbered from 1)");

    /// <summary>Entries of block index k (J^(k+1)).</summary>
    long BlockLength(int k) => (long)_widths[k] * _widths[k + 1];

    /// <summary>Row i of block index k (J^(k+1), c = N_{k+1} entries) dotted with x (squared entries when
    /// <paramref name="square"/>), in float64 from either storage.</summary>
    double RowDot(int k, int i, int c, ReadOnlySpan<double> x, bool square) =>
        _blocks is { } b ? Blas.Dot(b[k].AsSpan(i * c, c), x, square) : Blas.Dot(_singles![k].AsSpan(i * c, c), x, square);

    /// <summary>Row i of block index k (J^(k+1), c entries): returns row . x and adds alpha row to y.</summary>
    double RowDotAxpy(int k, int i, int c, ReadOnlySpan<double> x, double alpha, Span<double> y) =>
        _blocks is { } b ? Blas.DotAxpy(b[k].AsSpan(i * c, c), x, alpha, y) : Blas.DotAxpy(_singles![k].AsSpan(i * c, c), x, alpha, y);

    /// <summary>y = J x using the blocks only (cost 2 sum_k N_{k-1} N_k).</summary>
    /// <exception cref="ArgumentException"><paramref name="x"/> or <paramref name="y"/> does not have length N, or
    /// <paramref name="y"/> overlaps <paramref name="x"/>.</exception>
    public void Multiply(ReadOnlySpan<double> x, Span<double> y) => Apply(x, y, square: false);

    /// <summary>y = (J o J) x using the blocks only.</summary>
    /// <exception cref="ArgumentException"><paramref name="x"/> or <paramref name="y"/> does not have length N, or
    /// <paramref name="y"/> overlaps <paramref name="x"/>.</exception>
    public void MultiplySquared(ReadOnlySpan<double> x, Span<double> y) => Apply(x, y, square: true);

    /// <summary>
    /// y = J x in one pass over the stored blocks, on the calling thread: row i of J^(k) gives the dot product for spin i of
    /// layer k-1 and, in the same loop, adds x_i times the row to layer k (so each weight is read once, not twice as by
    /// <see cref="Multiply"/>, and no transposed copy is built). The sums run in another order than <see cref="Multiply"/>'s,
    /// so the results agree to rounding, not bitwise. For the Krylov iterations of the curve (docs/theory.md section 4).
    /// </summary>
    internal void MultiplyOnePass(ReadOnlySpan<double> x, Span<double> y) => MultiplyOnePass(x, y, OnePassParts());

    /// <summary>The threads of a one-pass product: several from <see cref="OnePassParallelWeights"/> weights on.</summary>
    // Stryker disable once all : the number of parts changes only the speed; the rows of each part are computed by the same
    // kernel and the products in parts are tested against the dense product for every part count (BondMatrixThreadingTests)
    int OnePassParts() => WeightCount >= OnePassParallelWeights ? Math.Min(Environment.ProcessorCount, 8) : 1;

    /// <summary><see cref="MultiplyOnePass(ReadOnlySpan{double}, Span{double})"/> with the rows of each block split into
    /// <paramref name="parts"/> parts on as many threads (1: on the calling thread).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void MultiplyOnePass(ReadOnlySpan<double> x, Span<double> y, int parts)
    {
        if (x.Length != Size || y.Length != Size) throw new ArgumentException($"expected vectors of length {Size}");
        if (x.Overlaps(y)) throw new ArgumentException("the output must not overlap the input", nameof(y));
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 1);
        y.Clear();
        if (parts == 1)
        {
            for (int k = 0; k < BlockCount; k++) OnePassRows(k, 0, _widths[k], x, y, y.Slice(_offsets[k + 1], _widths[k + 1]));
            // Stryker disable once Statement : without the return the threaded form runs with one part and writes the same y
            return;
        }
        // rows of each block split over threads: the dot products land in disjoint rows of y, the row updates of the next
        // layer in one buffer per thread, added in thread order (the result does not depend on scheduling). The copies of
        // x and y the threads share are pooled: a product per Lanczos step would otherwise leave two large-object arrays
        // of N behind, which the runtime collects late, with the heap grown around the blocks.
        int n = Size;
        var xs = ArrayPool<double>.Shared.Rent(n);
        var ys = ArrayPool<double>.Shared.Rent(n);
        try
        {
            x.CopyTo(xs);
            Array.Clear(ys, 0, n);
            for (int k = 0; k < BlockCount; k++)
            {
                int r = _widths[k], c = _widths[k + 1], kk = k;
                var partial = new double[parts][];
                Parallel.For(0, parts, p =>
                {
                    partial[p] = new double[c];
                    int lo = (int)((long)r * p / parts), hi = (int)((long)r * (p + 1) / parts);
                    OnePassRows(kk, lo, hi, xs.AsSpan(0, n), ys.AsSpan(0, n), partial[p]);
                });
                var yOut = ys.AsSpan(_offsets[k + 1], c);
                for (int p = 0; p < parts; p++) Blas.Axpy(1, partial[p], yOut);
            }
            ys.AsSpan(0, n).CopyTo(y);
        }
        finally
        {
            // Stryker disable all : an array not returned to the pool is collected instead; only the reuse is lost
            ArrayPool<double>.Shared.Return(xs);
            ArrayPool<double>.Shared.Return(ys);
            // Stryker restore all
        }
    }

    /// <summary>
    /// Y_r = J X_r for several vectors in one pass over the blocks (<see cref="MultiplyOnePass(ReadOnlySpan{double}, Span{double})"/> per row, for every vector
    /// while the row is in cache): the weights are read once for all the vectors, which is what a product at this size
    /// costs (memory traffic, not arithmetic). For the random probes of the kernel polynomial method.
    /// </summary>
    internal void MultiplyOnePass(double[][] xs, double[][] ys) => MultiplyOnePass(xs, ys, OnePassParts());

    /// <summary>The several-vector product with the rows of each block split into <paramref name="parts"/> parts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void MultiplyOnePass(double[][] xs, double[][] ys, int parts)
    {
        ArgumentNullException.ThrowIfNull(xs);
        ArgumentNullException.ThrowIfNull(ys);
        if (xs.Length != ys.Length) throw new ArgumentException("as many outputs as inputs", nameof(ys));
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 1);
        int m = xs.Length;
        foreach (var y in ys) Array.Clear(y);
        for (int k = 0; k < BlockCount; k++)
        {
            int r = _widths[k], c = _widths[k + 1], o0 = _offsets[k], o1 = _offsets[k + 1], kk = k;
            var partial = new double[parts][][];
            Parallel.For(0, parts, p =>
            {
                var mine = partial[p] = new double[m][];
                for (int v = 0; v < m; v++) mine[v] = new double[c];
                int lo = (int)((long)r * p / parts), hi = (int)((long)r * (p + 1) / parts);
                OnePassRowsMany(kk, lo, hi, xs, ys, mine);
            });
            for (int p = 0; p < parts; p++)
                for (int v = 0; v < m; v++) Blas.Axpy(1, partial[p][v], ys[v].AsSpan(o1, c));
        }
    }

    /// <summary>Rows lo..hi of J^(k+1) for every vector r: ys[r][row] += row . xs[r]_next, and yNext[r] += xs[r][row] row
    /// (compiled optimised from its first call, like the one-vector form: the kernel polynomial method's first products
    /// would otherwise run unoptimised code).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void OnePassRowsMany(int k, int lo, int hi, double[][] xs, double[][] ys, double[][] yNext)
    {
        int c = _widths[k + 1], o0 = _offsets[k], o1 = _offsets[k + 1];
        for (int i = lo; i < hi; i++)
            for (int v = 0; v < xs.Length; v++)
                ys[v][o0 + i] += RowDotAxpy(k, i, c, xs[v].AsSpan(o1, c), xs[v][o0 + i], yNext[v]);
    }

    /// <summary>Blocks of at least this many weights (1e6, 8 MB) take the product on several threads.</summary>
    const long OnePassParallelWeights = 1_000_000;

    /// <summary>Rows lo..hi of J^(k+1): y[row] += row . x_next, and yNext += x[row] row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void OnePassRows(int k, int lo, int hi, ReadOnlySpan<double> x, Span<double> y, Span<double> yNext)
    {
        int c = _widths[k + 1], o0 = _offsets[k], o1 = _offsets[k + 1];
        var xOut = x.Slice(o1, c);
        for (int i = lo; i < hi; i++)
            y[o0 + i] += RowDotAxpy(k, i, c, xOut, x[o0 + i], yNext);
    }

    double[][]? _transposed; // J^(k)^T row-major N_k x N_{k-1}, built on first product (float64 storage)
    float[][]? _transposedSingle; // the same in float32 storage

    void Apply(ReadOnlySpan<double> x, Span<double> y, bool square) => Apply(x, y, square, ApplyParts());

    /// <summary>The threads of <see cref="Multiply"/>: several from 200,000 weights on.</summary>
    // Stryker disable once all : the number of parts changes only the speed (every part count is tested, BondMatrixThreadingTests)
    int ApplyParts() => WeightCount > 200_000 ? Math.Min(Environment.ProcessorCount, 8) : 1;

    /// <summary>y = J x (or (J o J) x) with the output rows split into <paramref name="parts"/> parts on as many threads.</summary>
    internal void Apply(ReadOnlySpan<double> x, Span<double> y, bool square, int parts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 1);
        if (x.Length != Size) throw new ArgumentException($"expected {Size} entries in x, got {x.Length}", nameof(x));
        if (y.Length != Size) throw new ArgumentException($"expected {Size} entries in y, got {y.Length}", nameof(y));
        // y is cleared before x is read: an output on top of the input would give J 0 = 0
        if (x.Overlaps(y)) throw new ArgumentException("the output must not overlap the input", nameof(y));
        // Stryker disable Assignment : rebuilt on every product instead of cached, the transposes hold the same values
        if (_blocks != null) _transposed ??= _blocks.Select((b, i) => Transpose(b, Widths[i], Widths[i + 1])).ToArray();
        else _transposedSingle ??= _singles!.Select((b, i) => Transpose(b, Widths[i], Widths[i + 1])).ToArray();
        // Stryker restore Assignment
        y[..Size].Clear();
        // Each output row is one contiguous dot product (J^(k) rows for layer k-1, J^(k)^T rows for layer k),
        // split over threads for large networks; the result does not depend on the thread count.
        var xs = x.ToArray();
        var ys = new double[Size];
        // Stryker disable once Equality : with one part the chunked form covers the same rows
        if (parts == 1) ApplyRows(xs, ys, square, 0, Size);
        else
        {
            int chunk = (Size + parts - 1) / parts;
            Parallel.For(0, parts, p => ApplyRows(xs, ys, square, p * chunk, Math.Min(Size, (p + 1) * chunk)));
        }
        ys.CopyTo(y);
    }

    void ApplyRows(double[] x, double[] y, bool square, int from, int to)
    {
        for (int k = 0; k < _widths.Length; k++)
        {
            int o = _offsets[k], n = _widths[k];
            int lo = Math.Max(from, o), hi = Math.Min(to, o + n);
            for (int g = lo; g < hi; g++)
            {
                int i = g - o;
                double s = 0;
                if (k + 1 < _widths.Length) // outgoing block J^(k+1): row i, columns in layer k+1
                {
                    int c = _widths[k + 1];
                    s += RowDot(k, i, c, x.AsSpan(_offsets[k + 1], c), square);
                }
                if (k > 0) // incoming block J^(k): column i = row i of the transpose, entries in layer k-1
                {
                    int r = _widths[k - 1];
                    var xIn = x.AsSpan(_offsets[k - 1], r);
                    s += _transposed is { } tr ? Blas.Dot(tr[k - 1].AsSpan(i * r, r), xIn, square) : Blas.Dot(_transposedSingle![k - 1].AsSpan(i * r, r), xIn, square);
                }
                y[g] = s;
            }
        }
    }

    static T[] Transpose<T>(T[] b, int rows, int cols)
    {
        var t = new T[b.LongLength];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                t[(long)j * rows + i] = b[(long)i * cols + j];
        return t;
    }

    /// <summary>The transpose of a row-major rows x cols matrix (row-major cols x rows).</summary>
    internal static double[] TransposeDouble(double[] b, int rows, int cols) => Transpose(b, rows, cols);

    /// <summary>Bond matrix of float32 blocks J^(k) made by the caller and held by nothing else (kept, not copied).</summary>
    internal static BondMatrix FromSingleBlocksKept(IReadOnlyList<int> widths, IReadOnlyList<float[]> blocks) => new(widths, blocks, copy: false);

    /// <summary>This bond matrix with its blocks in float64: itself in float64 storage, else a copy with the float32 blocks
    /// widened (exact; the same results bit for bit, each product reading twice the bytes but no conversions).</summary>
    internal BondMatrix WithDoubleBlocks() => _blocks != null ? this : FromBlocksKept(_widths, Enumerable.Range(1, BlockCount).Select(BlockCopy).ToArray());

    /// <summary>Bond matrix of float64 blocks J^(k) made by the caller and held by nothing else (kept, not copied).</summary>
    internal static BondMatrix FromBlocksKept(IReadOnlyList<int> widths, IReadOnlyList<double[]> blocks) => new(widths, blocks, copy: false);

    /// <summary>The transpose of a row-major rows x cols matrix (row-major cols x rows).</summary>
    internal static float[] TransposeSingle(ReadOnlySpan<float> b, int rows, int cols)
    {
        var t = new float[b.Length];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                t[(long)j * rows + i] = b[i * cols + j];
        return t;
    }

    /// <inheritdoc />
    public double[] RowSquareSums()
    {
        var d = new double[Size];
        // J_il^2 counts for the outgoing bonds of spin i (layer k-1) and the incoming bonds of spin l (layer k)
        for (int k = 1; k <= BlockCount; k++)
        {
            int r = _widths[k - 1], c = _widths[k], o0 = _offsets[k - 1], o1 = _offsets[k];
            var buffer = new double[c]; // for the float64 rows of float32 blocks (Row); unused in float64 storage
            var incoming = d.AsSpan(o1, c);
            for (int i = 0; i < r; i++)
            {
                var row = Row(k, i, buffer);
                double s = 0;
                for (int j = 0; j < row.Length; j++)
                {
                    double v2 = row[j] * row[j];
                    s += v2;
                    incoming[j] += v2;
                }
                d[o0 + i] += s;
            }
        }
        return d;
    }

    /// <summary>Row i of block J^(k) in float64: a view of the stored row, or the float32 row converted into
    /// <paramref name="buffer"/> (of the block's width).</summary>
    ReadOnlySpan<double> Row(int k, int i, double[]? buffer)
    {
        int c = _widths[k];
        if (_blocks is { } b) return b[k - 1].AsSpan((int)((long)i * c), c);
        var f = _singles![k - 1].AsSpan((int)((long)i * c), c);
        for (int j = 0; j < c; j++) buffer![j] = f[j];
        return buffer;
    }

    /// <summary>Calls <paramref name="visit"/>(i, l, J_il) for every entry of every block, with global indices i &lt; l.</summary>
    void ForEachBond(Action<int, int, double> visit)
    {
        for (int k = 1; k <= BlockCount; k++)
        {
            int r = Widths[k - 1], c = Widths[k];
            int o0 = _offsets[k - 1], o1 = _offsets[k];
            if (_blocks is { } blocks)
            {
                var b = blocks[k - 1];
                for (int i = 0; i < r; i++)
                    for (int j = 0; j < c; j++)
                        visit(o0 + i, o1 + j, b[(long)i * c + j]);
            }
            else
            {
                var f = _singles![k - 1];
                for (int i = 0; i < r; i++)
                    for (int j = 0; j < c; j++)
                        visit(o0 + i, o1 + j, f[(long)i * c + j]);
            }
        }
    }

    /// <summary>
    /// C_k = N_{k-1} * mean_ij (J^(k)_ij)^2, the estimate of the ensemble variance parameter of block k
    /// (docs/theory.md section 1); one value per block, k = 1..L.
    /// </summary>
    public double[] CouplingVariances()
    {
        var c = new double[BlockCount];
        for (int k = 0; k < BlockCount; k++)
        {
            double s = 0;
            if (_blocks is { } b) foreach (var v in b[k]) s += v * v;
            else foreach (double v in _singles![k]) s += v * v;
            c[k] = Widths[k] * s / BlockLength(k);
        }
        return c;
    }

    /// <summary>
    /// The ascending eigenvalues of J from the singular values of its bipartite block: the layers split into even (k = 0,
    /// 2, ...) and odd ones, and in that order J = [[0, B], [B^T, 0]] with B the (even spins) x (odd spins) couplings, so
    /// the eigenvalues of J are +-sigma_i(B) and |N_even - N_odd| zeros (docs/theory.md section 4, "For a layered J the
    /// spectrum is symmetric"). A singular value problem of N_even x N_odd costs about a quarter of the dense eigenvalue
    /// problem of size N and is as accurate (backward stable: errors of a few ulps times ||J||).
    /// </summary>
    public double[] SpectrumFromBipartiteBlock()
    {
        var evenIndex = new int[Size];
        var oddIndex = new int[Size];
        var even = new bool[Size];
        int ne = 0, no = 0;
        for (int k = 0; k < _widths.Length; k++)
            for (int i = 0; i < _widths[k]; i++)
                if (even[_offsets[k] + i] = k % 2 == 0) evenIndex[_offsets[k] + i] = ne++;
                else oddIndex[_offsets[k] + i] = no++;
        var b = new double[(long)ne * no];
        ForEachBond((i, l, v) =>
        {
            // i in layer k-1, l in layer k: one of them is even
            bool iEven = even[i];
            int e = iEven ? evenIndex[i] : evenIndex[l], o = iEven ? oddIndex[l] : oddIndex[i];
            b[(long)e * no + o] = v;
        });
        var sigma = Numerics.TorchLinalg.SingularValues(b, ne, no);
        var w = new double[Size];
        int m = sigma.Length;
        for (int i = 0; i < m; i++)
        {
            w[i] = -sigma[i];
            w[Size - 1 - i] = sigma[i];
        }
        return w; // the |N_even - N_odd| zeros in the middle are already 0
    }

    /// <summary>
    /// The factor c of the error bound of <see cref="SpectrumFromGram"/>: the eigenvalues mu_i of the computed Gram matrix
    /// are within delta = c m eps sigma_max^2 of sigma_i^2, m the order of the Gram matrix (docs/theory.md section 4,
    /// equation 4.8). Rounding in the products and the backward-stable eigensolver give errors of a few eps sigma_max^2 times
    /// a small power of the sizes; c = 1 with the factor m leaves room of a hundred and more at the sizes of this project
    /// (measured against the singular values: at most 3e-15 sigma_max^2 at m = 1024).
    /// </summary>
    public const double GramErrorFactor = 1;

    /// <summary>
    /// The ascending eigenvalues of J from the eigenvalues of the Gram matrix of its bipartite block (docs/theory.md section 4,
    /// equation 4.8): J = [[0, B], [B^T, 0]] in even/odd layer order, the eigenvalues of J are +-sigma_i(B) and
    /// |N_even - N_odd| zeros, and sigma_i^2 are the eigenvalues mu_i of the smaller of B^T B and B B^T, formed block by
    /// block (<c>TorchLinalg.LayerGramEigenvalues</c>). About a third of the cost of the singular values
    /// (<see cref="SpectrumFromBipartiteBlock"/>) on the 784-512-512-512-10 network, but squaring loses accuracy at the small
    /// singular values: with |mu_i - sigma_i^2| &lt;= delta (<see cref="GramErrorFactor"/>), sigma_i = sqrt(max(mu_i, 0))
    /// errs by at most min(sqrt(delta), delta / sigma_i). Returns the spectrum and that bound, maximised over i, as an
    /// absolute error of the eigenvalues of J (0 for the exact zeros).
    /// </summary>
    public (double[] Spectrum, double ErrorBound) SpectrumFromGram()
    {
        var (_, parity) = GramOrder();
        // float32 storage: the blocks widened to float64 for the Gram products (exact; a transient copy, taken only on the
        // route where the Gram matrix is small)
        IReadOnlyList<double[]> blocks = WithDoubleBlocks()._blocks!;
        var mu = Numerics.TorchLinalg.LayerGramEigenvalues(blocks, _widths, parity);
        int m = mu.Length;
        var w = new double[Size];
        if (m == 0) return (w, 0);
        double muMax = Math.Max(mu[^1], 0);
        double delta = GramErrorFactor * m * (Math.BitIncrement(1.0) - 1.0) * muMax; // eps = 2^-52
        double error = 0;
        for (int i = 0; i < m; i++)
        {
            double sigma = Math.Sqrt(Math.Max(mu[m - 1 - i], 0)); // descending
            w[i] = -sigma;
            w[Size - 1 - i] = sigma;
            error = Math.Max(error, Math.Min(Math.Sqrt(delta), sigma > 0 ? delta / sigma : double.PositiveInfinity));
        }
        return (w, error);
    }

    /// <summary>The order of the Gram matrix of <see cref="SpectrumFromGram"/>: min(N_even, N_odd).</summary>
    public int BipartiteGramOrder => GramOrder().Order;

    (int Order, int Parity) GramOrder()
    {
        int even = 0, odd = 0;
        for (int k = 0; k < _widths.Length; k++) if (k % 2 == 0) even += _widths[k]; else odd += _widths[k];
        return odd <= even ? (odd, 1) : (even, 0);
    }

    /// <inheritdoc />
    public double[] ToDenseRowMajor()
    {
        var a = new double[(long)Size * Size];
        WriteDense(a); // a fresh array is zero already
        return a;
    }

    /// <summary>The dense row-major N x N matrix written into <paramref name="destination"/> (cleared first).</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> does not have N x N entries.</exception>
    internal void ToDenseRowMajor(Span<double> destination)
    {
        if (destination.Length != (long)Size * Size) throw new ArgumentException($"expected {(long)Size * Size} entries, got {destination.Length}", nameof(destination));
        destination.Clear();
        WriteDense(destination);
    }

    /// <summary>Writes the blocks and their transposes into a zeroed N x N row-major span.</summary>
    void WriteDense(Span<double> a)
    {
        int n = Size;
        for (int k = 1; k <= BlockCount; k++)
        {
            int r = _widths[k - 1], c = _widths[k], o0 = _offsets[k - 1], o1 = _offsets[k];
            var buffer = new double[c]; // for the float64 rows of float32 blocks (Row); unused in float64 storage
            // the block above the diagonal row by row, then its transpose below it in tiles that stay in cache
            for (int i = 0; i < r; i++) Row(k, i, buffer).CopyTo(a.Slice((int)((long)(o0 + i) * n + o1), c));
            const int tile = 32;
            for (int i0 = 0; i0 < r; i0 += tile)
                for (int j0 = 0; j0 < c; j0 += tile)
                    for (int j = j0; j < Math.Min(c, j0 + tile); j++)
                        for (int i = i0; i < Math.Min(r, i0 + tile); i++)
                            a[(int)((long)(o1 + j) * n + o0 + i)] = a[(int)((long)(o0 + i) * n + o1 + j)];
        }
    }

    /// <summary>
    /// A network drawn from the ensemble of docs/theory.md section 1: J^(k)_ij ~ N(0, C_k / N_{k-1}).
    /// Kaiming-normal initialisation (fan-in, ReLU gain) is C_k = 2.
    /// </summary>
    /// <param name="widths">N_0..N_L.</param>
    /// <param name="c">One C for all blocks, or one per block.</param>
    /// <param name="rng">Seeded generator.</param>
    /// <param name="singlePrecision">Round each draw to float32 and store the blocks in float32 (<see cref="SinglePrecision"/>),
    /// as a network initialised in float32 is: the same draws as in float64, rounded, with no float64 copy of the network.</param>
    /// <exception cref="ArgumentNullException"><paramref name="widths"/>, <paramref name="c"/> or <paramref name="rng"/> is null.</exception>
    /// <exception cref="ArgumentException">Fewer than two layers, a width below 1, a count of C other than 1 or L, or a
    /// C_k that is negative, NaN or infinite.</exception>
    public static BondMatrix Sample(IReadOnlyList<int> widths, IReadOnlyList<double> c, Random rng, bool singlePrecision = false)
    {
        ArgumentNullException.ThrowIfNull(widths);
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(rng);
        if (widths.Count < 2) throw new ArgumentException("a layered network needs at least two layers");
        foreach (var w in widths) if (w < 1) throw new ArgumentException("layer widths must be positive");
        int l = widths.Count - 1;
        if (c.Count != 1 && c.Count != l) throw new ArgumentException($"give one C or one per block ({l}), got {c.Count}");
        var blocks = new List<double[]>();
        var singles = new List<float[]>();
        for (int k = 1; k <= l; k++)
        {
            double ck = c.Count == 1 ? c[0] : c[k - 1];
            if (!(ck >= 0) || !double.IsFinite(ck)) throw new ArgumentException("C_k must be finite and non-negative");
            double sd = Math.Sqrt(ck / widths[k - 1]);
            long count = (long)widths[k - 1] * widths[k];
            if (singlePrecision)
            {
                var f = new float[count];
                for (long i = 0; i < count; i++) f[i] = (float)(sd * Gaussian.Sample(rng));
                singles.Add(f);
            }
            else
            {
                var b = new double[count];
                for (long i = 0; i < count; i++) b[i] = sd * Gaussian.Sample(rng);
                blocks.Add(b);
            }
        }
        // Stryker disable once Boolean : the blocks were drawn here; copying them again keeps the same values
        return singlePrecision ? new BondMatrix(widths, singles, copy: false) : new BondMatrix(widths, blocks, copy: false);
    }

    /// <summary>
    /// The PyTorch weights W^(k) = J^(k)^T (row-major, N_k x N_{k-1}), the inverse of
    /// <see cref="FromLinearWeights"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> lies outside 1..L.</exception>
    public (int Rows, int Cols, double[] Data) LinearWeight(int k)
    {
        CheckBlock(k);
        int r = Widths[k - 1], c = Widths[k];
        return (c, r, _blocks is { } b ? Transpose(b[k - 1], r, c) : Transpose(BlockCopy(k), r, c));
    }
}
