"""The scenario schema: the single documented contract between users and the model.

Every field has a canonical unit (strings with units are converted to it; a
plain number is read in it, and a person may write one only where that unit has
one natural reading, :func:`~simulator.units.takes_bare_number`) and a
docstring; ``jevons reference`` turns them into the scenario reference, so
documentation and validation cannot drift apart.
Unknown keys are errors. Models are frozen: a loaded scenario never changes.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Final, Literal, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    Tag,
    field_validator,
    model_validator,
)

from ..units import QuantityError, check_unit, same_dimension, to_canonical
from .device_types import device_types, with_device_types
from .distributions import Distribution
from .lesson import Lesson
from .sliders import Localised, Slider
from .targets import Target
from .types import Fraction, Gain, PositiveYears, Quantity, Rate, Table, UnitInfo, Varying, Years, is_number

#: An impact category electricity carries: each has a factor per kWh in ``grid:`` (:class:`GridFactors`).
GridCategory = Literal["climate_change", "mineral_resources", "primary_energy", "water"]
#: An impact category, in the order of tables and figures: the grid's, then e-waste, which only making
#: and discarding equipment produce. Each is a field of :class:`Impacts`, the grid's of :class:`GridFactors`.
Category = Literal[GridCategory, "e_waste"]
#: How figures name each impact category.
_FIGURE_NAMES: dict[Category, str] = {
    "climate_change": "Climate change", "mineral_resources": "Mineral resource use",
    "primary_energy": "Primary energy", "water": "Water use", "e_waste": "E-waste",
}

#: Life-cycle phases of an impact: making equipment, using electricity, discarding equipment.
MANUFACTURING: Final = "manufacturing"
USE: Final = "use"
END_OF_LIFE: Final = "end_of_life"
PHASES = (MANUFACTURING, USE, END_OF_LIFE)
#: The phases of equipment (use is the electricity's).
EQUIPMENT_PHASES = (MANUFACTURING, END_OF_LIFE)

#: The network of a scenario that names none.
DEFAULT_NETWORK = "mobile"

#: Most time steps a run may have (memory and time stay bounded).
MAX_STEPS = 20_000


class Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, use_attribute_docstrings=True, arbitrary_types_allowed=True
    )


class Time(Model):
    """The simulated horizon."""

    start: Years
    """First simulated instant (year, e.g. 2000). Results are recorded from here."""
    end: Years
    """Last simulated instant (year). Cumulative totals cover [start, end)."""
    step: Annotated[float, Quantity("yr", gt=0.0)] = 0.25
    """Length of a time step (years). (end - start) / step must be a whole number of at most 20,000 steps."""


class Impacts(Model):
    """Impact per unit, one value per impact category (missing = 0)."""

    climate_change: Annotated[float, Quantity("kg CO2e", ge=0.0)] = 0.0
    """Climate change (kg CO2e)."""
    mineral_resources: Annotated[float, Quantity("kg Sb_eq", ge=0.0)] = 0.0
    """Mineral resource use, abiotic depletion potential (kg Sb eq)."""
    primary_energy: Annotated[float, Quantity("MJ", ge=0.0)] = 0.0
    """Primary energy (MJ)."""
    water: Annotated[float, Quantity("m**3", ge=0.0)] = 0.0
    """Water use (m³)."""
    e_waste: Annotated[float, Quantity("kg", ge=0.0)] = 0.0
    """E-waste (kg). For end of life, defaults to the equipment's mass."""


class GridFactors(Model):
    """Impact of one kWh of electricity taken from the grid, per category."""

    climate_change: Annotated[float | Table, Varying("kg CO2e/kWh", minimum=0.0)] = 0.0
    """Carbon intensity of electricity (kg CO2e/kWh; e.g. "480 g CO2e/kWh"). May vary in time."""
    mineral_resources: Annotated[float | Table, Varying("kg Sb_eq/kWh", minimum=0.0)] = 0.0
    """Mineral resource use per kWh (kg Sb eq/kWh). May vary in time."""
    primary_energy: Annotated[float | Table, Varying("MJ/kWh", minimum=0.0)] = 3.6
    """Primary energy per kWh delivered (MJ/kWh; 3.6 = no conversion losses). May vary in time."""
    water: Annotated[float | Table, Varying("m**3/kWh", minimum=0.0)] = 0.0
    """Water consumed per kWh (m³/kWh). May vary in time."""


def _unit(model: type[BaseModel], field: str) -> str:
    return next(m.unit for m in model.model_fields[field].metadata if isinstance(m, UnitInfo))


#: Impact categories (:data:`Category`, in order), their canonical unit (that of their field of
#: :class:`Impacts`) and how they are named in figures.
CATEGORIES: dict[str, tuple[str, str]] = {c: (_unit(Impacts, c), _FIGURE_NAMES[c]) for c in get_args(Category)}


class Service(Model):
    """A use of the network (video, web, messaging...) and how it reacts to cost."""

    label: Localised = ""
    """Name for people in figures, tables and the live page: a string or {en, fr}; empty: a readable form of
    the key."""
    usage: Annotated[float, Quantity("GB/yr", ge=0.0)]
    """Traffic per user at time.start (GB per user per year; e.g. "1 GB/month")."""
    growth: Rate = 0.0
    """Exogenous growth of usage per user (fraction per year), before any rebound."""
    saturation: Annotated[float, Quantity("GB/yr", gt=0.0)] | None = None
    """Optional ceiling of usage per user (GB per user per year): growth is logistic towards it."""
    elasticity: Annotated[float, Quantity("", ge=0.0, le=10.0)] = 0.0
    """Price elasticity of demand (dimensionless): traffic ∝ cost^-elasticity. The rebound knob:
    0 = no rebound, 1 = savings eaten, > 1 = backfire."""
    delay: Annotated[float, Quantity("yr", ge=0.0)] = 0.0
    """Time constant of the first-order adjustment of traffic to its target (years; 0 = immediate)."""
    networks: dict[str, Annotated[float | Table, Varying("", minimum=0.0, maximum=1.0)]] = {}
    """Share of the service's traffic each access network carries (fraction, or a year → fraction table),
    by network name; the shares add up to 1 at every instant. Empty: all of it on the first network."""


class Logistic(Model):
    """A logistic curve: ceiling / (1 + exp(-(t - midpoint) / width))."""

    ceiling: Annotated[float, Quantity("user", gt=0.0)]
    """Value approached in the long run (users)."""
    midpoint: Years
    """Year at which half the ceiling is reached."""
    width: Annotated[float, Quantity("yr", gt=0.0)]
    """Time scale of the S-curve (years): from 27 % to 73 % of the ceiling takes 2 × width."""


def _users_kind(value: object) -> str:
    is_logistic = isinstance(value, dict) and any(isinstance(k, str) and not is_number(k) for k in value)
    return "logistic" if is_logistic or isinstance(value, Logistic) else "table"


class Demand(Model):
    """Who uses the network and how much."""

    users: Annotated[
        Annotated[Logistic, Tag("logistic")]
        | Annotated[float | Table, Varying("user", minimum=0.0), Tag("table")],
        Discriminator(_users_kind),
    ]
    """Number of users (users): a constant, a year → value table, or a logistic curve
    {ceiling, midpoint, width}."""
    services: dict[str, Service]
    """Services by name; their traffic adds up to the traffic of the network."""
    traffic: Annotated[float | Table, Varying("GB/yr", minimum=0.0)] | None = None
    """Forced traffic (GB/yr, usually a year → value table of a recorded series): replaces the
    demand model. Services then only share it out (in proportion to their usage × users);
    elasticities are ignored, so the rebound variants are not meaningful and are not reported."""


class Price(Model):
    """The price of a GB in money: the network's costs over the traffic it carries (average-cost pricing).

    Each step, the price of a GB is the energy bill per GB of the traffic-proportional energy
    (the technology of the step) plus the costs the network has whatever it carries — sites
    (annualised purchase and build, operating cost), their idle electricity, and the fixed
    costs below — spread over the traffic carried the step before. Users respond to the price
    relative to the start (``demand.services.*.elasticity``). Embodied carbon never enters it.
    """

    currency_year: Annotated[int, Field(strict=True, ge=1900, le=2100)] = 2020
    """Year of the euros every amount is written in (EUR; the scenario says whether amounts of other years
    were deflated to it or are nominal)."""
    electricity: Annotated[float | Table, Varying("EUR/kWh", minimum=0.0)] = 0.112
    """Price of electricity paid by the network (EUR/kWh). May vary in time. Default 0.112: Orange
    group 2021, €579 M of energy over 5,154 GWh ([A] from [idc2024] and [lightreading2022b])."""
    fixed: Annotated[float | Table, Varying("EUR/yr", minimum=0.0)] = 0.0
    """Network costs that do not scale with sites or traffic — spectrum, staff, IT, marketing
    (EUR/yr, e.g. "300 GEUR/yr" = 300 billion euros a year). May vary in time."""
    cost_of_capital: Annotated[float, Quantity("1/yr", ge=0.0, lt=1.0)] = 0.0
    """Cost of capital (fraction per year; nominal where amounts are nominal) at which site purchases are
    annualised over `site_life`: capital recovery factor r / (1 - (1 + r)^-life)."""


class Network(Model):
    """An access network (mobile, fixed): its generations share the traffic the services put on it."""

    label: Localised = ""
    """Name for people in figures, tables and the live page: a string or {en, fr}; empty: a readable form of
    the key."""

    lines: Annotated[float | Table, Varying("line", minimum=0.0)] | None = None
    """Subscribed lines of a fixed network (lines; a constant or a year → lines table). When given, a "site"
    of each of its generations is one line — the box or ONT and its share of the DSLAM/OLT port —:
    a generation has its share of the network's traffic times the lines as sites (on top of its
    coverage sites), its `idle_power` is per line and its `equipment` per line. Lines move between
    generations with the adoption shares (copper to fibre); none: sites follow coverage and capacity."""
    fixed_cost: Annotated[float | Table, Varying("EUR/yr", minimum=0.0)] = 0.0
    """Costs of this network alone that scale with neither its sites nor its traffic — spectrum, staff, IT
    (EUR/yr; a constant or a year table) — spread over its own traffic in its price of a GB; `price.fixed`
    is shared by every network in proportion to its traffic."""


class Generation(Model):
    """A radio access technology (2G, 3G...), stacked on the others while it is on."""

    label: Localised = ""
    """Name for people in figures, tables and the live page: a string or {en, fr}; empty: a readable form of
    the key."""
    launch: Years
    """Year the generation is switched on. Before time.start: already deployed at the start;
    after time.end: never launched."""
    switch_off: Years | None = None
    """Year the generation is switched off (optional, after `launch`); its sites and equipment retire then."""
    technology_year: Literal["launch", "calendar"] = "launch"
    """What the year of `energy_intensity`, `idle_power` and `capacity_per_site` is, from which their gains
    run: `launch` (the equipment of the launch, whenever that is), or `calendar`: the equipment of the
    calendar year `reference_year`, so that a generation launched later starts with the equipment of its
    launch year (a country launching 4G in 2013 gets 2013 equipment)."""
    reference_year: Years | None = None
    """With `technology_year: calendar`, the year `energy_intensity`, `idle_power` and `capacity_per_site`
    are given for (required then, refused otherwise)."""
    energy_intensity: Annotated[float, Quantity("kWh/GB", ge=0.0)] = 0.0
    """Dynamic (traffic-proportional) energy per GB at launch, or at `reference_year` (kWh/GB)."""
    efficiency_gain: Gain = 0.0
    """Fractional fall per year of the dynamic energy per GB, negative for a rise (at least -1):
    intensity(t) = energy_intensity × (1 - efficiency_gain)^(t - launch), or ^(t - reference_year)."""
    idle_power: Annotated[float, Quantity("W", ge=0.0)] = 0.0
    """Power drawn by a site whatever its traffic (W per site, e.g. "1.2 kW"), at launch or at
    `reference_year`."""
    idle_power_gain: Gain = 0.0
    """Fractional fall per year of the idle power of a site (per year, from launch or `reference_year`),
    negative for a rise (at least -1; -0.05 = 5 % more a year, e.g. bands added to existing sites)."""
    capacity_per_site: Annotated[float, Quantity("GB/yr", gt=0.0)] | None = None
    """Traffic one site can carry at launch, or at `reference_year` (GB/yr per site); none = coverage
    sites only."""
    capacity_growth: Annotated[float, Quantity("1/yr", ge=0.0, lt=10.0)] = 0.0
    """Growth per year of the capacity of a site (fraction per year)."""
    utilisation: Annotated[float, Quantity("", gt=0.0, le=1.0)] = 0.5
    """Usable share of a site's capacity (dimensionless): peak-to-average headroom."""
    coverage_sites: Annotated[float, Quantity("site", ge=0.0)] = 0.0
    """Sites needed for coverage alone once built out (sites)."""
    buildout: Annotated[float, Quantity("yr", gt=0.0)] = 5.0
    """Years from launch to 95 % of the coverage sites (S-curve centred at half of it)."""
    adoption_midpoint: Annotated[float, Quantity("yr", ge=0.0)] = 5.0
    """Years after launch at which the generation carries half of the traffic not taken by
    newer generations."""
    adoption_width: Annotated[float, Quantity("yr", gt=0.0)] = 2.0
    """Time scale of that adoption S-curve (years)."""
    equipment: dict[str, Annotated[float, Quantity("unit", ge=0.0)]] = {}
    """Equipment per site: equipment name → units per site."""
    site_cost: Annotated[float, Quantity("EUR", ge=0.0)] = 0.0
    """Purchase and build cost of one site (EUR per site): radio equipment, mast share, installation.
    Annualised over `site_life` at `price.cost_of_capital` in the price of a GB."""
    site_life: Annotated[float, Quantity("yr", gt=0.0)] = 10.0
    """Years over which a site's cost is recovered (the depreciation life of its equipment). Default 10:
    the active equipment of a base station lasts ~10 years (commonly cited, [M];
    docs/data/mobile-network-costs.md)."""
    site_opex: Annotated[float, Quantity("EUR/yr", ge=0.0)] = 0.0
    """Operating cost of one site per year, electricity excluded (EUR/yr per site): rent, field
    maintenance, backhaul."""
    network: str | None = None
    """Access network it belongs to (a name of `networks`; none: the first network). Generations of one
    network share its traffic and stack on each other; those of different networks do not compete."""


class Layer(Model):
    """A network layer every GB crosses (core/transport, data centres)."""

    label: Localised = ""
    """Name for people in figures, tables and the live page: a string or {en, fr}; empty: a readable form of
    the key."""
    part: Literal["networks", "data_centres"] = "networks"
    """Part of the digital sector it belongs to, for the outputs by part: `networks` (core, transport) or
    `data_centres`."""
    energy_intensity: Annotated[float, Quantity("kWh/GB", ge=0.0)] = 0.0
    """Energy per GB at time.start, IT equipment only (kWh/GB)."""
    efficiency_gain: Gain = 0.0
    """Fractional fall per year of the energy per GB (from time.start), negative for a rise (at least -1)."""
    pue: Annotated[float | Table, Varying("", minimum=1.0)] = 1.0
    """Power usage effectiveness (dimensionless, >= 1): facility energy / IT energy. May vary in time."""
    traffic_share: Fraction = 1.0
    """Share of all traffic that crosses this layer."""
    equipment: dict[str, Annotated[float, Quantity("unit", ge=0.0)]] = {}
    """Equipment per PB/yr of traffic crossing the layer, at time.start: name → units."""
    capacity_growth: Annotated[float, Quantity("1/yr", ge=0.0, lt=10.0)] = 0.0
    """Growth per year of the traffic one unit of equipment carries (fraction per year)."""
    networks: list[str] | None = None
    """Access networks whose traffic crosses the layer (names of `networks`; none: every network)."""
    fixed_power: Annotated[float | Table, Varying("W", minimum=0.0)] = 0.0
    """IT power the layer draws whatever its traffic (W, e.g. "25 GW"; a constant or a year → W table): the
    servers and storage of data centres that serve no counted traffic, the always-on part of a core
    network. The PUE applies to it; efficiency gains do not (the table is its path). It does not enter
    the price of a GB."""
    equipment_per: Literal["PB/yr", "kW"] = "PB/yr"
    """What the layer's `equipment` counts are per: `PB/yr` of traffic crossing it (scaled down by
    `capacity_growth`), or `kW` of its average IT power (traffic-driven and fixed; servers of a data
    centre)."""
    region: str | None = None
    """Region where its electricity is used (a name of `regions`; none: the scenario's home region)."""


class Device(Model):
    """End-user devices, held by users whatever their traffic."""

    label: Localised = ""
    """Name for people in figures, tables and the live page: a string or {en, fr}; empty: a readable form of
    the key."""
    equipment: str
    """Name of the equipment (in `equipment`) the device is made of."""
    per_user: Annotated[float | Table, Varying("unit", minimum=0.0)] = 1.0
    """Devices per user (units per user). May vary in time (e.g. the share of users with a smartphone)."""
    annual_energy: Annotated[float, Quantity("kWh/yr", ge=0.0)] = 0.0
    """Electricity use of one device (kWh per year)."""
    efficiency_gain: Gain = 0.0
    """Fractional fall per year of that electricity use (from time.start), negative for a rise (at least -1)."""
    services: dict[str, Fraction] = {}
    """Services the device is used for, each with the share w of its use that follows the service
    (fractions adding up to at most 1): the stock of devices and their electricity scale by
    1 − Σw + Σ w × r, r the service's traffic per user over its usage before policies and rebound (and
    times the factor of a `traffic_scale` policy that `scales: bytes`, which the devices do not follow). A
    policy on the use of a service, or the traffic cheaper gigabytes induce, thus moves device purchases and
    device energy. An assumption of proportionality: documented in the README."""


class Workload(Model):
    """Compute jobs run in data centres (AI training or inference, batch jobs): how many, and the electricity
    of one, by the formula of Strubell et al. 2019 (docs/data/datacentres-ai.md):
    energy of a job = pue × hours × (cpu_power + dram_power + accelerators × accelerator_power) / 1000 (kWh)."""

    label: Localised = ""
    """Name for people in figures, tables and the live page: a string or {en, fr}; empty: a readable form of
    the key."""
    jobs: Annotated[float, Quantity("job/yr", ge=0.0)]
    """Jobs run per year at time.start (jobs/yr, e.g. "1 job/yr")."""
    growth: Rate = 0.0
    """Exogenous growth of the jobs run per year (fraction per year), before any rebound."""
    saturation: Annotated[float, Quantity("job/yr", gt=0.0)] | None = None
    """Optional ceiling of the jobs run per year (jobs/yr): growth is logistic towards it."""
    elasticity: Annotated[float, Quantity("", ge=0.0, le=10.0)] = 0.0
    """Price elasticity of the jobs run (dimensionless): jobs ∝ (cost of a job / cost at time.start)^-elasticity,
    the cost of a job being its electricity (energy × `price.electricity`); embodied impacts never enter it."""
    hours: Annotated[float, Quantity("h", gt=0.0)]
    """Duration of one job (hours, e.g. "84 h")."""
    accelerators: Annotated[float, Quantity("unit", ge=0.0)] = 0.0
    """Accelerators (GPUs, TPUs) one job runs on (units)."""
    accelerator_power: Annotated[float, Quantity("W", ge=0.0)] = 0.0
    """Average power of one accelerator while the job runs, at time.start (W)."""
    cpu_power: Annotated[float, Quantity("W", ge=0.0)] = 0.0
    """Average power of the CPU sockets of one job (W; Strubell's p_c)."""
    dram_power: Annotated[float, Quantity("W", ge=0.0)] = 0.0
    """Average power of the DRAM of one job (W; Strubell's p_r)."""
    efficiency_gain: Gain = 0.0
    """Fractional fall per year of the accelerator power one job needs (from time.start), negative for a rise
    (at least -1): faster accelerators run the same job on less energy."""
    pue: Annotated[float | Table, Varying("", minimum=1.0)] = 1.0
    """Power usage effectiveness of the data centres running it (dimensionless, >= 1; 1.58: world average
    2018, Strubell's). May vary in time."""
    region: str | None = None
    """Region where its electricity is used (a name of `regions`; none: the scenario's home region)."""
    utilisation: Annotated[float, Quantity("", gt=0.0, le=1.0)] = 1.0
    """Share of the year an accelerator of this workload is busy (dimensionless): accelerators in service =
    jobs × hours × accelerators / (8,766 h × utilisation)."""
    equipment: dict[str, Annotated[float, Quantity("unit", ge=0.0)]] = {}
    """Equipment per accelerator in service: name → units (e.g. {gpu: 1, gpu_server: 0.125} for servers of
    8 accelerators). Made, aged and retired as a fleet, like a generation's equipment per site."""


class Storage(Model):
    """Data stored in data centres (TB), growing, and the power it draws: drives, the servers and network
    around them, per TB stored. Its electricity counts in the part `data_centres`; it does not respond to
    prices (no elasticity).

    Computed as a compute workload whose "job" is a TB stored for a year: energy = stored × power ×
    8,766 h × pue, falling by `efficiency_gain`; equipment per TB stored is a fleet."""

    label: Localised = ""
    """Name for people in figures, tables and the live page: a string or {en, fr}; empty: a readable form of
    the key."""
    stored: Annotated[float, Quantity("TB", ge=0.0)]
    """Data stored at time.start (TB, e.g. "1.5 ZB"), replicas included."""
    growth: Rate = 0.0
    """Growth of the data stored (fraction per year)."""
    saturation: Annotated[float, Quantity("TB", gt=0.0)] | None = None
    """Optional ceiling of the data stored (TB): growth is logistic towards it."""
    power: Annotated[float, Quantity("W/TB", ge=0.0)]
    """Average IT power per TB stored at time.start (W/TB): drives and their share of servers and network."""
    efficiency_gain: Gain = 0.0
    """Fractional fall per year of the power per TB (denser, more efficient drives), negative for a rise."""
    pue: Annotated[float | Table, Varying("", minimum=1.0)] = 1.0
    """Power usage effectiveness of the data centres holding it (dimensionless, >= 1). May vary in time."""
    region: str | None = None
    """Region where its electricity is used (a name of `regions`; none: the scenario's home region)."""
    equipment: dict[str, Annotated[float, Quantity("unit", ge=0.0)]] = {}
    """Equipment per TB stored: name → units (e.g. {hdd_16tb: 0.0625})."""

    # Read as a compute workload (model.compute): a job is one TB stored for a year.
    @property
    def jobs(self) -> float:
        return self.stored

    hours: ClassVar[float] = 8766.0
    accelerators: ClassVar[float] = 1.0
    cpu_power: ClassVar[float] = 0.0
    dram_power: ClassVar[float] = 0.0
    elasticity: ClassVar[float] = 0.0
    utilisation: ClassVar[float] = 1.0

    @property
    def accelerator_power(self) -> float:
        return self.power


class Compute(Model):
    """Compute jobs and data stored in data centres; their electricity counts in the part `data_centres`."""

    workloads: dict[str, Workload] = {}
    """Workloads by name (e.g. ai_training, ai_inference)."""
    storage: dict[str, Storage] = {}
    """Data stored, by name (e.g. cloud_storage): TB stored, growth, power per TB, PUE, equipment per TB."""

    @property
    def every(self) -> dict[str, Workload | Storage]:
        """Workloads then storage, by name: the workload axis of the model (storage is read as a workload)."""
        return {**self.workloads, **self.storage}


class Equipment(Model):
    """A type of equipment: how long it lasts and what making it costs the planet."""

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str | None) -> str | None:
        known = device_types()
        if value is not None and value not in known:
            raise ValueError(f"found {value!r}, expected a device type of simulator/data/devices.csv: "
                             + ", ".join(sorted(known)))
        return value

    label: Localised = ""
    """Name for people in figures, tables and the live page: a string or {en, fr}; empty: a readable form of
    the key."""
    lifetime: PositiveYears
    """Mean service life (years)."""
    survival: Literal["fixed", "weibull"] = "weibull"
    """Retirement law: a Weibull law of mean `lifetime` (the default; with the default shape 2, an
    assumption, lifetimes spread with a standard deviation of about half the mean), or `fixed`: every
    unit lasts exactly `lifetime`, so cohorts retire all at once (a lifetime policy then leaves gaps
    and waves in production, and the run warns)."""
    weibull_shape: Annotated[float, Quantity("", gt=0.0, le=20.0)] = 2.0
    """Shape of the Weibull law (dimensionless; 1 = constant hazard)."""
    mass: Annotated[float, Quantity("kg", ge=0.0)] = 0.0
    """Mass of one unit (kg): the e-waste it becomes at end of life."""
    embodied: Impacts = Impacts()
    """Impacts of manufacturing one unit (per category, per unit)."""
    end_of_life: Impacts | None = None
    """Impacts of treating one retired unit (per category, per unit); e-waste defaults to `mass`."""
    components: dict[str, Annotated[float, Quantity("unit", ge=0.0)]] = {}
    """Other equipment built into one unit: name → units. Their manufacturing and end-of-life
    impacts and mass add to this unit's (they are made and retired with it)."""
    type: str | None = None
    """A device type whose sourced defaults (simulator/data/devices.csv, docs/data/devices.md) fill every
    field this equipment leaves unset — embodied and end-of-life impacts, mass, lifetime — and the
    `annual_energy` of the devices made of it: feature_phone, smartphone, tablet, laptop, desktop,
    monitor, tv, set_top_box, internet_box, iot_module. A quantity the table has no figure for stays
    unset (not assessed)."""
    manufacturing_electricity: Annotated[float, Quantity("kWh", ge=0.0)] = 0.0
    """Electricity used to make one unit, components excluded (kWh): its impacts are those of the grid of
    the region where the unit is made (`made_in`) in the year it is made, added to `embodied` (which
    must then leave that electricity out). Grid policies, which concern use, do not scale it."""
    made_in: str | None = None
    """Region where it is manufactured (a name of `regions`, or the home region's `region`; none: the home
    region). Its manufacturing impacts, its components' included, are imported when that is not the home
    region. Its embodied impacts are as given (the life-cycle data already hold the maker's electricity)."""


class SwitchOff(Model):
    """Switch a generation off at a given time."""

    type: Literal["switch_off"]
    at: Years
    """Year the policy takes effect (before time.start: from the start; after time.end: never)."""
    generation: str
    """Name of the generation switched off."""


class LifetimeChange(Model):
    """Change the lifetime of an equipment type (units in service and new ones, or new ones only)."""

    type: Literal["lifetime"]
    at: Years
    """Year the policy takes effect (before time.start: from the start; after time.end: never)."""
    equipment: str
    """Name of the equipment whose lifetime changes."""
    lifetime: PositiveYears
    """New mean lifetime (years)."""
    applies_to: Literal["all", "new"] = "all"
    """Which units follow the new lifetime: `all`, those in service from their current age on and new ones (a
    change of use: people keep what they have longer; purchases drop at once, then recover); `new`, only the
    units installed from `at` on (a change of the product: longer-lived designs), so purchases fall gradually
    as the units bought before retire on their old law."""


class TrafficScale(Model):
    """Scale the traffic per user of some services (e.g. a cap on video quality)."""

    type: Literal["traffic_scale"]
    at: Years
    """Year the policy takes effect (before time.start: from the start; after time.end: never)."""
    factor: Annotated[float, Quantity("", ge=0.0, le=100.0)]
    """Multiplier of traffic per user (dimensionless; 0.7 = 30 % less)."""
    services: list[str] | None = None
    """Services concerned (default: all)."""
    scales: Literal["use", "bytes"] = "use"
    """What the factor changes: `use`, the time spent on the services (devices tied to them, `devices.*.services`,
    follow it); or `bytes`, the bytes per unit of use (a lower video definition: the same viewing on the same
    screens, so the devices do not follow it)."""


class Surcharge(Model):
    """Add a surcharge (a tax) to the cost of a GB."""

    type: Literal["surcharge"]
    at: Years
    """Year the policy takes effect (before time.start: from the start; after time.end: never)."""
    rate: Annotated[float, Quantity("", ge=0.0, le=100.0)]
    """Ad valorem surcharge (dimensionless; 0.5 = the cost of a GB is multiplied by 1.5)."""


class GridChange(Model):
    """Scale the grid factor of one impact category (e.g. a faster decarbonisation)."""

    type: Literal["grid"]
    at: Years
    """Year the policy takes effect (before time.start: from the start; after time.end: never)."""
    category: GridCategory
    """Impact category whose grid factor changes."""
    factor: Annotated[float, Quantity("", ge=0.0, le=100.0)]
    """Multiplier of the grid factor from then on (dimensionless)."""


Policy = Annotated[
    SwitchOff | LifetimeChange | TrafficScale | Surcharge | GridChange, Field(discriminator="type")
]


#: Variables an observation may be compared with, and their canonical unit.
OBSERVABLE = {"traffic": "GB/yr", "energy": "kWh/yr", "network_energy": "kWh/yr", "energy_intensity": "kWh/GB",
              "sites": "site", "users": "user", "equipment_in_service": "unit", "price": "EUR/GB",
              "impact": "kg CO2e/yr"}


class Observation(Model):
    """A recorded series the simulation is compared with (drawn over it; the model never reads it)."""

    variable: Literal["traffic", "energy", "network_energy", "energy_intensity", "sites", "users",
                      "equipment_in_service", "price", "impact"]
    """Simulated variable it measures (see the output variables): `energy` is networks, devices and compute jobs,
    `network_energy` generations and layers only (data-centre layers included, devices not)."""
    services: list[str] | None = None
    """Services whose traffic it measures, summed (for traffic; none: all services), e.g. [video, web_apps]
    for a data-only series of a scenario that also carries voice."""
    part: Literal["devices", "networks", "data_centres"] | None = None
    """Part of the digital sector it measures (for energy and impact; none: the whole), e.g. the electricity of
    data centres."""
    category: Category | None = None
    """Impact category it measures (for the variable `impact`, required then), e.g. climate_change."""
    generation: str | None = None
    """Generation it concerns (none: the total)."""
    layer: str | None = None
    """Layer it concerns (none: the total)."""
    equipment: str | None = None
    """Equipment type it concerns (for equipment_in_service)."""
    unit: str = ""
    """Unit of the values (e.g. "PB/yr", "GWh/yr"); empty for an index."""
    index_year: Years | None = None
    """If set, values are relative (1 at this year) and the simulated series is indexed the same way."""
    values: dict[float, float]
    """Year → observed value, in `unit`."""
    source: str = ""
    """Where the values come from (cited under the figure)."""

    @model_validator(mode="after")
    def _unit_fits_variable(self) -> Observation:
        if (self.variable == "impact") != (self.category is not None):
            raise ValueError("found variable impact without a category, expected a category (e.g. climate_change)"
                             if self.category is None else
                             f"found a category with the variable {self.variable}, expected it with impact only")
        if self.index_year is None:
            expected = self.canonical_unit
            try:
                ok = same_dimension(check_unit(self.unit or "dimensionless"), expected)
            except QuantityError as exc:
                raise ValueError(str(exc)) from None
            if not ok:
                raise ValueError(f"found unit {self.unit!r}, expected a unit of {expected} for {self.variable}")
        elif self.index_year not in self.values:
            years = ", ".join(f"{y:g}" for y in sorted(self.values))
            raise ValueError(f"found index_year {self.index_year:g}, expected one of the years of values ({years}): "
                             "the series is divided by its value that year")
        return self

    @property
    def canonical_unit(self) -> str:
        """The canonical unit of the simulated variable it measures (an impact: its category's per year)."""
        return OBSERVABLE[self.variable] if self.category is None else f"{CATEGORIES[self.category][0]}/yr"

    def canonical(self) -> Table:
        """Values in the variable's canonical unit (or as given, for an index), years ascending."""
        years = sorted(self.values)
        if self.index_year is not None:
            ref = self.values[self.index_year]
            return Table(tuple(years), tuple(self.values[y] / ref for y in years))
        factor = to_canonical(f"1 {self.unit}", self.canonical_unit) if self.unit else 1.0
        return Table(tuple(years), tuple(self.values[y] * factor for y in years))


def _innovation_list(value: object) -> object:
    """One message for a text other than ``all`` (pydantic would give one per member of the union)."""
    if isinstance(value, str) and value != "all":
        fix = f"write [{value}]" if ":" in value else "write all, or a list of KIND:NAME such as [launch:5G, gain:4G]"
        raise ValueError(f"found {value!r}, expected all or a list of innovations: {fix}")
    return value


class Rebound(Model):
    """How the rebound is measured (README, "Rebound measures")."""

    innovations: Annotated[Literal["all"] | list[str], BeforeValidator(_innovation_list)] = "all"
    """Innovations measured one by one ("freeze one innovation"), as KIND:NAME — `launch:5G`,
    `gain:4G` (energy per GB), `idle_gain:4G`, `layer_gain:core`, `device_gain:smartphone`, `compute_gain:training` —
    or `all`: every generation launched inside the horizon and every non-zero gain. `[]`: none."""
    window: Annotated[float, Quantity("yr", gt=0.0, le=50.0)] = 5.0
    """Δ of the rolling rebound R_Δ(t): the efficiency gained over the last Δ years."""
    frozen_headline_limit: Annotated[float, Quantity("", gt=1.0)] = 10.0
    """Above this ratio of frozen to actual cumulative use, the rebound against frozen
    start-year technology is not headlined (it then measures how extreme that counterfactual is)."""


class Scenario(Model):
    """A complete scenario: horizon, demand, networks, equipment, grid and policies."""

    name: str
    """Short name, used for the output folder and in figure legends."""
    title: Localised = ""
    """Title for people (the live page's heading; `name` when empty): a string, or {en, fr}."""
    description: Localised = ""
    """The question the scenario answers, in a sentence or two: a string, or {en, fr} (the live page
    shows the page's language; English-only outputs such as summary.json the English)."""
    seed: Annotated[int, Field(strict=True, ge=0)] = 0
    """Seed of the random number generator (stochastic parts only): a whole number >= 0."""
    time: Time
    """The simulated horizon."""
    demand: Demand
    """Users and services."""
    price: Price = Price()
    """The price of a GB in money, which drives the rebound."""
    networks: dict[str, Network] = {}
    """Access networks by name (mobile, fixed...), each with its own generations and traffic; none: one
    network, `mobile`."""
    generations: dict[str, Generation]
    """Access generations by name (2G... of a mobile network, DSL, FTTH... of a fixed one); at least one
    of each network must be on at every instant."""
    layers: dict[str, Layer] = {}
    """Layers crossed by traffic (core/transport, data centres) by name."""
    devices: dict[str, Device] = {}
    """End-user devices by name."""
    compute: Compute = Compute()
    """Compute jobs run in data centres (AI training and inference), by workload."""
    equipment: dict[str, Equipment] = {}
    """Equipment types by name."""
    grid: GridFactors = GridFactors()
    """Impacts of grid electricity per kWh in the home region, where users live."""
    region: str = "home"
    """Name of the home region (where users live and their devices and networks use electricity)."""
    regions: dict[str, GridFactors] = {}
    """Other regions by name, each with its grid: where data centres or workloads abroad use electricity
    (`layers.*.region`, `compute.workloads.*.region`) and equipment is made (`equipment.*.made_in`).
    Impacts there are reported as imported (summary.json `imported`), the rest as territorial."""
    policies: list[Policy] = []
    """Timed interventions, applied in order of time."""
    rebound: Rebound = Rebound()
    """Which innovations the rebound is measured for, and the window of the rolling rebound."""
    targets: Annotated[dict[str, Target], Field(max_length=50)] = {}
    """Targets checked in summary.json and drawn on the `parts` figure, by name: {quantity, year, change and
    base_year, or level, label?, source?}, e.g. {quantity: climate_change, year: 2030, change: -0.45,
    base_year: 2020}. Ceilings: met when the simulated annual mean over [year − 1, year) is at or below."""

    observations: dict[str, Observation] = {}
    """Recorded series to validate the run against, by name; drawn by the `validation` figure."""
    uncertainty: Annotated[dict[str, Distribution], Field(max_length=200)] = {}
    """Distributions of uncertain parameters, by dotted path (``*`` for every key, e.g.
    ``demand.services.*.elasticity``), values in the field's unit: `jevons montecarlo` draws
    from them, `jevons sensitivity` ranks them. `dist` is one of uniform {low, high},
    triangular {low, mode, high}, normal {mean, sd, low?, high?}, lognormal {median, gsd,
    low?, high?} (both truncated, by default at their 0.1 % and 99.9 % quantiles) or
    choice {values, weights?}."""
    explore: Annotated[dict[str, Slider], Field(max_length=20)] = {}
    """Sliders offered by `jevons serve` and `jevons export-html`, by name: {path, min, max,
    step, label: {en, fr}, unit?, help?: {en, fr}}."""
    lesson: Lesson | None = None
    """A guided lesson over the `explore` sliders: {title: {en, fr}, steps: [{title, minutes,
    question, prompt, set: {slider: value}, observe, explanation}]}, shown as a step-by-step panel
    by the live page and printed by `jevons lesson` as a worksheet and an answer key."""

    _source: dict | None = PrivateAttr(default=None)
    #: The document it was validated from (data and key marks), to locate problems found later.
    _origin: Any = PrivateAttr(default=None)

    @model_validator(mode="before")
    @classmethod
    def _device_type_defaults(cls, data: Any) -> Any:
        return with_device_types(data)

    @property
    def network_names(self) -> tuple[str, ...]:
        """Names of the access networks, in order (one, ``mobile``, when the scenario gives none)."""
        return tuple(self.networks) or (DEFAULT_NETWORK,)

    def network_of(self, generation: str) -> str:
        """The access network a generation belongs to."""
        return self.generations[generation].network or self.network_names[0]

    @property
    def n_steps(self) -> int:
        """Number of time steps between start and end."""
        return round((self.time.end - self.time.start) / self.time.step)


__all__ = ["CATEGORIES", "Category", "END_OF_LIFE", "EQUIPMENT_PHASES", "GridCategory", "MANUFACTURING", "PHASES",
           "USE", "MAX_STEPS", "Scenario", "Table"]
