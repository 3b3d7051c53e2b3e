"""`jevons report` and :func:`simulator.report`: one self-contained HTML document (and a PDF) per question.

Three lines from scenario to report::

    import simulator
    simulator.report("scenarios/world-mobile.yaml", compare=["scenarios/sobriety.yaml"], out="report.html")

Modules: :mod:`.assumptions` (every parameter, its unit and its source comment), :mod:`.document` (the
runs, figures and tables, the HTML), :mod:`.api` (:func:`~.api.report`: checks, render, print, write),
:mod:`.commands` (the command's arguments). Nothing is imported here, so that the command line starts
fast. This stage comes after the outputs (it draws the figures of :mod:`simulator.plots` and prints with
the lesson's Chromium printer); nothing earlier imports it.
"""
