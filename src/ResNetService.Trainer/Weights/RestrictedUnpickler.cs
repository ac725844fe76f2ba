using System.Buffers.Binary;
using System.Text;

namespace ResNetService.Trainer.Weights;

/// <summary>
/// A small pickle stack machine for the opcodes protocols 2 to 5 use for plain data. It runs no code and imports
/// nothing: globals, calls, BUILD and persistent ids go to <see cref="IPickleRules"/>, which allow only what a format
/// needs. Every length is checked against the bytes left, so a hostile pickle fails with a
/// <see cref="WeightFileProblem"/>, never an out-of-memory or out-of-range error. Nothing here recurses, so deeply
/// nested data cannot overflow the stack.
/// </summary>
internal sealed class RestrictedUnpickler
{
    /// <summary>Far more open MARKs than plain data needs (a handful); a bound for hostile pickles.</summary>
    private const int DeepestMarks = 1000;

    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly byte[] _data;
    private readonly IPickleRules _rules;
    private readonly string _source;
    private readonly List<object?> _stack = [];
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = [];
    private int _position;
    private int _opcodeAt;

    private RestrictedUnpickler(byte[] data, IPickleRules rules, string source)
    {
        _data = data;
        _rules = rules;
        _source = source;
    }

    /// <summary>The object the pickle in <paramref name="data"/> describes.</summary>
    /// <param name="source">Where the pickle came from, for messages (e.g. <c>archive/data.pkl</c>).</param>
    public static object? Load(byte[] data, IPickleRules rules, string source) => new RestrictedUnpickler(data, rules, source).Run();

    private object? Run()
    {
        while (true)
        {
            _opcodeAt = _position;
            var opcode = ReadByte();
            switch (opcode)
            {
                case PickleOpcodes.Proto:
                    var protocol = ReadByte();
                    if (protocol > 5)
                    {
                        throw Damaged($"it uses pickle protocol {protocol}, newer than the 5 this reader knows");
                    }

                    break;
                case PickleOpcodes.Frame:
                    // A frame only tells a streaming reader how much to buffer; the whole pickle is in memory already.
                    ReadLength(8);
                    break;
                case PickleOpcodes.Stop:
                    return Pop();
                case PickleOpcodes.Mark:
                    if (_marks.Count == DeepestMarks)
                    {
                        throw Damaged($"it opens more than {DeepestMarks} MARKs at once");
                    }

                    _marks.Push(_stack.Count);
                    break;
                case PickleOpcodes.Pop:
                    Pop();
                    break;
                case PickleOpcodes.PopMark:
                    PopToMark();
                    break;
                case PickleOpcodes.Dup:
                    Push(Peek());
                    break;
                case PickleOpcodes.None:
                    Push(null);
                    break;
                case PickleOpcodes.NewTrue:
                    Push(true);
                    break;
                case PickleOpcodes.NewFalse:
                    Push(false);
                    break;
                case PickleOpcodes.BinInt:
                    Push((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4)));
                    break;
                case PickleOpcodes.BinInt1:
                    Push((long)ReadByte());
                    break;
                case PickleOpcodes.BinInt2:
                    Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2)));
                    break;
                case PickleOpcodes.Long1:
                    Push(ReadLong1());
                    break;
                case PickleOpcodes.BinFloat:
                    Push(BinaryPrimitives.ReadDoubleBigEndian(Take(8)));
                    break;
                case PickleOpcodes.ShortBinUnicode:
                    Push(ReadString(ReadLength(1)));
                    break;
                case PickleOpcodes.BinUnicode:
                    Push(ReadString(ReadLength(4)));
                    break;
                case PickleOpcodes.BinUnicode8:
                    Push(ReadString(ReadLength(8)));
                    break;
                case PickleOpcodes.ShortBinBytes:
                    Push(Take(ReadLength(1)).ToArray());
                    break;
                case PickleOpcodes.BinBytes:
                    Push(Take(ReadLength(4)).ToArray());
                    break;
                case PickleOpcodes.BinBytes8:
                    Push(Take(ReadLength(8)).ToArray());
                    break;
                case PickleOpcodes.EmptyTuple:
                    Push(PickleTuple.Empty);
                    break;
                case PickleOpcodes.Tuple:
                    Push(new PickleTuple(PopToMark()));
                    break;
                case PickleOpcodes.Tuple1:
                case PickleOpcodes.Tuple2:
                case PickleOpcodes.Tuple3:
                    Push(new PickleTuple(PopItems(opcode - PickleOpcodes.Tuple1 + 1)));
                    break;
                case PickleOpcodes.EmptyList:
                    Push(new List<object?>());
                    break;
                case PickleOpcodes.Append:
                    var item = Pop();
                    List(Peek()).Add(item);
                    break;
                case PickleOpcodes.Appends:
                    var items = PopToMark();
                    List(Peek()).AddRange(items);
                    break;
                case PickleOpcodes.EmptyDict:
                    Push(new PickleDict());
                    break;
                case PickleOpcodes.SetItem:
                    var value = Pop();
                    var key = Pop();
                    Dict(Peek()).Set(key, value);
                    break;
                case PickleOpcodes.SetItems:
                    SetItems(PopToMark());
                    break;
                case PickleOpcodes.BinPut:
                    _memo[ReadByte()] = Peek();
                    break;
                case PickleOpcodes.LongBinPut:
                    _memo[BinaryPrimitives.ReadUInt32LittleEndian(Take(4))] = Peek();
                    break;
                case PickleOpcodes.Memoize:
                    _memo[_memo.Count] = Peek();
                    break;
                case PickleOpcodes.BinGet:
                    Push(Recall(ReadByte()));
                    break;
                case PickleOpcodes.LongBinGet:
                    Push(Recall(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))));
                    break;
                case PickleOpcodes.Global:
                    var module = ReadLine();
                    Push(_rules.Resolve(module, ReadLine()));
                    break;
                case PickleOpcodes.StackGlobal:
                    var name = Pop();
                    Push(_rules.Resolve(Text(Pop()), Text(name)));
                    break;
                case PickleOpcodes.Reduce:
                    var arguments = Pop();
                    Push(_rules.Call(Pop(), arguments));
                    break;
                case PickleOpcodes.Build:
                    var state = Pop();
                    _rules.Build(Peek(), state);
                    break;
                case PickleOpcodes.BinPersId:
                    Push(_rules.PersistentLoad(Pop()));
                    break;
                default:
                    throw Damaged($"it holds opcode 0x{opcode:x2}, which this reader does not support");
            }
        }
    }

    private WeightFileProblem Damaged(string what) =>
        new($"has a pickle ({_source}) this reader cannot load: {what} (at byte {_opcodeAt})");

    private byte ReadByte() => Take(1)[0];

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _data.Length - _position)
        {
            throw Damaged("it ends in the middle of an opcode (truncated)");
        }

        _position += count;
        return _data.AsSpan(_position - count, count);
    }

    /// <summary>A length of <paramref name="width"/> bytes, at most what is left of the pickle.</summary>
    private int ReadLength(int width)
    {
        var bytes = Take(width);
        var length = width switch
        {
            1 => bytes[0],
            4 => BinaryPrimitives.ReadUInt32LittleEndian(bytes),
            _ => BinaryPrimitives.ReadUInt64LittleEndian(bytes),
        };
        if (length > (ulong)(_data.Length - _position))
        {
            throw Damaged($"it claims {length} bytes where {_data.Length - _position} are left");
        }

        return (int)length;
    }

    /// <summary>LONG1: a little-endian two's complement integer of up to 8 bytes (larger ones no weights file needs).</summary>
    private long ReadLong1()
    {
        var width = ReadByte();
        if (width > 8)
        {
            throw Damaged($"it holds an integer of {width} bytes, larger than 64 bits");
        }

        var bytes = Take(width);
        long result = 0;
        for (var i = width - 1; i >= 0; i--)
        {
            result = (result << 8) | bytes[i];
        }

        // Extend the sign of a shorter integer.
        return width is > 0 and < 8 && (bytes[width - 1] & 0x80) != 0 ? result - (1L << (8 * width)) : result;
    }

    private string ReadString(int length)
    {
        try
        {
            return StrictUtf8.GetString(Take(length));
        }
        catch (DecoderFallbackException)
        {
            throw Damaged("it holds a string that is not valid UTF-8");
        }
    }

    /// <summary>A GLOBAL's module or name: text up to a newline.</summary>
    private string ReadLine()
    {
        var end = Array.IndexOf(_data, (byte)'\n', _position);
        if (end < 0)
        {
            throw Damaged("it ends in the middle of a GLOBAL (truncated)");
        }

        var line = ReadString(end - _position);
        _position++;
        return line;
    }

    private void Push(object? value) => _stack.Add(value);

    /// <summary>The lowest stack position the current MARK leaves in reach.</summary>
    private int Floor => _marks.Count > 0 ? _marks.Peek() : 0;

    private object? Peek() => _stack.Count > Floor ? _stack[^1] : throw Damaged("it reads an empty stack");

    private object? Pop()
    {
        var top = Peek();
        _stack.RemoveAt(_stack.Count - 1);
        return top;
    }

    private object?[] PopItems(int count)
    {
        if (_stack.Count - Floor < count)
        {
            throw Damaged($"it takes {count} items from a stack holding fewer");
        }

        var items = _stack.GetRange(_stack.Count - count, count).ToArray();
        _stack.RemoveRange(_stack.Count - count, count);
        return items;
    }

    private object?[] PopToMark()
    {
        if (_marks.Count == 0)
        {
            throw Damaged("it closes a MARK it never opened");
        }

        var mark = _marks.Pop();
        var items = _stack.GetRange(mark, _stack.Count - mark).ToArray();
        _stack.RemoveRange(mark, _stack.Count - mark);
        return items;
    }

    private void SetItems(object?[] items)
    {
        if (items.Length % 2 != 0)
        {
            throw Damaged("it sets dict items from an odd number of keys and values");
        }

        var dict = Dict(Peek());
        for (var i = 0; i < items.Length; i += 2)
        {
            dict.Set(items[i], items[i + 1]);
        }
    }

    private object? Recall(long index) =>
        _memo.TryGetValue(index, out var value) ? value : throw Damaged($"it recalls memo entry {index}, which it never stored");

    private List<object?> List(object? value) => value as List<object?> ?? throw Damaged("it appends to something that is not a list");

    private PickleDict Dict(object? value) => value as PickleDict ?? throw Damaged("it sets an item on something that is not a dict");

    private string Text(object? value) => value as string ?? throw Damaged("it names a STACK_GLOBAL with something that is not a string");
}
