"""Ensembles of runs: Monte Carlo, parameter sweeps and sensitivity analysis."""
