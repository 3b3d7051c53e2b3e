/* The live page of jevons: sliders, a verdict line and four Plotly charts.
 *
 * Live mode (`jevons serve`, config.api set): a move posts the moved sliders to the API, which
 * reruns the simulator. At most one request is in flight; moves made meanwhile are merged and
 * sent, latest values only, when it returns.
 * Grid mode (`jevons export-html`, config.grid set): a move looks up a precomputed run.
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
  // Chart text follows the page's (see page.css): 17 px on a 1920 px wide screen, 13 px at least.
  const FONT = {
    family: "system-ui, 'DejaVu Sans', 'Segoe UI', Arial, sans-serif", color: "#222",
    size: Math.round(Math.min(17, Math.max(13, window.innerWidth / 113))),
  };
  // The figure's size follows the page through a ResizeObserver (below), not Plotly's own; no axis
  // zooms (see plotAll), so no drag handles on the axes (Plotly makes several per chart at each draw).
  const PLOT = { displayModeBar: false, responsive: false, showAxisDragHandles: false };
  // Room around each plot area in its chart box (px): tick labels and axis titles.
  const MARGIN = { l: 88, r: 30, t: 12, b: 54 };
  // Axis numbers of the charts in the figures: y, y2... (and x, x2... in the one underneath)
  const AXES = { energy: "", rebound: "2", stack: "3", climate: "4" };
  const probe = (window.jevons = { latencies: [], painted: [], drawing: [], draws: 0, busy: false, lastError: null });
  const state = { moved: {}, inFlight: false, again: false, since: null };
  const plot = document.getElementById("plot");
  const under = document.getElementById("plot-under");
  let frame = null; // the figure's size and the charts' domains in it (measure)
  let drawn = null; // the numbers drawn last
  const charts = {
    energy: document.getElementById("chart-energy"),
    rebound: document.getElementById("chart-rebound"),
    stack: document.getElementById("chart-stack"),
    climate: document.getElementById("chart-climate"),
  };

  function say(key, fields) {
    return words[key].replace(/\{(\w+)\}/g, (_, name) => String(fields[name]));
  }

  function shown(value, decimals) {
    return new Intl.NumberFormat(locale, {
      minimumFractionDigits: decimals, maximumFractionDigits: decimals, useGrouping: false,
    }).format(value).replace("-", "\u2212");
  }

  // --- sliders ------------------------------------------------------------------------------

  function valueOf(slider, input) {
    return grid ? slider.choices[Number(input.value)] : Number(input.value);
  }

  function showValue(slider, output, value) {
    output.textContent = shown(value, slider.decimals) + (slider.unit ? "\u00a0" + slider.unit : "");
  }

  function buildSliders() {
    const box = document.getElementById("controls");
    const inputs = [];
    for (const slider of config.sliders) {
      const row = document.createElement("div");
      row.className = "slider";
      const label = document.createElement("label");
      const track = document.createElement("div");
      const output = document.createElement("output");
      const input = document.createElement("input");
      input.type = "range";
      input.id = label.htmlFor = "slider-" + slider.name;
      input.name = slider.name;
      if (grid) {
        input.min = 0; input.max = slider.choices.length - 1; input.step = 1;
      } else {
        input.min = slider.min; input.max = slider.max; input.step = slider.step;
      }
      label.textContent = slider.label;
      output.htmlFor = input.id;
      track.append(input, output);
      row.append(label, track);
      box.append(row);
      const reset = () => {
        input.value = grid ? slider.start : slider.value;
        showValue(slider, output, slider.value);
      };
      input.addEventListener("input", () => {
        const value = valueOf(slider, input);
        showValue(slider, output, value);
        move(slider.name, value);
      });
      reset();
      inputs.push(reset);
    }
    const button = document.getElementById("reset");
    button.textContent = words.reset;
    button.addEventListener("click", () => {
      inputs.forEach((reset) => reset());
      state.moved = {};
      state.since = state.since ?? performance.now();
      grid ? lookUp() : send();
    });
  }

  function move(name, value) {
    state.moved[name] = value;
    state.since = state.since ?? performance.now();
    grid ? lookUp() : send();
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

  function request() {
    state.again = false;
    const since = state.since;
    state.since = null;
    const body = JSON.stringify({ lang: config.lang, values: state.moved });
    return fetch(config.api, { method: "POST", headers: { "Content-Type": "application/json" }, body })
      .then(async (response) => ({ since, ok: response.ok, answer: await response.json() }))
      .catch(() => ({ since, ok: false, answer: null }));
  }

  async function show({ since, ok, answer }) {
    if (ok) {
      await draw(answer, since);
    } else {
      showError(answer ? say("bad_move", { message: answer.error }) : words.no_server);
    }
  }

  // --- grid mode: the nearest precomputed run -----------------------------------------------

  function lookUp() {
    let index = 0;
    grid.params.forEach((name, i) => {
      const slider = config.sliders[i];
      const value = name in state.moved ? state.moved[name] : slider.value;
      index = index * slider.choices.length + slider.choices.indexOf(value);
    });
    const since = state.since;
    state.since = null;
    draw(grid.points[index], since);
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
    // The page changes after Plotly's: its one forced layout then has only its own changes to lay out.
    placeTitles();
    placeMarks(numbers.rebound || []);
    document.getElementById("error").hidden = true;
    const verdict = document.getElementById("verdict");
    document.getElementById("verdict-text").textContent = numbers.verdict.text;
    document.getElementById("verdict-detail").textContent = numbers.verdict.detail;
    verdict.dataset.kind = numbers.verdict.kind;
    verdict.style.background = config.verdict_colours[numbers.verdict.kind];
    probe.draws += 1;
    probe.drawing.push(performance.now() - start);
    if (since !== null) {
      probe.latencies.push(performance.now() - since);
      // A task queued from a frame's callback runs once that frame is painted.
      requestAnimationFrame(() => setTimeout(() => probe.painted.push(performance.now() - since)));
    }
  }

  // The four charts are the four subplots of one Plotly figure laid over the chart boxes: one
  // Plotly.react per move, not four (Plotly has a cost per figure, and forces a page layout per
  // figure). Plotly redraws all of a figure at each move, so what does not change with a move
  // is drawn once, out of it: the x axes (years, grid, white plot areas) in a figure underneath
  // (see plotUnder), the titles and legends in HTML, the band and labels of the rebound chart in
  // SVG and HTML (see placeMarks). No axis zooms, as these parts would not follow.
  function plotAll(numbers) {
    if (!frame) {
      frame = measure();
      plotUnder();
    }
    const data = [];
    const layout = figure("rgba(0,0,0,0)");
    layout.hovermode = "x unified";
    layout.hoverlabel = { bgcolor: "white" }; // the paper's colour, by default: transparent here
    const add = (name, traces, yaxis) => {
      const x = frame.columns[name];
      const y = "y" + AXES[name];
      // Hover names a trace only where its chart has others (Plotly's rule, within a figure).
      const shown = traces.filter((trace) => trace.hoverinfo !== "skip");
      if (shown.length === 1) shown[0].hoverinfo = "x+y+z+text";
      for (const trace of traces) data.push(Object.assign(trace, { xaxis: x, yaxis: y }));
      // The charts of a column share an invisible x axis: one axis less for Plotly.
      layout[x.replace("x", "xaxis")] = Object.assign(xAxis(name), { visible: false, hoverformat: "d" });
      layout[y.replace("y", "yaxis")] = Object.assign(yaxis, { domain: frame.domains[name].y, anchor: x });
    };
    add("energy", energyTraces(numbers), energyAxis());
    add("rebound", reboundTraces(numbers), Object.assign(yAxis(), { range: reboundRange(numbers.rebound || []),
      rangemode: "normal", ticksuffix: config.lang === "fr" ? "\u202f%" : " %" }));
    add("stack", stackTraces(numbers.stack, config.stack.bands, "energy"), yAxis());
    add("climate", stackTraces(numbers.climate, config.climate.phases, "climate"), yAxis());
    return Plotly.react(plot, data, layout, PLOT);
  }

  // The x axes and white plot areas, under the figure of the moves; no mouse. Plotly draws a
  // subplot only if a trace uses it: each has an empty one.
  function plotUnder() {
    const layout = figure("white");
    const data = [];
    for (const [name, n] of Object.entries(AXES)) {
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
    for (const [name, chart] of Object.entries(charts)) {
      const r = chart.getBoundingClientRect();
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

  // A resized window moves the chart boxes: lay the figure over them again.
  new ResizeObserver(() => {
    if (!frame || !drawn) return;
    const now = measure();
    if (JSON.stringify(now) !== JSON.stringify(frame)) {
      frame = now;
      plotUnder();
      plotAll(drawn).then(() => {
        placeTitles();
        placeMarks(drawn.rebound || []);
      });
    }
  }).observe(document.getElementById("charts"));

  // Tick labels may overflow (checking that they do not costs a tenth of a draw), and the axis type
  // is given (guessing it reads the data). Axis titles are HTML (see placeTitles).
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

  // --- axis titles: HTML in the chart boxes -------------------------------------------------

  // Plotly places an axis title by measuring it and every tick label, which forces page layouts.
  // These titles sit where Plotly puts its own (its offsets, in px and in tick font sizes
  // FONT.size, title font sizes TITLE): the x title under the tick labels, a y title left of its
  // axis or of its widest tick label, measured on a canvas (no page layout).
  const TITLE = Math.round(1.2 * FONT.size);
  const ruler = document.createElement("canvas").getContext("2d");
  const titles = {};

  function buildTitles() {
    const axes = { energy: config.energy.axis, rebound: words.rebound_axis, stack: config.stack.axis,
      climate: config.climate.axis };
    for (const [name, chart] of Object.entries(charts)) {
      const x = document.createElement("span");
      const y = document.createElement("span");
      x.className = "axis-title x";
      y.className = "axis-title y";
      x.textContent = words.year;
      y.textContent = axes[name];
      Object.assign(x.style, { fontSize: TITLE + "px", left: MARGIN.l + "px", right: MARGIN.r + "px",
        top: `calc(100% - ${MARGIN.b - FONT.size - 0.2 * TITLE - 2}px)` });
      Object.assign(y.style, { fontSize: TITLE + "px", top: MARGIN.t + "px", bottom: MARGIN.b + "px" });
      chart.append(x, y);
      titles[name] = y;
    }
    ruler.font = `${FONT.size}px ${FONT.family}`;
  }

  function placeTitles() {
    for (const [name, n] of Object.entries(AXES)) {
      let widest = 0;
      for (const label of plot.querySelectorAll(`.y${n}tick text`)) {
        widest = Math.max(widest, ruler.measureText(label.textContent).width);
      }
      // Plotly's title ends 11.5 px + 2 FONT.size left of the axis, or 2 px left of the widest
      // tick label (which ends 1 px left of the axis), whichever is farther.
      const right = Math.min(MARGIN.l - 11.5 - 2 * FONT.size, MARGIN.l - 1 - widest - 2);
      titles[name].style.left = Math.max(0, right - 1.2 * TITLE) + "px";
    }
  }

  function energyAxis() {
    const axis = yAxis();
    if (config.energy.log) {
      axis.type = "log";
      axis.dtick = 1; // a label at each power of ten only
      delete axis.rangemode;
    }
    return axis;
  }

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
    return [
      region(rebound, e.engineering, regions.rebound, words.rebound_region),
      region(backfire, e.frozen, regions.backfire, words.backfire_region),
      line("frozen"), line("engineering"), line("actual"),
    ];
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
    return [{
      x: times, y: numbers.rebound || [], mode: "lines", name: words.rebound_line,
      line: { color: config.rebound.colour, width: 3.4 },
    }, {
      x: [first, last, null, first, last], y: [0, 0, null, 100, 100], mode: "lines", hoverinfo: "skip",
      line: { color: "#555", width: 1.5, dash: "dash" },
    }];
  }

  // The rebound axis shows 0 % and 100 % whatever the curve, with room above and below.
  function reboundRange(curve) {
    const finite = curve.filter((v) => v !== null);
    const low = Math.min(-10, ...finite);
    const high = Math.max(120, ...finite);
    const pad = 0.08 * (high - low);
    return [low - pad, high + pad];
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
      label.style.fontSize = FONT.size - 2 + "px";
      label.textContent = text;
      return label;
    });
    box.append(svg, ...marks.labels);
  }

  function placeMarks(curve) {
    const range = reboundRange(curve);
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

  // --- legends: HTML, drawn once ------------------------------------------------------------

  const SVG = "http://www.w3.org/2000/svg";
  const DASHES = { solid: "", dash: "9 5", dot: "2 4", dashdot: "9 4 2 4" };

  function swatch(item) {
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "36");
    svg.setAttribute("height", "16");
    svg.setAttribute("aria-hidden", "true");
    const shape = document.createElementNS(SVG, item.dash === undefined ? "rect" : "line");
    if (item.dash === undefined) {
      Object.entries({ width: 36, height: 16, fill: item.colour }).forEach(([k, v]) => shape.setAttribute(k, v));
    } else {
      Object.entries({ x1: 0, y1: 8, x2: 36, y2: 8, stroke: item.colour, "stroke-width": item.width,
        "stroke-dasharray": DASHES[item.dash] }).forEach(([k, v]) => shape.setAttribute(k, v));
    }
    svg.append(shape);
    if (item.pattern) { // hatched, as the band is drawn
      const hatch = document.createElementNS(SVG, "path");
      Object.entries({ d: "M-4 16L12 0M8 16L24 0M20 16L36 0M32 16L48 0", stroke: "white", "stroke-width": 2 })
        .forEach(([k, v]) => hatch.setAttribute(k, v));
      svg.append(hatch);
    }
    return svg;
  }

  function legend(name, items) {
    const box = document.getElementById("legend-" + name);
    for (const item of items) {
      const entry = document.createElement("span");
      entry.append(swatch(item), item.name);
      box.append(entry);
    }
  }

  function buildLegends() {
    const v = config.energy.variants;
    legend("energy", [
      v.actual, v.engineering, v.frozen,
      { name: words.rebound_region, colour: config.energy.regions.rebound },
      { name: words.backfire_region, colour: config.energy.regions.backfire },
    ]);
    legend("stack", config.stack.bands.slice().reverse()); // top band first, as drawn
    legend("climate", config.climate.phases.slice().reverse());
  }

  // --- start --------------------------------------------------------------------------------

  document.getElementById("title").textContent = config.title;
  for (const name of Object.keys(charts)) {
    document.getElementById("title-" + name).textContent = words[name + "_title"];
  }
  document.getElementById("description").textContent = config.description;
  document.getElementById("source").textContent = config.source;
  document.getElementById("note").textContent = grid
    ? say("grid_note", { count: grid.points.length }) : words.live_note;
  buildSliders();
  buildLegends();
  buildTitles();
  buildMarks();
  if (grid) {
    lookUp();
  } else {
    draw(config.initial, null);
  }
})();
