using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Phosphene.Kernel.Execution;

/// <summary>
/// Inserts a call to <see cref="CellInterruption.ThrowIfRequested"/> at the start of every loop body in a cell,
/// so interrupting a cell stops its loops. The inserted code carries no line breaks, so line numbers in
/// stack traces stay those of the user's cell.
/// </summary>
internal sealed class LoopInterruptRewriter : CSharpSyntaxRewriter
{
    private static readonly StatementSyntax Check = SyntaxFactory.ParseStatement(
        $"global::{typeof(CellInterruption).FullName}.{nameof(CellInterruption.ThrowIfRequested)}();");

    /// <summary>The cell's code with interrupt checks in its loops.</summary>
    public static string Rewrite(string code, CSharpParseOptions options)
    {
        var root = CSharpSyntaxTree.ParseText(code, options).GetRoot();
        return new LoopInterruptRewriter().Visit(root).ToFullString();
    }

    public override SyntaxNode? VisitWhileStatement(WhileStatementSyntax node)
        => Guarded((WhileStatementSyntax)base.VisitWhileStatement(node)!);

    public override SyntaxNode? VisitDoStatement(DoStatementSyntax node)
        => Guarded((DoStatementSyntax)base.VisitDoStatement(node)!);

    public override SyntaxNode? VisitForStatement(ForStatementSyntax node)
        => Guarded((ForStatementSyntax)base.VisitForStatement(node)!);

    public override SyntaxNode? VisitForEachStatement(ForEachStatementSyntax node)
        => Guarded((ForEachStatementSyntax)base.VisitForEachStatement(node)!);

    public override SyntaxNode? VisitForEachVariableStatement(ForEachVariableStatementSyntax node)
        => Guarded((ForEachVariableStatementSyntax)base.VisitForEachVariableStatement(node)!);

    private static WhileStatementSyntax Guarded(WhileStatementSyntax loop) => loop.WithStatement(Guard(loop.Statement));
    private static DoStatementSyntax Guarded(DoStatementSyntax loop) => loop.WithStatement(Guard(loop.Statement));
    private static ForStatementSyntax Guarded(ForStatementSyntax loop) => loop.WithStatement(Guard(loop.Statement));
    private static CommonForEachStatementSyntax Guarded(CommonForEachStatementSyntax loop) => loop.WithStatement(Guard(loop.Statement));

    private static StatementSyntax Guard(StatementSyntax body)
    {
        if (body is BlockSyntax block)
            return block.WithStatements(block.Statements.Insert(0, Check));
        // Wrap a single statement in braces that take over its surrounding trivia, keeping the layout.
        return SyntaxFactory.Block(Check, body.WithoutTrivia())
            .WithOpenBraceToken(SyntaxFactory.Token(SyntaxKind.OpenBraceToken).WithLeadingTrivia(body.GetLeadingTrivia()))
            .WithCloseBraceToken(SyntaxFactory.Token(SyntaxKind.CloseBraceToken).WithTrailingTrivia(body.GetTrailingTrivia()));
    }
}
