using WasmProbe.Inspection;

namespace WasmProbe.Engine;

/// <summary>What the host reads and sets of an instrumented module's debug state once it is instantiated: the guest's
/// (<see cref="GuestInstance"/>) or a linked module's (<see cref="Linking.LinkedInstance"/>).</summary>
internal interface IDebugState
{
    /// <summary>The debug memory: function and site flags, site bases, shadow frames (<see cref="Instrumentation.DebugMemory"/>).</summary>
    IGuestMemory DebugMemory { get; }

    /// <summary>1 while anything can stop in the module (its calls then store their operand stacks).</summary>
    int Armed { set; }

    /// <summary>The highest frame address at which a probe stops for a step (0: none).</summary>
    uint StepLimit { set; }

    /// <summary>The module's innermost frame.</summary>
    int FrameTop { get; }
}
