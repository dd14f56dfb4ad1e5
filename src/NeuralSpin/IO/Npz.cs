using System.IO.Compression;

namespace NeuralSpin.IO;

/// <summary>
/// Reads and writes NumPy <c>.npz</c> archives: zip files (stored or deflated) whose members are
/// <c>.npy</c> arrays, as written by <c>numpy.savez</c> and <c>numpy.savez_compressed</c>.
/// </summary>
public static class Npz
{
    /// <summary>
    /// Reads every <c>.npy</c> member of an archive, in archive order; each tensor is named by its
    /// member name without <c>.npy</c>. Members that are not <c>.npy</c> files are skipped.
    /// </summary>
    /// <exception cref="WeightFileException">The file is missing, not a zip archive, or holds a damaged or unsupported array.</exception>
    public static IReadOnlyList<NamedTensor> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            if (stream.Length == 0)
                throw new WeightFileException(path, "the file is empty", WeightFileException.ReExport);
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read);
            var tensors = new List<NamedTensor>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var entry in zip.Entries)
            {
                if (entry.FullName.EndsWith('/') || !entry.FullName.EndsWith(".npy", StringComparison.Ordinal)) continue;
                string name = entry.FullName[..^4];
                if (!names.Add(name))
                    throw new WeightFileException(path, $"the archive holds member '{entry.FullName}' twice", WeightFileException.ReExport);
                try
                {
                    using var member = entry.Open();
                    tensors.Add(Npy.Read(member, name, path, entry.FullName));
                }
                catch (InvalidDataException e)
                {
                    throw new WeightFileException(path, $"member '{entry.FullName}' cannot be decompressed ({e.Message}); the archive is damaged",
                        WeightFileException.ReExport, e);
                }
            }
            return tensors;
        }
        catch (FileNotFoundException e) { throw SafeTensors.Missing(path, e); }
        catch (DirectoryNotFoundException e) { throw SafeTensors.Missing(path, e); }
        catch (InvalidDataException e)
        {
            throw new WeightFileException(path, $"it is not a readable zip archive ({e.Message}); an .npz file is a zip of .npy arrays",
                WeightFileException.ReExport, e);
        }
        catch (IOException e) { throw new WeightFileException(path, $"could not be read ({e.Message})", "Check that the file is readable.", e); }
        catch (UnauthorizedAccessException e) { throw new WeightFileException(path, $"could not be opened ({e.Message})", "Check the file's permissions.", e); }
    }

    /// <summary>
    /// Writes tensors as an <c>.npz</c> archive of little-endian float64 <c>.npy</c> members named
    /// <c>{name}.npy</c>, atomically (see <see cref="AtomicFile"/>).
    /// </summary>
    /// <param name="path">Destination.</param>
    /// <param name="tensors">Tensors with distinct names.</param>
    /// <param name="compressed">Deflate the members (like <c>numpy.savez_compressed</c>) instead of storing them (like <c>numpy.savez</c>).</param>
    public static void Write(string path, IReadOnlyList<NamedTensor> tensors, bool compressed = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in tensors)
            if (!names.Add(t.Name)) throw new ArgumentException($"tensor name '{t.Name}' is used twice", nameof(tensors));
        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            foreach (var t in tensors)
            {
                var entry = zip.CreateEntry(t.Name + ".npy", compressed ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
                using var member = entry.Open();
                Npy.Write(member, t);
            }
        });
    }
}
