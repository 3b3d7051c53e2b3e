"""When a run is not plausible: the rule behind the live page's warning.

Sliders let a class push a model far beyond anything observed (a price elasticity of 2 with a
30 % efficiency gain a year gives a town of a million users ~2,300 TWh a year, most of a large
country's electricity). The page says so, with one rule simple enough to explain in class:

    a digital system that uses more electricity per user than the average person on Earth
    uses for everything is not plausible.

The reference figure is :data:`WORLD_KWH_PER_PERSON`: the world's electricity consumption per
person in 2023, 3.7 MWh (Ember, Global Electricity Review 2024 [ember2024b] [E]; 29,471 TWh
generated that year). Today's mobile networks use of the order of 25 kWh a year per user, and
the classroom scenario as written ~90 kWh, so the rule fires only far from the scenario's own
values; it is a sanity check, not a bound of the model.
"""

from __future__ import annotations

import numpy as np

from ..results import Results

#: Electricity consumed per person in the world in 2023 (kWh/yr): Ember, Global Electricity
#: Review 2024 [ember2024b] [E].
WORLD_KWH_PER_PERSON = 3_700.0


def implausible(results: Results) -> dict[str, float] | None:
    """Where the run's energy per user is highest, if it is above :data:`WORLD_KWH_PER_PERSON`: the
    ``year``, the ``energy`` (kWh/yr), the ``per_user`` energy (kWh/yr) and its ``ratio`` to the
    reference; None if the run stays below it (or has no users)."""
    energy = results.array("energy")
    users = results.array("users") if results.has("users") else np.zeros_like(energy)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_user = np.where(users > 0, energy / np.where(users > 0, users, 1.0), 0.0)
    per_user = np.where(np.isfinite(per_user), per_user, 0.0)
    i = int(np.argmax(per_user))
    if per_user[i] <= WORLD_KWH_PER_PERSON:
        return None
    return {"year": float(results.times[i]), "energy": float(energy[i]), "per_user": float(per_user[i]),
            "ratio": float(per_user[i] / WORLD_KWH_PER_PERSON)}
