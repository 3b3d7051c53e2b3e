"""Uncertainty figures: Monte Carlo bands, sweeps, the Jevons map and sensitivity indices, drawn
from synthetic tables built on the classroom scenario's closed form (R = (x^(1−ε) − x)/(1 − x),
x the efficiency ratio): titles, units, French text, NaN, the R = 100 % contour at ε = 1, files."""

from __future__ import annotations

import ast
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import LogNorm, SymLogNorm
from matplotlib.figure import Figure
from matplotlib.text import Text

from simulator.display.i18n import FRENCH, NNBSP, UNCERTAINTY_FRENCH
from simulator.display.style import source_date
from simulator.plots import ensemble_common, sensitivity, sweeps
from simulator.plots import fan as fan_module
from simulator.plots import rebound_axis as rebound_axis_module
from simulator.plots.ensemble_common import measure_texts
from simulator.plots.fan import plot_fan_chart
from simulator.plots.output import save_uncertainty_figures
from simulator.plots.rebound_axis import rebound_axis, rebound_transform
from simulator.plots.sensitivity import parameter_labels, plot_sensitivity, short_parameter_names
from simulator.plots.style import NOTE_GID, SOURCE_GID
from simulator.plots.sweeps import cell_edges, jevons_grid, plot_jevons_map, plot_sweep_lines

META = {"scenario": "classroom-jevons", "version": "0.1.0", "period": (2010, 2030), "seed": 7}

# The classroom scenario: a million users at 2 GB/month, 2 kWh/GB falling 15 %/yr, 480 g CO2e/kWh.
START, END, STEP = 2010.0, 2030.0, 0.25
TRAFFIC_0 = 1e6 * 24.0  # GB/yr
ENERGY_0 = TRAFFIC_0 * 2.0  # kWh/yr
GRID = 0.48  # kg CO2e/kWh


def closed_form_rebound(elasticity: np.ndarray, ratio: np.ndarray) -> np.ndarray:
    """R = (x^(1−ε) − x) / (1 − x); NaN where x = 1 (no efficiency gain, no expected savings)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(ratio < 1, (ratio ** (1 - elasticity) - ratio) / (1 - ratio), np.nan)


def _runs(elasticity: np.ndarray, gain: np.ndarray) -> dict[str, np.ndarray]:
    """Series (run × time) of the actual run and of its counterfactuals."""
    times = np.arange(START, END + STEP / 2, STEP)
    ratio = (1 - gain[:, None]) ** (times[None, :] - START)
    frozen = np.full(ratio.shape, ENERGY_0)
    actual = ENERGY_0 * ratio ** (1 - elasticity[:, None])
    return {"times": times, "ratio": ratio, "frozen": frozen, "engineering": ENERGY_0 * ratio,
            "actual": actual, "traffic": TRAFFIC_0 * ratio ** (-elasticity[:, None])}


def fan_bands(members: int = 200, seed: int = 1) -> pd.DataFrame:
    """Quantile bands of a Monte Carlo over the elasticity and the efficiency gain."""
    rng = np.random.default_rng(seed)
    runs = _runs(rng.normal(1.2, 0.25, members), rng.uniform(0.08, 0.22, members))
    nominal = _runs(np.array([1.2]), np.array([0.15]))
    with np.errstate(divide="ignore", invalid="ignore"):
        rebound = (runs["actual"] - runs["engineering"]) / (runs["frozen"] - runs["engineering"])
        rebound_nominal = (nominal["actual"] - nominal["engineering"]) / (
            nominal["frozen"] - nominal["engineering"])
    series = {"energy": ("kWh/yr", runs["actual"], nominal["actual"]),
              "traffic": ("GB/yr", runs["traffic"], nominal["traffic"]),
              "climate_change": ("kg CO2e/yr", GRID * runs["actual"], GRID * nominal["actual"]),
              "rebound": ("1", rebound, rebound_nominal)}
    frames = []
    for quantity, (unit, values, written) in series.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # R is undefined at the start: all NaN
            q = np.nanpercentile(np.where(np.isfinite(values), values, np.nan), [5, 25, 50, 75, 95], axis=0)
        frames.append(pd.DataFrame({"quantity": quantity, "unit": unit, "time": runs["times"],
                                    "p5": q[0], "p25": q[1], "p50": q[2], "p75": q[3], "p95": q[4],
                                    "nominal": written[0]}))
    return pd.concat(frames, ignore_index=True)


def sweep_table(elasticities: np.ndarray | None = None, gain: float = 0.15) -> pd.DataFrame:
    """Cumulative results of the classroom scenario for each elasticity."""
    e = np.linspace(0.0, 2.0, 11) if elasticities is None else elasticities
    runs = _runs(e, np.full(e.shape, gain))
    total = {k: runs[k].sum(axis=1) * STEP for k in ("frozen", "engineering", "actual", "traffic")}
    return pd.DataFrame({
        "elasticity": e,
        "energy_cumulative": total["actual"],
        "climate_change_cumulative": GRID * total["actual"],
        "traffic_cumulative": total["traffic"],
        "rebound_cumulative": (total["actual"] - total["engineering"]) / (total["frozen"] - total["engineering"]),
        "induced": total["traffic"] / (TRAFFIC_0 * (END - START + STEP)) - 1,
    })


def map_table(years: float = 20.0) -> pd.DataFrame:
    """The closed form on a grid: ε 0–2 (step 0.1), efficiency gain 0–0.3 per year (step 0.02)."""
    e, g = np.meshgrid(np.round(np.arange(0, 2.0001, 0.1), 10), np.round(np.arange(0, 0.3001, 0.02), 10))
    ratio = (1 - g) ** years
    return pd.DataFrame({"elasticity": e.ravel(), "efficiency_gain": g.ravel(),
                         "rebound_cumulative": closed_form_rebound(e, ratio).ravel()})


PARAMETERS = [
    "demand.services.*.elasticity", "demand.services.video.growth", "demand.services.web.growth",
    "demand.users.ceiling", "generations.4G.efficiency_gain", "generations.5G.efficiency_gain",
    "generations.5G.idle_power", "generations.4G.idle_power", "layers.data_centres.pue",
    "equipment.radio_unit.embodied.climate_change", "equipment.server.lifetime", "grid.climate_change",
    "price.cost_of_capital", "demand.services.video.delay", "generations.5G.coverage_sites",
    "devices.smartphone.annual_energy", "equipment.smartphone.embodied.climate_change",
]


def sensitivity_table(method: str, n: int = len(PARAMETERS), seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for output, size in (("energy_cumulative", 5e10), ("climate_change_cumulative", 2e10),
                         ("rebound_cumulative", 1.0)):
        weights = rng.dirichlet(np.full(n, 0.4))
        for name, w in zip(PARAMETERS[:n], weights, strict=True):
            if method == "sobol":
                st = float(w)
                rows.append({"output": output, "parameter": name, "S1": 0.8 * st - 0.01,
                             "S1_conf": 0.03 + 0.1 * st, "ST": st, "ST_conf": 0.02 + 0.05 * st})
            else:
                rows.append({"output": output, "parameter": name, "mu_star": size * w,
                             "mu_star_conf": 0.1 * size * w, "sigma": 0.6 * size * w})
    return pd.DataFrame(rows)


def _texts(fig: Figure) -> list[str]:
    found = [t.get_text() for t in fig.findobj(Text)]
    return [t for t in found if t]


def _source(fig: Figure) -> str:
    """The source line, unwrapped."""
    return next(t.get_text() for t in fig.texts if t.get_gid() == SOURCE_GID).replace("\n", " ")


def _value_axes(fig: Figure) -> list:
    """Axes of the plots (not the colour bar)."""
    return [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]


@pytest.fixture(scope="module")
def fan() -> Figure:
    return plot_fan_chart(fan_bands(), {**META, "members": 200})


@pytest.fixture(scope="module")
def jevons_map() -> Figure:
    return plot_jevons_map(map_table(), "elasticity", "efficiency_gain", "price elasticity (1)",
                           "efficiency gain (fraction per year)", {**META, "nominal": (1.2, 0.15)})


# --- fan chart ----------------------------------------------------------------------------------


def test_fan_chart_has_units_bands_legend_and_source(fan: Figure) -> None:
    fig = fan
    assert isinstance(fig, Figure)
    axes = fig.axes
    assert len(axes) == 4
    assert [ax.get_title() for ax in axes] == ["Energy", "Traffic", "Climate change", "Rebound R(t)"]
    # The classroom town uses GWh, not TWh; climate change in kt.
    assert [ax.get_ylabel() for ax in axes] == ["GWh/yr", "EB/yr", "kt CO₂e/yr", "R (%)"]
    assert all(ax.get_xlabel() == "Year" for ax in axes[2:])
    assert "200 Monte Carlo runs" in fig.get_suptitle()
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["5–95 % of runs", "25–75 % of runs", "median", "scenario as written"]
    assert len(fig.legends) == 1  # the bands are explained once
    texts = [t.replace("\n", " ") for t in _texts(fig)]
    assert "backfire above 100 %" in texts and "no rebound (0 %)" in texts
    assert _source(fig) == ("Source: jevons 0.1.0 Monte Carlo simulations, scenario 'classroom-jevons' "
                            f"(2010–2030), seed 7, {source_date().isoformat()}")


def test_fan_chart_nan_leaves_gaps_and_missing_quantity_is_noted() -> None:
    bands = fan_bands(members=40)
    rebound = bands["quantity"] == "rebound"
    assert bands.loc[rebound, "p50"].isna().iloc[0]  # R undefined at the start
    bands.loc[bands.index[:5], ["p5", "p95"]] = np.nan
    bands.loc[:, "nominal"] = np.nan
    bands = bands[bands["quantity"] != "traffic"]
    fig = plot_fan_chart(bands, META)
    assert "not in this ensemble" in _texts(fig)
    assert "scenario as written" not in [t.get_text() for t in fig.legends[0].get_texts()]
    fig.canvas.draw()


def test_fan_chart_with_huge_rebound_turns_logarithmic_above_100() -> None:
    bands = fan_bands(members=40)
    rebound = bands["quantity"] == "rebound"
    bands.loc[rebound, "p95"] = bands.loc[rebound, "p95"] * 40
    fig = plot_fan_chart(bands, META)
    ax = fig.axes[3]
    assert ax.get_yscale() == "function"
    assert ax.get_ylabel() == "R (%, log scale above 100)"
    assert {100.0, 1000.0} <= set(ax.get_yticks())


# --- sweep --------------------------------------------------------------------------------------


def test_sweep_lines_pick_units_from_the_data() -> None:
    fig = plot_sweep_lines(sweep_table(), "elasticity", "price elasticity (1)", {**META, "nominal": 1.2})
    axes = fig.axes
    assert [ax.get_title() for ax in axes] == ["Cumulative energy", "Cumulative climate change",
                                               "Cumulative traffic", "Cumulative rebound R"]
    labels = [ax.get_ylabel() for ax in axes]
    assert labels == ["TWh", "Mt CO₂e", "EB", "R (%, log scale above 100)"]  # R reaches 1,000 %
    assert all(ax.get_xlabel() == "price elasticity (1)" for ax in axes[2:])
    for ax in axes:  # a marker at each grid point, and the scenario as written
        assert [len(line.get_xdata()) for line in ax.lines if line.get_marker() == "o"] == [11]
        assert any(line.get_linestyle() == ":" for line in ax.lines)
    assert "price elasticity" in fig.get_suptitle() and "2010–2030" in fig.get_suptitle()
    assert "backfire above 100 %" in [t.replace("\n", " ") for t in _texts(fig)]
    # Up to ε = 1, the town uses less than a TWh: GWh, kt; R stays on a linear axis.
    small = plot_sweep_lines(sweep_table(np.linspace(0.0, 1.0, 6)), "elasticity", "ε (1)", META)
    assert [ax.get_ylabel() for ax in small.axes] == ["GWh", "kt CO₂e", "EB", "R (%)"]


def test_sweep_lines_with_nan_and_a_missing_output() -> None:
    table = sweep_table().drop(columns=["traffic_cumulative"])
    table.loc[3, ["energy_cumulative", "rebound_cumulative"]] = np.nan
    fig = plot_sweep_lines(table, "elasticity", "price elasticity (1)", META)
    assert "not in this sweep" in _texts(fig)
    fig.canvas.draw()


# --- Jevons map ---------------------------------------------------------------------------------


def test_cell_edges_lie_between_grid_values() -> None:
    assert np.allclose(cell_edges([0.0, 0.1, 0.2]), [-0.05, 0.05, 0.15, 0.25])
    assert np.allclose(cell_edges([1.0, 2.0, 4.0]), [0.5, 1.5, 3.0, 5.0])
    assert np.allclose(cell_edges([3.0]), [1.5, 4.5])


def test_jevons_map_contour_is_at_elasticity_one(jevons_map: Figure) -> None:
    fig = jevons_map
    ax = _value_axes(fig)[0]
    assert ax.get_xlabel() == "price elasticity (1)"
    assert ax.get_ylabel() == "efficiency gain (fraction per year)"
    bar = next(a for a in fig.axes if a.get_label() == "<colorbar>")
    assert bar.get_ylabel().startswith("Cumulative rebound R (%")
    contours = [c for c in ax.collections if c.get_gid() == "backfire_contour"]
    assert len(contours) == 1
    contour = contours[0]
    # The level is R = 100 % (R = 1) in the axis coordinate.
    assert np.allclose(contour.levels, rebound_transform(100.0, log_above=True))
    vertices = np.concatenate([p.vertices for p in contour.get_paths()])
    assert len(vertices) >= 2
    cell = 0.1
    assert np.all(np.abs(vertices[:, 0] - 1.0) <= cell / 2)  # backfire is exactly ε > 1
    assert vertices[:, 1].max() - vertices[:, 1].min() >= 0.2  # all the way up the map
    labels = {t.get_text(): t for t in ax.texts if t.get_gid() == "side_label"}
    assert set(labels) == {"backfire\n(R > 100 %)", "partial rebound\n(R < 100 %)"}
    # "backfire" on the side of the larger elasticities.
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    right_of = {k: t.get_window_extent(renderer).x0 for k, t in labels.items()}
    assert right_of["backfire\n(R > 100 %)"] > right_of["partial rebound\n(R < 100 %)"]
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "R undefined (no savings expected)" in legend  # the row without efficiency gain
    # The colours diverge at R = 100 %: white there, green below, purple above.
    mesh = ax.collections[0]
    rgba = mesh.cmap(mesh.norm(rebound_transform([50.0, 100.0, 500.0], True)))
    assert np.allclose(rgba[1][:3], 0.97, atol=0.02)
    assert rgba[0][1] > rgba[0][0] and rgba[2][0] > rgba[2][1]


def test_jevons_grid_keeps_nan_and_sorts() -> None:
    xs, ys, grid = jevons_grid(map_table().sample(frac=1.0, random_state=0), "elasticity", "efficiency_gain")
    assert np.all(np.diff(xs) > 0) and np.all(np.diff(ys) > 0)
    assert grid.shape == (len(ys), len(xs))
    assert np.isnan(grid[0]).all() and np.isfinite(grid[1:]).all()


def test_jevons_map_without_contour_and_all_nan_does_not_crash() -> None:
    table = map_table()
    partial = table[table["elasticity"] < 0.95]
    fig = plot_jevons_map(partial, "elasticity", "efficiency_gain", "price elasticity (1)",
                          "efficiency gain (fraction per year)", META)
    assert "no backfire in this range" in _texts(fig)
    empty = table.assign(rebound_cumulative=np.nan)
    fig = plot_jevons_map(empty, "elasticity", "efficiency_gain", "ε (1)", "g (1/yr)", META)
    fig.canvas.draw()


# --- the measure shown (--measure) -------------------------------------------------------------------

#: The measure of a classroom ensemble, as the ensemble commands give it in ``meta``.
WINDOW = {"name": "window", "column": "rebound_window_energy", "window": 5.0, "start": 2010.0, "end": 2030.0}
INDUCED = {"name": "induced", "column": "induced_energy", "window": 5.0, "start": 2010.0, "end": 2030.0}


def _renamed(bands: pd.DataFrame, quantity: str) -> pd.DataFrame:
    return bands.assign(quantity=bands["quantity"].replace({"rebound": quantity}))


def test_fan_chart_names_the_measure_and_draws_induced_without_backfire() -> None:
    window = plot_fan_chart(_renamed(fan_bands(members=40), "rebound_window_energy"), {**META, "measure": WINDOW})
    ax = window.axes[3]
    assert ax.get_title() == "Rolling rebound R₅(t)" and ax.get_ylabel() == "R₅ (%)"
    assert "backfire above 100 %" in [t.replace("\n", " ") for t in _texts(window)]
    bands = _renamed(fan_bands(members=40), "induced_energy")
    induced = bands["quantity"] == "induced_energy"
    bands.loc[induced, ["p5", "p25", "p50", "p75", "p95", "nominal"]] *= 0.3  # (A − E)/E, 0 to ~40 %
    fig = plot_fan_chart(bands, {**META, "measure": INDUCED})
    ax = fig.axes[3]
    assert ax.get_title() == "Induced energy (A − E)/E" and ax.get_ylabel() == "(A − E)/E (%)"
    assert ax.get_yscale() == "linear" and ax.get_ylim()[0] == 0.0
    texts = " ".join(_texts(fig)).replace("\n", " ")
    assert "backfire" not in texts and "no rebound" not in texts
    notes = [t.get_text().replace("\n", " ") for t in fig.texts if t.get_gid() == NOTE_GID]
    assert any("E: engineering estimate" in n for n in notes)
    empty = plot_fan_chart(fan_bands(members=40), {**META, "measure": INDUCED})  # no induced_energy rows
    assert "not in this ensemble" in _texts(empty)


def _induced_table() -> pd.DataFrame:
    """(A − E)/E of the closed form at the final year over the classroom's map: x^(−ε) − 1, from 0 (ε = 0 or
    no gain) to 1.5 million (ε = 2, 30 %/yr: x = 0.7^20)."""
    table = map_table()
    ratio = (1 - table["efficiency_gain"]) ** 20.0
    return table.assign(induced_energy=ratio ** -table["elasticity"] - 1).drop(columns="rebound_cumulative")


def test_jevons_map_of_induced_is_sequential_without_backfire() -> None:
    table = _induced_table()
    table = table[(table["elasticity"] <= 0.5) & (table["efficiency_gain"] <= 0.1)]  # 0 to 188 %: linear
    fig = plot_jevons_map(table, "elasticity", "efficiency_gain", "price elasticity (1)",
                          "efficiency gain (fraction per year)", {**META, "measure": INDUCED, "nominal": (1.2, 0.15)})
    ax = _value_axes(fig)[0]
    assert not [c for c in ax.collections if c.get_gid() == "backfire_contour"]
    assert [c for c in ax.collections if c.get_gid() == "induced_contours"]
    texts = " ".join(_texts(fig)).replace("\n", " ")
    assert "backfire" not in texts and "R = 100 %" not in texts
    assert fig.axes[0].get_title() == "Energy induced by the demand response, 2010–2030"
    bar = next(a for a in fig.axes if a.get_label() == "<colorbar>")
    assert bar.get_ylabel().replace("\n", " ") == "Induced energy (actual − engineering) / engineering, %"
    mesh = ax.collections[0]
    assert not isinstance(mesh.norm, LogNorm)
    low, high = mesh.norm.vmin, mesh.norm.vmax
    rgba = mesh.cmap(mesh.norm(np.linspace(low, high, 5)))
    luminance = rgba[:, :3] @ [0.2126, 0.7152, 0.0722]
    assert np.all(np.diff(luminance) < 0), "one hue, darker as the demand response adds more"
    huge = plot_jevons_map(_induced_table(), "elasticity", "efficiency_gain", "ε (1)", "g (1/yr)",
                           {**META, "measure": INDUCED})
    assert isinstance(_value_axes(huge)[0].collections[0].norm, SymLogNorm)  # 0 (ε = 0) to 10⁸ %: decades
    bar = next(a for a in huge.axes if a.get_label() == "<colorbar>")
    assert bar.get_ylabel().replace("\n", " ").endswith("% (log scale)")
    assert {"0", "100", "1,000", "10⁴", "10⁸"} <= {t.get_text() for t in bar.get_yticklabels()}


def test_jevons_map_of_another_rebound_keeps_the_backfire_line_and_names_it() -> None:
    table = map_table().rename(columns={"rebound_cumulative": "rebound_window_energy"})
    fig = plot_jevons_map(table, "elasticity", "efficiency_gain", "price elasticity (1)",
                          "efficiency gain (fraction per year)", {**META, "measure": WINDOW})
    ax = _value_axes(fig)[0]
    assert [c for c in ax.collections if c.get_gid() == "backfire_contour"]
    assert ax.get_title() == "Where efficiency backfires: rolling rebound R₅ at 2030"
    bar = next(a for a in fig.axes if a.get_label() == "<colorbar>")
    assert bar.get_ylabel().startswith("Rolling rebound R₅ at 2030 (%")
    french = plot_jevons_map(table, "elasticity", "efficiency_gain", "ε (1)", "g (1/yr)",
                             {**META, "measure": WINDOW}, lang="fr")
    assert _value_axes(french)[0].get_title() == "Quand l’efficacité se retourne\u00a0: rebond glissant R₅ en 2030"


def test_sweep_lines_and_sensitivity_name_the_measure() -> None:
    table = sweep_table().rename(columns={"induced": "induced_energy"}).drop(columns="rebound_cumulative")
    fig = plot_sweep_lines(table, "elasticity", "price elasticity (1)", {**META, "measure": INDUCED})
    ax = fig.axes[3]
    assert ax.get_title() == "Induced energy (A − E)/E" and ax.get_ylabel() == "(A − E)/E (%)"
    assert "backfire" not in " ".join(_texts(fig))
    indices = sensitivity_table("morris").replace({"output": {"rebound_cumulative": "rebound_marginal_energy"}})
    marginal = {"name": "marginal", "column": "rebound_marginal_energy", "window": 5.0, "start": 2010.0,
                "end": 2030.0}
    fig = plot_sensitivity(indices, "morris", {**META, "measure": marginal})
    assert [ax.get_title().replace("\n", " ") for ax in fig.axes] == ["Energy", "Climate change",
                                                                   "Marginal rebound at 2030"]
    assert fig.axes[2].get_xlabel() == "μ*, σ\n(percentage points)"
    innovation = {**marginal, "name": "innovation:launch:5G", "column": "rebound_innovation:launch:5G_energy"}
    assert measure_texts({"measure": innovation}, "fr").value == (
        "Rebond cumulé R, innovation\u00a0: lancement (5G)")


# --- sensitivity ----------------------------------------------------------------------------------


def test_short_parameter_names() -> None:
    short = short_parameter_names(PARAMETERS)
    assert short["demand.services.*.elasticity"] == "…services.*.elasticity"
    assert short["generations.4G.efficiency_gain"] == "…4G.efficiency_gain"
    assert short["grid.climate_change"] == "grid.climate_change"
    assert len(set(short.values())) == len(PARAMETERS)
    assert short_parameter_names(["a.x.rate", "b.x.rate"]) == {"a.x.rate": "a.x.rate", "b.x.rate": "b.x.rate"}
    assert all(len(v) <= 36 for v in short_parameter_names(["a." + "long_name_" * 6]).values())


@pytest.mark.parametrize("method", ["sobol", "morris"])
def test_sensitivity_ranks_parameters_with_intervals(method: str) -> None:
    table = sensitivity_table(method)
    fig = plot_sensitivity(table, method, META)
    axes = fig.axes
    assert [ax.get_title() for ax in axes] == ["Energy", "Climate change", "Rebound R"]
    assert "cumulative results" in fig.get_suptitle()
    ticks = [t.get_text() for t in axes[0].get_yticklabels()]
    assert len(ticks) == len(PARAMETERS)
    main = "ST" if method == "sobol" else "mu_star"
    ranked = table.pivot_table(index="parameter", columns="output", values=main)
    if method == "morris":
        ranked = ranked / ranked.max()
    first = ranked.max(axis=1).idxmax()
    assert ticks[0] == parameter_labels(PARAMETERS, META)[first]  # most influential at the top
    if method == "sobol":
        assert all(ax.get_xlabel() == "Sobol index (1)" for ax in axes)
    else:
        assert [ax.get_xlabel() for ax in axes] == ["μ*, σ\n(TWh)", "μ*, σ\n(Mt CO₂e)", "μ*, σ\n(percentage points)"]
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "95 % confidence interval" in legend
    assert _source(fig).startswith("Source: jevons 0.1.0 sensitivity analysis, scenario 'classroom-jevons'")


def test_sensitivity_with_nan_many_parameters_and_notes() -> None:
    table = sensitivity_table("sobol")
    many = pd.concat([table, table.assign(parameter=table["parameter"] + ".copy")], ignore_index=True)
    many.loc[many.index[:4], ["ST", "ST_conf", "S1"]] = np.nan
    fig = plot_sensitivity(many, "sobol", {**META, "notes": ["N = 512 base samples"]})
    assert len(fig.axes[0].get_yticklabels()) == 25
    notes = [t.get_text() for t in fig.texts if t.get_gid() == NOTE_GID]
    assert any("9 less influential parameters not shown" in n for n in notes)
    assert any("N = 512" in n for n in notes)
    fig.canvas.draw()
    with pytest.raises(ValueError, match="'anova'.*sobol, morris"):
        plot_sensitivity(table, "anova", META)


# --- French, meta, files ----------------------------------------------------------------------------


def test_french_text_and_decimal_commas_in_svg(tmp_path: Path) -> None:
    jevons = plot_jevons_map(map_table(), "elasticity", "efficiency_gain", "price elasticity (1)",
                             "efficiency gain (fraction per year)", {**META, "nominal": (1.2, 0.15)}, lang="fr")
    [path] = save_uncertainty_figures({"jevons_map": jevons}, tmp_path, formats=("svg",), dpi=40)
    svg = path.read_text(encoding="utf-8")
    assert "retour de flamme" in svg and "rebond partiel" in svg and "scénario tel qu’écrit" in svg
    assert "gain d’efficacité (fraction par an)" in svg and "élasticité-prix (1)" in svg
    assert "Source\u00a0: balayage de paramètres jevons 0.1.0, scénario «\u00a0classroom-jevons\u00a0»" in svg
    assert re.search(r">0,05<", svg) and re.search(r">1,00<", svg), "no decimal comma in the ticks"
    assert not re.search(r">−?\d+\.\d+<", svg), "a decimal point in a French figure"
    fan = plot_fan_chart(fan_bands(members=40), {**META, "members": 1500}, lang="fr")
    texts = _texts(fan)
    assert f"Incertitude sur 1{NNBSP}500 tirages de Monte-Carlo, 2010–2030" in texts
    assert {"Énergie", "médiane", "GWh/an", f"5–95{NNBSP}% des tirages"} <= set(texts)
    assert _source(fan).startswith("Source\u00a0: simulations de Monte-Carlo jevons 0.1.0")
    sweep = plot_sweep_lines(sweep_table(), "elasticity", "price elasticity (1)", META, lang="fr")
    assert {"Énergie cumulée", "élasticité-prix (1)"} <= set(_texts(sweep))
    assert "0,5" in [t.get_text() for t in sweep.axes[2].get_xticklabels()]
    sobol = plot_sensitivity(sensitivity_table("sobol"), "sobol", META, lang="fr")
    assert "indice de Sobol (1)" in _texts(sobol)


def test_every_text_has_a_french_translation() -> None:
    """Keys given to tr() in the modules of these figures and the names in their tables are all in the
    French table, with the same {fields}; their words never replace a translation of another module."""
    keys = set()
    for module in (ensemble_common, rebound_axis_module, fan_module, sweeps, sensitivity):
        found = {node.args[0].value for node in ast.walk(ast.parse(Path(module.__file__).read_text(encoding="utf-8")))
                 if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "tr" and node.args
                 and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)}
        assert found, module.__name__
        keys |= found
    assert len(keys) > 30
    keys |= {name for _, name, _ in sweeps.SWEEP_OUTPUTS} | set(fan_module._FAN_NAMES.values())
    keys |= {name for name, _ in sensitivity.SENSITIVITY_OUTPUTS.values()}
    keys |= {"Monte Carlo simulations", "parameter sweep", "sensitivity analysis", "backfire above 100 %",
             "no rebound (0 %)", "backfire\n(R > 100 %)", "partial rebound\n(R < 100 %)", ensemble_common.INDUCED_NOTE}
    keys |= set(ensemble_common._INNOVATION_WORDS.values())
    assert sorted(k for k in keys if k not in FRENCH) == []
    for key, french in UNCERTAINTY_FRENCH.items():
        assert set(re.findall(r"{(\w+)}", key)) == set(re.findall(r"{(\w+)}", french)), key
        assert FRENCH[key] == french, key  # not replaced by another module's words


def test_meta_must_name_scenario_and_version() -> None:
    with pytest.raises(ValueError, match="'version'"):
        plot_fan_chart(fan_bands(members=20), {"scenario": "x"})


def test_rebound_axis_shape() -> None:
    linear = rebound_axis([0.0, 150.0])
    assert not linear.log_above and linear.low < -10 and linear.high > 150
    log = rebound_axis([20.0, 50_000.0])
    assert log.log_above and log.high > 50_000
    assert np.allclose(log.inverse(log.forward([-20.0, 0.0, 100.0, 2_000.0])), [-20.0, 0.0, 100.0, 2_000.0])
    assert 100.0 in log.ticks() and 10_000.0 in log.ticks()


def test_save_writes_stable_names_atomically(jevons_map: Figure, tmp_path: Path) -> None:
    figures = {"jevons_map": jevons_map}
    folder = tmp_path / "uncertainty"
    written = save_uncertainty_figures(figures, folder, formats=("png", "SVG"), dpi=20)
    expected = {f"{stem}.{fmt}" for stem in figures for fmt in ("png", "svg")}
    assert {p.name for p in written} == expected
    assert {p.name for p in folder.iterdir()} == expected  # no partial files left
    assert all(p.read_bytes()[:5] in (b"\x89PNG\r", b"<?xml") for p in written)
    with pytest.raises(ValueError, match="'gif'"):
        save_uncertainty_figures(figures, folder, formats=("gif",))
    with pytest.raises(ValueError, match="file name"):
        save_uncertainty_figures({"../up": jevons_map}, folder)
    assert {p.name for p in folder.iterdir()} == expected
