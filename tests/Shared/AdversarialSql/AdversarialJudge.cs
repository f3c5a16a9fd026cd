using System.Text;

namespace BulkSafety.Testing.AdversarialSql;

/// <summary>
/// Judges one statement the way the suite promises to: it runs on a fresh unguarded twin and then, reset to the same
/// seed, through the guard; every command is then held to the guard's promises.
/// <list type="bullet">
/// <item>Blocked: the database — every row of every table, every side-effect counter — is as it was before the command:
/// no probe wrote, nothing ran (unknown cost included).</item>
/// <item>Admitted: the database is exactly as the twin's after the same command (the guard added nothing), and the rows
/// the engine deleted or changed there are no more than the guard estimated.</item>
/// <item>Blocked with an estimate: that estimate is not below what the engine does either.</item>
/// </list>
/// A case marked <see cref="AdversarialCase.KnownDefect"/> must fail the estimate promise, and only that one.
/// </summary>
internal static class AdversarialJudge
{
    /// <summary>Judges <paramref name="statement"/>; returns what happened, one line per command, for the test's output.</summary>
    public static async Task<string> JudgeAsync(AdversarialDatabase database, AdversarialCase statement)
    {
        await database.ResetAsync();
        var seeded = await database.ReadStateAsync();
        var twin = await database.RunAsync(statement, guarded: false);
        await database.ResetAsync();
        var reseeded = await database.ReadStateAsync();
        Assert.True(seeded.Describe() == reseeded.Describe(), $"the seed is not reproducible:\n{seeded.DifferenceTo(reseeded)}");

        var guarded = await database.RunAsync(statement, guarded: true);
        var broken = new List<string>();
        var underestimated = new List<string>();
        var before = seeded;
        for (var i = 0; i < guarded.Count; i++)
        {
            var command = guarded[i];
            var twinCommand = twin[i];
            var twinBefore = i == 0 ? seeded : twin[i - 1].State;
            var (deletedOrChanged, inserted) = twinBefore.ChangesTo(twinCommand.State, database.DataTables);
            var touched = Math.Max(deletedOrChanged, (twinCommand.Reported ?? 0) - inserted);
            if (command.Violation is { } violation)
            {
                if (before.Describe() != command.State.Describe())
                {
                    broken.Add(Explain(statement, i, command, twinCommand, touched, "was blocked, yet the database changed (a probe wrote, or the statement ran)", before.DifferenceTo(command.State)));
                }

                if (violation.Report.RuleId != BulkSafetyRuleIds.UnknownCost && touched > violation.Report.Rows)
                {
                    underestimated.Add(Explain(statement, i, command, twinCommand, touched, $"was blocked with an estimate of {violation.Report.Rows} rows, below the {touched} the engine touches", ""));
                }
            }
            else
            {
                if (twinCommand.State.Describe() != command.State.Describe())
                {
                    broken.Add(Explain(statement, i, command, twinCommand, touched, "was admitted, and the guarded database differs from the unguarded twin's", twinCommand.State.DifferenceTo(command.State)));
                }

                if (touched > command.EstimatedRows)
                {
                    underestimated.Add(Explain(statement, i, command, twinCommand, touched, $"was admitted with an estimate of {command.EstimatedRows} rows, and the engine touches {touched}", ""));
                }
            }

            before = command.State;
        }

        Assert.True(broken.Count == 0, string.Join('\n', broken));
        if (statement.KnownDefect is { } defect)
        {
            Assert.True(underestimated.Count > 0, $"{statement.Name}: the known defect no longer shows ({defect}); the guard is right about this statement now: remove its KnownDefect");
        }
        else
        {
            Assert.True(underestimated.Count == 0, string.Join('\n', underestimated));
        }

        AssertExpected(statement, guarded);
        var summary = guarded.Select((command, i) => $"{SqlText.Escape(statement.Commands[i])}\n  guard: {Verdict(command)}; unguarded twin: {(twin[i].Error is { } error ? error.Message : $"{twin[i].Reported} rows")}");
        return string.Join('\n', statement.KnownDefect is { } known ? summary.Append($"KNOWN DEFECT: {known}").Concat(underestimated) : summary);
    }

    private static string Verdict(CommandOutcome command)
        => command.Violation is { } violation
            ? $"{violation.Report.RuleId} ({violation.Report.Detail})"
            : $"admitted with {command.EstimatedRows} rows estimated, {(command.Error is { } error ? $"then failed: {error.Message}" : $"{command.Reported} rows reported")}";

    private static void AssertExpected(AdversarialCase statement, IReadOnlyList<CommandOutcome> guarded)
    {
        var last = guarded[^1];
        var rule = last.Violation?.Report.RuleId;
        var describe = $"{statement.Name}: {statement.Printable}\nguard log:\n{last.Log}";
        switch (statement.Expected)
        {
            case ExpectedVerdict.Admitted:
                Assert.True(guarded.All(c => c.Violation is null && c.Error is null), $"expected to be admitted and to run: {describe}\nerror: {last.Error?.Message}");
                break;
            case ExpectedVerdict.UnknownCost:
                Assert.True(rule == BulkSafetyRuleIds.UnknownCost, $"expected BS9006, got {rule ?? "no violation"}: {describe}");
                break;
            case ExpectedVerdict.OverRowBudget:
                Assert.True(rule == BulkSafetyRuleIds.UnitOfWorkRows, $"expected BS9002, got {rule ?? "no violation"}: {describe}");
                break;
        }
    }

    private static string Explain(AdversarialCase statement, int index, CommandOutcome guarded, CommandOutcome twin, int touched, string what, string difference)
    {
        var text = new StringBuilder()
            .AppendLine($"{statement.Name}")
            .AppendLine($"command {index + 1} of {statement.Commands.Count}: {SqlText.Escape(statement.Commands[index])}")
            .AppendLine($"it {what}.")
            .AppendLine($"guard: {Verdict(guarded)}")
            .AppendLine($"unguarded twin: {(twin.Error is { } te ? te.Message : $"{twin.Reported} rows reported")}, {touched} existing rows deleted or changed")
            .AppendLine("guard log:").AppendLine(guarded.Log);
        if (difference.Length > 0)
        {
            text.AppendLine("difference:").AppendLine(difference);
        }

        return text.ToString();
    }
}
