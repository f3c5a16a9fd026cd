using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace BulkSafety.Analyzers.Model;

/// <summary>Small, allocation-light helpers over the operation tree that the model reader and the rules share.</summary>
internal static class Operations
{
    /// <summary>Strips implicit and explicit conversions and delegate creations.</summary>
    public static IOperation? Unwrap(IOperation? operation)
    {
        while (true)
        {
            switch (operation)
            {
                case IConversionOperation conversion:
                    operation = conversion.Operand;
                    break;
                case IDelegateCreationOperation delegateCreation:
                    operation = delegateCreation.Target;
                    break;
                case IParenthesizedOperation parenthesized:
                    operation = parenthesized.Operand;
                    break;
                default:
                    return operation;
            }
        }
    }

    /// <summary>The receiver of a call: its instance, or the <c>this</c> argument of an extension method.</summary>
    public static IOperation? Receiver(IInvocationOperation invocation)
    {
        if (invocation.Instance is not null)
        {
            return Unwrap(invocation.Instance);
        }

        return invocation.TargetMethod.IsExtensionMethod && invocation.Arguments.Length > 0
            ? Unwrap(invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value)
            : null;
    }

    /// <summary>The arguments after the receiver, in parameter order.</summary>
    public static IEnumerable<IOperation> Arguments(IInvocationOperation invocation)
    {
        var skip = invocation.TargetMethod.IsExtensionMethod && invocation.Instance is null ? 1 : 0;
        return invocation.Arguments
            .Where(a => a.Parameter is not null && a.Parameter.Ordinal >= skip && a.ArgumentKind != ArgumentKind.DefaultValue)
            .OrderBy(a => a.Parameter!.Ordinal)
            .Select(a => a.Value);
    }

    /// <summary>The call whose receiver is <paramref name="operation"/> (the next link of a fluent chain), if any.</summary>
    public static IInvocationOperation? NextInChain(IOperation operation)
    {
        var current = operation;
        var parent = current.Parent;
        while (parent is IConversionOperation)
        {
            current = parent;
            parent = parent.Parent;
        }

        return parent switch
        {
            IInvocationOperation invocation when invocation.Instance is not null && invocation.Instance.Syntax == current.Syntax => invocation,
            IArgumentOperation { Parameter.Ordinal: 0, Parent: IInvocationOperation invocation } when invocation.TargetMethod.IsExtensionMethod && invocation.Instance is null => invocation,
            _ => null,
        };
    }

    /// <summary>The expression a lambda returns (<c>x =&gt; x.Description</c> gives <c>x.Description</c>).</summary>
    public static IOperation? LambdaResult(IOperation? argument)
    {
        if (Unwrap(argument) is not IAnonymousFunctionOperation lambda)
        {
            return null;
        }

        var returned = lambda.Body.Operations.Length == 1 ? lambda.Body.Operations[0] : null;
        return returned switch
        {
            IReturnOperation r => Unwrap(r.ReturnedValue),
            IExpressionStatementOperation e => Unwrap(e.Operation),
            _ => null,
        };
    }

    /// <summary>The properties a member-access lambda names: <c>x =&gt; x.A</c> or <c>x =&gt; new { x.A, x.B }</c>.</summary>
    public static IEnumerable<IPropertySymbol> LambdaProperties(IOperation? argument)
    {
        switch (LambdaResult(argument))
        {
            case IPropertyReferenceOperation property:
                yield return property.Property;
                break;
            case IAnonymousObjectCreationOperation anonymous:
                foreach (var initializer in anonymous.Initializers)
                {
                    if (initializer is ISimpleAssignmentOperation { Value: var value } && Unwrap(value) is IPropertyReferenceOperation member)
                    {
                        yield return member.Property;
                    }
                }

                break;
        }
    }

    /// <summary>The string constants of an argument list (<c>"A"</c>, or a <c>params string[]</c>).</summary>
    public static IEnumerable<string> StringConstants(IEnumerable<IOperation> arguments)
    {
        foreach (var argument in arguments.Select(Unwrap))
        {
            if (argument is IArrayCreationOperation { Initializer: { } initializer })
            {
                foreach (var element in initializer.ElementValues)
                {
                    if (element.ConstantValue is { HasValue: true, Value: string text })
                    {
                        yield return text;
                    }
                }
            }
            else if (argument?.ConstantValue is { HasValue: true, Value: string text })
            {
                yield return text;
            }
        }
    }

    public static int? IntConstant(IOperation? operation)
        => operation?.ConstantValue is { HasValue: true, Value: int value } ? value : null;

    public static bool? BoolConstant(IOperation? operation)
        => operation?.ConstantValue is { HasValue: true, Value: bool value } ? value : null;

    /// <summary>The operation that initialized a local (<c>var group = post.Group;</c> gives <c>post.Group</c>), if it is declared with one.</summary>
    public static IOperation? LocalInitializer(ILocalReferenceOperation local)
    {
        if (local.SemanticModel is not { } model)
        {
            return null;
        }

        foreach (var reference in local.Local.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is VariableDeclaratorSyntax { Initializer.Value: { } value } && value.SyntaxTree == model.SyntaxTree)
            {
                return Unwrap(model.GetOperation(value));
            }
        }

        return null;
    }

    /// <summary>The location of a call's method name (<c>HasMany</c> in <c>b.HasMany(...)</c>): the smallest meaningful span.</summary>
    public static Location NameLocation(SyntaxNode invocation)
        => invocation is InvocationExpressionSyntax { Expression: var expression }
            ? expression switch
            {
                MemberAccessExpressionSyntax member => member.Name.GetLocation(),
                MemberBindingExpressionSyntax binding => binding.Name.GetLocation(),
                _ => expression.GetLocation(),
            }
            : invocation.GetLocation();

    /// <summary>The root of a member chain: <c>post</c> in <c>post.Group.Id</c>.</summary>
    public static IOperation? ChainRoot(IOperation? operation)
    {
        while (true)
        {
            operation = Unwrap(operation);
            switch (operation)
            {
                case IPropertyReferenceOperation { Instance: { } instance }:
                    operation = instance;
                    break;
                case IFieldReferenceOperation { Instance: { } instance }:
                    operation = instance;
                    break;
                default:
                    return operation;
            }
        }
    }
}
