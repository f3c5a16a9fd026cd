using System.Globalization;
using BulkSafety.Budgets;
using BulkSafety.Databases;
using BulkSafety.Estimation;
using BulkSafety.Interception;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;

namespace BulkSafety.SafePaths;

/// <summary>
/// One run of a batched delete or update: reads ahead the keys and stored sizes of the next rows
/// (<see cref="BatchProbe{T}"/>), cuts the next batch from them and prices it (with, for a delete, what the database
/// deletes or sets to NULL below its rows), waits for the pacing probes and for room
/// in the budget, runs the batch as one ExecuteDelete/ExecuteUpdate in its own transaction (with the checkpoint of a
/// named job), records it in the guard's ledger, reports progress — until no row is left.
/// </summary>
internal sealed class BatchJob<T>
{
    // How far a job reads ahead, in batches of the most rows: one read serves that many batches when the job runs without
    // waiting. It holds each row's key and sizes (about 2.5 MB for 160,000 rows of an integer key and one text column), and
    // never more than MaxRowsReadAhead rows, which is therefore also the most rows of one batch.
    private const int ReadAheadBatches = 16;
    private const int MaxRowsReadAhead = 1_000_000;

    // Rows read ahead are used for this long, and not at all once the job has waited: a batch is priced from its rows as
    // they were at most this long ago (a wait for the budget or a probe can be minutes).
    private static readonly TimeSpan ReadAheadAge = TimeSpan.FromSeconds(1);

    private readonly KeysetPlan<T> _plan;
    private readonly DbContext _context;
    private readonly GuardSession _session;
    private readonly Admission _admission;
    private readonly BulkSafetyOptions _budgets;
    private readonly BatchOptions _options;
    private readonly IPacingProbe[] _probes;
    private readonly UpdateSetters<T>? _setters;
    private readonly IProgress<BatchProgress>? _progress;
    private readonly BatchCheckpointStore? _store;
    private readonly BatchJobIdentity? _identity;
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly string _name;
    private readonly string _target;
    private readonly long _targetBytes;
    private readonly int _maxRows;
    private readonly BatchProbe<T> _probe;
    private readonly bool _countRows;

    // A delete's dependents the database deletes or sets to NULL itself, by target (BatchProbe.MeasureCascadeAsync).
    private readonly DatabaseCascade[][] _cascades;

    // The rows the filter matched when the job started (or resumed); null when neither the ETA nor the blast radius
    // needs them, so they were not counted.
    private long? _totalRows;
    private long _rows;
    private long _bytes;
    private int _batches;
    private int _waits;
    private TimeSpan _waited;
    private long _rowsBefore;
    private long _bytesBefore;
    private BatchLease? _lease;
    private long _renewedAt;
    private long _readAt;

    private BatchJob(KeysetPlan<T> plan, DbContext context, GuardSession session, BatchOptions options, UpdateSetters<T>? setters, IProgress<BatchProgress>? progress, bool countRows, long? totalRows)
    {
        _plan = plan;
        _context = context;
        _session = session;
        _admission = session.Settings.Admission;
        _options = options;
        _probes = [.. options.PacingProbes];
        _setters = setters;
        _progress = progress;
        _countRows = countRows;
        _totalRows = totalRows;
        _time = _admission.Ledger.Time;
        _started = _time.GetTimestamp();
        var guardOptions = session.Settings.Budgets;
        var perMinute = Math.Min(options.MaxBytesPerMinute ?? guardOptions.MaxBytesPerMinute / 2, guardOptions.MaxBytesPerMinute);
        _budgets = guardOptions.WithMaxBytesPerMinute(perMinute);
        // A batch is one transaction: on MariaDB/MySQL it must also fit the binlog cache, with room for the sizer's overshoot.
        var perBatch = Math.Min(Math.Min(guardOptions.MaxBytesPerUnitOfWork, perMinute) / 4, (BudgetRules.BinlogCacheCap(guardOptions) ?? long.MaxValue) / 2);
        _targetBytes = Math.Max(1, Math.Min(options.TargetBytesPerBatch, perBatch));
        var tables = MappedTable.For(plan.EntityType);
        _cascades = setters is null ? [.. tables[0].DatabaseCascades.GroupBy(c => c.Target).Select(g => g.ToArray())] : [];

        // A batch's unit of work counts each row once per table of the entity, and a named job's checkpoint row.
        _maxRows = Math.Max(1, Math.Min(options.MaxRowsPerBatch, (guardOptions.MaxRowsPerUnitOfWork - (options.JobName is null ? 0 : 1)) / tables.Count));
        var table = tables[0].Identity;
        _target = string.Create(CultureInfo.InvariantCulture, $"{Operation} {table}({string.Join(", ", plan.Key.Select(p => p.Name))})");
        _name = options.JobName ?? _target;
        if (options.JobName is not null)
        {
            _store = BatchCheckpointStore.For(context);
            _identity = BatchJobIdentity.Create(plan, _target, setters, options.StoreParameterValues);
        }

        _probe = new BatchProbe<T>(plan, context, session, _admission.Logger, _name);
    }

    private string Operation => _setters is null ? "delete" : "update";

    private int ReadAheadRows => (int)Math.Min((long)_maxRows * ReadAheadBatches, MaxRowsReadAhead);

    private RowChangeKind Kind => _setters is null ? RowChangeKind.Delete : RowChangeKind.Update;

    public static async Task<BatchResult> RunAsync(IQueryable<T> source, UpdateSetters<T>? setters, BatchOptions? options, IProgress<BatchProgress>? progress, CancellationToken cancellationToken)
    {
        options ??= new BatchOptions();
        options.Validate();
        var plan = KeysetPlan<T>.Create(source);

        // The job's first query tells the guarded context, and whether the table has any row at all; it evaluates nothing
        // of the caller's filter, which only probes evaluate (BatchProbe).
        var (any, context) = await GuardSession.CaptureContextAsync(() => plan.Table.AnyAsync(cancellationToken)).ConfigureAwait(false);
        if (context is null || GuardSession.Of(context) is not { Settings.Guarded: true } session)
        {
            throw new InvalidOperationException(
                "Batched deletes and updates run under the guard, whose profile prices the batches and whose ledger paces them: configure the context with UseBulkSafety().");
        }

        if (context.Database.CurrentTransaction is not null || System.Transactions.Transaction.Current is not null)
        {
            throw new InvalidOperationException(
                "Each batch commits in its own transaction, so that a crash loses nothing and long transactions do not hold the replicas back: run the batched job outside a transaction.");
        }

        // The rows to go are counted for the ETA and the blast radius, and only when one of them needs them.
        var countRows = any && (progress is not null || session.Settings.Budgets.MaxTableFraction < 1);
        var job = new BatchJob<T>(plan, context, session, options, setters, progress, countRows, any ? null : 0);
        return await job.RunAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<BatchResult> RunAsync(CancellationToken cancellationToken)
    {
        // One connection for the whole run: each batch's probes and statement would otherwise open and close it (a pool's
        // reset, or a SQLite file opened again) three times or more.
        await _context.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var resumed = "";
            if (_store is not null)
            {
                if (_progress is not null)
                {
                    // A run that waits for another's lease reports progress, which needs the rows to go.
                    await CountRowsAsync(cancellationToken).ConfigureAwait(false);
                }

                await _store.EnsureTableAsync(cancellationToken).ConfigureAwait(false);
                if (await ClaimAsync(cancellationToken).ConfigureAwait(false) is not { } checkpoint)
                {
                    BatchLog.JobCompleted(_admission.Logger, _name, 0, 0, 0, _budgets.EffectiveProfile.Name, 0, 0);
                    return Result(alreadyCompleted: true);
                }

                resumed = await ResumeAsync(checkpoint, cancellationToken).ConfigureAwait(false);
            }

            await ReadAheadAsync(ReadAheadRows, cancellationToken).ConfigureAwait(false);
            if (_probe.ReachedEnd && _countRows)
            {
                // The read found every row to go: counting them again would read them all a second time.
                _totalRows = _probe.Buffered;
            }
            else
            {
                await CountRowsAsync(cancellationToken).ConfigureAwait(false);
            }

            CheckBlastRadius();
            BatchLog.JobStarted(_admission.Logger, _name, Operation, _target, _targetBytes, _maxRows, _budgets.MaxBytesPerMinute, _totalRows?.ToString("N0", CultureInfo.InvariantCulture) ?? "uncounted", resumed);
            Report(BatchState.Running);
            await RunBatchesAsync(cancellationToken).ConfigureAwait(false);
            if (_lease is { } lease)
            {
                if (!await _store!.TryCompleteAsync(lease, cancellationToken).ConfigureAwait(false))
                {
                    throw LeaseLost("marking it completed");
                }

                _lease = null;
            }

            var result = Result(alreadyCompleted: false);
            BatchLog.JobCompleted(_admission.Logger, _name, _rows, _batches, _bytes, _budgets.EffectiveProfile.Name, result.Elapsed.TotalSeconds, _waited.TotalSeconds);
            Report(BatchState.Completed);
            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            BatchLog.JobCanceled(_admission.Logger, _name, _rows, _batches);
            throw new BatchJobCanceledException(Result(alreadyCompleted: false), cancellationToken);
        }
        finally
        {
            _session.UseParameterValues(null);
            await ReleaseLeaseAsync().ConfigureAwait(false);
            await _context.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }

    // The job's checkpoint with its lease held by this run, or null when the job has completed. A new job's row is
    // inserted claimed; an existing one is checked to be this job and claimed once nobody holds it — or its holder's lease
    // has expired — waiting for that or failing, as the options say.
    private async Task<BatchCheckpoint?> ClaimAsync(CancellationToken cancellationToken)
    {
        var store = _store!;
        var identity = _identity!;
        var owner = BatchLease.NewOwner();
        long? waitingSince = null;
        while (true)
        {
            var checkpoint = await store.ReadAsync(_name, cancellationToken).ConfigureAwait(false);
            if (checkpoint is null)
            {
                var lease = new BatchLease(_name, owner, 1, _options.LeaseDuration);
                if (await store.TryInsertAsync(lease, identity, cancellationToken).ConfigureAwait(false))
                {
                    EndWait(waitingSince);
                    Hold(lease);
                    return await store.ReadAsync(_name, cancellationToken).ConfigureAwait(false);
                }

                continue;
            }

            CheckIdentity(checkpoint);
            if (checkpoint.Completed)
            {
                EndWait(waitingSince);
                _rowsBefore = checkpoint.Rows;
                _bytesBefore = checkpoint.Bytes;
                return null;
            }

            if (!checkpoint.IsLeased)
            {
                var lease = new BatchLease(_name, owner, checkpoint.LeaseGeneration + 1, _options.LeaseDuration);
                if (await store.TryClaimAsync(lease, identity, cancellationToken).ConfigureAwait(false))
                {
                    EndWait(waitingSince);
                    Hold(lease);
                    return checkpoint;
                }

                continue;
            }

            var holder = string.Create(CultureInfo.InvariantCulture, $"{checkpoint.LeaseOwner}, lease for {checkpoint.LeaseRemaining.TotalSeconds:0.#} s more");
            if (_options.IfRunning == RunningJobBehavior.Fail)
            {
                throw new BatchJobLeaseException(_name, $"The job '{_name}' is being run by another run ({holder}), and BatchOptions.IfRunning is Fail: run it again once that run has ended, or let it wait.");
            }

            var delay = Task.Delay(_options.ProbeInterval < checkpoint.LeaseRemaining ? _options.ProbeInterval : checkpoint.LeaseRemaining + TimeSpan.FromMilliseconds(1), _time, cancellationToken);
            if (waitingSince is null)
            {
                waitingSince = _time.GetTimestamp();
                _waits++;
                BatchLog.WaitingForLease(_admission.Logger, _name, checkpoint.LeaseOwner!, checkpoint.LeaseRemaining.TotalSeconds);
                Report(BatchState.WaitingForLease, $"another run holds the job ({holder})");
            }

            await delay.ConfigureAwait(false);
        }
    }

    private void Hold(BatchLease lease)
    {
        _lease = lease;
        _renewedAt = _time.GetTimestamp();
    }

    // The name is one job's: the same fingerprint, or — for a row of the first version, which has none — the same target.
    private void CheckIdentity(BatchCheckpoint checkpoint)
    {
        var identity = _identity!;
        if (checkpoint.Fingerprint is null ? checkpoint.Target != identity.Target : checkpoint.Fingerprint != identity.Fingerprint)
        {
            var nl = Environment.NewLine;
            throw new InvalidOperationException(
                $"The job '{_name}' was checkpointed as another job: \"{checkpoint.Target}\"{nl}{checkpoint.QueryText ?? "(its query was not recorded)"}{nl}" +
                $"not \"{identity.Target}\"{nl}{identity.QueryText}{nl}" +
                "A name belongs to one operation, table, query and setters (parameter values aside): give this job another name, or delete the old job's row from bulksafety_checkpoints.");
        }
    }

    // Continues after the checkpoint's key with the parameter values the job started with; returns what the log says of it.
    private async Task<string> ResumeAsync(BatchCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        _rowsBefore = checkpoint.Rows;
        _bytesBefore = checkpoint.Bytes;
        var resumed = "";
        if (checkpoint.ParameterValues is { } stored && _identity!.Parameters.Count > 0)
        {
            _session.UseParameterValues(BatchJobIdentity.ReadValues(_name, stored));
            resumed = ", with the parameter values it started with";
        }

        if (checkpoint.LastKey is { } lastKey)
        {
            _plan.SetLower(BatchCheckpointStore.DeserializeKey(_name, lastKey, [.. _plan.Key.Select(p => p.ClrType)]));
            resumed = string.Create(CultureInfo.InvariantCulture, $", resuming after key {lastKey} ({checkpoint.Rows:N0} rows done before){resumed}");
        }

        return resumed;
    }

    // A run that stops early gives its lease back, so that the next run need not wait for it to expire; a crashed run's
    // lease expires on its own.
    private async Task ReleaseLeaseAsync()
    {
        if (_lease is not { } lease)
        {
            return;
        }

        _lease = null;
        try
        {
            await _store!.ReleaseAsync(lease).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is System.Data.Common.DbException or InvalidOperationException)
        {
            // The connection that failed the job may fail this too: the lease then expires.
        }
    }

    // Waits until `wait` has passed on the job's clock, renewing the lease often enough that it never runs out: at least
    // three times per lease. The first timer is armed before this returns (before the first await), so a caller starts the
    // wait, then announces it, then awaits it: whoever reacts to the announcement (a test moving a fake clock) cannot move
    // time past a timer not yet made. The end is a point in time, not a sum of steps, for the same reason.
    private async Task DelayAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        var until = _time.GetTimestamp() + (long)(wait.TotalSeconds * _time.TimestampFrequency);
        while (true)
        {
            var left = TimeSpan.FromSeconds((double)(until - _time.GetTimestamp()) / _time.TimestampFrequency);
            if (left <= TimeSpan.Zero)
            {
                return;
            }

            var step = Task.Delay(_lease is { } held && left > held.Duration / 3 ? held.Duration / 3 : left, _time, cancellationToken);
            if (_lease is { } lease && _time.GetElapsedTime(_renewedAt) >= lease.Duration / 3)
            {
                if (!await _store!.TryRenewAsync(lease, cancellationToken).ConfigureAwait(false))
                {
                    throw LeaseLost("waiting");
                }

                _renewedAt = _time.GetTimestamp();
            }

            await step.ConfigureAwait(false);
        }
    }

    private BatchJobLeaseException LeaseLost(string doing)
    {
        _lease = null;
        return new BatchJobLeaseException(_name, string.Create(CultureInfo.InvariantCulture,
            $"The job '{_name}' was taken over by another run while this one was {doing} (its lease of {_options.LeaseDuration.TotalSeconds:0.###} s had expired): this run stopped, and what it was running was rolled back. The other run continues the job."));
    }

    private async Task RunBatchesAsync(CancellationToken cancellationToken)
    {
        var estimator = CreateEstimator();
        var sizer = new BatchSizer(_targetBytes, _maxRows, _plan.Measured.Count == 0 ? estimator.Measure(BatchAggregate.OneFixedRow).PerRow[0] : null);
        var contextName = _context.GetType().Name;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await WaitForProbesAsync(cancellationToken).ConfigureAwait(false);
            var rows = Math.Min(sizer.NextRowCount(), ReadAheadRows);
            object?[] upper;
            BatchEstimator.Measurement measurement;
            UnitOfWorkEstimate estimate;
            while (true)
            {
                // Read again when nothing is left (the end is confirmed by a read that finds no row), when fewer rows are
                // left than the batch wants and more may follow, and when the rows were read too long ago.
                if (_probe.Buffered == 0 || (_probe.Buffered < rows && !_probe.ReachedEnd) || _time.GetElapsedTime(_readAt) > ReadAheadAge)
                {
                    await ReadAheadAsync(ReadAheadRows, cancellationToken).ConfigureAwait(false);
                    if (_probe.Buffered == 0)
                    {
                        return;
                    }
                }

                rows = Math.Min(rows, _probe.Buffered);
                (upper, var aggregate) = _probe.Peek(rows);
                measurement = estimator.Measure(aggregate);
                var cascaded = await MeasureCascadesAsync(upper, cancellationToken).ConfigureAwait(false);
                estimate = estimator.Estimate(measurement, rows, contextName, _session.Database, cascaded);
                var unitRows = _session.Settings.Budgets.MaxRowsPerUnitOfWork;
                if (rows <= 1 || (estimate.TotalBytes <= _targetBytes && estimate.Rows <= unitRows))
                {
                    break;
                }

                // The rows, the statement's and transaction's own bytes and what the database deletes or updates below
                // them exceed the target (or the rows the rows budget): cut the batch by the excess (at least one row)
                // and price it again.
                rows = (int)Math.Max(1, Math.Min(rows - 1, Math.Min((long)rows * _targetBytes / estimate.TotalBytes, (long)rows * unitRows / estimate.Rows)));
            }

            _plan.SetUpper(upper);
            var ticket = await AdmitAsync(estimate, cancellationToken).ConfigureAwait(false);
            int affected;
            try
            {
                // Once admitted, a batch runs to its commit: cancellation takes effect between batches.
                affected = await ExecuteAsync(upper, estimate.TotalBytes).ConfigureAwait(false);
            }
            catch
            {
                _admission.Release(ticket);
                throw;
            }

            _admission.Commit(ticket);
            _rows += affected;
            _bytes += estimate.TotalBytes;
            _batches++;
            _probe.Consume(rows);
            _plan.SetLower(upper);
            sizer.Observe(measurement.PerRow.Length, measurement.PerRow.Sum());
            BatchLog.BatchCommitted(_admission.Logger, _name, _batches, affected, estimate.TotalBytes, _budgets.EffectiveProfile.Name, _rows);
            Report(BatchState.Running);
        }
    }

    // What the database will delete or set to NULL below the batch ending at upper: counted just before it runs.
    private async Task<IReadOnlyList<(DatabaseCascade Cascade, AffectedRows Reached)>> MeasureCascadesAsync(object?[] upper, CancellationToken cancellationToken)
    {
        if (_cascades.Length == 0)
        {
            return [];
        }

        var cascaded = new List<(DatabaseCascade, AffectedRows)>();
        _plan.SetUpper(upper);
        foreach (var chains in _cascades)
        {
            var reached = await _probe.MeasureCascadeAsync(chains, cancellationToken).ConfigureAwait(false);
            if (reached.Rows > 0)
            {
                cascaded.Add((chains[0], reached));
            }
        }

        return cascaded;
    }

    private async Task ReadAheadAsync(int rows, CancellationToken cancellationToken)
    {
        await _probe.ReadAheadAsync(rows, cancellationToken).ConfigureAwait(false);
        _readAt = _time.GetTimestamp();
    }

    // The rows to go, when the ETA or the blast radius needs them: before the job is claimed (a run waiting for the lease
    // reports progress), and again after the checkpoint's key when the first read did not reach the end.
    private async Task CountRowsAsync(CancellationToken cancellationToken)
    {
        if (_countRows)
        {
            _totalRows = await _probe.CountRemainingAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    // The batches are judged one by one against the per-unit and window budgets; the share of the table is a property of
    // the job's whole filter (an empty id list that became no filter), so it is judged once, on the rows to go.
    private void CheckBlastRadius()
    {
        // Counted without the filter, the rows to go are the table's: they say nothing of the filter's reach.
        if (_totalRows is not { } total || !_probe.Filtered)
        {
            return;
        }

        var job = new UnitOfWorkEstimate(_budgets.EffectiveProfile, _context.GetType().Name, _session.Database, BatchEstimator.OperationName(Kind));
        job.AddStatement(MappedTable.For(_plan.EntityType)[0].Identity, Kind == RowChangeKind.Delete ? EntityStateKind.Deleted : EntityStateKind.Updated,
            (int)Math.Min(total, int.MaxValue), bytes: 0, largestEvent: 0, rewritten: null);
        if (BudgetRules.CheckTableFraction(job, _budgets, _session.Settings.RowCounts) is { } violation)
        {
            _admission.Judge(job, _budgets, violation);
        }
    }

    private BatchEstimator CreateEstimator()
    {
        var profile = _budgets.EffectiveProfile;
        var tables = MappedTable.For(_plan.EntityType);
        var assigned = _setters?.AssignedProperties(_plan.EntityType);

        // MariaDB logs each statement's text once (Annotate_rows); the batch's SELECT text is close to it in length.
        var statementText = profile.LogsStatementText ? _plan.Batch.ToQueryString().Length : 0;
        var checkpointBytes = _identity is null ? 0 : BatchCheckpointStore.WriteBytes(profile, _name, _identity);
        return new BatchEstimator(tables, _plan.Measured, profile, Kind, assigned, statementText, checkpointBytes);
    }

    private async Task<int> ExecuteAsync(object?[] upper, long batchBytes)
    {
        if (_lease is not { } lease)
        {
            return await RunStatementAsync().ConfigureAwait(false);
        }

        // The checkpoint first: it proves this run still holds the job and locks the row until the commit, so no other
        // run can claim the job halfway through the batch, and a run that lost it touches no data row.
        var database = _context.Database;
        await using var transaction = await database.BeginTransactionAsync(CancellationToken.None).ConfigureAwait(false);
        if (!await _store!.TryAdvanceAsync(lease, BatchCheckpointStore.SerializeKey(upper), CancellationToken.None).ConfigureAwait(false))
        {
            await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
            throw LeaseLost(string.Create(CultureInfo.InvariantCulture, $"starting its batch {_batches + 1}"));
        }

        var affected = await RunStatementAsync().ConfigureAwait(false);
        await _store.AddTotalsAsync(lease, affected, batchBytes, CancellationToken.None).ConfigureAwait(false);
        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        _renewedAt = _time.GetTimestamp();
        return affected;
    }

    private Task<int> RunStatementAsync()
        => _session.RunAdmittedAsync(() => _setters is null
            ? BulkOperations.ExecuteDeleteAsync(_plan.Batch, CancellationToken.None)
            : _setters.ExecuteAsync(_plan.Batch, async: true, CancellationToken.None));

    // The guard's admission policy with the job's pacing: the per-unit budgets first (only a single huge row can exceed
    // them, given the batch sizing), then room in the job's share of the rolling window, waiting as long as it takes.
    private async Task<LedgerTicket> AdmitAsync(UnitOfWorkEstimate estimate, CancellationToken cancellationToken)
        => await _admission.AdmitAsync(estimate, _budgets, UnknownTableRowCounts.Instance, new JobPacing(this), async: true, cancellationToken).ConfigureAwait(false);

    private async Task WaitForProbesAsync(CancellationToken cancellationToken)
    {
        long? waitingSince = null;
        while (true)
        {
            PacingVerdict? wait = null;
            IPacingProbe? waitingFor = null;
            foreach (var probe in _probes)
            {
                var verdict = await probe.CheckAsync(cancellationToken).ConfigureAwait(false);
                if (verdict.ShouldWait)
                {
                    (wait, waitingFor) = (verdict, probe);
                    break;
                }
            }

            if (wait is null)
            {
                EndWait(waitingSince);
                return;
            }

            var delay = DelayAsync(_options.ProbeInterval, cancellationToken);
            if (waitingSince is null)
            {
                waitingSince = _time.GetTimestamp();
                _waits++;
                BatchLog.WaitingForProbe(_admission.Logger, _name, waitingFor!.GetType().Name, wait.Observation);
                Report(BatchState.WaitingForProbe, wait.Observation);
            }

            await delay.ConfigureAwait(false);
        }
    }

    private void EndWait(long? waitingSince)
    {
        if (waitingSince is { } since)
        {
            _probe.Discard();
            var waited = _time.GetElapsedTime(since);
            _waited += waited;
            BatchLog.WaitOver(_admission.Logger, _name, waited.TotalSeconds);
            Report(BatchState.Running);
        }
    }

    private void Report(BatchState state, string? waitReason = null)
    {
        if (_progress is null)
        {
            return;
        }

        var elapsed = _time.GetElapsedTime(_started);
        TimeSpan? remaining = state == BatchState.Completed ? TimeSpan.Zero
            : _rows > 0 ? TimeSpan.FromSeconds(Math.Max(0, _totalRows!.Value - _rows) * elapsed.TotalSeconds / _rows)
            : null;
        _progress.Report(new BatchProgress(state, _rows, _bytes, _batches, _totalRows!.Value, elapsed, remaining, waitReason));
    }

    private BatchResult Result(bool alreadyCompleted)
        => new(_options.JobName, _budgets.EffectiveProfile.Name, _rows, _bytes, _batches, _time.GetElapsedTime(_started), _waited, _waits, _rowsBefore, alreadyCompleted);

    /// <summary>A job waits for room in its share of the window for as long as a wait can make room, reporting the wait.</summary>
    private sealed class JobPacing(BatchJob<T> job) : Pacing
    {
        private long? _waitingSince;

        public override async ValueTask<bool> WaitAsync(UnitOfWorkEstimate estimate, LedgerVerdict verdict, BulkSafetyViolation violation, bool async, CancellationToken cancellationToken)
        {
            if (verdict.RetryAfter is not { } retryAfter)
            {
                // Larger than the whole window: no wait can make room.
                return false;
            }

            var delay = job.DelayAsync(AtLeastMinimumWait(retryAfter), cancellationToken);
            if (_waitingSince is null)
            {
                _waitingSince = job._time.GetTimestamp();
                job._waits++;
                var budget = job._budgets.MaxBytesPerMinute;
                BatchLog.WaitingForBudget(job._admission.Logger, job._name, retryAfter.TotalSeconds, verdict.BytesInWindow, budget, estimate.TotalBytes);
                job.Report(BatchState.WaitingForBudget, string.Create(CultureInfo.InvariantCulture, $"{verdict.BytesInWindow:N0} B in the last minute; the next batch ({estimate.TotalBytes:N0} B) would exceed {budget:N0} B/min"));
            }

            await delay.ConfigureAwait(false);
            return true;
        }

        public override ValueTask EndWaitAsync(bool async)
        {
            job.EndWait(_waitingSince);
            _waitingSince = null;
            return ValueTask.CompletedTask;
        }
    }
}
