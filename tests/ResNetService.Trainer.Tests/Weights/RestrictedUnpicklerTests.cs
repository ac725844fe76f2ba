using ResNetService.Trainer.Tests.Support;
using ResNetService.Trainer.Weights;

namespace ResNetService.Trainer.Tests.Weights;

/// <summary>The pickle stack machine on its own: plain data in, every opcode it knows, and pickles it must refuse.</summary>
public sealed class RestrictedUnpicklerTests
{
    private static object? Load(PickleWriter pickle) => RestrictedUnpickler.Load(pickle.ToArray(), new TorchPickleRules(), "test.pkl");

    private static string Refusal(PickleWriter pickle) => Assert.Throws<WeightFileProblem>(() => Load(pickle)).Message;

    [Fact]
    public void Numbers_of_every_width_read_with_their_sign()
    {
        var pickle = new PickleWriter().Proto().Op(PickleOpcodes.Mark)
            .Int(7).Int(300).Int(-5).Int(70_000).Int(long.MinValue)
            .Op(PickleOpcodes.Long1).Raw(1, 0xfe) // -2 in one byte
            .Op(PickleOpcodes.Long1).Raw(2, 0x00, 0x80) // -32768 in two
            .Op(PickleOpcodes.Long1).Raw(0) // 0 in none
            .Float(-0.125)
            .Op(PickleOpcodes.Tuple).Op(PickleOpcodes.Stop);

        var tuple = Assert.IsType<PickleTuple>(Load(pickle));

        Assert.Equal<object?>([7L, 300L, -5L, 70_000L, long.MinValue, -2L, -32768L, 0L, -0.125], tuple.Items);
    }

    [Fact]
    public void Strings_bytes_constants_and_containers_build_as_python_would()
    {
        var pickle = new PickleWriter().Proto(5).Op(PickleOpcodes.EmptyDict).Op(PickleOpcodes.Mark)
            .Op(PickleOpcodes.ShortBinUnicode).Raw(2).Raw("ab"u8.ToArray())
            .Op(PickleOpcodes.BinUnicode8).Raw(LittleEndian.Int64(3)).Raw("\u00e9t"u8.ToArray())
            .String("bytes").Op(PickleOpcodes.ShortBinBytes).Raw(2, 1, 2)
            .String("more").Op(PickleOpcodes.BinBytes).Raw(LittleEndian.Int32(1)).Raw(9)
            .String("none").Op(PickleOpcodes.None)
            .String("flags").Op(PickleOpcodes.NewTrue).Op(PickleOpcodes.NewFalse).Op(PickleOpcodes.Tuple2)
            .String("tuples").Op(PickleOpcodes.EmptyTuple).Int(1).Op(PickleOpcodes.Tuple1).Int(1).Int(2).Int(3).Op(PickleOpcodes.Tuple3).Op(PickleOpcodes.Tuple3)
            .String("list").Op(PickleOpcodes.EmptyList).Put(300).Int(1).Op(PickleOpcodes.Append).Op(PickleOpcodes.Mark).Int(2).Int(3).Op(PickleOpcodes.Appends)
            .String("again").Get(300)
            .String("dup").Int(4).Op(PickleOpcodes.Dup).Op(PickleOpcodes.Pop)
            .Op(PickleOpcodes.Mark).Int(5).Int(6).Op(PickleOpcodes.PopMark)
            .Op(PickleOpcodes.SetItems)
            .String("replaced").Int(1).Op(PickleOpcodes.SetItem).String("replaced").Int(2).Op(PickleOpcodes.SetItem)
            .Op(PickleOpcodes.Stop);

        var dict = Assert.IsType<PickleDict>(Load(pickle));

        Assert.Equal<object?>(["ab", "bytes", "more", "none", "flags", "tuples", "list", "again", "dup", "replaced"], dict.Entries.Select(e => e.Key));
        Assert.Equal("\u00e9t", dict.Entries[0].Value);
        Assert.Equal([1, 2], Assert.IsType<byte[]>(dict.Entries[1].Value));
        Assert.Equal([9], Assert.IsType<byte[]>(dict.Entries[2].Value));
        Assert.Null(dict.Entries[3].Value);
        Assert.Equal<object?>([true, false], Assert.IsType<PickleTuple>(dict.Entries[4].Value).Items);
        var tuples = Assert.IsType<PickleTuple>(dict.Entries[5].Value);
        Assert.Same(PickleTuple.Empty, tuples[0]);
        Assert.Equal<object?>([1L], Assert.IsType<PickleTuple>(tuples[1]).Items);
        Assert.Equal<object?>([1L, 2L, 3L], Assert.IsType<PickleTuple>(tuples[2]).Items);
        var list = Assert.IsType<List<object?>>(dict.Entries[6].Value);
        Assert.Equal<object?>([1L, 2L, 3L], list);
        Assert.Same(list, dict.Entries[7].Value);
        Assert.Equal(4L, dict.Entries[8].Value);
        Assert.Equal(2L, dict.Entries[9].Value);
    }

    [Fact]
    public void Deeply_nested_lists_build_without_recursion()
    {
        const int depth = 100_000;
        var pickle = new PickleWriter().Proto();
        for (var i = 0; i < depth; i++)
        {
            pickle.Op(PickleOpcodes.EmptyList);
        }

        for (var i = 1; i < depth; i++)
        {
            pickle.Op(PickleOpcodes.Append);
        }

        var outer = Assert.IsType<List<object?>>(Load(pickle.Op(PickleOpcodes.Stop)));

        Assert.Single(outer);
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 0x02, 0x49, 0x31, 0x0a, 0x2e }, "opcode 0x49, which this reader does not support (at byte 2)")]
    [InlineData(new byte[] { 0x80, 0x02, 0x4e }, "ends in the middle of an opcode (truncated)")]
    [InlineData(new byte[] { 0x80, 0x02, 0x58, 0xff, 0xff, 0xff, 0xff, 0x2e }, "claims 4294967295 bytes where 1 are left")]
    [InlineData(new byte[] { 0x80, 0x02, 0x8d, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x2e }, "claims 18446744073709551615 bytes")]
    [InlineData(new byte[] { 0x80, 0x02, 0x68, 0x05, 0x2e }, "recalls memo entry 5, which it never stored")]
    [InlineData(new byte[] { 0x80, 0x02, 0x2e }, "reads an empty stack")]
    [InlineData(new byte[] { 0x80, 0x02, 0x4e, 0x28, 0x30, 0x2e }, "reads an empty stack")]
    [InlineData(new byte[] { 0x80, 0x02, 0x31, 0x2e }, "closes a MARK it never opened")]
    [InlineData(new byte[] { 0x80, 0x02, 0x7d, 0x28, 0x4e, 0x75, 0x2e }, "odd number of keys and values")]
    [InlineData(new byte[] { 0x80, 0x02, 0x4e, 0x4e, 0x61, 0x2e }, "appends to something that is not a list")]
    [InlineData(new byte[] { 0x80, 0x02, 0x8c, 0x02, 0xc3, 0x28, 0x2e }, "not valid UTF-8")]
    [InlineData(new byte[] { 0x80, 0x06, 0x4e, 0x2e }, "pickle protocol 6")]
    [InlineData(new byte[] { 0x80, 0x02, 0x8a, 0x09, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0x2e }, "an integer of 9 bytes")]
    [InlineData(new byte[] { 0x80, 0x02, 0x63, 0x6f, 0x73, 0x0a, 0x73, 0x79, 0x73 }, "in the middle of a GLOBAL")]
    [InlineData(new byte[] { 0x80, 0x02, 0x7d, 0x5d, 0x4e, 0x73, 0x2e }, "uses a list or a dict as a dict key")]
    public void Damaged_pickles_are_refused_with_the_reason(byte[] bytes, string reason)
    {
        var message = Assert.Throws<WeightFileProblem>(() => RestrictedUnpickler.Load(bytes, new TorchPickleRules(), "test.pkl")).Message;

        Assert.Contains(reason, message);
    }

    [Fact]
    public void Too_many_open_marks_are_refused()
    {
        var pickle = new PickleWriter().Proto();
        for (var i = 0; i < 1001; i++)
        {
            pickle.Op(PickleOpcodes.Mark);
        }

        Assert.Contains("more than 1000 MARKs", Refusal(pickle));
    }
}
