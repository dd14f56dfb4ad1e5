using NUnit.Framework;
using System.Buffers.Binary;
using NeuralSpin.IO;

namespace NeuralSpin.Tests.IO;

public class NpyTests : TempDirFixture
{
    const string C23 = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }";

    [Test]
    public void Little_endian_float64_C_order_reads_row_major()
    {
        string p = WriteBytes("w.npy", RawFiles.Npy(C23, RawFiles.LittleF64(1, 2, 3, 4, 5, 6)));
        var t = Npy.Read(p);
        Assert.That(t.Name, Is.EqualTo("w"));
        Assert.That(t.DType, Is.EqualTo("<f8"));
        Assert.That(t.Shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(t.Data, Is.EqualTo(new double[] { 1, 2, 3, 4, 5, 6 }));
    }

    [Test]
    public void Big_endian_float64_and_float32_decode_to_the_same_values()
    {
        string p8 = WriteBytes("b8.npy", RawFiles.Npy("{'descr': '>f8', 'fortran_order': False, 'shape': (3,), }", RawFiles.BigF64(1.5, -2, 1e-300)));
        string p4 = WriteBytes("b4.npy", RawFiles.Npy("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", RawFiles.BigF32(0.25f, -3f)));
        Assert.That(Npy.Read(p8).Data, Is.EqualTo(new[] { 1.5, -2, 1e-300 }));
        Assert.That(Npy.Read(p4).Data, Is.EqualTo(new[] { 0.25, -3 }));
    }

    [Test]
    public void Little_endian_float32_and_float16_decode_exactly()
    {
        string p4 = WriteBytes("l4.npy", RawFiles.Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", RawFiles.LittleF32(0.1f, 7f)));
        string p2 = WriteBytes("l2.npy", RawFiles.Npy("{'descr': '<f2', 'fortran_order': False, 'shape': (3,), }", RawFiles.LittleU16(0x3C00, 0x0001, 0xC000)));
        Assert.That(Npy.Read(p4).Data, Is.EqualTo(new double[] { 0.1f, 7f }));
        Assert.That(Npy.Read(p2).Data, Is.EqualTo(new[] { 1.0, Math.ScaleB(1, -24), -2.0 }));
    }

    [Test]
    public void Integer_and_boolean_arrays_convert_to_float64()
    {
        var i4 = new byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(i4, -7);
        BinaryPrimitives.WriteInt32LittleEndian(i4.AsSpan(4), 9);
        var i8 = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(i8, -3);
        string a = WriteBytes("i4.npy", RawFiles.Npy("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", i4));
        string b = WriteBytes("i8.npy", RawFiles.Npy("{'descr': '>i8', 'fortran_order': False, 'shape': (1,), }", i8));
        string c = WriteBytes("i1.npy", RawFiles.Npy("{'descr': '|i1', 'fortran_order': False, 'shape': (2,), }", [0xFF, 0x05]));
        string d = WriteBytes("u1.npy", RawFiles.Npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }", [0xFF, 0x05]));
        string e = WriteBytes("b1.npy", RawFiles.Npy("{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }", [0x01, 0x00]));
        Assert.That(Npy.Read(a).Data, Is.EqualTo(new double[] { -7, 9 }));
        Assert.That(Npy.Read(b).Data, Is.EqualTo(new double[] { -3 }));
        Assert.That(Npy.Read(c).Data, Is.EqualTo(new double[] { -1, 5 }));
        Assert.That(Npy.Read(d).Data, Is.EqualTo(new double[] { 255, 5 }));
        Assert.That(Npy.Read(e).Data, Is.EqualTo(new double[] { 1, 0 }));
    }

    [Test]
    public void Fortran_order_matrix_is_converted_to_row_major()
    {
        // the 2x3 matrix [[1,2,3],[4,5,6]] stored column by column
        string p = WriteBytes("f.npy", RawFiles.Npy("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", RawFiles.LittleF64(1, 4, 2, 5, 3, 6)));
        Assert.That(Npy.Read(p).Data, Is.EqualTo(new double[] { 1, 2, 3, 4, 5, 6 }));
    }

    [Test]
    public void Fortran_order_three_dimensional_array_is_converted_to_row_major()
    {
        // a[i,j,k] = 100 i + 10 j + k with shape (2, 3, 2); Fortran order has i fastest, then j, then k
        var fortran = new List<double>();
        for (int k = 0; k < 2; k++)
            for (int j = 0; j < 3; j++)
                for (int i = 0; i < 2; i++)
                    fortran.Add(100 * i + 10 * j + k);
        var rowMajor = new List<double>();
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 2; k++)
                    rowMajor.Add(100 * i + 10 * j + k);
        string p = WriteBytes("f3.npy", RawFiles.Npy("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3, 2), }", RawFiles.LittleF64([.. fortran])));
        var t = Npy.Read(p);
        Assert.That(t.Shape, Is.EqualTo(new long[] { 2, 3, 2 }));
        Assert.That(t.Data, Is.EqualTo(rowMajor));
    }

    [TestCase(2)]
    [TestCase(3)]
    public void Format_versions_2_and_3_have_a_four_byte_header_length(int major)
    {
        string p = WriteBytes("v.npy", RawFiles.Npy(C23, RawFiles.LittleF64(1, 2, 3, 4, 5, 6), major));
        Assert.That(Npy.Read(p).Data, Is.EqualTo(new double[] { 1, 2, 3, 4, 5, 6 }));
    }

    [TestCase("{\"descr\": \"<f8\", \"shape\": (2,3), \"fortran_order\": False}")]
    [TestCase("{'shape':(2,3),'descr':'<f8','fortran_order':False}   ")]
    [TestCase("{'descr': '<f8', 'fortran_order': False, 'shape': (2L, 3L), }")]
    public void Header_dict_is_parsed_regardless_of_key_order_quotes_and_spacing(string dict)
    {
        string p = WriteBytes("h.npy", RawFiles.Npy(dict, RawFiles.LittleF64(1, 2, 3, 4, 5, 6)));
        Assert.That(Npy.Read(p).Shape, Is.EqualTo(new long[] { 2, 3 }));
    }

    [Test]
    public void Scalar_and_empty_shapes_are_read()
    {
        string s = WriteBytes("s.npy", RawFiles.Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", RawFiles.LittleF64(4.5)));
        string z = WriteBytes("z.npy", RawFiles.Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 3), }", []));
        Assert.That(Npy.Read(s).Data, Is.EqualTo(new[] { 4.5 }));
        Assert.That(Npy.Read(z).Shape, Is.EqualTo(new long[] { 0, 3 }));
    }

    [Test]
    public void Written_array_is_little_endian_float64_C_order_with_a_64_byte_aligned_header()
    {
        string p = PathOf("out.npy");
        Npy.Write(p, new NamedTensor("out", "F64", [2, 2], [1, -2, 0.1, 1e300]));
        var bytes = File.ReadAllBytes(p);
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        Assert.That((10 + headerLength) % 64, Is.Zero);
        Assert.That(bytes[10 + headerLength - 1], Is.EqualTo((byte)'\n'));
        Assert.That(bytes.Length, Is.EqualTo(10 + headerLength + 32));
        var t = Npy.Read(p);
        Assert.That(t.DType, Is.EqualTo("<f8"));
        Assert.That(t.Data, Is.EqualTo(new[] { 1, -2, 0.1, 1e300 }));
        Assert.That(t.Shape, Is.EqualTo(new long[] { 2, 2 }));
    }

    [Test]
    public void One_dimensional_shape_is_written_as_a_one_element_tuple()
    {
        string p = PathOf("v.npy");
        Npy.Write(p, new NamedTensor("v", "F64", [3], [1, 2, 3]));
        Assert.That(System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(p)), Does.Contain("'shape': (3,)"));
        Assert.That(Npy.Read(p).Shape, Is.EqualTo(new long[] { 3 }));
    }

    [Test]
    public void Bad_magic_is_reported()
    {
        string p = WriteBytes("bad.npy", [.. "NUMPY!!!"u8, .. new byte[32]]);
        ExpectWeightFileError(p, () => Npy.Read(p), "magic", "not a NumPy .npy array");
    }

    [Test]
    public void Truncated_data_are_reported_with_expected_and_present_sizes()
    {
        var full = RawFiles.Npy(C23, RawFiles.LittleF64(1, 2, 3, 4, 5, 6));
        string p = WriteBytes("cut.npy", full[..^10]);
        ExpectWeightFileError(p, () => Npy.Read(p), "truncated", "48 bytes", "only 38");
    }

    [Test]
    public void Truncated_header_is_reported()
    {
        var full = RawFiles.Npy(C23, []);
        string p = WriteBytes("cuth.npy", full[..20]);
        ExpectWeightFileError(p, () => Npy.Read(p), "header", "truncated");
    }

    [Test]
    public void Object_arrays_are_refused_with_advice_to_convert()
    {
        string p = WriteBytes("o.npy", RawFiles.Npy("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", new byte[16]));
        var e = ExpectWeightFileError(p, () => Npy.Read(p), "Python objects");
        Assert.That(e.Remedy, Does.Contain("astype"));
    }

    [TestCase("<c16")]
    [TestCase("<U5")]
    [TestCase("<f16")]
    public void Unsupported_dtype_is_named_and_the_supported_ones_listed(string descr)
    {
        string p = WriteBytes("c.npy", RawFiles.Npy($"{{'descr': '{descr}', 'fortran_order': False, 'shape': (1,), }}", new byte[16]));
        ExpectWeightFileError(p, () => Npy.Read(p), $"'{descr}'", "supported dtypes are f2, f4, f8");
    }

    [Test]
    public void Structured_dtype_is_refused()
    {
        string p = WriteBytes("r.npy", RawFiles.Npy("{'descr': [('a', '<f8'), ('b', '<i4')], 'fortran_order': False, 'shape': (1,), }", new byte[12]));
        ExpectWeightFileError(p, () => Npy.Read(p), "structured");
    }

    [TestCase("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), ")]
    [TestCase("{'descr': '<f8', 'shape': (2, 3)}")]
    [TestCase("{'descr': '<f8', 'fortran_order': False, 'shape': (2, -3)}")]
    [TestCase("{'descr': '<f8', 'fortran_order': Maybe, 'shape': (2, 3)}")]
    [TestCase("not a dict")]
    public void Malformed_header_is_reported(string dict)
    {
        string p = WriteBytes("m.npy", RawFiles.Npy(dict, RawFiles.LittleF64(1, 2, 3, 4, 5, 6)));
        ExpectWeightFileError(p, () => Npy.Read(p), "header");
    }

    [Test]
    public void Unsupported_format_version_is_reported()
    {
        var bytes = RawFiles.Npy(C23, RawFiles.LittleF64(1, 2, 3, 4, 5, 6));
        bytes[6] = 9;
        string p = WriteBytes("v9.npy", bytes);
        ExpectWeightFileError(p, () => Npy.Read(p), "version 9.0");
    }

    [Test]
    public void Reading_from_a_stream_names_the_given_source_in_errors()
    {
        using var ms = new MemoryStream([1, 2, 3]);
        var e = Assert.Throws<WeightFileException>(() => Npy.Read(ms, "x", "source.npy"))!;
        Assert.That(e.Path, Is.EqualTo("source.npy"));
    }
}
