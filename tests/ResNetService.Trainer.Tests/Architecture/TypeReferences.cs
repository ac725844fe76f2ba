using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace ResNetService.Trainer.Tests.Architecture;

/// <summary>
/// The types of its own assembly that one type definition names: in its base type and interfaces, generic
/// constraints, fields, method signatures, locals and IL, properties, events and attributes.
/// </summary>
internal sealed class TypeReferences : ISignatureTypeProvider<object?, object?>
{
    /// <summary>Operand type of every IL opcode, from the runtime's own table, to step over operands while reading IL.</summary>
    private static readonly Dictionary<ushort, OperandType> Operands = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => unchecked((ushort)o.Value), o => o.OperandType);

    private readonly MetadataReader _reader;
    private readonly HashSet<TypeDefinitionHandle> _found = [];

    private TypeReferences(MetadataReader reader) => _reader = reader;

    public static IReadOnlySet<TypeDefinitionHandle> Of(MetadataReader reader, PEReader pe, TypeDefinitionHandle handle)
    {
        var references = new TypeReferences(reader);
        references.Collect(pe, reader.GetTypeDefinition(handle));
        return references._found;
    }

    private void Collect(PEReader pe, TypeDefinition type)
    {
        Entity(type.BaseType);
        foreach (var implementation in type.GetInterfaceImplementations())
        {
            Entity(_reader.GetInterfaceImplementation(implementation).Interface);
        }

        GenericParameters(type.GetGenericParameters());
        Attributes(type.GetCustomAttributes());
        foreach (var fieldHandle in type.GetFields())
        {
            var field = _reader.GetFieldDefinition(fieldHandle);
            field.DecodeSignature(this, null);
            Attributes(field.GetCustomAttributes());
        }

        foreach (var propertyHandle in type.GetProperties())
        {
            var property = _reader.GetPropertyDefinition(propertyHandle);
            property.DecodeSignature(this, null);
            Attributes(property.GetCustomAttributes());
        }

        foreach (var eventHandle in type.GetEvents())
        {
            Entity(_reader.GetEventDefinition(eventHandle).Type);
        }

        foreach (var methodHandle in type.GetMethods())
        {
            var method = _reader.GetMethodDefinition(methodHandle);
            method.DecodeSignature(this, null);
            GenericParameters(method.GetGenericParameters());
            Attributes(method.GetCustomAttributes());
            foreach (var parameter in method.GetParameters())
            {
                Attributes(_reader.GetParameter(parameter).GetCustomAttributes());
            }

            if (method.RelativeVirtualAddress != 0)
            {
                Body(pe.GetMethodBody(method.RelativeVirtualAddress));
            }
        }
    }

    private void Body(MethodBodyBlock body)
    {
        if (!body.LocalSignature.IsNil)
        {
            _reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(this, null);
        }

        var il = body.GetILReader();
        while (il.RemainingBytes > 0)
        {
            ushort code = il.ReadByte();
            if (code == 0xFE)
            {
                code = (ushort)(0xFE00 | il.ReadByte());
            }

            switch (Operands[code])
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    il.Offset += 1;
                    break;
                case OperandType.InlineVar:
                    il.Offset += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    il.Offset += 8;
                    break;
                case OperandType.InlineSwitch:
                    var targets = il.ReadInt32(); // read first: `Offset += 4 * ReadInt32()` would add to the offset before the read
                    il.Offset += 4 * targets;
                    break;
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                    Entity(MetadataTokens.EntityHandle(il.ReadInt32()));
                    break;
                default:
                    il.Offset += 4;
                    break;
            }
        }
    }

    /// <summary>A type, or the type that declares a method or field, named by a token.</summary>
    private void Entity(EntityHandle handle)
    {
        if (handle.IsNil)
        {
            return;
        }

        switch (handle.Kind)
        {
            case HandleKind.TypeDefinition:
                _found.Add((TypeDefinitionHandle)handle);
                break;
            case HandleKind.TypeSpecification:
                _reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null);
                break;
            case HandleKind.MethodDefinition:
                _found.Add(_reader.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType());
                break;
            case HandleKind.FieldDefinition:
                _found.Add(_reader.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType());
                break;
            case HandleKind.MemberReference:
                Entity(_reader.GetMemberReference((MemberReferenceHandle)handle).Parent);
                break;
            case HandleKind.MethodSpecification:
                var specification = _reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                Entity(specification.Method);
                specification.DecodeSignature(this, null);
                break;
        }
    }

    private void GenericParameters(GenericParameterHandleCollection parameters)
    {
        foreach (var parameter in parameters)
        {
            foreach (var constraint in _reader.GetGenericParameter(parameter).GetConstraints())
            {
                Entity(_reader.GetGenericParameterConstraint(constraint).Type);
            }
        }
    }

    private void Attributes(CustomAttributeHandleCollection attributes)
    {
        foreach (var attribute in attributes)
        {
            Entity(_reader.GetCustomAttribute(attribute).Constructor);
        }
    }

    // The signature decoder calls these for every type a signature names; only this assembly's own types are kept.
    public object? GetTypeFromDefinition(MetadataReader metadata, TypeDefinitionHandle handle, byte rawTypeKind)
    {
        _found.Add(handle);
        return null;
    }

    public object? GetTypeFromSpecification(MetadataReader metadata, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind)
    {
        Entity(handle);
        return null;
    }

    public object? GetTypeFromReference(MetadataReader metadata, TypeReferenceHandle handle, byte rawTypeKind) => null;
    public object? GetArrayType(object? elementType, ArrayShape shape) => null;
    public object? GetByReferenceType(object? elementType) => null;
    public object? GetFunctionPointerType(MethodSignature<object?> signature) => null;
    public object? GetGenericInstantiation(object? genericType, ImmutableArray<object?> typeArguments) => null;
    public object? GetGenericMethodParameter(object? genericContext, int index) => null;
    public object? GetGenericTypeParameter(object? genericContext, int index) => null;
    public object? GetModifiedType(object? modifier, object? unmodifiedType, bool isRequired) => null;
    public object? GetPinnedType(object? elementType) => null;
    public object? GetPointerType(object? elementType) => null;
    public object? GetPrimitiveType(PrimitiveTypeCode typeCode) => null;
    public object? GetSZArrayType(object? elementType) => null;
}
