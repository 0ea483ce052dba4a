using WasmProbe.Watchpoints;

namespace WasmProbe.Debugging;

internal sealed partial class GuestRun
{
    private readonly List<WriteWatchpoint> _watchpoints = [];
    private readonly List<GlobalWatchpoint> _globalWatchpoints = [];

    public void Watch(WriteWatchpoint watchpoint, bool enabled)
    {
        if (enabled) _watchpoints.Add(watchpoint);
        else _watchpoints.Remove(watchpoint);
        if (Guest.Watchpoints is not { } armed) return;
        if (enabled) armed.Add(watchpoint);
        else armed.Remove(watchpoint);
    }

    public void Watch(GlobalWatchpoint watchpoint, bool enabled)
    {
        if (enabled) _globalWatchpoints.Add(watchpoint);
        else _globalWatchpoints.Remove(watchpoint);
        if (Guest.GlobalWatchpoints is not { } armed) return;
        if (enabled) armed.Add(watchpoint);
        else armed.Remove(watchpoint);
    }

    private void ArmWatchpoints()
    {
        if (Guest.Watchpoints is { } armed)
        {
            foreach (var watchpoint in _watchpoints) armed.Add(watchpoint);
            armed.Hit += hit => OnWrite(new WatchpointStop(hit));
        }
        if (Guest.GlobalWatchpoints is { } globals)
        {
            foreach (var watchpoint in _globalWatchpoints) globals.Add(watchpoint);
            globals.Hit += hit => OnWrite(new GlobalWatchpointStop(hit));
        }
    }

    /// <summary>A write stop has no shadow frame: the guest is inside the write check, not at a probe.</summary>
    private void OnWrite(StopEvent stop)
    {
        if (_runToCompletion) return;
        var action = _controller.Pause(stop);
        if (_aborting) throw new OperationCanceledException("the debug session was disposed");
        Apply(action, frame: -1);
        WriteStepState();
        Guest.ResetDeadline();
    }
}
