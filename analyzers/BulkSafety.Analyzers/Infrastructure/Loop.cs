using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace BulkSafety.Analyzers.Infrastructure;

/// <summary>How a <see cref="Loop"/> is written.</summary>
internal enum LoopForm
{
    /// <summary><c>foreach (var x in xs)</c>.</summary>
    ForEach,

    /// <summary><c>await foreach (var x in xs)</c>.</summary>
    AwaitForEach,

    /// <summary><c>for (...; ...; ...)</c>.</summary>
    For,

    /// <summary><c>while (...)</c>.</summary>
    While,

    /// <summary><c>do { } while (...)</c>.</summary>
    Do,

    /// <summary><c>list.ForEach(x =&gt; ...)</c> on <see cref="List{T}"/>.</summary>
    ListForEach,

    /// <summary>EF Core's <c>query.ForEachAsync(x =&gt; ..., ct)</c>.</summary>
    ForEachAsync,

    /// <summary><c>xs.Select(x =&gt; { ...; return x; }).ToList()</c>: LINQ <c>Select</c> run at once for its side effects.</summary>
    Select,
}

/// <summary>
/// A loop around some code, seen the way the loop rules need it: what runs once per iteration, which collection is
/// iterated (when the code shows it), and which variables stand for the current element.
/// </summary>
/// <remarks>
/// What this type promises, so that rules can build on it:
/// <list type="bullet">
/// <item><see cref="EnumerateEnclosing"/> yields only loops whose per-iteration code contains the operation (never a
/// loop's collection, condition or increment), innermost first. It stops at a lambda that is not the body of a
/// <c>ForEach</c>/<c>ForEachAsync</c>/<c>Select</c> loop, at a local function and at the member: code there runs
/// whenever someone calls it, so the enclosing loop proves nothing.</item>
/// <item><see cref="Collection"/> is set only when the code shows what is iterated: the <c>foreach</c> collection, the
/// receiver of <c>ForEach</c>/<c>ForEachAsync</c>/<c>Select</c>, the <c>X</c> of a counter loop
/// (<c>i &lt; X.Count</c>, <c>i &lt; X.Length</c>, <c>var i = X.Count - 1</c>) or of an enumerator loop
/// (<c>var e = X.GetEnumerator(); while (e.MoveNext())</c>). Retry loops and <c>while (true)</c> batch loops have none.</item>
/// <item><see cref="DependsOnElement"/> follows data flow through locals written inside the loop body (initializers,
/// assignments, <c>out</c> arguments, nested <c>foreach</c> variables); it does not follow fields, properties or calls'
/// side effects, so it can miss a dependency but does not invent one.</item>
/// </list>
/// Everything here is computed from one operation tree; nothing is cached between callbacks.
/// </remarks>
internal sealed class Loop
{
    private static readonly ImmutableArray<string> CountMembers = ImmutableArray.Create("Count", "Length", "LongLength", "LongCount");

    private Loop(LoopForm form, IOperation operation, IOperation body, IOperation? collection, ImmutableArray<ISymbol> elementVariables, Location keywordLocation)
    {
        Form = form;
        Operation = operation;
        Body = body;
        Collection = collection;
        ElementVariables = elementVariables;
        KeywordLocation = keywordLocation;
    }

    /// <summary>How the loop is written.</summary>
    public LoopForm Form { get; }

    /// <summary>The loop: an <see cref="ILoopOperation"/>, or the <see cref="IInvocationOperation"/> of <c>ForEach</c>/<c>ForEachAsync</c>/<c>Select</c>.</summary>
    public IOperation Operation { get; }

    /// <summary>What runs once per iteration: the loop's body, or the lambda's body.</summary>
    public IOperation Body { get; }

    /// <summary>The iterated collection without conversions, or <see langword="null"/> when the loop does not show one (see remarks).</summary>
    public IOperation? Collection { get; }

    /// <summary>
    /// The variables whose value identifies the current element: the <c>foreach</c> variable(s), the lambda parameter,
    /// a counter compared with <c>X.Count</c>, an enumerator. Empty for loops without a visible element.
    /// </summary>
    public ImmutableArray<ISymbol> ElementVariables { get; }

    /// <summary>Where a diagnostic about the whole loop goes: the <c>foreach</c>/<c>for</c>/<c>while</c>/<c>do</c> keyword or the called method's name.</summary>
    public Location KeywordLocation { get; }

    /// <summary>Whether each element arrives asynchronously (<c>await foreach</c>, <c>ForEachAsync</c>).</summary>
    public bool IsAsynchronous => Form is LoopForm.AwaitForEach or LoopForm.ForEachAsync;

    /// <summary>Whether the loop is a statement (as opposed to a call that takes a lambda).</summary>
    public bool IsStatement => Operation is ILoopOperation;

    /// <summary>The loops whose per-iteration code contains <paramref name="operation"/>, innermost first (see remarks).</summary>
    public static IEnumerable<Loop> EnumerateEnclosing(IOperation operation, EfCoreSymbols symbols)
    {
        var child = operation;
        for (var parent = operation.Parent; parent is not null; child = parent, parent = parent.Parent)
        {
            switch (parent)
            {
                case ILoopOperation loopOperation when loopOperation.Body == child:
                    if (TryCreate(loopOperation, symbols) is { } loop)
                    {
                        yield return loop;
                    }

                    break;
                case IAnonymousFunctionOperation lambda:
                    if (FindInvocationTakingLambda(lambda) is not { } invocation
                        || TryCreate(invocation, symbols) is not { } lambdaLoop
                        || lambdaLoop.Body != lambda.Body)
                    {
                        yield break;
                    }

                    yield return lambdaLoop;
                    parent = invocation;
                    break;
                case ILocalFunctionOperation:
                    yield break;
            }
        }
    }

    /// <summary>
    /// The loop that <paramref name="operation"/> is, if it is one: an <see cref="ILoopOperation"/>, or a call of
    /// <c>List&lt;T&gt;.ForEach</c>, EF Core's <c>ForEachAsync</c>, or <c>Enumerable.Select</c> whose result is
    /// materialized at once (<c>ToList</c>, <c>ToArray</c>, <c>Count</c>...) with a lambda.
    /// </summary>
    public static Loop? TryCreate(IOperation operation, EfCoreSymbols symbols)
        => operation switch
        {
            IForEachLoopOperation forEach => new Loop(
                forEach.IsAsynchronous ? LoopForm.AwaitForEach : LoopForm.ForEach,
                forEach,
                forEach.Body,
                forEach.Collection.WalkDownConversions(),
                DeclaredLocals(forEach.LoopControlVariable),
                forEach.Syntax is CommonForEachStatementSyntax syntax ? syntax.ForEachKeyword.GetLocation() : forEach.Syntax.GetLocation()),
            IForLoopOperation forLoop => CreateCounterLoop(
                LoopForm.For,
                forLoop,
                forLoop.Body,
                forLoop.Condition,
                forLoop.Syntax is ForStatementSyntax syntax ? syntax.ForKeyword.GetLocation() : forLoop.Syntax.GetLocation()),
            IWhileLoopOperation whileLoop => CreateCounterLoop(
                whileLoop.ConditionIsTop ? LoopForm.While : LoopForm.Do,
                whileLoop,
                whileLoop.Body,
                whileLoop.Condition,
                whileLoop.Syntax switch
                {
                    WhileStatementSyntax syntax => syntax.WhileKeyword.GetLocation(),
                    DoStatementSyntax syntax => syntax.DoKeyword.GetLocation(),
                    _ => whileLoop.Syntax.GetLocation(),
                }),
            IInvocationOperation invocation => TryCreateFromInvocation(invocation, symbols),
            _ => null,
        };

    /// <summary>
    /// Whether <paramref name="value"/> is computed from the current element: it reads an element variable, or a local
    /// written inside the loop body from one (<c>var g = db.Groups.Find(id)</c> in a loop over <c>ids</c>).
    /// </summary>
    public bool DependsOnElement(IOperation value)
        => !ElementVariables.IsEmpty && DependsOnElementThrough(value, new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default));

    /// <summary>Whether <paramref name="operation"/> runs as part of one iteration (it is inside <see cref="Body"/>).</summary>
    public bool BodyContains(IOperation operation) => operation.IsWithin(Body);

    private bool DependsOnElementThrough(IOperation value, HashSet<ILocalSymbol> visited)
    {
        foreach (var operation in value.DescendantsAndSelf())
        {
            ISymbol? referenced = operation switch
            {
                ILocalReferenceOperation localReference => localReference.Local,
                IParameterReferenceOperation parameterReference => parameterReference.Parameter,
                _ => null,
            };
            if (referenced is null)
            {
                continue;
            }

            if (IsElementVariable(referenced))
            {
                return true;
            }

            if (referenced is ILocalSymbol local && visited.Add(local) && IsDeclaredInBody(local))
            {
                foreach (var write in Body.GetWrites(local))
                {
                    if (DependsOnElementThrough(write, visited))
                    {
                        return true;
                    }
                }

                if (FindDeclaringForEach(Body, local) is { } nested && DependsOnElementThrough(nested.Collection, visited))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private bool IsElementVariable(ISymbol symbol)
    {
        foreach (var element in ElementVariables)
        {
            if (SymbolEqualityComparer.Default.Equals(element, symbol))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="local"/> is declared inside <see cref="Body"/> (so it holds a value per iteration).</summary>
    public bool IsDeclaredInBody(ILocalSymbol local)
    {
        foreach (var reference in local.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree == Body.Syntax.SyntaxTree && Body.Syntax.Span.Contains(reference.Span))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The <c>foreach</c> inside <paramref name="scope"/> that declares <paramref name="local"/> as its variable, if any.</summary>
    internal static IForEachLoopOperation? FindDeclaringForEach(IOperation scope, ILocalSymbol local)
    {
        foreach (var operation in scope.DescendantsAndSelf())
        {
            if (operation is IForEachLoopOperation forEach)
            {
                foreach (var declared in DeclaredLocals(forEach.LoopControlVariable))
                {
                    if (SymbolEqualityComparer.Default.Equals(declared, local))
                    {
                        return forEach;
                    }
                }
            }
        }

        return null;
    }

    private static ImmutableArray<ISymbol> DeclaredLocals(IOperation loopControlVariable)
    {
        var builder = ImmutableArray.CreateBuilder<ISymbol>();
        foreach (var operation in loopControlVariable.DescendantsAndSelf())
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation declarator:
                    builder.Add(declarator.Symbol);
                    break;
                case ILocalReferenceOperation { IsDeclaration: true } declared:
                    builder.Add(declared.Local);
                    break;
            }
        }

        return builder.ToImmutable();
    }

    // for/while/do: the element is visible only through a counter compared with a collection's size, or an enumerator.
    private static Loop CreateCounterLoop(LoopForm form, ILoopOperation loop, IOperation body, IOperation? condition, Location keyword)
    {
        if (condition?.WalkDownConversions() is IBinaryOperation comparison
            && TryGetCounter(comparison, out var counter, out var bound))
        {
            var collection = FindCountedCollection(bound)
                ?? FirstCountedCollection(loop.GetRoot().GetWrites(counter), loop);
            if (collection is not null)
            {
                return new Loop(form, loop, body, collection, ImmutableArray.Create<ISymbol>(counter), keyword);
            }
        }

        if (condition?.WalkDownValueWrappers() is IInvocationOperation { TargetMethod.Name: "MoveNext" or "MoveNextAsync", Instance: ILocalReferenceOperation enumerator }
            && FindEnumeratedCollection(loop.GetRoot(), enumerator.Local) is { } enumerated)
        {
            return new Loop(form, loop, body, enumerated, ImmutableArray.Create<ISymbol>(enumerator.Local), keyword);
        }

        return new Loop(form, loop, body, null, ImmutableArray<ISymbol>.Empty, keyword);
    }

    // i < X.Count, X.Count > i, i >= 0 (descending: the bound is in the counter's initializer).
    private static bool TryGetCounter(IBinaryOperation comparison, out ILocalSymbol counter, out IOperation bound)
    {
        if (comparison.LeftOperand.WalkDownConversions() is ILocalReferenceOperation left)
        {
            counter = left.Local;
            bound = comparison.RightOperand;
            return true;
        }

        if (comparison.RightOperand.WalkDownConversions() is ILocalReferenceOperation right)
        {
            counter = right.Local;
            bound = comparison.LeftOperand;
            return true;
        }

        counter = null!;
        bound = null!;
        return false;
    }

    private static IOperation? FirstCountedCollection(IEnumerable<IOperation> writes, ILoopOperation loop)
    {
        foreach (var write in writes)
        {
            // The counter's start value outside the body, e.g. var i = X.Count - 1.
            if (!write.IsWithin(loop.Body) && FindCountedCollection(write) is { } collection)
            {
                return collection;
            }
        }

        return null;
    }

    private static IOperation? FindCountedCollection(IOperation expression)
    {
        foreach (var operation in expression.DescendantsAndSelf())
        {
            switch (operation)
            {
                case IPropertyReferenceOperation { Instance: { } instance } property when CountMembers.Contains(property.Property.Name):
                    return instance.WalkDownConversions();
                case IInvocationOperation invocation when CountMembers.Contains(invocation.TargetMethod.Name) && invocation.GetReceiver() is { } receiver:
                    return receiver.WalkDownConversions();
            }
        }

        return null;
    }

    private static IOperation? FindEnumeratedCollection(IOperation root, ILocalSymbol enumerator)
    {
        foreach (var write in root.GetWrites(enumerator))
        {
            if (write.WalkDownConversions() is IInvocationOperation { TargetMethod.Name: "GetEnumerator" or "GetAsyncEnumerator" } getEnumerator
                && getEnumerator.GetReceiver() is { } receiver)
            {
                return receiver.WalkDownConversions();
            }
        }

        return null;
    }

    private static Loop? TryCreateFromInvocation(IInvocationOperation invocation, EfCoreSymbols symbols)
    {
        var method = invocation.TargetMethod;
        LoopForm form;
        int lambdaOrdinal;
        switch (method.Name)
        {
            case "ForEach" when SymbolEqualityComparer.Default.Equals(method.ContainingType.OriginalDefinition, symbols.ListOfT):
                form = LoopForm.ListForEach;
                lambdaOrdinal = 0;
                break;
            case "ForEachAsync" when SymbolEqualityComparer.Default.Equals(method.ContainingType, symbols.EntityFrameworkQueryableExtensions):
                form = LoopForm.ForEachAsync;
                lambdaOrdinal = 1;
                break;
            case "Select" when SymbolEqualityComparer.Default.Equals(method.ContainingType, symbols.Enumerable) && IsMaterializedAtOnce(invocation):
                form = LoopForm.Select;
                lambdaOrdinal = 1;
                break;
            default:
                return null;
        }

        if (invocation.GetLambdaArgument(lambdaOrdinal) is not { Symbol.Parameters.Length: > 0 } lambda
            || invocation.GetReceiver() is not { } collection)
        {
            return null;
        }

        return new Loop(
            form,
            invocation,
            lambda.Body,
            collection.WalkDownConversions(),
            ImmutableArray.Create<ISymbol>(lambda.Symbol.Parameters[0]),
            invocation.GetMethodNameLocation());
    }

    // Select(...) is a loop only when something runs it right away; a lazy Select that is never enumerated runs nothing.
    private static bool IsMaterializedAtOnce(IInvocationOperation select)
    {
        var parent = select.Parent;
        while (parent is IConversionOperation)
        {
            parent = parent.Parent;
        }

        return parent is IArgumentOperation { Parent: IInvocationOperation consumer }
            && consumer.TargetMethod.Name is "ToList" or "ToArray" or "ToHashSet" or "ToDictionary" or "ToLookup" or "Count" or "LongCount";
    }

    private static IInvocationOperation? FindInvocationTakingLambda(IAnonymousFunctionOperation lambda)
    {
        IOperation? parent = lambda.Parent;
        while (parent is IDelegateCreationOperation or IConversionOperation)
        {
            parent = parent.Parent;
        }

        return parent is IArgumentOperation { Parent: IInvocationOperation invocation } ? invocation : null;
    }
}
