using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace BulkSafety.Analyzers.Infrastructure;

/// <summary>Small, allocation-free helpers over the operation tree that every rule needs.</summary>
internal static class OperationExtensions
{
    /// <summary>The operation without the implicit or explicit conversions around it.</summary>
    public static IOperation WalkDownConversions(this IOperation operation)
    {
        while (operation is IConversionOperation conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }

    /// <summary>
    /// The operation a value flows out of: conversions, <c>await</c> and <c>ConfigureAwait(...)</c> removed, so that
    /// <c>await q.ToListAsync().ConfigureAwait(false)</c> becomes the <c>ToListAsync</c> call; a query expression
    /// (<c>from g in db.Groups where ... select g</c>) becomes the method calls it is translated to.
    /// </summary>
    public static IOperation WalkDownValueWrappers(this IOperation operation)
    {
        while (true)
        {
            switch (operation)
            {
                case IConversionOperation conversion:
                    operation = conversion.Operand;
                    break;
                case IAwaitOperation awaited:
                    operation = awaited.Operation;
                    break;
                case ITranslatedQueryOperation query:
                    operation = query.Operation;
                    break;
                case IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } awaitable }:
                    operation = awaitable;
                    break;
                default:
                    return operation;
            }
        }
    }

    /// <summary>The receiver of a call: the instance, or the first argument of an extension method called as one.</summary>
    public static IOperation? GetReceiver(this IInvocationOperation invocation)
    {
        if (invocation.Instance is { } instance)
        {
            return instance;
        }

        return invocation.TargetMethod.IsExtensionMethod && invocation.Arguments.Length > 0
            ? invocation.Arguments[0].Value
            : null;
    }

    /// <summary>The argument bound to the parameter named <paramref name="name"/>, if it was passed explicitly or has a value.</summary>
    public static IArgumentOperation? GetArgument(this IInvocationOperation invocation, string name)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Name == name)
            {
                return argument;
            }
        }

        return null;
    }

    /// <summary>The lambda passed as an argument (through the delegate creation the compiler inserts), if any.</summary>
    public static IAnonymousFunctionOperation? GetLambdaArgument(this IInvocationOperation invocation, int ordinal)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Ordinal == ordinal)
            {
                return argument.Value.WalkDownConversions() switch
                {
                    IDelegateCreationOperation { Target: IAnonymousFunctionOperation lambda } => lambda,
                    IAnonymousFunctionOperation lambda => lambda,
                    _ => null,
                };
            }
        }

        return null;
    }

    /// <summary>The top of the operation tree that contains <paramref name="operation"/>: the whole method, accessor or top-level program.</summary>
    public static IOperation GetRoot(this IOperation operation)
    {
        while (operation.Parent is { } parent)
        {
            operation = parent;
        }

        return operation;
    }

    /// <summary>Whether <paramref name="ancestor"/> is <paramref name="operation"/> or contains it.</summary>
    public static bool IsWithin(this IOperation operation, IOperation ancestor)
    {
        for (IOperation? current = operation; current is not null; current = current.Parent)
        {
            if (current == ancestor)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The writes to <paramref name="local"/> inside <paramref name="scope"/>: initializers, assignments, and calls that take it by ref or out (the call is the write).</summary>
    public static IEnumerable<IOperation> GetWrites(this IOperation scope, ILocalSymbol local)
    {
        foreach (var operation in scope.DescendantsAndSelf())
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                    var initializer = declarator.Initializer ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer;
                    if (initializer is not null)
                    {
                        yield return initializer.Value;
                    }

                    break;
                case IAssignmentOperation assignment when IsReferenceTo(assignment.Target, local):
                    yield return assignment.Value;
                    break;
                case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument when IsReferenceTo(argument.Value, local):
                    yield return argument.Parent!;
                    break;
            }
        }
    }

    /// <summary>Whether <paramref name="operation"/> references <paramref name="local"/> directly (or declares it, as <c>out var x</c> does).</summary>
    public static bool IsReferenceTo(this IOperation operation, ILocalSymbol local)
        => operation switch
        {
            ILocalReferenceOperation reference => SymbolEqualityComparer.Default.Equals(reference.Local, local),
            IDeclarationExpressionOperation declaration => declaration.Expression is ILocalReferenceOperation declared && SymbolEqualityComparer.Default.Equals(declared.Local, local),
            _ => false,
        };

    /// <summary>
    /// Where to report on a call: the method-name token (<c>Remove</c> of <c>db.Groups.Remove(g)</c>), the smallest span
    /// that still says what is wrong.
    /// </summary>
    public static Location GetMethodNameLocation(this IInvocationOperation invocation)
    {
        if (invocation.Syntax is InvocationExpressionSyntax syntax)
        {
            var name = syntax.Expression switch
            {
                MemberAccessExpressionSyntax member => member.Name,
                MemberBindingExpressionSyntax binding => binding.Name,
                SimpleNameSyntax simple => simple,
                _ => null,
            };
            if (name is not null)
            {
                return name.Identifier.GetLocation();
            }
        }

        return invocation.Syntax.GetLocation();
    }
}
