using NUnit.Framework;
using System.Buffers.Binary;
using NeuralSpin.IO;

namespace NeuralSpin.Tests.IO;

public class SafeTensorsTests : TempDirFixture
{
    static NamedTensor T(string name, long[] shape, params double[] data) => new(name, "F64", shape, data);

    [TestCase("F64")]
    [TestCase("F32")]
    [TestCase("F16")]
    [TestCase("BF16")]
    public void Values_exactly_representable_in_the_dtype_round_trip_unchanged(string dtype)
    {
        double[] values = [1.0, -2.0, 0.5, 0.0, -0.375, 3.0, 96.0, -0.0078125];
        string p = PathOf("w.safetensors");
        SafeTensors.Write(p, [T("a", [2, 4], values), T("b", [3], 1, 2, 3)], new Dictionary<string, string> { ["format"] = "pt" }, dtype);

        var (tensors, metadata) = SafeTensors.Read(p);

        Assert.That(tensors.Select(t => t.Name), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(tensors[0].DType, Is.EqualTo(dtype));
        Assert.That(tensors[0].Shape, Is.EqualTo(new long[] { 2, 4 }));
        Assert.That(tensors[0].Data, Is.EqualTo(values));
        Assert.That(tensors[1].Data, Is.EqualTo(new double[] { 1, 2, 3 }));
        Assert.That(metadata, Is.EqualTo(new Dictionary<string, string> { ["format"] = "pt" }));
    }

    [Test]
    public void Written_file_has_a_space_padded_header_whose_length_is_a_multiple_of_8()
    {
        string p = PathOf("w.safetensors");
        SafeTensors.Write(p, [T("x", [1], 1.0)]);
        var bytes = File.ReadAllBytes(p);
        long n = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.That(n % 8, Is.Zero);
        Assert.That(bytes.Length, Is.EqualTo(8 + n + 8));
        Assert.That(System.Text.Encoding.UTF8.GetString(bytes, 8, (int)n).TrimEnd(' '), Does.EndWith("}"));
        Assert.That(Directory.GetFiles(Dir), Has.Length.EqualTo(1), "no temporary file is left behind");
    }

    [Test]
    public void Hand_built_F16_and_BF16_bit_patterns_decode_to_their_IEEE_values()
    {
        var f16 = RawFiles.LittleU16(0x3C00, 0x0001, 0x7C00, 0xC000);
        var bf16 = RawFiles.LittleU16(0x3F80, 0xC000);
        string header = """{"h":{"dtype":"F16","shape":[2,2],"data_offsets":[0,8]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[8,12]}}""";
        string p = WriteBytes("h.safetensors", RawFiles.SafeTensors(header, [.. f16, .. bf16]));

        var (tensors, metadata) = SafeTensors.Read(p);

        Assert.That(tensors[0].Data, Is.EqualTo(new[] { 1.0, Math.ScaleB(1, -24), double.PositiveInfinity, -2.0 }));
        Assert.That(tensors[1].Data, Is.EqualTo(new[] { 1.0, -2.0 }));
        Assert.That(metadata, Is.Empty);
    }

    [Test]
    public void Hand_built_F32_file_reads_as_the_float_values()
    {
        string header = """{"__metadata__":{"k":"v"},"w":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}}""";
        string p = WriteBytes("f.safetensors", RawFiles.SafeTensors(header, RawFiles.LittleF32(0.1f, -1.5f, 2f)));
        var (tensors, metadata) = SafeTensors.Read(p);
        Assert.That(tensors[0].Data, Is.EqualTo(new double[] { 0.1f, -1.5f, 2f }));
        Assert.That(metadata["k"], Is.EqualTo("v"));
    }

    [Test]
    public void Writing_F32_stores_the_float_cast_of_each_value()
    {
        string p = PathOf("w.safetensors");
        SafeTensors.Write(p, [T("w", [2], 0.1, 1.0 / 3)], dtype: "F32");
        Assert.That(SafeTensors.Read(p).Tensors[0].Data, Is.EqualTo(new double[] { 0.1f, (float)(1.0 / 3) }));
    }

    [Test]
    public void Writing_rejects_an_unknown_dtype_and_duplicate_names()
    {
        Assert.Throws<ArgumentException>(() => SafeTensors.Write(PathOf("a.safetensors"), [T("w", [1], 1)], dtype: "I8"));
        Assert.Throws<ArgumentException>(() => SafeTensors.Write(PathOf("a.safetensors"), [T("w", [1], 1), T("w", [1], 2)]));
        Assert.That(Directory.GetFiles(Dir), Is.Empty);
    }

    [Test]
    public void Empty_file_is_reported_as_empty()
    {
        string p = WriteBytes("e.safetensors", []);
        ExpectWeightFileError(p, () => SafeTensors.Read(p), "empty");
    }

    [Test]
    public void File_shorter_than_the_8_byte_length_prefix_is_reported_as_truncated()
    {
        string p = WriteBytes("t.safetensors", [1, 2, 3]);
        ExpectWeightFileError(p, () => SafeTensors.Read(p), "only 3 bytes", "truncated", "Re-export");
    }

    [Test]
    public void Header_length_past_the_end_of_the_file_is_reported_with_both_sizes()
    {
        var bytes = new byte[2048];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 123456);
        string p = WriteBytes("x.safetensors", bytes);
        var e = ExpectWeightFileError(p, () => SafeTensors.Read(p), "header length 123456 runs past the end of the file (2048 bytes)", "truncated");
        Assert.That(e.Remedy, Does.Contain("safetensors.torch.save_file"));
    }

    [Test]
    public void Truncated_data_buffer_is_reported_as_offsets_past_the_end()
    {
        var full = RawFiles.SafeTensors("""{"w":{"dtype":"F64","shape":[2,2],"data_offsets":[0,32]}}""", RawFiles.LittleF64(1, 2, 3, 4));
        string p = WriteBytes("cut.safetensors", full[..^5]);
        ExpectWeightFileError(p, () => SafeTensors.Read(p), "'w'", "data_offsets [0, 32]", "past the end", "27 bytes");
    }

    [Test]
    public void Size_that_disagrees_with_shape_times_item_size_is_reported()
    {
        string p = WriteBytes("s.safetensors", RawFiles.SafeTensors(
            """{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,16]}}""", new byte[16]));
        ExpectWeightFileError(p, () => SafeTensors.Read(p), "'w'", "16 bytes", "24 bytes");
    }

    [Test]
    public void End_offset_before_begin_is_reported()
    {
        string p = WriteBytes("o.safetensors", RawFiles.SafeTensors(
            """{"w":{"dtype":"F64","shape":[0],"data_offsets":[8,0]}}""", new byte[8]));
        ExpectWeightFileError(p, () => SafeTensors.Read(p), "end before begin");
    }

    [TestCase("I8", "this reader does not support")]
    [TestCase("F8_E4M3", "this reader does not support")]
    [TestCase("Q4", "not a safetensors dtype")]
    public void Unsupported_dtype_is_named_and_the_supported_ones_listed(string dtype, string kind)
    {
        string p = WriteBytes("d.safetensors", RawFiles.SafeTensors(
            $$$"""{"w":{"dtype":"{{{dtype}}}","shape":[4],"data_offsets":[0,4]}}""", new byte[4]));
        ExpectWeightFileError(p, () => SafeTensors.Read(p), $"'w'", dtype, kind, "supported dtypes are F64, F32, F16, BF16");
    }

    [TestCase("""{"w":{"dtype":"F64","shape":[1],"data_offsets":[0,8]""", "not valid JSON")]
    [TestCase("""[1, 2]""", "not an object")]
    [TestCase("""{"w":{"shape":[1],"data_offsets":[0,8]}}""", "no \"dtype\"")]
    [TestCase("""{"w":{"dtype":"F64","data_offsets":[0,8]}}""", "no \"shape\"")]
    [TestCase("""{"w":{"dtype":"F64","shape":[1]}}""", "no \"data_offsets\"")]
    [TestCase("""{"w":{"dtype":"F64","shape":[-1],"data_offsets":[0,8]}}""", "not a non-negative integer")]
    [TestCase("""{"w":{"dtype":"F64","shape":[1],"data_offsets":[0]}}""", "not a pair")]
    [TestCase("""{"w":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"w":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}""", "twice")]
    [TestCase("""{"__metadata__":{"n":3},"w":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}""", "must be strings")]
    public void Malformed_header_is_reported_without_leaking_a_parser_exception(string header, string fragment)
    {
        string p = WriteBytes("m.safetensors", RawFiles.SafeTensors(header, new byte[8]));
        ExpectWeightFileError(p, () => SafeTensors.Read(p), fragment);
    }

    [Test]
    public void Header_that_is_not_UTF8_is_reported()
    {
        var bytes = RawFiles.SafeTensors("{\"w\"}", []);
        bytes[9] = 0xFF;
        string p = WriteBytes("u.safetensors", bytes);
        ExpectWeightFileError(p, () => SafeTensors.Read(p), "UTF-8");
    }

    [Test]
    public void Missing_file_is_reported()
    {
        string p = PathOf("nope.safetensors");
        ExpectWeightFileError(p, () => SafeTensors.Read(p), "does not exist");
    }
}
