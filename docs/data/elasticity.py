"""Price elasticity of mobile data use per subscriber, separated from the exogenous trend.

Run from the repository root: ``python docs/data/elasticity.py`` (numpy and scipy, both
dependencies of the project). It reads ``docs/data/elasticity-data.csv`` (France 2012-2023 from
Arcep figures, India 2014-2023 from TRAI figures; sources and arithmetic in that file) and prints
the tables of docs/data/elasticity.md.

Model (main): ln q_ct = a_c + g_c * t - eps * ln p_ct + u_ct, with q the data used per subscriber
(GB/month), p the realised price (revenue per GB, local currency, nominal), a_c a country level and
g_c a country trend (the exogenous growth of usage: smartphones, video, networks). eps is
identified only by the departures of ln p from its own country trend that ln q follows: India's
2016-17 Jio entry (price /12 in two years) and France's 2012-15 Free Mobile price war.

Why the answer needs care: the realised price is revenue / volume, so with a smooth bill per
subscriber b, ln p = ln b - ln q and the regression returns eps = 1 - (how the bill moves with
price). A usage shock unrelated to price (a video app, a larger allowance used up) lowers the
realised price as much as it raises usage: it looks like eps = 1 whatever the true response.
The IV variant instruments India's price with a post-Jio indicator (2017 on), a supply shock;
with 7 points it is illustrative only.

Standard errors: HC1 and HC3 (heteroskedasticity-consistent; HC3 is the safer one for few points),
a bootstrap that resamples points within each country, and leave-one-out ranges.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from scipy import stats

HERE = Path(__file__).resolve().parent
T0 = 2014  # years are centred here so that intercepts are levels in 2014
SEED = 2024
DRAWS = 4000


def load() -> list[dict]:
    with open(HERE / "elasticity-data.csv", encoding="utf-8") as f:
        return [{"country": r["country"], "year": int(r["year"]), "p": float(r["price"]), "q": float(r["usage"]),
                 "flag": r["flag"]} for r in csv.DictReader(f)]


def design(rows: list[dict], trend: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Regressors for ``trend`` in none | common | country | quadratic; the last column is ln p."""
    countries = sorted({r["country"] for r in rows})
    cols, names = [], []
    for c in countries:
        d = np.array([r["country"] == c for r in rows], float)
        t = np.array([r["year"] - T0 for r in rows], float)
        cols.append(d)
        names.append(f"a_{c}")
        if trend in ("country", "quadratic"):
            cols.append(d * t)
            names.append(f"g_{c}")
        if trend == "quadratic":
            cols.append(d * t**2)
            names.append(f"h_{c}")
    if trend == "common":
        cols.append(np.array([r["year"] - T0 for r in rows], float))
        names.append("g")
    cols.append(np.log([r["p"] for r in rows]))
    names.append("ln_p")
    return np.column_stack(cols), np.log([r["q"] for r in rows]), names


def ols(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    return beta, y - x @ beta


def robust_se(x: np.ndarray, resid: np.ndarray, kind: str) -> np.ndarray:
    """Sandwich standard errors: HC1 (n/(n-k) scaling) or HC3 (leverage-corrected)."""
    n, k = x.shape
    bread = np.linalg.pinv(x.T @ x)
    if kind == "HC1":
        weights = resid**2 * n / (n - k)
    else:
        leverage = np.einsum("ij,jk,ik->i", x, bread, x)
        weights = resid**2 / np.clip(1 - leverage, 1e-9, None) ** 2
    meat = x.T @ (x * weights[:, None])
    return np.sqrt(np.diag(bread @ meat @ bread))


def fit(rows: list[dict], trend: str = "country") -> dict:
    """eps (= -coefficient of ln p) with HC1/HC3 errors and a t-based 95 % interval (HC3)."""
    x, y, _ = design(rows, trend)
    beta, resid = ols(x, y)
    n, k = x.shape
    se1, se3 = robust_se(x, resid, "HC1")[-1], robust_se(x, resid, "HC3")[-1]
    t = stats.t.ppf(0.975, max(n - k, 1))
    eps = -beta[-1]
    return {"eps": eps, "se_hc1": se1, "se_hc3": se3, "lo": eps - t * se3, "hi": eps + t * se3, "n": n, "k": k}


def bootstrap(rows: list[dict], trend: str = "country", draws: int = DRAWS) -> tuple[float, float, int]:
    """95 % percentile interval of eps, resampling points within each country; singular draws are skipped."""
    rng = np.random.default_rng(SEED)
    by_country = {c: [r for r in rows if r["country"] == c] for c in sorted({r["country"] for r in rows})}
    found = []
    for _ in range(draws):
        sample = [group[i] for group in by_country.values() for i in rng.integers(0, len(group), len(group))]
        x, y, _ = design(sample, trend)
        if np.linalg.matrix_rank(x) < x.shape[1]:
            continue
        found.append(-ols(x, y)[0][-1])
    lo, hi = np.percentile(found, [2.5, 97.5])
    return float(lo), float(hi), len(found)


def leave_one_out(rows: list[dict], trend: str = "country") -> list[tuple[str, float]]:
    out = []
    for i, r in enumerate(rows):
        rest = rows[:i] + rows[i + 1:]
        x, y, _ = design(rest, trend)
        if np.linalg.matrix_rank(x) == x.shape[1]:
            out.append((f"{r['country']} {r['year']}", -ols(x, y)[0][-1]))
    return out


def iv_india(rows: list[dict]) -> dict:
    """2SLS on India with a trend: ln p instrumented by the post-Jio indicator (year >= 2017)."""
    india = [r for r in rows if r["country"] == "India"]
    t = np.array([r["year"] - T0 for r in india], float)
    lnp, lnq = np.log([r["p"] for r in india]), np.log([r["q"] for r in india])
    exog = np.column_stack([np.ones_like(t), t])
    z = np.column_stack([exog, (t >= 2017 - T0).astype(float)])
    first, first_resid = ols(z, lnp)
    first_t = first[-1] / robust_se(z, first_resid, "HC1")[-1]
    x_hat = np.column_stack([exog, z @ first])
    beta, _ = ols(x_hat, lnq)
    resid = lnq - np.column_stack([exog, lnp]) @ beta
    n, k = x_hat.shape
    bread = np.linalg.pinv(x_hat.T @ x_hat)
    meat = x_hat.T @ (x_hat * (resid**2 * n / (n - k))[:, None])
    se = np.sqrt(np.diag(bread @ meat @ bread))[-1]
    return {"eps": -beta[-1], "se_hc1": se, "n": n, "first_stage_jump": first[-1], "first_stage_F": first_t**2}


def main() -> None:
    rows = load()
    no_a_india = [r for r in rows if not (r["country"] == "India" and r["flag"] == "A" and r["year"] == 2015)]
    specs = [
        ("pooled, country levels, no trend (all growth credited to price)", rows, "none"),
        ("country levels + common trend", rows, "common"),
        ("**country levels + country trends (main)**", rows, "country"),
        ("country levels + country quadratic trends", rows, "quadratic"),
        ("main, without India 2015 (derived usage)", no_a_india, "country"),
        ("main, France only", [r for r in rows if r["country"] == "France"], "country"),
        ("main, India only", [r for r in rows if r["country"] == "India"], "country"),
    ]
    print("| model | points | parameters | eps | SE HC1 | SE HC3 | 95 % CI (t, HC3) |")
    print("|---|---|---|---|---|---|---|")
    for label, data, trend in specs:
        f = fit(data, trend)
        print(f"| {label} | {f['n']} | {f['k']} | {f['eps']:.2f} | {f['se_hc1']:.2f} | {f['se_hc3']:.2f} "
              f"| {f['lo']:.2f} to {f['hi']:.2f} |")
    lo, hi, kept = bootstrap(rows)
    print(f"\nBootstrap (main model, {kept} of {DRAWS} draws non-singular, resampling within country): "
          f"95 % interval {lo:.2f} to {hi:.2f}")
    loo = leave_one_out(rows)
    worst = sorted(loo, key=lambda p: p[1])
    print(f"Leave one out (main model): eps from {worst[0][1]:.2f} (without {worst[0][0]}) "
          f"to {worst[-1][1]:.2f} (without {worst[-1][0]})")
    iv = iv_india(rows)
    print(f"IV, India only (trend; ln p instrumented by year >= 2017): eps {iv['eps']:.2f}, "
          f"SE HC1 {iv['se_hc1']:.2f}, {iv['n']} points; first stage: ln p jumps {iv['first_stage_jump']:.2f} "
          f"at Jio entry, F = {iv['first_stage_F']:.0f}")
    for country, unit in (("France", "EUR"), ("India", "INR")):
        spend = [r["p"] * r["q"] for r in rows if r["country"] == country]
        print(f"Spending per subscriber p x q, {country}: {min(spend):.1f} to {max(spend):.1f} {unit}/month")

if __name__ == "__main__":
    main()
