using Gearbox.Batching;

namespace Gearbox.Planning.Simulation;

/// <summary>
/// Discrete-event simulation of a pipeline as the workers serve it: each worker keeps an
/// earliest-deadline-first queue and, whenever it is idle with work queued, asks
/// <see cref="BatchPolicy"/> — the same class the worker grain uses — what to drop and how big a batch
/// to run; the batch takes l(b) from the model's profile. Items go to the active worker with the least
/// outstanding work (queued + in flight). A cascade item moves on while its model's confidence on the
/// sampled validation item is under the threshold; a tile split turns a request into a measured
/// fan-out of items. A request is answered when all its items are, dropped when any is.
/// </summary>
public sealed class PipelineSimulator(PipelineModel model, int seed = 1)
{
    private readonly PipelineModel _model = model;

    public SimulationResult Run(IReadOnlyList<Arrival> arrivals, SimulatedGear gear) => Run(arrivals, [new GearSwitch(0, gear)]);

    public SimulationResult Run(IReadOnlyList<Arrival> arrivals, IReadOnlyList<GearSwitch> schedule)
    {
        if (schedule.Count == 0 || schedule[0].AtMs > (arrivals.Count == 0 ? 0 : arrivals[0].AtMs))
            throw new ArgumentException("The gear schedule must start at or before the first arrival.", nameof(schedule));
        return new Run(_model, arrivals, schedule, new Random(seed)).Execute();
    }
}

/// <summary>The state of one simulation run.</summary>
internal sealed class Run
{
    private readonly PipelineModel _model;
    private readonly IReadOnlyList<Arrival> _arrivals;
    private readonly IReadOnlyList<GearSwitch> _schedule;
    private readonly Random _random;
    private readonly List<Worker>[] _workers;
    private readonly PriorityQueue<Event, (double, long)> _events = new();
    private long _sequence;
    private double _now;
    private int _gear;

    private readonly int[] _requestGear;
    private readonly int[] _outstanding;
    private readonly bool[] _dropped;
    private readonly double[] _finished;
    private int _answeredItems, _correctItems;
    private long _batches, _batchedItems;
    private double[] _scratch = new double[64];

    public Run(PipelineModel model, IReadOnlyList<Arrival> arrivals, IReadOnlyList<GearSwitch> schedule, Random random)
    {
        _model = model;
        _arrivals = arrivals;
        _schedule = schedule;
        _random = random;
        _workers = model.Units.Select(_ => new List<Worker>()).ToArray();
        _requestGear = new int[arrivals.Count];
        _outstanding = new int[arrivals.Count];
        _dropped = new bool[arrivals.Count];
        _finished = new double[arrivals.Count];
    }

    public SimulationResult Execute()
    {
        for (var g = 0; g < _schedule.Count; g++) Schedule(_schedule[g].AtMs, new Event(EventKind.Switch, g, null));
        for (var r = 0; r < _arrivals.Count; r++) Schedule(_arrivals[r].AtMs, new Event(EventKind.Arrival, r, null));
        while (_events.TryDequeue(out var e, out var key))
        {
            _now = key.Item1;
            switch (e.Kind)
            {
                case EventKind.Switch: Switch(e.Index); break;
                case EventKind.Arrival: Arrive(e.Index); break;
                case EventKind.BatchDone: Finish(e.Worker!); break;
            }
        }
        var outcomes = new RequestOutcome[_arrivals.Count];
        for (var r = 0; r < outcomes.Length; r++)
        {
            outcomes[r] = new RequestOutcome(_dropped[r] ? RequestStatus.Dropped : RequestStatus.Completed,
                _arrivals[r].AtMs, _finished[r], _arrivals[r].AtMs + _arrivals[r].BudgetMs);
        }
        return SimulationResult.From(outcomes, _answeredItems, _correctItems, _batches, _batchedItems);
    }

    private void Schedule(double at, Event e) => _events.Enqueue(e, (at, _sequence++));

    private void Switch(int index)
    {
        _gear = index;
        var gear = _schedule[index].Gear;
        for (var u = 0; u < _workers.Length; u++)
        {
            var service = gear.Threads is { } threads && _model.ThreadOptions(u).Contains(threads[u]) ? _model.ServiceAt(u, threads[u]) : _model.Service[u];
            while (_workers[u].Count < gear.Replicas[u]) _workers[u].Add(new Worker(u));
            for (var w = 0; w < _workers[u].Count; w++)
            {
                var worker = _workers[u][w];
                worker.Active = w < gear.Replicas[u];
                // Retired workers keep their policy and drain their queue; active ones take the new max batch.
                if (worker.Active) worker.Policy = new BatchPolicy(service.Ms, Math.Max(1, gear.MaxBatch[u]));
            }
        }
    }

    private void Arrive(int request)
    {
        _requestGear[request] = _gear;
        _outstanding[request] = 1;
        var deadline = _arrivals[request].AtMs + _arrivals[request].BudgetMs;
        var item = _model.HasSplitter ? -1 : _random.Next(_model.Estimator.Items);
        Submit(0, new Job(request, item, deadline));
    }

    private void Submit(int unit, Job job)
    {
        var target = LeastOutstanding(unit, active: true)
            // An item of a request admitted under an earlier gear, forwarded to a model the new gear
            // retired: a retiring worker still finishes it (in-flight requests finish under their gear).
            ?? LeastOutstanding(unit, active: false);
        if (target is null)
        {
            // No worker of this model was ever started: the item cannot be served.
            Drop(job);
            return;
        }
        target.Enqueue(job);
        if (!target.Busy) Start(target);
    }

    private Worker? LeastOutstanding(int unit, bool active)
    {
        Worker? target = null;
        foreach (var worker in _workers[unit])
        {
            if (worker.Active != active) continue;
            if (target is null || worker.Outstanding < target.Outstanding) target = worker;
        }
        return target;
    }

    private void Start(Worker worker)
    {
        if (worker.Queue.Count == 0) return;
        if (_scratch.Length < worker.Queue.Count) _scratch = new double[worker.Queue.Count * 2];
        for (var i = 0; i < worker.Queue.Count; i++) _scratch[i] = worker.Queue[i].Deadline;
        var decision = worker.Policy!.Decide(_scratch.AsSpan(0, worker.Queue.Count), _now);
        for (var i = 0; i < decision.Drop; i++) Drop(worker.Queue[i]);
        worker.InFlight.Clear();
        for (var i = 0; i < decision.Batch; i++) worker.InFlight.Add(worker.Queue[decision.Drop + i]);
        worker.Queue.RemoveRange(0, decision.Drop + decision.Batch);
        if (decision.Batch == 0) return;
        worker.Busy = true;
        _batches++;
        _batchedItems += decision.Batch;
        Schedule(_now + worker.Policy.LatencyMs(decision.Batch), new Event(EventKind.BatchDone, 0, worker));
    }

    private void Finish(Worker worker)
    {
        worker.Busy = false;
        var unit = worker.Unit;
        var jobs = worker.InFlight.ToArray();
        worker.InFlight.Clear();
        foreach (var job in jobs)
        {
            if (_model.HasSplitter && unit == 0) { Split(job); continue; }
            var level = unit - _model.CascadeStart;
            var thresholds = _schedule[_requestGear[job.Request]].Gear.Thresholds;
            var last = level == _model.Estimator.Models.Length - 1;
            if (last || _model.Estimator.Confidence(level, job.Item) >= thresholds[level])
            {
                _answeredItems++;
                if (_model.Estimator.IsCorrect(level, job.Item)) _correctItems++;
                Complete(job.Request);
            }
            else
            {
                Submit(unit + 1, job);
            }
        }
        Start(worker);
    }

    private void Split(Job job)
    {
        var tiles = _model.FanOut.Sample(_random);
        _outstanding[job.Request] += tiles;
        for (var t = 0; t < tiles; t++) Submit(_model.CascadeStart, job with { Item = _random.Next(_model.Estimator.Items) });
        Complete(job.Request);
    }

    private void Drop(Job job)
    {
        _dropped[job.Request] = true;
        Complete(job.Request);
    }

    private void Complete(int request)
    {
        if (--_outstanding[request] == 0) _finished[request] = _now;
    }

    private enum EventKind { Switch, Arrival, BatchDone }

    private readonly record struct Event(EventKind Kind, int Index, Worker? Worker);

    private readonly record struct Job(int Request, int Item, double Deadline);

    private sealed class Worker(int unit)
    {
        public int Unit { get; } = unit;
        public bool Active { get; set; }
        public bool Busy { get; set; }
        public BatchPolicy? Policy { get; set; }
        public List<Job> Queue { get; } = [];
        public List<Job> InFlight { get; } = [];
        public int Outstanding => Queue.Count + InFlight.Count;

        /// <summary>Earliest deadline first; equal deadlines keep arrival order.</summary>
        public void Enqueue(Job job)
        {
            var lo = 0;
            var hi = Queue.Count;
            while (lo < hi)
            {
                var mid = (lo + hi) / 2;
                if (Queue[mid].Deadline <= job.Deadline) lo = mid + 1; else hi = mid;
            }
            Queue.Insert(lo, job);
        }
    }
}
