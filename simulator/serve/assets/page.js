/* The live page of jevons: sliders, a verdict line and up to four Plotly charts.
 *
 * Live mode (`jevons serve`, config.api set): a move posts the moved sliders to the API, which
 * reruns the simulator. At most one request is in flight; moves made meanwhile are merged and
 * sent, latest values only, when it returns.
 * Grid mode (`jevons export-html`, config.grid set): a move looks up a precomputed run.
 *
 * The address holds the page's state, so that a link or a bookmark gives it back: the moved
 * sliders (`?elasticity=1.5`), a pinned run (`pin.elasticity=0.5`), `view=projector`,
 * `axes=fixed` and the open step of a lesson (`lesson=2`). Both modes read and write it the same
 * way (a file:// address keeps its query).
 *
 * Where the charts' box leaves a plot area less than MIN_PLOT px tall in two rows of two (the
 * baseline's four charts at 1024 × 768), the charts other than energy share the second column
 * behind tabs (`chart=climate` in the address), so that each chart shown stays readable.
 *
 * A scenario's lesson (config.lesson) is a panel of steps: each shows its question and the
 * prediction asked, hides the run's answer (verdict and charts) until "show", and sets the sliders
 * as an address does (setAll: the sliders it names, the others back to the scenario's values).
 * A file shows each step's own precomputed run, its values being maybe off the file's grid.
 *
 * Every text comes from the config and goes into the page as text (textContent), never as HTML.
 * window.jevons reports what the tests measure: latencies (ms, from the first input event of a
 * move to the charts redrawn: Plotly.react resolved), painted (the same to the end of the next
 * frame), drawing (ms of the latencies spent drawing), the number of draws, the last error.
 */
"use strict";
(function () {
  const config = JSON.parse(document.getElementById("config").textContent);
  const words = config.words;
  const times = config.times;
  const grid = config.grid || null;
  const locale = config.lang === "fr" ? "fr-FR" : "en-GB";
  const PERCENT = config.lang === "fr" ? "\u202f%" : " %";
  const query = new URLSearchParams(location.search);
  const view = { projector: query.get("view") === "projector", fixed: query.get("axes") === "fixed" && !!config.fixed };
  const FONT = { family: "system-ui, 'DejaVu Sans', 'Segoe UI', Arial, sans-serif", color: "#222", size: 14 };
  // The figure's size follows the page through a ResizeObserver (below), not Plotly's own; no axis
  // zooms (see plotAll), so no drag handles on the axes (Plotly makes several per chart at each draw).
  const PLOT = { displayModeBar: false, responsive: false, showAxisDragHandles: false };
  // Room around each plot area in its chart box (px): tick labels, and the axis title above (set by
  // applyView from the font size).
  let MARGIN = { l: 64, r: 24, t: 26, b: 27 };
  // Axis numbers of the charts in the figures: y, y2... (and x, x2... in the one underneath)
  const AXES = { energy: "", rebound: "2", stack: "3", climate: "4" };
  // Smallest height of a plot area (px) in two rows of charts; below it, tabs (see arrange).
  const MIN_PLOT = 160;
  // Height of a chart's title and legend above its box, in em of the page's text: a title line and
  // three lines of legend (the widest legend at half the width of a 1024 px screen).
  const FIGURE_HEAD = 4.8;
  const PINNED = { colour: "#6E6E6E", dash: "dot", width: 3 };
  const probe = (window.jevons = { latencies: [], painted: [], drawing: [], draws: 0, busy: false, lastError: null,
    margin: MARGIN });
  const state = { moved: {}, inFlight: false, again: false, since: null, pinned: null };
  // The charts behind tabs: all but energy, shown one at a time in the second column when tabbed.
  const tabbable = config.charts.filter((name) => name !== "energy");
  const layout = { tabbed: false, tab: tabbable.includes(query.get("chart")) ? query.get("chart") : tabbable[0] };
  const plot = document.getElementById("plot");
  const under = document.getElementById("plot-under");
  const chartsBox = document.getElementById("charts");
  let frame = null; // the figure's size and the charts' domains in it (measure)
  let drawn = null; // the numbers drawn last
  const charts = {};
  const figures = {};
  for (const name of Object.keys(AXES)) {
    charts[name] = document.getElementById("chart-" + name);
    figures[name] = document.getElementById("figure-" + name);
  }

  function say(key, fields) {
    return words[key].replace(/\{(\w+)\}/g, (_, name) => String(fields[name]));
  }

  function shown(value, decimals, grouping = true) {
    return new Intl.NumberFormat(locale, {
      minimumFractionDigits: decimals, maximumFractionDigits: decimals, useGrouping: grouping,
    }).format(value).replace("-", "\u2212");
  }

  function significant(value, digits = 3) {
    return new Intl.NumberFormat(locale, { maximumSignificantDigits: digits }).format(value).replace("-", "\u2212");
  }

  function visible() {
    if (view.projector) return ["energy"];
    return layout.tabbed ? config.charts.filter((name) => name === "energy" || name === layout.tab) : config.charts;
  }

  // --- sliders ------------------------------------------------------------------------------

  // A slider's value as a class reads it: fractions in per cent, dates as years (2019, or 2019 Q2
  // on a slider by quarters), other numbers with thousands separated and the slider's unit.
  function format(slider, value) {
    if (slider.kind === "percent") return shown(100 * value, slider.decimals) + PERCENT;
    if (slider.kind === "year") {
      const end = times[times.length - 1];
      if (value > end) return say("after_end", { end: shown(end, 0, false) }); // 5G "launched" in 2100: never
      const year = Math.floor(value + 1e-9);
      const quarters = (value - year) * 4;
      if (Math.abs(quarters - Math.round(quarters)) < 1e-6) {
        return slider.step >= 1 && Math.round(quarters) === 0
          ? String(year) : year + " " + say("quarter", { quarter: Math.round(quarters) + 1 });
      }
      return shown(value, slider.decimals, false);
    }
    return shown(value, slider.decimals) + (slider.unit ? "\u00a0" + slider.unit : "");
  }

  // A value as given (by an address), with the decimals it needs beyond the slider's own.
  function asGiven(slider, value) {
    const scaled = Number(((slider.kind === "percent" ? 100 : 1) * value).toPrecision(12));
    return format({ ...slider, decimals: Math.max(slider.decimals, decimalsOf(scaled)) }, value);
  }

  // What a price elasticity means, in words: a GB 10 % cheaper gives about ε × 10 % more use.
  function meaning(slider, value) {
    if (value === 0) return words.elasticity_zero;
    const decimals = Math.max(0, slider.decimals - 1);
    return say("elasticity", { value: shown(10 * value, decimals) + PERCENT });
  }

  // The slider's position nearest to a value: on its step (live) or one of its stops (a file).
  function snap(slider, value) {
    const k = Math.round((Math.min(Math.max(value, slider.min), slider.max) - slider.min) / slider.step);
    return grid ? slider.choices[Math.min(k, slider.choices.length - 1)] : Number((slider.min + k * slider.step).toFixed(10));
  }

  function defaults() {
    return Object.fromEntries(config.sliders.map((s) => [s.name, s.value]));
  }

  function current() {
    return Object.assign(defaults(), state.moved);
  }

  const inputs = {};

  // The value beside a slider (its unit, if any, is in its label: room is short beside the track).
  function showValue(slider, value) {
    const { output, explain } = inputs[slider.name];
    output.textContent = slider.kind === "number" ? shown(value, slider.decimals) : format(slider, value);
    if (explain) explain.textContent = meaning(slider, value);
  }

  function setSlider(slider, value) {
    inputs[slider.name].input.value = value;
    showValue(slider, value);
  }

  function buildSliders() {
    const box = document.getElementById("controls");
    box.classList.toggle("few", config.sliders.length <= 3); // room for three lines of help
    for (const slider of config.sliders) {
      const row = document.createElement("div");
      row.className = "slider";
      const label = document.createElement("label");
      const track = document.createElement("div");
      track.className = "track";
      const output = document.createElement("output");
      const input = document.createElement("input");
      input.type = "range";
      input.id = label.htmlFor = "slider-" + slider.name;
      input.name = slider.name;
      input.min = slider.min;
      input.max = slider.max;
      input.step = slider.step;
      label.textContent = slider.label;
      if (slider.kind === "number" && slider.unit) {
        const unit = document.createElement("span");
        unit.className = "unit";
        unit.textContent = ` (${slider.unit})`;
        label.append(unit);
      }
      output.htmlFor = input.id;
      track.append(input, output);
      row.append(label, track);
      let explain = null;
      if (slider.explain === "elasticity") {
        explain = document.createElement("p");
        explain.className = "meaning";
        explain.id = "meaning-" + slider.name;
        row.append(explain);
      }
      if (slider.help) {
        const help = document.createElement("p");
        help.className = "help";
        help.id = "help-" + slider.name;
        help.textContent = slider.help;
        help.title = slider.help;
        help.addEventListener("click", () => help.classList.toggle("open")); // a few lines, or all of it
        row.append(help);
      }
      box.append(row);
      inputs[slider.name] = { input, output, explain };
      input.addEventListener("input", () => {
        const value = grid ? snap(slider, Number(input.value)) : Number(input.value);
        showValue(slider, value);
        move(slider.name, value);
      });
      setSlider(slider, slider.value);
    }
  }

  // The sliders at ``values`` (snapped, by name), the others at the scenario's values: how an
  // address and a lesson's step set them.
  function setAll(values) {
    for (const slider of config.sliders) setSlider(slider, slider.name in values ? values[slider.name] : slider.value);
    state.moved = { ...values };
    return state.moved;
  }

  function move(name, value) {
    document.getElementById("notice").hidden = true;
    state.moved[name] = value;
    state.since = state.since ?? performance.now();
    grid ? lookUp() : send();
  }

  // --- the toolbar --------------------------------------------------------------------------

  function buildToolbar() {
    const reset = document.getElementById("reset");
    reset.textContent = words.reset;
    reset.addEventListener("click", () => {
      config.sliders.forEach((slider) => setSlider(slider, slider.value));
      state.moved = {};
      state.since = state.since ?? performance.now();
      grid ? lookUp() : send();
    });
    document.getElementById("view").addEventListener("click", () => {
      view.projector = !view.projector;
      applyView();
      redraw();
    });
    document.getElementById("pin").addEventListener("click", () => {
      state.pinned = state.pinned ? null : { values: current(), numbers: drawn };
      showPin();
      redraw();
    });
    const fixed = document.getElementById("fixed");
    document.getElementById("fixed-label").textContent = words.fixed;
    document.getElementById("fixed-box").hidden = !config.fixed;
    fixed.checked = view.fixed;
    fixed.addEventListener("change", () => {
      view.fixed = fixed.checked;
      redraw();
    });
    document.getElementById("link").textContent = words.link;
    document.getElementById("note").textContent = grid
      ? say("grid_note", { count: shown(grid.points.length, 0) }) : words.live_note;
  }

  function showPin() {
    const button = document.getElementById("pin");
    button.textContent = state.pinned ? words.unpin : words.pin;
    button.setAttribute("aria-pressed", String(!!state.pinned));
  }

  // The address of the page as it is now (see the top of this file); the page's own address is kept
  // up to date so that a bookmark holds it too.
  function writeAddress() {
    const q = new URLSearchParams();
    q.set("lang", config.lang);
    if (view.projector) q.set("view", "projector");
    if (view.fixed) q.set("axes", "fixed");
    for (const [name, value] of Object.entries(state.moved)) q.set(name, String(value));
    if (state.pinned) {
      for (const [name, value] of Object.entries(state.pinned.values)) q.set("pin." + name, String(value));
    }
    if (lesson.open) q.set("lesson", String(lesson.step + 1));
    if (layout.tab !== tabbable[0]) q.set("chart", layout.tab);
    const address = location.pathname + "?" + q.toString();
    history.replaceState(null, "", address);
    document.getElementById("link").href = address;
  }

  // The sliders' values an address gives (``prefix``: "" or "pin."), each at the slider's position
  // nearest to it; a value the slider does not offer (outside its range, between its stops) is said.
  function fromAddress(prefix) {
    const found = {};
    const notes = [];
    for (const slider of config.sliders) {
      const raw = query.get(prefix + slider.name);
      if (raw === null || raw.trim() === "" || !Number.isFinite(Number(raw))) continue;
      found[slider.name] = snap(slider, Number(raw));
      if (Math.abs(found[slider.name] - Number(raw)) > 1e-9 * slider.step) {
        notes.push(say("address_value", { label: slider.label, value: asGiven(slider, Number(raw)),
          min: format(slider, slider.min), max: format(slider, slider.max), shown: format(slider, found[slider.name]) }));
      }
    }
    if (notes.length) {
      const notice = document.getElementById("notice");
      notice.textContent = [notice.textContent, ...notes].filter((text) => text).join(" ");
      notice.hidden = false;
    }
    return found;
  }

  // --- views --------------------------------------------------------------------------------

  function applyView() {
    document.body.classList.toggle("projector", view.projector);
    const button = document.getElementById("view");
    button.textContent = view.projector ? words.full : words.projector;
    button.setAttribute("aria-pressed", String(view.projector));
    document.getElementById("formula").hidden = !config.formula;
    chartsBox.classList.toggle("with-formula", !!config.formula);
    // Chart text follows the page's (see page.css): 18 px at least in projector view.
    FONT.size = view.projector ? Math.round(Math.min(26, Math.max(18, window.innerWidth / 57)))
      : Math.round(Math.min(17, Math.max(14, window.innerWidth / 100)));
    MARGIN = { l: Math.round(4.6 * FONT.size), r: 24, t: Math.round(1.3 * FONT.size) + 8, b: Math.round(1.9 * FONT.size) };
    probe.margin = MARGIN;
    for (const title of Object.values(titles)) title.style.fontSize = FONT.size + "px";
    marks.labels.forEach((label) => (label.style.fontSize = FONT.size - 2 + "px"));
    showFigures();
    frame = null;
  }

  // --- tabs: the charts other than energy one at a time, where two rows would be too short ----

  function buildTabs() {
    const box = document.getElementById("chart-tabs");
    box.setAttribute("aria-label", words.tabs);
    for (const name of tabbable) {
      const tab = document.createElement("button");
      tab.type = "button";
      tab.id = "tab-" + name;
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", "figure-" + name);
      tab.textContent = words["tab_" + name];
      tab.addEventListener("click", () => {
        layout.tab = name;
        showFigures();
        redraw();
      });
      box.append(tab);
    }
  }

  function showFigures() {
    for (const [name, figure] of Object.entries(figures)) figure.hidden = !visible().includes(name);
    chartsBox.classList.toggle("tabbed", layout.tabbed);
    document.getElementById("chart-tabs").hidden = !layout.tabbed;
    for (const name of tabbable) {
      document.getElementById("tab-" + name).setAttribute("aria-selected", String(name === layout.tab));
    }
  }

  // Two rows of charts where each plot area keeps MIN_PLOT px (the box's height less the formula,
  // the charts' titles and legends and the room for tick labels), else tabs; true if that changed.
  // Decided from the box's height, which does not depend on the charts in it.
  function arrange() {
    const em = parseFloat(getComputedStyle(document.body).fontSize);
    const formula = config.formula ? document.getElementById("formula").getBoundingClientRect().height + 6 : 0;
    const row = (chartsBox.getBoundingClientRect().height - formula - 6) / 2;
    const tabbed = !view.projector && tabbable.length > 1 && window.innerWidth > 800 &&
      row - FIGURE_HEAD * em - MARGIN.t - MARGIN.b < MIN_PLOT;
    if (tabbed === layout.tabbed) return false;
    layout.tabbed = tabbed;
    showFigures();
    return true;
  }

  function redraw() {
    writeAddress();
    if (!drawn) return;
    frame = null;
    plotAll(drawn).then(() => finish(drawn));
  }

  // --- live mode: one request in flight, later moves merged --------------------------------

  // Moves made while a request is out only mark the state; when its answer comes back, one
  // request with the latest values leaves before that answer is drawn, so that the server
  // computes the next run while the browser draws the last one.
  async function send() {
    if (state.inFlight) {
      state.again = true;
      return;
    }
    state.inFlight = probe.busy = true;
    let pending = request();
    while (pending) {
      const answer = await pending;
      pending = state.again ? request() : null;
      await show(answer);
      if (!pending && state.again) pending = request();
    }
    state.inFlight = probe.busy = false;
  }

  function post(values) {
    const body = JSON.stringify({ lang: config.lang, values });
    return fetch(config.api, { method: "POST", headers: { "Content-Type": "application/json" }, body })
      .then(async (response) => ({ ok: response.ok, answer: await response.json() }))
      .catch(() => ({ ok: false, answer: null }));
  }

  function request() {
    state.again = false;
    const since = state.since;
    state.since = null;
    return post({ ...state.moved }).then((found) => ({ since, ...found }));
  }

  async function show({ since, ok, answer }) {
    if (ok) {
      await draw(answer, since);
      return;
    }
    if (!drawn && config.initial) await draw(config.initial, null); // the scenario's own run under the message
    showError(answer ? say("bad_move", { message: answer.error }) : words.no_server);
  }

  // --- grid mode: the precomputed run of the sliders' stops ---------------------------------

  function point(values) {
    let index = 0;
    grid.params.forEach((name, i) => {
      const slider = config.sliders[i];
      const k = Math.round((values[name] - slider.min) / slider.step);
      index = index * slider.choices.length + Math.min(Math.max(k, 0), slider.choices.length - 1);
    });
    return grid.points[index];
  }

  function lookUp() {
    const since = state.since;
    state.since = null;
    draw(point(current()), since);
  }

  // The numbers of a run with ``values`` (a pinned run from the address), or null.
  async function runOf(values) {
    if (grid) return point(Object.assign(defaults(), values));
    const { ok, answer } = await post(values);
    return ok ? answer : null;
  }

  // --- drawing ------------------------------------------------------------------------------

  function showError(text) {
    const box = document.getElementById("error");
    box.textContent = text;
    box.hidden = false;
    probe.lastError = text;
  }

  async function draw(numbers, since) {
    if (numbers.error) {
      showError(say("bad_move", { message: numbers.error }));
      return;
    }
    const start = performance.now();
    drawn = numbers;
    await plotAll(numbers);
    document.getElementById("error").hidden = true; // a new run: the last refusal no longer holds
    finish(numbers);
    probe.draws += 1;
    probe.drawing.push(performance.now() - start);
    if (since !== null) {
      probe.latencies.push(performance.now() - since);
      // A task queued from a frame's callback runs once that frame is painted.
      requestAnimationFrame(() => setTimeout(() => probe.painted.push(performance.now() - since)));
    }
  }

  // What follows Plotly's drawing: the page changes after Plotly's, so that its one forced layout then
  // has only its own changes to lay out.
  function finish(numbers) {
    const range = ranges(numbers);
    placeMarks(range.rebound);
    updateTitles(range.widened);
    const verdict = document.getElementById("verdict");
    document.getElementById("verdict-text").textContent = numbers.verdict.text;
    document.getElementById("verdict-detail").textContent = numbers.verdict.detail;
    verdict.dataset.kind = numbers.verdict.kind;
    verdict.style.background = config.verdict_colours[numbers.verdict.kind];
    const warning = document.getElementById("warning");
    warning.textContent = numbers.warning || "";
    warning.hidden = !numbers.warning;
    showFormula(numbers.formula);
    updateLegends(numbers);
    writeAddress();
  }

  // The four charts are the four subplots of one Plotly figure laid over the chart boxes: one
  // Plotly.react per move, not four (Plotly has a cost per figure, and forces a page layout per
  // figure). Plotly redraws all of a figure at each move, so what does not change with a move
  // is drawn once, out of it: the x axes (years, grid, white plot areas) in a figure underneath
  // (see plotUnder), the titles and legends in HTML, the band and labels of the rebound chart in
  // SVG and HTML (see placeMarks). No axis zooms, as these parts would not follow.
  function plotAll(numbers) {
    if (!frame) {
      arrange();
      frame = measure();
      plotUnder();
    }
    const range = ranges(numbers);
    const data = [];
    const layout = figure("rgba(0,0,0,0)");
    layout.hovermode = "x unified";
    layout.hoverlabel = { bgcolor: "white", namelength: -1 }; // white, not the paper's (transparent); names whole
    const add = (name, traces, yaxis) => {
      if (!visible().includes(name)) return;
      const x = frame.columns[name];
      const y = "y" + AXES[name];
      // Hover names a trace only where its chart has others (Plotly's rule, within a figure).
      const shownTraces = traces.filter((trace) => trace.hoverinfo !== "skip");
      if (shownTraces.length === 1) shownTraces[0].hoverinfo = "x+y+z+text";
      for (const trace of traces) data.push(Object.assign(trace, { xaxis: x, yaxis: y }));
      // The charts of a column share an invisible x axis: one axis less for Plotly.
      layout[x.replace("x", "xaxis")] = Object.assign(xAxis(name), { visible: false, hoverformat: "d" });
      layout[y.replace("y", "yaxis")] = Object.assign(yaxis, { domain: frame.domains[name].y, anchor: x });
    };
    add("energy", energyTraces(numbers), energyAxis(range.energy));
    add("rebound", reboundTraces(numbers), Object.assign(yAxis(), { range: range.rebound, rangemode: "normal",
      ticksuffix: PERCENT }));
    add("stack", stackTraces(numbers.stack, config.stack.bands, "energy"), Object.assign(yAxis(), range.stack));
    add("climate", stackTraces(numbers.climate, config.climate.phases, "climate"),
      Object.assign(yAxis(), range.climate));
    return Plotly.react(plot, data, layout, PLOT);
  }

  // The y ranges of a run: Plotly's own where the axes follow the run, else over the sliders' ranges
  // (config.fixed), widened to what is drawn if a combination of moves goes beyond them. The rebound
  // chart always shows 0 % and 100 %.
  function ranges(numbers) {
    const runs = state.pinned && state.pinned.numbers ? [numbers, state.pinned.numbers] : [numbers];
    const finite = (values) => values.filter((v) => v !== null && Number.isFinite(v));
    const curves = runs.flatMap((run) => finite(run.rebound || []));
    const out = { energy: null, stack: {}, climate: {}, widened: {} };
    const fixed = view.fixed ? config.fixed : null;
    const low = Math.min(-10, ...curves, ...(fixed ? [fixed.rebound[0]] : []));
    const high = Math.max(120, ...curves, ...(fixed ? [fixed.rebound[1]] : []));
    const pad = 0.08 * (high - low);
    out.rebound = [low - pad, high + pad];
    if (!fixed) return out;
    // beyond a fixed bound by more than rounding (the page sums the series the server rounded)
    const beyond = (value, bound, sign) => sign * (value - bound) > 1e-9 * Math.abs(bound);
    out.widened.rebound = beyond(low, Math.min(-10, fixed.rebound[0]), -1) ||
      beyond(high, Math.max(120, fixed.rebound[1]), 1);
    const energy = runs.flatMap((run) => finite([...run.energy.actual, ...run.energy.engineering,
      ...run.energy.frozen]));
    const positive = energy.filter((v) => v > 0);
    out.energy = [Math.min(fixed.energy[0], ...positive), Math.max(fixed.energy[1], ...energy)];
    out.widened.energy = beyond(out.energy[0], fixed.energy[0], -1) || beyond(out.energy[1], fixed.energy[1], 1);
    const peak = (series) => Math.max(0, ...series[0].map((_, i) => series.reduce((sum, s) => sum + (s[i] || 0), 0)));
    for (const name of ["stack", "climate"]) {
      const top = Math.max(fixed[name], ...runs.map((run) => (run[name].length ? peak(run[name]) : 0)));
      out[name] = { range: [0, 1.05 * top || 1], autorange: false, exponentformat: top >= 1e6 ? "power" : "none" };
      out.widened[name] = beyond(top, fixed[name], 1);
    }
    return out;
  }

  function energyLog() {
    return view.fixed ? config.fixed.energy_log : config.energy.log;
  }

  // The x axes and white plot areas, under the figure of the moves; no mouse. Plotly draws a
  // subplot only if a trace uses it: each has an empty one.
  function plotUnder() {
    const layout = figure("white");
    const data = [];
    for (const [name, n] of Object.entries(AXES)) {
      if (!visible().includes(name)) continue;
      layout["xaxis" + n] = Object.assign(xAxis(name), { anchor: "y" + n });
      layout["yaxis" + n] = { visible: false, fixedrange: true, domain: frame.domains[name].y, anchor: "x" + n };
      data.push({ x: [], y: [], xaxis: "x" + n, yaxis: "y" + n });
    }
    marks.svg.setAttribute("width", frame.width);
    marks.svg.setAttribute("height", frame.height);
    return Plotly.react(under, data, layout, { staticPlot: true });
  }

  function figure(background) {
    return {
      font: FONT, separators: config.separators, width: frame.width, height: frame.height, autosize: false,
      margin: { l: 0, r: 0, t: 0, b: 0, pad: 0 }, paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: background,
      showlegend: false,
    };
  }

  // Where each chart box is, as fractions of the figure: the plot area is the box less MARGIN,
  // which leaves room for tick labels and axis titles (the chart's title and legend are HTML above
  // the box: a legend costs Plotly a third of a draw).
  function measure() {
    const box = plot.getBoundingClientRect();
    const x = (px) => Math.min(1, Math.max(0, (px - box.left) / box.width));
    const y = (px) => Math.min(1, Math.max(0, (box.bottom - px) / box.height));
    const domains = {};
    for (const name of visible()) {
      const r = charts[name].getBoundingClientRect();
      domains[name] = {
        x: [x(r.left + MARGIN.l), x(r.right - MARGIN.r)], y: [y(r.bottom - MARGIN.b), y(r.top + MARGIN.t)],
      };
    }
    // Charts one above the other share an x axis in the figure of the moves: x, x2...
    const lefts = [...new Set(Object.values(domains).map((d) => d.x[0]))];
    const columns = {};
    for (const [name, d] of Object.entries(domains)) {
      const i = lefts.indexOf(d.x[0]);
      columns[name] = "x" + (i ? i + 1 : "");
    }
    return { width: box.width, height: box.height, domains, columns };
  }

  // A resized window or view moves the chart boxes: lay the figure over them again.
  const resized = new ResizeObserver(() => {
    if (!frame || !drawn) return;
    const changed = arrange();
    const now = measure();
    if (changed || JSON.stringify(now) !== JSON.stringify(frame)) {
      frame = now;
      plotUnder();
      plotAll(drawn).then(() => finish(drawn));
    }
  });
  resized.observe(chartsBox);
  Object.values(charts).forEach((chart) => resized.observe(chart));

  // Tick labels may overflow (checking that they do not costs a tenth of a draw), and the axis type
  // is given (guessing it reads the data). Axis titles are HTML (see buildTitles).
  function xAxis(name) {
    return {
      type: "linear", range: [times[0], times[times.length - 1]], tickformat: "d", gridcolor: "#E3E3E3",
      zeroline: false, ticklabeloverflow: "allow", fixedrange: true, domain: frame.domains[name].x,
    };
  }

  function yAxis() {
    return {
      type: "linear", gridcolor: "#E3E3E3", rangemode: "tozero", separatethousands: true, exponentformat: "none",
      zeroline: false, ticklabeloverflow: "allow", fixedrange: true,
    };
  }

  function energyAxis(range) {
    const axis = yAxis();
    if (energyLog()) {
      axis.type = "log";
      axis.dtick = 1; // a label at each power of ten only
      delete axis.rangemode;
      const top = range ? range[1] : Math.max(...drawn.energy.frozen.filter((v) => v !== null));
      if (top >= 1e6) axis.exponentformat = "power"; // 10⁹, not 1,000,000,000: tick labels fit
      if (range) {
        const [low, high] = [Math.log10(range[0]), Math.log10(range[1])];
        axis.range = [low - 0.04 * (high - low), high + 0.04 * (high - low)];
        axis.autorange = false;
      }
    } else if (range) {
      axis.range = [0, 1.05 * range[1]];
      axis.autorange = false;
      if (range[1] >= 1e6) axis.exponentformat = "power";
    }
    return axis;
  }

  // --- axis titles: HTML above each plot area ------------------------------------------

  // A y axis's title sits above its plot area, over the tick labels, where it never runs out of room
  // however short the chart; years need no title.
  const titles = {};

  function buildTitles() {
    for (const [name, chart] of Object.entries(charts)) {
      const title = document.createElement("span");
      title.className = "axis-title y";
      title.id = "axis-" + name;
      chart.append(title);
      titles[name] = title;
    }
    updateTitles({});
  }

  // Every y axis says its scale and, with fixed axes, when the run drawn made it wider than the
  // sliders' ranges (``widened``, by chart: see ranges). A title changes only when its text does.
  function updateTitles(widened) {
    const energy = `${config.energy.quantity} (${config.energy.unit})`;
    const texts = { energy: [energy, energyLog()], rebound: [words.rebound_axis, false], stack: [energy, false],
      climate: [config.climate.axis, false] };
    for (const [name, [text, log]] of Object.entries(texts)) {
      const title = [text, log ? words.log : words.linear, ...(widened[name] ? [words.widened] : [])].join(", ");
      if (titles[name].textContent !== title) titles[name].textContent = title;
    }
  }

  // --- the energy chart ---------------------------------------------------------------------

  function energyTraces(numbers) {
    const e = numbers.energy;
    const styles = config.energy.variants;
    const regions = config.energy.regions;
    const pair = (f) => e.actual.map((a, i) => (a === null || e.frozen[i] === null ? null : f(a, i)));
    // Rebound: from the engineering estimate up to the actual run, capped at the frozen run;
    // backfire: the actual run above the frozen one.
    const rebound = pair((a, i) => Math.max(e.engineering[i], Math.min(a, e.frozen[i])));
    const backfire = pair((a, i) => Math.max(a, e.frozen[i]));
    const region = (upper, lower, colour, name) => ({
      ...outline(upper, lower), mode: "lines", line: { width: 0 }, fill: "toself", fillcolor: colour, name,
      hoverinfo: "skip",
    });
    const line = (v) => ({
      x: times, y: e[v], mode: "lines", name: styles[v].name,
      line: { color: styles[v].colour, dash: styles[v].dash, width: styles[v].width },
    });
    const traces = [
      region(rebound, e.engineering, regions.rebound, words.rebound_region),
      region(backfire, e.frozen, regions.backfire, words.backfire_region),
      line("frozen"), line("engineering"), line("actual"),
    ];
    if (state.pinned && state.pinned.numbers) {
      traces.push({ x: times, y: state.pinned.numbers.energy.actual, mode: "lines", name: pinnedName(),
        line: { color: PINNED.colour, dash: PINNED.dash, width: PINNED.width } });
    }
    return traces;
  }

  // The area between two series as closed outlines (up along upper, back along lower), one per run
  // of years where both are known: one trace where "tonexty" needs two (each trace costs Plotly).
  function outline(upper, lower) {
    const x = [];
    const y = [];
    let run = [];
    const close = () => {
      if (run.length && x.length) {
        x.push(null);
        y.push(null);
      }
      for (const i of run) {
        x.push(times[i]);
        y.push(upper[i]);
      }
      for (const i of run.reverse()) {
        x.push(times[i]);
        y.push(lower[i]);
      }
      run = [];
    };
    upper.forEach((u, i) => (u === null || lower[i] === null ? close() : run.push(i)));
    close();
    return { x, y };
  }

  // The curve, and dashed lines at 0 % and 100 % over it and over the grid: one trace, in two
  // pieces.
  function reboundTraces(numbers) {
    const [first, last] = [times[0], times[times.length - 1]];
    const traces = [{
      x: times, y: numbers.rebound || [], mode: "lines", name: words.rebound_line,
      line: { color: config.rebound.colour, width: 3.4 },
    }, {
      x: [first, last, null, first, last], y: [0, 0, null, 100, 100], mode: "lines", hoverinfo: "skip",
      line: { color: "#555", width: 1.5, dash: "dash" },
    }];
    if (state.pinned && state.pinned.numbers) {
      traces.push({ x: times, y: state.pinned.numbers.rebound || [], mode: "lines", name: pinnedName(),
        line: { color: PINNED.colour, dash: PINNED.dash, width: PINNED.width } });
    }
    return traces;
  }

  // The marks of the rebound chart, drawn as Plotly would draw shapes and annotations, but in SVG
  // and HTML between the two figures: the backfire band above 100 % and the labels of the lines at
  // 0 % and 100 % (at the end where the curve is farthest from the line).
  const marks = {};

  function buildMarks() {
    const box = document.getElementById("marks");
    const svg = (marks.svg = document.createElementNS(SVG, "svg"));
    svg.setAttribute("aria-hidden", "true");
    marks.band = document.createElementNS(SVG, "rect");
    marks.band.setAttribute("fill", config.rebound.backfire);
    marks.band.setAttribute("opacity", 0.45);
    svg.append(marks.band);
    marks.labels = [words.zero_line, words.backfire_line].map((text) => {
      const label = document.createElement("span");
      label.className = "line-label";
      label.textContent = text;
      return label;
    });
    box.append(svg, ...marks.labels);
  }

  function placeMarks(range) {
    const shownHere = visible().includes("rebound");
    marks.svg.style.display = shownHere ? "" : "none";
    marks.labels.forEach((label) => (label.hidden = !shownHere));
    if (!shownHere) return;
    const curve = (drawn && drawn.rebound) || [];
    const d = frame.domains.rebound;
    const left = d.x[0] * frame.width;
    const right = d.x[1] * frame.width;
    const top = (1 - d.y[1]) * frame.height;
    const bottom = (1 - d.y[0]) * frame.height;
    const at = (v) => top + ((range[1] - v) / (range[1] - range[0])) * (bottom - top);
    Object.entries({ x: left, y: top, width: right - left, height: Math.max(0, at(100) - top) })
      .forEach(([k, v]) => marks.band.setAttribute(k, v));
    [0, 100].forEach((level, i) => {
      const third = Math.floor(curve.length / 3);
      const distance = (part) =>
        Math.min(Infinity, ...part.filter((v) => v !== null).map((v) => Math.abs(v - level)));
      const onLeft = distance(curve.slice(0, third + 1)) >= distance(curve.slice(curve.length - third - 1));
      const label = marks.labels[i];
      const inset = 0.01 * (right - left) + 1; // Plotly's annotation box is 1 px inside its anchor
      label.style.left = onLeft ? left + inset + "px" : "";
      label.style.right = onLeft ? "" : frame.width - right + inset + "px";
      label.style.top = at(level) + "px";
      label.style.transform = level === 100 ? "translateY(-100%)" : ""; // above the line; below for 0 %
    });
  }

  // Stacked areas, the first band at the bottom.
  function stackTraces(series, bands, group) {
    return series.map((values, i) => ({
      x: times, y: values, name: bands[i].name, stackgroup: group, mode: "lines",
      line: { width: 0.6, color: "white" }, fillcolor: bands[i].colour,
      fillpattern: bands[i].pattern
        ? { shape: bands[i].pattern, bgcolor: bands[i].colour, fgcolor: "white", size: 10 } : undefined,
    }));
  }

  // --- the closed form ----------------------------------------------------------------------

  // Text with exponents: parts are strings, or [base, exponent] pairs drawn with <sup>.
  function write(element, parts) {
    element.replaceChildren();
    for (const part of parts) {
      if (typeof part === "string") {
        element.append(part);
      } else {
        const sup = document.createElement("sup");
        sup.textContent = part[1];
        element.append(part[0], sup);
      }
    }
  }

  function showFormula(f) {
    if (!config.formula) return;
    const colon = config.lang === "fr" ? "\u00a0:" : ":";
    const end = String(times[times.length - 1]);
    document.getElementById("formula-title").textContent = words.formula_title;
    document.getElementById("formula-x-what").textContent = say("formula_x", { end, start: config.start }) + colon;
    document.getElementById("formula-ratio-what").textContent = say("formula_ratio", { start: config.start }) + colon;
    const x = document.getElementById("formula-x");
    const ratio = document.getElementById("formula-ratio");
    const check = document.getElementById("formula-check");
    if (!f) {
      x.textContent = ratio.textContent = check.textContent = "";
      return;
    }
    const bold = (text) => {
      const b = document.createElement("b");
      b.textContent = text;
      return b;
    };
    const eps = shown(f.epsilon, Math.max(1, decimalsOf(f.epsilon)));
    write(x, ["x = ", ["(1 \u2212 " + shown(f.gain, decimalsOf(f.gain)) + ")", shown(f.years, 0)], " = "]);
    x.append(bold(significant(f.x)));
    write(ratio, [["x", "1\u2212\u03b5"], " = ", [significant(f.x), "1\u2212" + eps], " = "]);
    ratio.append(bold(significant(f.formula)));
    check.textContent = `(${words.simulation}${colon} ${significant(f.simulated)})`;
  }

  function decimalsOf(value) {
    const text = String(value);
    return text.includes(".") ? Math.min(4, text.split(".")[1].length) : 0;
  }

  // --- legends: HTML, built once; entries hidden while their series is zero -----------------

  const SVG = "http://www.w3.org/2000/svg";
  const DASHES = { solid: "", dash: "9 5", dot: "2 4", dashdot: "9 4 2 4" };
  const entries = {};

  function swatch(item) {
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "30");
    svg.setAttribute("height", "12");
    svg.setAttribute("aria-hidden", "true");
    const shape = document.createElementNS(SVG, item.dash === undefined ? "rect" : "line");
    if (item.dash === undefined) {
      Object.entries({ width: 30, height: 12, fill: item.colour }).forEach(([k, v]) => shape.setAttribute(k, v));
    } else {
      Object.entries({ x1: 0, y1: 6, x2: 30, y2: 6, stroke: item.colour, "stroke-width": item.width,
        "stroke-dasharray": DASHES[item.dash] }).forEach(([k, v]) => shape.setAttribute(k, v));
    }
    svg.append(shape);
    if (item.pattern) { // hatched, as the band is drawn
      const hatch = document.createElementNS(SVG, "path");
      Object.entries({ d: "M-3 12L9 0M6 12L18 0M15 12L27 0M24 12L36 0", stroke: "white", "stroke-width": 2 })
        .forEach(([k, v]) => hatch.setAttribute(k, v));
      svg.append(hatch);
    }
    return svg;
  }

  // A chart's legend and its "what do these mean?" list: one entry and one definition per item.
  function legend(name, items, question) {
    const box = document.getElementById("legend-" + name);
    const help = document.getElementById("help-" + name);
    document.getElementById("explain-" + name).textContent = question;
    entries[name] = items.map((item) => {
      const entry = document.createElement("span");
      const label = document.createElement("span");
      label.textContent = item.name;
      entry.append(swatch(item), label);
      if (item.help) entry.title = item.help;
      box.append(entry);
      if (item.help) {
        const term = document.createElement("dt");
        const definition = document.createElement("dd");
        term.textContent = item.name;
        definition.textContent = item.help;
        help.append(term, definition);
      }
      return { entry, label, key: item.key };
    });
  }

  function buildLegends() {
    const v = config.energy.variants;
    const pinned = { name: words.pinned.replace(/:?\s*\{settings\}/, ""), help: words.pinned_help,
      colour: PINNED.colour, dash: PINNED.dash, width: PINNED.width, key: "pinned" };
    legend("energy", [
      { ...v.actual, key: "actual" }, { ...v.engineering, key: "engineering" }, { ...v.frozen, key: "frozen" },
      { name: words.rebound_region, help: words.rebound_region_help, colour: config.energy.regions.rebound,
        key: "rebound" },
      { name: words.backfire_region, help: words.backfire_region_help, colour: config.energy.regions.backfire,
        key: "backfire" },
      pinned,
    ], words.lines_help);
    legend("rebound", [
      { name: words.rebound_line, help: words.rebound_help, colour: config.rebound.colour, dash: "solid", width: 3.4 },
      { ...pinned },
    ], words.lines_help);
    // top band first, as drawn
    legend("stack", config.stack.bands.map((b, i) => ({ ...b, key: i })).reverse(), words.colours_help);
    legend("climate", config.climate.phases.map((p, i) => ({ ...p, key: i })).reverse(), words.colours_help);
  }

  function pinnedName() {
    if (!state.pinned) return "";
    const now = current();
    const differ = config.sliders.filter((s) => state.pinned.values[s.name] !== now[s.name])
      .map((s) => `${s.label} ${format(s, state.pinned.values[s.name])}`);
    return differ.length ? say("pinned", { settings: differ.join(", ") }) : words.pinned.replace(/:?\s*\{settings\}/, "");
  }

  // An entry whose series is zero (or missing) throughout says nothing: hidden while it is.
  function updateLegends(numbers) {
    const any = (values) => values.some((v) => v !== null && v !== 0);
    const e = numbers.energy;
    const above = (a, b) => a.some((v, i) => v !== null && b[i] !== null && v > b[i] * (1 + 1e-9));
    const show = {
      actual: any(e.actual), engineering: any(e.engineering), frozen: any(e.frozen),
      rebound: above(e.actual, e.engineering), backfire: above(e.actual, e.frozen), pinned: !!state.pinned,
    };
    for (const item of entries.energy) item.entry.hidden = !show[item.key];
    for (const item of entries.rebound) item.entry.hidden = item.key === "pinned" && !state.pinned;
    for (const item of [...entries.energy, ...entries.rebound]) {
      if (item.key === "pinned" && state.pinned) item.label.textContent = pinnedName();
    }
    for (const item of entries.stack) item.entry.hidden = !any(numbers.stack[item.key]);
    for (const item of entries.climate) item.entry.hidden = !any(numbers.climate[item.key]);
  }

  // --- the lesson ---------------------------------------------------------------------------

  const lesson = { open: false, step: 0, panel: document.getElementById("lesson") };
  const byId = (id) => document.getElementById(id);

  function buildLesson() {
    if (!config.lesson) return;
    const w = config.lesson.words;
    const open = byId("lesson-open");
    open.hidden = false;
    open.textContent = w.lesson;
    open.addEventListener("click", () => (lesson.open ? closeLesson() : goTo(lesson.step)));
    byId("lesson-heading").textContent = config.lesson.title;
    byId("lesson-previous").textContent = "\u2190 " + w.previous;
    byId("lesson-next").textContent = w.next + " \u2192";
    byId("lesson-close").textContent = w.close;
    byId("lesson-predict").textContent = "\u270e"; // a pencil: the prompt says what to predict
    byId("lesson-predict").setAttribute("aria-hidden", "true");
    byId("lesson-observe-label").textContent = w.observe + (config.lang === "fr" ? "\u00a0:" : ":");
    byId("lesson-why-label").textContent = w.explanation + (config.lang === "fr" ? "\u00a0:" : ":");
    byId("lesson-previous").addEventListener("click", () => goTo(lesson.step - 1));
    byId("lesson-next").addEventListener("click", () => goTo(lesson.step + 1));
    byId("lesson-close").addEventListener("click", closeLesson);
    byId("lesson-show").addEventListener("click", () => reveal(byId("lesson-answer").hidden));
  }

  function reveal(shown) {
    const w = config.lesson.words;
    byId("lesson-answer").hidden = !shown;
    byId("lesson-show").textContent = shown ? w.hide : w.show;
    byId("lesson-show").setAttribute("aria-expanded", String(shown));
    document.body.classList.toggle("predicting", lesson.open && !shown);
  }

  // Show step ``k`` (from 0); ``apply``: set its sliders (not when the address already holds them).
  function showStep(k) {
    const steps = config.lesson.steps;
    const step = steps[k];
    const w = config.lesson.words;
    Object.assign(lesson, { open: true, step: k });
    lesson.panel.hidden = false;
    document.body.classList.add("lesson-open");
    byId("lesson-open").setAttribute("aria-pressed", "true");
    byId("lesson-count").textContent = w.step.replace("{k}", k + 1).replace("{n}", steps.length) + " \u00b7 " + step.title + " \u00b7 " +
      w.minutes.replace("{minutes}", step.minutes);
    byId("lesson-question").textContent = step.question;
    byId("lesson-prompt-text").textContent = step.prompt;
    byId("lesson-observe").textContent = step.observe;
    byId("lesson-explanation").textContent = step.explanation;
    byId("lesson-previous").disabled = k === 0;
    byId("lesson-next").disabled = k === steps.length - 1;
    reveal(false);
    frame = null; // the charts' box changed height
  }

  function goTo(k) {
    const steps = config.lesson.steps;
    k = Math.min(Math.max(k, 0), steps.length - 1);
    showStep(k);
    const step = steps[k];
    const exact = grid && step.numbers; // a file: the step's own run, even off the file's grid
    const values = {};
    for (const slider of config.sliders) {
      if (slider.name in step.set) values[slider.name] = exact ? step.set[slider.name] : snap(slider, step.set[slider.name]);
    }
    setAll(values);
    state.since = state.since ?? performance.now();
    if (exact) {
      const since = state.since;
      state.since = null;
      draw(step.numbers, since);
    } else {
      grid ? lookUp() : send();
    }
  }

  function closeLesson() {
    lesson.open = false;
    lesson.panel.hidden = true;
    document.body.classList.remove("lesson-open");
    byId("lesson-open").setAttribute("aria-pressed", "false");
    document.body.classList.remove("predicting");
    frame = null;
    redraw();
  }

  // --- start --------------------------------------------------------------------------------

  async function start() {
    document.getElementById("title").textContent = config.title;
    document.getElementById("tagline").textContent = words.tagline;
    for (const name of Object.keys(charts)) {
      document.getElementById("title-" + name).textContent = words[name + "_title"];
    }
    const description = document.getElementById("description");
    description.textContent = description.title = config.description;
    description.addEventListener("click", () => description.classList.toggle("open")); // three lines, or all
    document.getElementById("source").textContent = config.source;
    buildSliders();
    buildToolbar();
    buildLegends();
    buildMarks();
    buildTitles();
    buildTabs();
    buildLesson();
    applyView();
    const asked = Number(query.get("lesson"));
    const step = config.lesson && Number.isInteger(asked) && asked >= 1 && asked <= config.lesson.steps.length
      ? asked - 1 : null;
    // The address a step wrote holds its settings, maybe between a file's stops: the step's own run.
    const ofStep = step !== null && config.sliders.every((slider) => {
      const raw = query.get(slider.name);
      const set = config.lesson.steps[step].set[slider.name];
      return raw === null ? set === undefined : set !== undefined && Math.abs(Number(raw) - set) < 1e-9;
    });
    const moved = ofStep ? {} : setAll(fromAddress(""));
    const pinned = fromAddress("pin.");
    if (step !== null) showStep(step);
    if (Object.keys(pinned).length) {
      const values = Object.assign(defaults(), pinned);
      const numbers = await runOf(values);
      if (numbers && !numbers.error) state.pinned = { values, numbers };
    }
    showPin();
    if (step !== null && !Object.keys(moved).length) { // a link to a step: its settings; else the address's own
      goTo(step);
    } else if (grid) {
      lookUp();
    } else if (Object.keys(moved).length) {
      send();
    } else {
      draw(config.initial, null);
    }
  }

  start();
})();
