namespace WasmProbe.Debugging;

/// <summary>Decides how the guest resumes after each stop; called on the thread that runs the guest.</summary>
internal interface IStopController
{
    ResumeAction Pause(StopEvent stop);
    void Finish(StopEvent final);

    /// <summary>Whoever looks at a stop does so on the guest's thread, inside its call to the host (so what only that
    /// thread can ask the engine may be asked lazily).</summary>
    bool InspectsOnGuestThread { get; }
}

/// <summary>Runs the controller's code inside the probe callback (no thread switch): the fastest way to stop often.</summary>
internal sealed class InlineStopController(Func<StopEvent, ResumeAction> handler) : IStopController
{
    public ResumeAction Pause(StopEvent stop) => handler(stop);

    public void Finish(StopEvent final)
    {
    }

    public bool InspectsOnGuestThread => true;
}

/// <summary>Runs the guest on a dedicated thread that parks at each stop until the controller resumes it; each
/// <see cref="Resume"/> returns a task for the next stop.</summary>
internal sealed class ThreadStopController : IStopController
{
    private const int GuestStackSize = 16 << 20;

    private readonly ManualResetEventSlim _resumed = new(false, spinCount: 2000);
    private readonly object _gate = new();
    private TaskCompletionSource<StopEvent>? _pending;
    private Thread? _thread;
    private ResumeAction _next;

    public bool IsPaused { get; private set; }

    public bool InspectsOnGuestThread => false;

    public Task<StopEvent> Resume(ResumeAction action, Action<ResumeAction> runGuest)
    {
        lock (_gate)
        {
            if (_pending is { Task.IsCompleted: false }) throw new InvalidOperationException("the guest is already running: await the previous stop first");
            _pending = new TaskCompletionSource<StopEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
            var task = _pending.Task;
            if (_thread is null)
            {
                _thread = new Thread(() => runGuest(action), GuestStackSize) { IsBackground = true, Name = "WasmProbe guest" };
                _thread.Start();
            }
            else
            {
                _next = action;
                IsPaused = false;
                _resumed.Set();
            }
            return task;
        }
    }

    public ResumeAction Pause(StopEvent stop)
    {
        TaskCompletionSource<StopEvent> pending;
        lock (_gate)
        {
            _resumed.Reset();
            IsPaused = true;
            pending = _pending!;
        }
        pending.SetResult(stop);
        _resumed.Wait();
        return _next;
    }

    public void Finish(StopEvent final)
    {
        TaskCompletionSource<StopEvent>? pending;
        lock (_gate) pending = _pending;
        pending?.TrySetResult(final);
    }

    /// <summary>Lets a paused guest go with <paramref name="action"/> without waiting for its next stop.</summary>
    public void Release(ResumeAction action)
    {
        lock (_gate)
        {
            _pending = new TaskCompletionSource<StopEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
            _next = action;
            IsPaused = false;
            _resumed.Set();
        }
    }

    public Task<StopEvent>? Pending
    {
        get { lock (_gate) return _pending?.Task; }
    }

    public bool Join(TimeSpan timeout) => _thread?.Join(timeout) ?? true;

    public bool IsGuestThreadAlive => _thread?.IsAlive ?? false;
}
