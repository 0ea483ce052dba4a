using WasmProbe.Watchpoints;

namespace WasmProbe.Debugging;

internal sealed partial class GuestRun
{
    private readonly List<WriteWatchpoint> _watchpoints = [];

    public void Watch(WriteWatchpoint watchpoint, bool enabled)
    {
        if (enabled) _watchpoints.Add(watchpoint);
        else _watchpoints.Remove(watchpoint);
        if (Guest.Watchpoints is not { } armed) return;
        if (enabled) armed.Add(watchpoint);
        else armed.Remove(watchpoint);
    }

    private void ArmWatchpoints()
    {
        if (Guest.Watchpoints is not { } armed) return;
        foreach (var watchpoint in _watchpoints) armed.Add(watchpoint);
        armed.Hit += OnWrite;
    }

    /// <summary>A write stop has no shadow frame: the guest is inside the write check, not at a probe.</summary>
    private void OnWrite(WriteHit hit)
    {
        if (_runToCompletion) return;
        var action = _controller.Pause(new WatchpointStop(hit));
        if (_aborting) throw new OperationCanceledException("the debug session was disposed");
        Apply(action, frame: -1);
        WriteStepState();
        Guest.ResetDeadline();
    }
}
