"""Fit named parameters of a scenario to its ``observations:`` by weighted least squares on log values.

The objective. Every observed point (year ≤ ``until``) of every observation gives a residual
``r_i = w_i (ln sim_i − ln obs_i)``, where ``sim_i`` is the simulated series the ``validation``
figure draws against that observation (:func:`simulator.plots.analysis.observed_and_simulated`:
the actual run's series, or the total of its breakdown, divided by its value at ``index_year`` for
an index) read at the point's year by linear interpolation between instants. Logs, because the
series span orders of magnitude (traffic ×10⁶ over 2000–2020) and their errors are relative: a
residual of 0.1 is a simulation 10 % above the observation whatever the unit. The weight
``w_i = 1 / sqrt(points of its series)`` makes each series count equally, so that a yearly traffic
series of 15 points does not drown a ratio given once. The point at an index's ``index_year`` is 1
on both sides by construction and is left out (it carries no information).

The fit. :func:`scipy.optimize.least_squares` (trust region reflective, within bounds) moves the
parameters from the scenario's values; bounds are the field's (the schema's ``ge``/``gt``/``le``/``lt``,
or a table's ``minimum``/``maximum``) narrowed to the support of the path's ``uncertainty:``
distribution when it has one. The search runs in units of each parameter's start value (a site
count of 10⁷ and a growth rate of 0.5 move alike). The Jacobian is central differences (step 10⁻⁴ of
that scale), its 2k + 1 points (k parameters) run as one batch of the engine (the actual run only,
the recorder's fields all kept: the series are built by the engine's one builder; a member's numbers
do not depend on its batch), and all the profiles are one batch. A trial point whose run blows up
or breaks a cross-field rule is refused (its residuals are infinite, which makes the trust region
shrink) instead of stopping the fit. A series no fitted parameter moves still counts in n and in
the SSR (fit.json says so).

The uncertainty. With J the Jacobian of the weighted residuals at the optimum (in the parameters'
own units), n points and k parameters: σ² = SSR / (n − k), cov = σ² (JᵀJ)⁻¹, standard errors its
diagonal's roots, the 95 % interval ±1.959964 se (linear approximation, not clipped to the bounds).
Two parameters whose estimates correlate beyond :data:`CONFOUNDED`, or a JᵀJ whose condition number
(columns scaled to unit norm) exceeds :data:`SINGULAR`², cannot be told apart by these observations:
a warning names them (the price elasticity and the exogenous growth of a service, fitted to one
traffic series, are the textbook case: both set the slope of ln traffic).
"""

from __future__ import annotations

import math
import time
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import least_squares

from ..engine import run_params, run_samples, sample_results, schedule_key
from ..errors import NumericalError, Problem, ScenarioError
from ..model.draws import broken_samples, draw_samples, target
from ..model.params import compile_samples
from ..plots.analysis import Compared, observed_and_simulated
from ..results import Results
from ..scenario import space
from ..scenario.load import source_of
from ..scenario.schema import Scenario
from ..scenario.types import Varying

#: Only the actual run is needed: observations are compared with it.
VARIANTS = ("actual",)
#: Step of the central differences, relative to each parameter's scale (its start value, or 1).
STEP = 1e-4
#: Points of each parameter's profile.
PROFILE_POINTS = 21
#: Half-width of a profile, in standard errors, between :data:`PROFILE_MIN` and :data:`PROFILE_MAX` times the
#: parameter's scale (a confounded parameter's se is huge: ±50 % shows how flat its profile is).
PROFILE_SE = 4.0
PROFILE_MIN = 0.02
PROFILE_MAX = 0.5
#: |correlation| of two estimates above which they are reported as confounded.
CONFOUNDED = 0.95
#: Condition number of the Jacobian with unit columns above which the fit is reported as nearly singular
#: (that of JᵀJ is its square, 1e8).
SINGULAR = 1e4
#: A simulated value at or below 0 is read as this fraction of the observed value (ln = −13.8), so that
#: a series that vanishes gives a large, finite residual.
FLOOR = 1e-6
#: Two-sided 95 % quantile of the normal distribution.
Z95 = 1.959963984540054
#: What the weights are, in fit.json.
WEIGHTS = "1/sqrt(points of its series): each observed series counts equally"


@dataclass(frozen=True)
class FitParameter:
    """A fitted parameter: ``key`` as given (``*`` allowed), the concrete paths it sets together, the
    field's canonical unit, the scenario's value and the bounds of the search (unit of the field)."""

    key: str
    paths: tuple[space.Path, ...]
    unit: str
    start: float
    bounds: tuple[float, float]
    bounds_from: str

    @property
    def scale(self) -> float:
        """Typical size of the parameter (its unit): the start value, or 1 (or the range) at 0."""
        if self.start != 0.0:
            return abs(self.start)
        width = self.bounds[1] - self.bounds[0]
        return min(1.0, width) if math.isfinite(width) and width > 0 else 1.0


@dataclass(frozen=True)
class Point:
    """One observed point: its series (the observation's name), year, observed value in the
    variable's canonical unit (``unit``; "" for an index), weight, and whether the fit uses it
    (year ≤ until)."""

    series: str
    year: float
    observed: float
    unit: str
    weight: float
    used: bool


@dataclass
class Profile:
    """The objective (weighted SSR, dimensionless) over a grid of one parameter, the others at their
    fitted values (not re-optimised); NaN where a run blew up or broke a rule."""

    key: str
    values: np.ndarray
    ssr: np.ndarray


@dataclass
class Calibration:
    """The result of :func:`calibrate`; arrays over points follow :attr:`points`, over parameters
    :attr:`parameters`. Residuals are unweighted, ln(simulated / observed)."""

    scenario: Scenario
    source: str | None  # the scenario's file, if it was read from one
    parameters: list[FitParameter]
    points: list[Point]
    until: float | None
    start: np.ndarray  # (K,) the scenario's values
    values: np.ndarray  # (K,) fitted values
    se: np.ndarray  # (K,) standard errors (NaN when undetermined)
    covariance: np.ndarray  # (K,K)
    correlation: np.ndarray  # (K,K)
    jacobian: np.ndarray  # (n,K) weighted residuals per unit of each parameter, at the optimum, used points
    simulated_start: np.ndarray  # (P,) simulated at each point, start values
    simulated: np.ndarray  # (P,) fitted
    before: list[Compared]  # the series the validation figure compares, at the start values
    after: list[Compared]  # and at the fitted values
    ssr_start: float
    ssr: float
    condition: float
    influences: dict[str, list[str]]  # parameter key → observed series it moves (at the start)
    profiles: list[Profile]
    confounded: list[tuple[str, str]]  # pairs of parameter keys the observations cannot tell apart
    warnings: list[str]
    optimizer: dict[str, Any]
    samples: int  # runs made
    batches: int  # batches of the engine they ran in
    wall_time: float  # s
    notes: list[str] = field(default_factory=list)
    observations: list[str] | None = None  # the series fitted (None: every series); the others out of sample

    @property
    def n(self) -> int:
        """Points fitted."""
        return int(sum(p.used for p in self.points))

    @property
    def k(self) -> int:
        return len(self.parameters)

    @property
    def interval(self) -> np.ndarray:
        """(K, 2) 95 % intervals, value ± 1.96 se."""
        return np.column_stack([self.values - Z95 * self.se, self.values + Z95 * self.se])

    @property
    def sigma2(self) -> float:
        """Residual variance SSR / (n − k) of the weighted log residuals."""
        return self.ssr / (self.n - self.k)

    def residuals(self, which: str = "fitted") -> np.ndarray:
        """(P,) ln(simulated / observed) at every point, ``fitted`` or ``start``."""
        simulated = self.simulated if which == "fitted" else self.simulated_start
        observed = np.array([p.observed for p in self.points])
        return np.log(np.maximum(simulated, FLOOR * observed)) - np.log(observed)

    def fitted_scenario(self) -> Scenario:
        """The scenario with the fitted values (not validated again: values inside the bounds)."""
        return space.derive(self.scenario, {path: float(v) for p, v in zip(self.parameters, self.values, strict=True)
                                            for path in p.paths})


# --- what is fitted ----------------------------------------------------------------------------


def _limits(annotation: Any) -> tuple[float, float]:
    """Bounds a field's annotation puts on its value (``ge``/``gt``/``le``/``lt`` of its metadata, a
    table's ``minimum``/``maximum``; open bounds nudged inside), ±inf where there is none."""
    low, high = -math.inf, math.inf
    stack = [annotation]
    while stack:
        a = stack.pop()
        if typing.get_origin(a) is not None:
            stack.extend(typing.get_args(a))
            continue
        if isinstance(a, Varying):
            low = max(low, -math.inf if a.minimum is None else a.minimum)
            high = min(high, math.inf if a.maximum is None else a.maximum)
        if isinstance(getattr(a, "metadata", None), list):  # a pydantic Field(...)
            stack.extend(a.metadata)
        if isinstance(a, type):
            continue
        for name, inside in (("ge", 0.0), ("gt", 1.0), ("le", 0.0), ("lt", -1.0)):
            value = getattr(a, name, None)
            if isinstance(value, int | float) and not isinstance(value, bool):
                nudged = float(value) + inside * 1e-9 * max(1.0, abs(float(value)))
                if name in ("ge", "gt"):
                    low = max(low, nudged)
                else:
                    high = min(high, nudged)
    return low, high


def _distribution(scenario: Scenario, key: str, paths: set[space.Path]) -> tuple[str, Any] | None:
    """The ``uncertainty:`` entry that moves exactly these paths, if any."""
    for name, dist in scenario.uncertainty.items():
        if name == key:
            return name, dist
        try:
            if {p for p, _ in space.expand(scenario, name)} == paths:
                return name, dist
        except space.PathError:
            continue
    return None


def fit_parameters(scenario: Scenario, keys: Sequence[str], where: str = "--params") -> list[FitParameter]:
    """The parameters named by ``keys`` (dotted paths, ``*`` allowed, as in ``uncertainty:``), checked:
    each names numbers of the scenario that a run may change, all equal (a fitted parameter sets them
    to one value), no two keys move the same number. ScenarioError with every problem, at ``where``."""
    problems: list[Problem] = []
    if not keys:
        problems.append(Problem("found no parameter, expected the dotted path of at least one number to fit, "
                                "e.g. demand.services.video.elasticity", where))
    if len(set(keys)) != len(keys):
        problems.append(Problem("a parameter is named twice", where))
    found: list[FitParameter] = []
    owner: dict[space.Path, str] = {}
    for key in dict.fromkeys(keys):
        try:
            targets = space.expand(scenario, key)
        except space.PathError as exc:
            problems.append(Problem(f"{key}: {exc}", where))
            continue
        paths = tuple(p for p, _ in targets)
        values = [space.value_at(scenario, p) for p in paths]
        if len(set(values)) > 1:
            shown = ", ".join(f"{space.dotted(p)} = {v:g}" for p, v in zip(paths, values, strict=True))
            problems.append(Problem(f"{key}: names {len(paths)} numbers that differ ({shown}); a fitted parameter "
                                    "sets them all to one value: name one of them, or make them equal in the "
                                    "scenario first", where))
            continue
        clash = next((p for p in paths if p in owner), None)
        if clash is not None:
            problems.append(Problem(f"{key}: moves {space.dotted(clash)}, which {owner[clash]!r} already moves; "
                                    "keep one of them", where))
            continue
        owner.update(dict.fromkeys(paths, key))
        low, high = -math.inf, math.inf
        for _, annotation in targets:
            lo, hi = _limits(annotation)
            low, high = max(low, lo), min(high, hi)
        source = "the field's limits"
        dist = _distribution(scenario, key, set(paths))
        if dist is not None:
            lo, hi = dist[1].bounds()
            low, high = max(low, lo), min(high, hi)
            source = f"the field's limits and uncertainty: {dist[0]}"
        start = values[0]
        if not low < high:
            problems.append(Problem(f"{key}: its range is the single value {low:g} ({source}): nothing to fit",
                                    where))
            continue
        if not low <= start <= high:
            problems.append(Problem(f"{key}: the scenario's value {start:g} is outside the range of its "
                                    f"uncertainty: distribution [{low:g}, {high:g}]; the fit starts from the "
                                    "scenario's value and searches that range: widen the range or move the value",
                                    where))
            continue
        found.append(FitParameter(key, paths, space.unit_of(targets[0][1]), start, (low, high), source))
    if problems:
        raise ScenarioError(problems)
    return found


def _located(scenario: Scenario, path: tuple[Any, ...], message: str) -> Problem:
    where = source_of(scenario, path)
    return Problem(message, where.path, where.file, where.line, where.column)


def observed_points(scenario: Scenario, until: float | None = None,
                    observations: Sequence[str] | None = None) -> list[Point]:
    """Every point of every observation (in the variable's canonical unit, or an index), with its
    weight; those after ``until``, and those of the series not named in ``observations`` (default: every
    series), are kept, not used: drawn beside the fit, out of sample. ScenarioError if there is nothing to
    fit, a named series does not exist, or a value cannot be fitted in logs (0 or negative)."""
    problems: list[Problem] = []
    if not scenario.observations:
        raise ScenarioError([_located(scenario, ("observations",),
                                      "found no observations, expected observed series to fit the parameters "
                                      "to: give them under observations: (see docs/scenario-reference.md, "
                                      "Scenario.observations)")])
    unknown = [name for name in observations or () if name not in scenario.observations]
    if unknown:
        raise ScenarioError([Problem(f"found {name!r}, expected the name of one of the scenario's observations "
                                     f"({', '.join(scenario.observations)})", "--observations") for name in unknown])
    fitted = set(scenario.observations if observations is None else observations)
    points: list[Point] = []
    for name, observation in scenario.observations.items():
        table = observation.canonical()
        unit = "" if observation.index_year is not None else observation.canonical_unit
        kept = []
        for year, raw, value in zip(table.years, sorted(observation.values.items()), table.values, strict=True):
            if not value > 0:
                problems.append(_located(scenario, ("observations", name, "values", raw[0]),
                                         f"found {raw[1]:g}, expected a positive value: the fit compares "
                                         "logarithms of observed and simulated values"))
            if observation.index_year is not None and year == observation.index_year:
                continue  # 1 on both sides by construction
            kept.append((float(year), float(value)))
        used = [year for year, _ in kept if name in fitted and (until is None or year <= until + 1e-9)]
        weight = 1.0 / math.sqrt(len(used)) if used else 0.0
        points.extend(Point(name, year, value, unit, weight, year in used) for year, value in kept)
    if problems:
        raise ScenarioError(problems)
    if until is not None and observations is None and not any(p.used for p in points):
        first = min(p.year for p in points)
        raise ScenarioError([Problem(f"found {until:g}, expected a year at or after the first observed point "
                                     f"({first:g}): no observation would be fitted", "--until")])
    return points


# --- running samples ---------------------------------------------------------------------------


class Runs:
    """Runs samples of a scenario with the fitted parameters at given values, in batches, and reads the
    series the observations are compared with. Counts the samples and batches it ran."""

    def __init__(self, scenario: Scenario, parameters: list[FitParameter], points: list[Point]):
        self.scenario, self.parameters, self.points = scenario, parameters, points
        self.paths = [p.paths for p in parameters]
        self.written = all(target(scenario, path) is not None for group in self.paths for path in group)
        self.samples = 0
        self.batches = 0

    def scenario_of(self, row: np.ndarray) -> Scenario:
        return space.derive(self.scenario, {path: float(v) for group, v in zip(self.paths, row, strict=True)
                                            for path in group})

    def results(self, rows: np.ndarray, strict: bool = False) -> list[Results | None]:
        """Results of the actual run of each row (values of the parameters); None for a row that breaks
        a cross-field rule or whose run blows up (``strict``: raise instead, located)."""
        rows = np.atleast_2d(np.asarray(rows, dtype=float))
        out: list[Results | None] = [None] * len(rows)
        scenarios = [self.scenario_of(row) for row in rows]
        if strict:
            p, rec = run_samples(scenarios, VARIANTS)
            self._count(len(rows))
            return list(sample_results(p, rec, scenarios))
        broken = set(broken_samples(self.scenario, self.paths, rows).tolist())
        alive = [i for i in range(len(rows)) if i not in broken]
        written = self.written
        groups: dict[Any, list[int]] = {}
        for i in alive:
            groups.setdefault(None if written else schedule_key(scenarios[i]), []).append(i)
        for group in groups.values():
            while group:
                try:
                    if written:
                        samples = draw_samples(self.scenario, self.paths, rows[group])
                        assert samples is not None
                        p = compile_samples(samples, VARIANTS)
                        rec = run_params(p)
                    else:
                        p, rec = run_samples([scenarios[i] for i in group], VARIANTS)
                except NumericalError as exc:
                    self._count(len(group))
                    if exc.member is None:
                        raise
                    group = group[:exc.member] + group[exc.member + 1:]
                    continue
                self._count(len(group))
                for i, r in zip(group, sample_results(p, rec, [scenarios[i] for i in group]), strict=True):
                    out[i] = r
                break
        return out

    def _count(self, n: int) -> None:
        self.samples += n
        self.batches += 1

    def simulated(self, compared: list[Compared] | None) -> np.ndarray:
        """(P,) the simulated value at each point (NaN for a sample not run)."""
        out = np.full(len(self.points), np.nan)
        if compared is None:
            return out
        by_name = {c.name: c for c in compared}
        for j, point in enumerate(self.points):
            c = by_name.get(point.series)
            if c is not None and c.simulated is not None:
                out[j] = float(np.interp(point.year, c.times, c.simulated))
        return out

    def evaluate(self, rows: np.ndarray) -> tuple[np.ndarray, list[list[Compared] | None]]:
        """(N, P) simulated values at every point for each row, and the compared series of each row."""
        compared = [None if r is None else observed_and_simulated(r) for r in self.results(rows)]
        return np.array([self.simulated(c) for c in compared]), compared


def _log_residuals(simulated: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """ln(simulated / observed), a simulated value ≤ 0 read as :data:`FLOOR` × observed."""
    with np.errstate(invalid="ignore"):
        return np.log(np.maximum(simulated, FLOOR * observed)) - np.log(observed)


# --- the fit -----------------------------------------------------------------------------------


class _Objective:
    """Weighted log residuals of the used points as a function of the parameters in scaled units
    (``z = x / scale``), with a batched central-difference Jacobian."""

    def __init__(self, runs: Runs, parameters: list[FitParameter], used: np.ndarray):
        self.runs = runs
        self.scale = np.array([p.scale for p in parameters])
        self.low = np.array([p.bounds[0] for p in parameters])
        self.high = np.array([p.bounds[1] for p in parameters])
        self.used = used
        self.observed = np.array([p.observed for p in runs.points])[used]
        self.weight = np.array([p.weight for p in runs.points])[used]

    def weighted(self, simulated: np.ndarray) -> np.ndarray:
        """(N, n) weighted residuals of simulated values (N, P) at the used points; inf for a row not run."""
        r = self.weight * _log_residuals(simulated[:, self.used], self.observed)
        return np.where(np.isfinite(r), r, np.inf)

    def fun(self, z: np.ndarray) -> np.ndarray:
        simulated, _ = self.runs.evaluate((z * self.scale)[None])
        return self.weighted(simulated)[0]

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        """(n, K) derivatives of the weighted residuals per unit of each parameter at ``x``: central
        differences (one-sided at a bound, or where one side's run is refused), 2K + 1 runs in one batch."""
        k = len(x)
        h = STEP * self.scale
        up = np.minimum(x + h, self.high)
        down = np.maximum(x - h, self.low)
        rows = np.repeat(x[None], 2 * k + 1, axis=0)
        for j in range(k):
            rows[1 + 2 * j, j] = up[j]
            rows[2 + 2 * j, j] = down[j]
        simulated, _ = self.runs.evaluate(rows)
        r = self.weighted(simulated)
        centre = r[0]
        jac = np.zeros((len(centre), k))
        for j in range(k):
            plus, minus = r[1 + 2 * j], r[2 + 2 * j]
            a, b = (plus, up[j]) if np.all(np.isfinite(plus)) else (centre, x[j])
            c, d = (minus, down[j]) if np.all(np.isfinite(minus)) else (centre, x[j])
            if b > d and np.all(np.isfinite(a)) and np.all(np.isfinite(c)):
                jac[:, j] = (a - c) / (b - d)
        return jac

    def jac(self, z: np.ndarray) -> np.ndarray:
        return self.jacobian(z * self.scale) * self.scale


def _influences(jacobian: np.ndarray, points: list[Point], used: np.ndarray, keys: list[str]) -> dict[str, list[str]]:
    series = np.array([p.series for p in points])[used]
    return {key: list(dict.fromkeys(series[jacobian[:, j] != 0].tolist())) for j, key in enumerate(keys)}


def _uncertainty(jacobian: np.ndarray, ssr: float, n: int, keys: list[str]
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, list[tuple[str, str]], list[str]]:
    """Covariance, standard errors, correlations, condition number, the pairs of parameters the
    observations cannot tell apart and the warnings that name them. Where JᵀJ cannot be inverted
    (singular, or an inverse with a negative variance) the covariance is undetermined (NaN)."""
    k = jacobian.shape[1]
    sigma2 = ssr / (n - k)
    norms = np.linalg.norm(jacobian, axis=0)
    unit = jacobian / np.where(norms > 0, norms, 1.0)
    singular = np.linalg.svd(unit, compute_uv=False)
    condition = float(singular[0] / singular[-1]) if singular[-1] > 0 else math.inf
    warnings: list[str] = []
    try:
        if not math.isfinite(condition) or condition > 1e12:
            raise np.linalg.LinAlgError
        covariance = sigma2 * np.linalg.inv(jacobian.T @ jacobian)
    except np.linalg.LinAlgError:
        covariance = np.full((k, k), np.nan)
    if np.any(np.diag(covariance) < 0):  # rounding in a nearly singular inverse
        covariance = np.full((k, k), np.nan)
    se = np.sqrt(np.where(np.diag(covariance) >= 0, np.diag(covariance), np.nan))
    with np.errstate(invalid="ignore", divide="ignore"):
        correlation = covariance / np.outer(se, se)
    np.fill_diagonal(correlation, 1.0)
    named: set[tuple[int, int]] = set()
    for i in range(k):
        for j in range(i + 1, k):
            if abs(correlation[i, j]) > CONFOUNDED:
                named.add((i, j))
                warnings.append(
                    f"not identifiable: {keys[i]} and {keys[j]} are confounded (correlation of their estimates "
                    f"{correlation[i, j]:+.3f}): these observations move them the same way and cannot tell them "
                    "apart; fix one of them, or add observations that separate them (their values and intervals "
                    "are not to be trusted)")
    if k > 1 and condition > SINGULAR:
        _, _, vt = np.linalg.svd(unit)
        weakest = np.argsort(-np.abs(vt[-1]))[:2]
        i, j = sorted(int(w) for w in weakest)
        shown = f"nearly singular (condition number {condition ** 2:.3g})" if math.isfinite(condition) else "singular"
        if (i, j) not in named:
            named.add((i, j))
            warnings.append(
                f"not identifiable: JᵀJ is {shown}; the direction "
                f"the observations cannot see is mostly {keys[i]} against {keys[j]}: fix one of them, or add "
                "observations that separate them")
    return covariance, se, correlation, condition, [(keys[i], keys[j]) for i, j in sorted(named)], warnings


def _profiles(runs: Runs, objective: _Objective, parameters: list[FitParameter], values: np.ndarray,
              se: np.ndarray) -> list[Profile]:
    """Objective over a grid of each parameter, the others at their fitted values: K × grid runs, one batch."""
    grids = []
    for j, parameter in enumerate(parameters):
        half = PROFILE_SE * se[j] if math.isfinite(se[j]) else math.inf
        half = min(max(half, PROFILE_MIN * parameter.scale), PROFILE_MAX * parameter.scale)
        low = max(values[j] - half, parameter.bounds[0])
        high = min(values[j] + half, parameter.bounds[1])
        grids.append(np.linspace(low, high, PROFILE_POINTS))
    rows = np.repeat(values[None], len(parameters) * PROFILE_POINTS, axis=0)
    for j, grid in enumerate(grids):
        rows[j * PROFILE_POINTS:(j + 1) * PROFILE_POINTS, j] = grid
    simulated, _ = runs.evaluate(rows)
    r = objective.weighted(simulated)
    ssr = np.where(np.all(np.isfinite(r), axis=1), np.sum(np.where(np.isfinite(r), r, 0.0) ** 2, axis=1), np.nan)
    return [Profile(p.key, grids[j], ssr[j * PROFILE_POINTS:(j + 1) * PROFILE_POINTS])
            for j, p in enumerate(parameters)]


def calibrate(scenario: Scenario, params: Sequence[str], until: float | None = None, *,
              observations: Sequence[str] | None = None, profiles: bool = True) -> Calibration:
    """Fit ``params`` (dotted paths, as in ``uncertainty:``) to the scenario's observations up to
    ``until`` (a year; default all), only those named in ``observations`` if given (the others are drawn,
    out of sample): see the module. Raises ScenarioError (located) for a path that names no number, a
    parameter no observed series depends on, nothing to fit, fewer points than parameters + 1, ``until``
    before every observation, or an observation that does not exist."""
    clock = time.perf_counter()
    parameters = fit_parameters(scenario, list(params))
    points = observed_points(scenario, until, observations)
    runs = Runs(scenario, parameters, points)
    start = np.array([p.start for p in parameters])
    (first,) = runs.results(start[None], strict=True)
    assert first is not None
    before = observed_and_simulated(first)
    warnings: list[str] = []
    missing = {c.name: c.missing for c in before if c.simulated is None}
    horizon = (float(first.times[0]) - 1e-9, float(first.times[-1]) + 1e-9)
    outside = [p for p in points if p.series not in missing and not horizon[0] <= p.year <= horizon[1]]
    for name, what in missing.items():
        warnings.append(f"observation {name} left out: the run has no such series ({what})")
    if outside:
        shown = ", ".join(f"{p.series} {p.year:g}" for p in outside)
        warnings.append(f"{len(outside)} observed points outside the simulated years left out: {shown}")
    points = _reweighted([p for p in points if p.series not in missing and p not in outside])
    runs.points = points
    used = np.array([p.used for p in points], dtype=bool)
    n, k = int(used.sum()), len(parameters)
    if n < k + 1:
        upto = (f" up to {until:g}" if until is not None else "") + (
            f" in {', '.join(observations)}" if observations is not None else "")
        raise ScenarioError([Problem(f"found {n} observed points{upto} for {k} parameters, expected at least "
                                     f"{k + 1} (one more than the parameters): fit fewer parameters or add "
                                     "observations", "--params")])
    objective = _Objective(runs, parameters, used)
    jacobian = objective.jacobian(start)
    influences = _influences(jacobian, points, used, [p.key for p in parameters])
    dead = [p for p in parameters if not influences[p.key]]
    if dead:
        series = ", ".join(dict.fromkeys(p.series for p in points if p.used))
        upto = f" up to {until:g}" if until is not None else ""
        raise ScenarioError([Problem(f"{p.key}: moving it changes none of the observed series ({series}{upto}), "
                                     "expected a parameter they depend on: it cannot be fitted to them", "--params")
                             for p in dead])
    solution = least_squares(objective.fun, start / objective.scale, jac=objective.jac,
                             bounds=(objective.low / objective.scale, objective.high / objective.scale),
                             method="trf", x_scale=1.0)
    values = solution.x * objective.scale
    final = np.array([p.bounds for p in parameters])
    values = np.clip(values, final[:, 0], final[:, 1])
    # the trust region stays strictly inside its bounds: a value within 1e-9 of its scale of a bound is at it
    near = np.abs(values[:, None] - final) <= 1e-9 * objective.scale[:, None]
    values = np.where(near[:, 0], final[:, 0], np.where(near[:, 1], final[:, 1], values))
    simulated, compared = runs.evaluate(np.vstack([start, values]))
    if compared[1] is None:  # pragma: no cover - least_squares returns a point it could evaluate
        raise ScenarioError([Problem("the fitted values break a rule of the scenario", "--params")])
    residuals = objective.weighted(simulated)
    ssr_start, ssr = float(np.sum(residuals[0] ** 2)), float(np.sum(residuals[1] ** 2))
    jacobian = objective.jacobian(values)
    keys = [p.key for p in parameters]
    covariance, se, correlation, condition, confounded, identifiability = _uncertainty(jacobian, ssr, n, keys)
    warnings.extend(identifiability)
    for j, p in enumerate(parameters):
        if math.isclose(values[j], p.bounds[0], rel_tol=1e-6, abs_tol=1e-12) or math.isclose(
                values[j], p.bounds[1], rel_tol=1e-6, abs_tol=1e-12):
            warnings.append(f"{p.key} ended at a bound of its range [{p.bounds[0]:g}, {p.bounds[1]:g}] "
                            f"({p.bounds_from}): the observations push it further; its interval is not meaningful")
    if solution.status <= 0:
        warnings.append(f"the optimiser stopped before converging: {solution.message}")
    profile_list = _profiles(runs, objective, parameters, values, se) if profiles else []
    return Calibration(
        scenario=scenario, source=_source_file(scenario), parameters=parameters, points=points, until=until,
        observations=None if observations is None else list(observations),
        start=start, values=values, se=se, covariance=covariance, correlation=correlation, jacobian=jacobian,
        simulated_start=simulated[0], simulated=simulated[1], before=before, after=compared[1],
        ssr_start=ssr_start, ssr=ssr, condition=condition, influences=influences, profiles=profile_list,
        confounded=confounded, warnings=warnings,
        optimizer={"method": "trf", "status": int(solution.status), "message": solution.message,
                   "function_calls": int(solution.nfev), "jacobians": int(solution.njev or 0)},
        samples=runs.samples, batches=runs.batches, wall_time=time.perf_counter() - clock,
    )


def _reweighted(points: list[Point]) -> list[Point]:
    """The points with each series' weight recomputed from its used points (after leaving some out)."""
    counts: dict[str, int] = {}
    for p in points:
        counts[p.series] = counts.get(p.series, 0) + int(p.used)
    return [Point(p.series, p.year, p.observed, p.unit, 1.0 / math.sqrt(counts[p.series]) if counts[p.series] else 0.0,
                  p.used) for p in points]


def _source_file(scenario: Scenario) -> str | None:
    """The file the scenario was read from (after ``extends``, the child's), None if it was not a file."""
    file = source_of(scenario, ()).file
    return file if file and not file.startswith("<") else None


__all__ = ["CONFOUNDED", "Calibration", "FitParameter", "Point", "Profile", "Runs", "SINGULAR", "WEIGHTS",
           "calibrate", "fit_parameters", "observed_points"]
