using System.Reflection;
using System.Reflection.Emit;

namespace QiTech.Os.Tests.Support;

/// <summary>
/// The types each type of an assembly uses: its base type, interfaces, attributes, the types of
/// its fields, properties and method signatures, and every type, method and field its method
/// bodies name (read from the IL, so a use inside a body counts as much as one in a signature).
/// Nested and compiler-made types (lambdas, async state machines) count for their outermost type.
/// </summary>
public static class TypeDependencies
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance
        | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>For each outermost type of <paramref name="assembly"/>, the outermost types of that assembly it uses.</summary>
    public static IReadOnlyDictionary<Type, IReadOnlySet<Type>> Of(Assembly assembly)
    {
        var result = new Dictionary<Type, HashSet<Type>>();
        foreach (var type in assembly.GetTypes())
        {
            var owner = Outermost(type);
            if (!result.TryGetValue(owner, out var used))
            {
                result[owner] = used = [];
            }
            foreach (var dependency in Direct(type))
            {
                foreach (var named in Unwrap(dependency))
                {
                    if (named.Assembly == assembly)
                    {
                        used.Add(Outermost(named));
                    }
                }
            }
        }
        return result.ToDictionary(p => p.Key, p => (IReadOnlySet<Type>)p.Value);
    }

    private static IEnumerable<Type> Direct(Type type)
    {
        if (type.BaseType is { } baseType)
        {
            yield return baseType;
        }
        foreach (var i in type.GetInterfaces())
        {
            yield return i;
        }
        foreach (var a in type.GetCustomAttributesData())
        {
            yield return a.AttributeType;
        }
        foreach (var f in type.GetFields(Declared))
        {
            yield return f.FieldType;
        }
        foreach (var p in type.GetProperties(Declared))
        {
            yield return p.PropertyType;
        }
        foreach (var e in type.GetEvents(Declared))
        {
            if (e.EventHandlerType is { } handler)
            {
                yield return handler;
            }
        }
        var methods = type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared));
        foreach (var m in methods)
        {
            if (m is MethodInfo info)
            {
                yield return info.ReturnType;
            }
            foreach (var p in m.GetParameters())
            {
                yield return p.ParameterType;
            }
            foreach (var used in BodyReferences(m))
            {
                yield return used;
            }
        }
    }

    /// <summary>The declaring types of what the IL of <paramref name="method"/> names by token.</summary>
    private static IEnumerable<Type> BodyReferences(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }
        foreach (var l in method.GetMethodBody()!.LocalVariables)
        {
            yield return l.LocalType;
        }
        var typeArguments = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var i = 0;
        while (i < il.Length)
        {
            var value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            i += il[i] == 0xFE ? 2 : 1;
            var opCode = OpCodesByValue[value];
            switch (opCode.OperandType)
            {
                case OperandType.InlineType:
                case OperandType.InlineTok:
                case OperandType.InlineMethod:
                case OperandType.InlineField:
                    var token = BitConverter.ToInt32(il, i);
                    if (Resolve(method.Module, token, typeArguments, methodArguments) is { } member)
                    {
                        yield return member;
                    }
                    i += 4;
                    break;
                case OperandType.InlineSwitch:
                    i += 4 + 4 * BitConverter.ToInt32(il, i);
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget:
                case OperandType.ShortInlineI:
                case OperandType.ShortInlineVar:
                    i += 1;
                    break;
                case OperandType.InlineVar:
                    i += 2;
                    break;
                case OperandType.InlineI8:
                case OperandType.InlineR:
                    i += 8;
                    break;
                default:
                    i += 4;
                    break;
            }
        }
    }

    private static Type? Resolve(Module module, int token, Type[]? typeArguments, Type[]? methodArguments)
    {
        try
        {
            return module.ResolveMember(token, typeArguments, methodArguments) switch
            {
                Type t => t,
                MethodBase m => m.DeclaringType,
                FieldInfo f => f.DeclaringType,
                _ => null,
            };
        }
        catch (ArgumentException)
        {
            return null; // a member of a generic type whose arguments this method does not bind
        }
    }

    /// <summary>The named types inside arrays, references, pointers and generic arguments.</summary>
    private static IEnumerable<Type> Unwrap(Type type)
    {
        if (type.HasElementType)
        {
            foreach (var t in Unwrap(type.GetElementType()!))
            {
                yield return t;
            }
            yield break;
        }
        if (type.IsGenericParameter)
        {
            yield break;
        }
        if (type.IsGenericType)
        {
            yield return type.GetGenericTypeDefinition();
            foreach (var argument in type.GetGenericArguments())
            {
                foreach (var t in Unwrap(argument))
                {
                    yield return t;
                }
            }
            yield break;
        }
        yield return type;
    }

    private static Type Outermost(Type type)
    {
        while (type.DeclaringType is { } outer)
        {
            type = outer;
        }
        return type;
    }
}
