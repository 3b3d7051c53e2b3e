"""The innovations of a scenario whose rebound can be measured one by one ("freeze one innovation",
Hilty et al. 2006): named ``KIND:NAME``, see :data:`KINDS`."""

from __future__ import annotations

from .schema import Scenario

#: Kinds of innovation and what each is.
KINDS = {
    "launch": "a generation launched inside the horizon",
    "gain": "the yearly fall (or rise) of a generation's energy per GB",
    "idle_gain": "the yearly fall (or rise) of a generation's idle power per site",
    "layer_gain": "the yearly fall (or rise) of a layer's energy per GB",
    "device_gain": "the yearly fall (or rise) of a device's energy use",
    "compute_gain": "the yearly fall (or rise) of the accelerator power a compute job needs",
}


def innovations(scenario: Scenario) -> tuple[str, ...]:
    """Every innovation of a scenario, in a stable order: each generation launched strictly inside the
    horizon, then each efficiency stream whose yearly gain is not zero (generations launched before
    the end: energy per GB, idle power; then layers, devices)."""
    start, end = scenario.time.start, scenario.time.end
    found = [f"launch:{name}" for name, g in scenario.generations.items() if start < g.launch < end]
    for name, g in scenario.generations.items():
        if g.launch < end:
            found += [f"{kind}:{name}" for kind, gain in (("gain", g.efficiency_gain), ("idle_gain", g.idle_power_gain))
                      if gain != 0]
    found += [f"layer_gain:{name}" for name, layer in scenario.layers.items() if layer.efficiency_gain != 0]
    found += [f"device_gain:{name}" for name, device in scenario.devices.items() if device.efficiency_gain != 0]
    found += [f"compute_gain:{name}" for name, w in scenario.compute.every.items() if w.efficiency_gain != 0]
    return tuple(found)


def chosen_innovations(scenario: Scenario) -> tuple[str, ...]:
    """The innovations ``rebound.innovations`` asks for (``all``, or a list of names), in the order of
    :func:`innovations`."""
    wanted = scenario.rebound.innovations
    available = innovations(scenario)
    return available if wanted == "all" else tuple(name for name in available if name in wanted)


def innovation_gain(scenario: Scenario, name: str) -> float | None:
    """The yearly gain of an innovation ``gain:G``, ``idle_gain:G``, ``layer_gain:L``, ``device_gain:D`` or
    ``compute_gain:W``
    (negative: what it names rises, so it has nothing to save); None for a launch."""
    kind, _, item = name.partition(":")
    if kind == "gain":
        return scenario.generations[item].efficiency_gain
    if kind == "idle_gain":
        return scenario.generations[item].idle_power_gain
    if kind == "layer_gain":
        return scenario.layers[item].efficiency_gain
    if kind == "device_gain":
        return scenario.devices[item].efficiency_gain
    if kind == "compute_gain":
        return scenario.compute.every[item].efficiency_gain
    return None
