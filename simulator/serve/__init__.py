"""The live classroom page: a scenario's ``explore:`` sliders and up to four charts in a browser.

``jevons serve`` runs the real simulator (with its counterfactuals) at every slider move
and answers JSON to one HTML page drawing with Plotly.js; ``jevons export-html`` writes the same
page as one file over a precomputed grid of runs. Modules, in the order data flows:

* :mod:`~simulator.serve.explorer` — sliders of a scenario, checks of moved values, one run;
* :mod:`~simulator.serve.formula` — the closed form x^(1−ε), where a scenario has one;
* :mod:`~simulator.serve.plausibility` — when a run is not plausible (the page's warning);
* :mod:`~simulator.serve.words` — the page's words in English and French, the verdict and the warning;
* :mod:`~simulator.serve.lesson` — a scenario's ``lesson:`` as the page's step-by-step panel;
* :mod:`~simulator.serve.charts` — what the charts draw (setup, fixed axes, and numbers per run);
* :mod:`~simulator.serve.page` — the HTML, with assets linked or inlined;
* :mod:`~simulator.serve.app` — the Starlette application (page, assets, JSON API);
* :mod:`~simulator.serve.server` — binding (loopback unless asked), uvicorn;
* :mod:`~simulator.serve.export` — the precomputed grid and the self-contained file;
* :mod:`~simulator.serve.worksheet` — `jevons lesson`: the worksheet and answer key (HTML, PDF);
* :mod:`~simulator.serve.commands` — the three commands' arguments and handlers.

Nothing here is imported by the rest of the package except the commands' registration, and
the web libraries (Starlette, uvicorn) only when a page is served.
"""
