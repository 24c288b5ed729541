// The report page: draws a sweep's dataset (the JSON in #report-data) with Tabulator (the table) and Apache ECharts
// (every chart). The table's filter and sort drive the charts and the gallery.
(function () {
  "use strict";
  const D = JSON.parse(document.getElementById("report-data").textContent);
  const STORE_KEY = "siren-sweep-report:" + D.dataset;
  const saved = JSON.parse(sessionStorage.getItem(STORE_KEY) || "{}");
  const LABELS = {
    psnr_determined: "PSNR of what the supervision determines (dB)", psnr: "PSNR (dB)",
    psnr_affine: "PSNR after the affine fit (dB)", psnr_harmonic: "PSNR after the harmonic fit (dB)",
    gradient_error: "gradient error (relative L2)", laplacian_error: "Laplacian error (relative L2)",
    final_loss: "final training loss", loss: "training loss", train_s: "training time (s)",
    ms_per_step: "ms per optimiser step", seconds: "training seconds"
  };
  const PICTURE_NAMES = {
    target: "target", value: "value", "value-affine": "value, affine fit", "value-harmonic": "value, harmonic fit",
    gradient: "gradient", laplacian: "Laplacian", bicubic: "bicubic"
  };
  const PALETTE = ["#2f6fdb", "#e8830c", "#2c9a56", "#8e44ad", "#c23b3b", "#16a0b5", "#8d6e63", "#d4a017",
    "#5c6bc0", "#7cb342"];
  const CURVE_LIMIT = 200;
  const GALLERY_PAGE = 40;
  const DISPLAY = 128; // gallery pictures are enlarged by the whole factor that brings them closest to this size
  const el = (id) => document.getElementById(id);
  const measureInfo = Object.fromEntries(D.measures.map((m) => [m.name, m]));
  const settingNames = D.varied.map((v) => v.name);
  const charts = [];
  let measure = saved.measure && measureInfo[saved.measure] ? saved.measure : D.measures[0].name;
  let group = saved.group !== undefined ? saved.group
    : (settingNames.includes("supervision") ? "supervision" : (settingNames[0] || ""));
  if (group && !settingNames.includes(group)) group = "";
  let curveMeasure = saved.curveMeasure || "psnr_determined";
  let galleryShown = saved.galleryShown || GALLERY_PAGE;
  let table = null;

  // ---- formatting
  function fmt(v) {
    if (v === null || v === undefined) return "";
    if (typeof v === "number") {
      return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
    }
    if (typeof v === "boolean") return v ? "true" : "false";
    return String(v);
  }
  function shortValue(name, v) {
    if (name === "image" && typeof v === "string") return v.split("/").pop();
    if (name === "batch_size" && v === 0) return "full";
    return fmt(v);
  }
  function esc(text) {
    return String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]));
  }
  function duration(s) {
    if (s === null || s === undefined) return "";
    s = Math.round(s);
    if (s >= 3600) return Math.floor(s / 3600) + "h" + String(Math.floor(s / 60) % 60).padStart(2, "0") + "m";
    if (s >= 60) return Math.floor(s / 60) + "m" + String(s % 60).padStart(2, "0") + "s";
    return s + "s";
  }
  function better(a, b, lower) {
    // Order for "best first": missing values last.
    const na = a === null || a === undefined || Number.isNaN(a), nb = b === null || b === undefined || Number.isNaN(b);
    if (na || nb) return na === nb ? 0 : (na ? 1 : -1);
    return lower ? a - b : b - a;
  }
  function groupValue(t) {
    return group ? shortValue(group, t.s[group]) : "all trials";
  }
  const groupColours = new Map();
  function colourOf(value) {
    if (!groupColours.has(value)) groupColours.set(value, PALETTE[groupColours.size % PALETTE.length]);
    return groupColours.get(value);
  }
  function pictureUrl(ref) {
    return ref && D.pictures[ref] ? "data:image/png;base64," + D.pictures[ref] : null;
  }
  function chart(node) {
    const c = echarts.init(node, null, { renderer: "canvas" });
    charts.push(c);
    return c;
  }
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));

  // ---- header
  function header() {
    el("title").textContent = D.sweep;
    el("description").textContent = D.description || "";
    const counts = Object.entries(D.statuses).map(([s, n]) => `<span class="status ${esc(s)}">${esc(s)} ${n}</span>`);
    const finished = D.trials.filter((t) => t.status !== "running").length;
    const rows = [
      ["trials", `${finished} rows ${counts.join(" ")}`],
      ["training time", `${duration(D.train_s_total)} in all, median ${duration(D.train_s_median)} per trial` +
        (D.first_started ? `; first started ${esc(D.first_started)}, last finished ${esc(D.last_finished)}` : "")],
      ["fixed settings", Object.entries(D.fixed).map(([k, v]) => `${esc(k)} ${esc(shortValue(k, v))}`).join(", ")],
      ["varied settings", D.varied.map((v) => `${esc(v.name)} (${v.values.length}${v.log ? ", log scale" : ""})`)
        .join(", ") || "none"],
      ["machines", ["host", "device", "gpu"].filter((k) => D.machines[k].length)
        .map((k) => `${k}: ${esc(D.machines[k].join(", "))}`).join("; ")],
      ["versions", Object.entries(D.versions).filter(([, v]) => v).map(([k, v]) => `${esc(k.replace("_version", ""))} ${esc(v)}`)
        .join(", ")],
      ["dataset", `<code>${esc(D.dataset)}</code>`],
      ["reproduce", `<code>${esc(D.command)}</code>`],
      ["pictures", D.images === "none" ? "none (report --images none)" : D.images === "all"
        ? "every trial's at full size" : `thumbnails up to ${D.thumbnail} px; full size for the best trials per ` +
          "supervision (report --images all carries every trial's)"],
      ["written", esc(D.generated_at)]
    ];
    el("overview").innerHTML = "<dl id=\"overview-list\" style=\"display:contents\">" +
      rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join("") + "</dl>";
    if (D.live) live();
  }

  function live() {
    const L = D.live;
    const written = Date.parse(D.generated_at);
    const stale = Date.now() - written > Math.max(60, 6 * L.refresh_s) * 1000;
    const node = el("live");
    node.className = stale ? "stale" : "";
    const share = L.trials ? (100 * L.done / L.trials) : 0;
    node.innerHTML = `<strong>${stale ? "This run stopped updating the page" : "Running"}:</strong> ${esc(L.title)}: ` +
      `${L.done}/${L.trials} done (ok ${L.ok}, diverged ${L.diverged}, failed ${L.failed}` +
      `${L.stopped ? ", stopped " + L.stopped : ""}${L.paused ? ", at the rung " + L.paused : ""}), ` +
      `${L.running.length} running, ${duration(L.elapsed_s)}${L.eta_s !== null ? ", ETA " + duration(L.eta_s) : ""}` +
      `<div class="bar"><div style="width:${share.toFixed(1)}%"></div></div>` +
      (stale ? `written ${esc(D.generated_at)}; run the sweep again to resume it` :
        `updated ${new Date(written).toLocaleTimeString()}; this page reloads every ${L.refresh_s} s`);
    if (!stale) {
      setTimeout(() => { saveState(); location.reload(); }, L.refresh_s * 1000);
    }
  }

  function saveState() {
    const state = { measure, group, curveMeasure, galleryShown, scroll: window.scrollY };
    if (table) {
      state.sorters = table.getSorters().map((s) => ({ column: s.field, dir: s.dir }));
      state.filters = table.getHeaderFilters().map((f) => ({ field: f.field, value: f.value }));
    }
    sessionStorage.setItem(STORE_KEY, JSON.stringify(state));
  }
  window.addEventListener("beforeunload", saveState);

  // ---- controls
  function controls() {
    el("measure").innerHTML = D.measures.map((m) => `<option value="${m.name}">${esc(m.name)}</option>`).join("");
    el("measure").value = measure;
    el("group").innerHTML = `<option value="">(none)</option>` +
      settingNames.map((s) => `<option value="${s}">${esc(s)}</option>`).join("");
    el("group").value = group;
    el("curve-measure").innerHTML = D.curve_measures.map((m) => `<option value="${m.name}">${esc(m.name)}</option>`).join("");
    el("curve-measure").value = curveMeasure;
    el("measure").addEventListener("change", () => {
      measure = el("measure").value;
      table.setSort(measure, measureInfo[measure].lower ? "asc" : "desc");
      refresh();
    });
    el("group").addEventListener("change", () => { group = el("group").value; refresh(); });
    el("curve-measure").addEventListener("change", () => { curveMeasure = el("curve-measure").value; drawCurves(); });
    el("gallery-more").addEventListener("click", () => { galleryShown += GALLERY_PAGE; drawGallery(); });
    for (const id of ["details", "zoom"]) {
      el(id).querySelector(".close").addEventListener("click", () => el(id).close());
      el(id).addEventListener("click", (e) => { if (e.target === el(id)) el(id).close(); });
    }
  }

  // ---- the table
  function numberSorter(a, b, aRow, bRow, column, dir) {
    const na = a === null || a === undefined, nb = b === null || b === undefined;
    if (na || nb) return na === nb ? 0 : ((na ? 1 : -1) * (dir === "asc" ? 1 : -1)); // blanks last either way
    return a - b;
  }
  function drawTable() {
    const rows = D.trials.map((t) => {
      const row = { id: t.id, status: t.status, epoch: t.epoch, error: t.error || "" };
      settingNames.forEach((s) => { row["s:" + s] = t.s[s]; });
      D.measures.forEach((m) => { row[m.name] = t.m ? t.m[m.name] : null; });
      row.rung = t.status === "stopped" ? t.epoch : null;
      row.front = t.front || "";
      return row;
    });
    const statuses = [...new Set(D.trials.map((t) => t.status))].sort();
    const columns = [
      { title: "trial", field: "id", frozen: true, headerFilter: "input" },
      { title: "status", field: "status", headerFilter: "list",
        headerFilterParams: { values: ["", ...statuses], clearable: true },
        formatter: (c) => `<span class="status ${esc(c.getValue())}">${esc(c.getValue())}</span>` }
    ];
    // Pareto fronts per supervision: PSNR against training seconds, and against parameter count where sizes vary.
    columns.push({
      title: "Pareto front", field: "front", formatter: (c) => esc(c.getValue()),
      headerTooltip: "no other trial of its supervision is at least as good on " + D.measures[0].name +
        " and on training time (time)" + (D.size_front ? ", or on parameter count (size)," : "") + " and better on one",
      headerFilter: "list", headerFilterParams: { values: ["", "time", ...(D.size_front ? ["size"] : [])], clearable: true },
      headerFilterFunc: (value, cell) => !value || cell.split(", ").includes(value)
    });
    D.varied.forEach((v) => {
      columns.push({
        title: v.name, field: "s:" + v.name, sorter: v.numeric ? numberSorter : "string",
        formatter: (c) => esc(shortValue(v.name, c.getValue())),
        headerFilter: v.values.length <= 12 ? "list" : "input",
        headerFilterParams: v.values.length <= 12
          ? { values: Object.fromEntries([["", ""], ...v.values.map((x) => [String(x), shortValue(v.name, x)])]), clearable: true }
          : {},
        headerFilterFunc: (value, cell) => value === "" || value === null || String(cell) === String(value)
          || shortValue(v.name, cell).includes(value)
      });
    });
    D.measures.forEach((m) => columns.push({
      title: m.name, field: m.name, sorter: numberSorter, hozAlign: "right", formatter: (c) => fmt(c.getValue()),
      headerFilter: "input", headerFilterPlaceholder: m.lower ? "max" : "min",
      headerFilterFunc: (value, cell) => value === "" || (cell !== null && (m.lower ? cell <= Number(value) : cell >= Number(value)))
    }));
    columns.push({ title: "epoch", field: "epoch", sorter: numberSorter, hozAlign: "right" });
    if (D.rungs.length) columns.push({ title: "stopped at rung", field: "rung", sorter: numberSorter, hozAlign: "right" });
    columns.push({ title: "error", field: "error", headerFilter: "input", tooltip: true, maxWidth: 420 });

    const sorters = saved.sorters && saved.sorters.length ? saved.sorters
      : [{ column: measure, dir: measureInfo[measure].lower ? "asc" : "desc" }];
    table = new Tabulator("#trial-table", {
      data: rows, columns, index: "id", height: rows.length > 14 ? "520px" : false, layout: "fitData",
      initialSort: sorters, initialHeaderFilter: saved.filters || [], placeholder: "no trials match the filters"
    });
    table.on("rowClick", (e, row) => details(row.getData().id));
    table.on("dataSorted", () => setTimeout(refresh, 0));
    table.on("dataFiltered", () => setTimeout(refresh, 0));
    table.on("tableBuilt", () => {
      refresh();
      if (saved.scroll) window.scrollTo(0, saved.scroll);
    });
    window.report = { table, data: D, draws: 0 };
  }

  const byId = new Map(D.trials.map((t) => [t.id, t]));
  function activeTrials() {
    return table.getData("active").map((r) => byId.get(r.id));
  }

  let refreshQueued = false;
  function refresh() {
    if (refreshQueued) return;
    refreshQueued = true;
    requestAnimationFrame(() => {
      refreshQueued = false;
      el("table-count").textContent = `${table.getDataCount("active")} of ${D.trials.length} shown`;
      drawParallel();
      drawCurves();
      drawAnalyses();
      drawGallery();
      window.report.draws += 1; // tests wait on this
    });
  }

  // ---- parallel coordinates
  let parallelChart = null;
  function drawParallel() {
    const m = measureInfo[measure];
    const trials = activeTrials().filter((t) => t.m && t.m[measure] !== null && t.m[measure] !== undefined);
    el("parallel-note").textContent = `The settings the sweep varied and ${measure} (colour); ` +
      `${trials.length} trials with a ${measure}. Drag along an axis to brush.`;
    if (!parallelChart) parallelChart = chart(el("parallel-chart"));
    const axes = D.varied.map((v, i) => v.numeric
      ? { dim: i, name: v.name, type: v.log ? "log" : "value", scale: true }
      : { dim: i, name: v.name, type: "category", data: v.values.map((x) => shortValue(v.name, x)) });
    const values = trials.map((t) => t.m[measure]);
    const positive = values.every((x) => x > 0);
    axes.push({ dim: axes.length, name: measure, type: m.lower && positive ? "log" : "value", scale: true,
      nameTextStyle: { fontWeight: "bold" } });
    const min = Math.min(...values), max = Math.max(...values);
    parallelChart.setOption({
      animation: false,
      parallel: { left: 60, right: 110, top: 50, bottom: 30 },
      parallelAxis: axes,
      visualMap: values.length ? {
        type: "continuous", dimension: axes.length - 1, min, max: max > min ? max : min + 1, calculable: true,
        right: 10, top: "middle", text: [m.lower ? "worse" : "better", m.lower ? "better" : "worse"],
        inRange: { color: m.lower ? ["#2c9a56", "#e8c31c", "#c23b3b"] : ["#c23b3b", "#e8c31c", "#2c9a56"] }
      } : undefined,
      tooltip: { trigger: "item", formatter: (p) => esc(p.name) },
      series: [{
        type: "parallel", lineStyle: { width: 1.2, opacity: 0.6 }, smooth: false,
        data: trials.map((t) => ({ name: t.id, value: [...D.varied.map((v) => v.numeric ? t.s[v.name] : shortValue(v.name, t.s[v.name])), t.m[measure]] }))
      }]
    }, true);
  }

  // ---- learning curves
  let curvesChart = null;
  function drawCurves() {
    if (!curvesChart) curvesChart = chart(el("curves-chart"));
    const lower = measureInfo[measure].lower;
    const all = activeTrials().filter((t) => t.curve);
    const shown = all.slice().sort((a, b) => better(a.m[measure], b.m[measure], lower)).slice(0, CURVE_LIMIT);
    el("curves-note").textContent = `${shown.length} of ${all.length} curves` +
      (all.length > shown.length ? ` (the best ${CURVE_LIMIT} by ${measure}; filter the table to choose others)` : "") +
      (group ? `, coloured by ${group}` : "") + (D.rungs.length ? "; dashed: trials stopped at a rung (dotted grey lines)" : "");
    const cm = D.curve_measures.find((m) => m.name === curveMeasure);
    const positive = shown.every((t) => t.curve[curveMeasure].every((v) => v === null || v > 0));
    const series = shown.map((t) => ({
      type: "line", id: t.id, name: groupValue(t), showSymbol: false, symbolSize: 3,
      color: colourOf(groupValue(t)), triggerLineEvent: true,
      lineStyle: { width: 1.2, type: t.status === "stopped" ? "dashed" : "solid", opacity: 0.85 },
      emphasis: { focus: "series", lineStyle: { width: 2.5 } },
      data: t.curve.epoch.map((e, i) => [e, t.curve[curveMeasure][i]])
    }));
    if (series.length && D.rungs.length) {
      series[0].markLine = { silent: true, symbol: "none", lineStyle: { color: "#999", type: "dotted" },
        label: { formatter: "rung {c}" }, data: D.rungs.map((r) => ({ xAxis: r })) };
    }
    curvesChart.setOption({
      animation: false,
      grid: { left: 70, right: 30, top: 40, bottom: 50 },
      legend: { type: "scroll", top: 5 },
      tooltip: { trigger: "item", formatter: (p) => `${esc(p.seriesId)} (${esc(p.seriesName)})<br>epoch ${p.value[0]}: ${fmt(p.value[1])}` },
      xAxis: { type: "value", name: "epoch", nameLocation: "middle", nameGap: 28, min: 0 },
      yAxis: { type: cm && cm.lower && positive && curveMeasure !== "seconds" ? "log" : "value", scale: true,
        name: LABELS[curveMeasure] || curveMeasure, nameLocation: "middle", nameGap: 52 },
      dataZoom: [{ type: "inside", xAxisIndex: 0 }],
      series
    }, true);
    curvesChart.off("click");
    curvesChart.on("click", (p) => details(p.seriesId));
  }

  // ---- gallery
  function picture(ref, caption, fullRef, trial) {
    const url = pictureUrl(ref);
    if (!url) return "";
    return `<figure><img class="pic" alt="${esc(caption)}" data-ref="${ref}" data-full="${fullRef || ""}" ` +
      `data-trial="${trial}" data-caption="${esc(caption)}" src="${url}"><figcaption>${esc(caption)}</figcaption></figure>`;
  }
  function pictureRow(t) {
    if (!t.pic) return "";
    const kinds = ["target", t.fit_kind];
    if (t.fit_kind !== "value") kinds.push("value");
    kinds.push("gradient", "laplacian");
    const full = t.full || {};
    const parts = kinds.filter((k) => t.pic[k]).map((k) => picture(t.pic[k],
      (PICTURE_NAMES[k] || k) + (k === t.fit_kind && k !== "value" ? " (determined)" : ""), full[k], t.id));
    return `<div class="pictures">${parts.join("")}</div>`;
  }
  function upscaleRow(t) {
    if (!t.up || !t.up.length) return "";
    const sizes = [...new Set(t.up.map((u) => u.size))].sort((a, b) => a - b);
    const parts = [];
    for (const size of sizes) {
      for (const u of t.up.filter((x) => x.size === size)) {
        const method = u.kind === "bicubic" ? "bicubic" : t.fit_method;
        const score = (t.upscale || []).find((s) => s.size === size && s.method === method);
        const caption = `${size}², ${u.kind === "bicubic" ? "bicubic" : "network (" + (PICTURE_NAMES[u.kind] || u.kind) + ")"}` +
          (score ? `: ${fmt(score.psnr)} dB, SSIM ${fmt(score.ssim)}` : "");
        parts.push(`<figure><img class="crop" alt="${esc(caption)}" data-ref="${u.ref}" data-trial="${t.id}" ` +
          `data-caption="${esc(caption)}" src="${pictureUrl(u.ref)}"><figcaption>${esc(caption)} </figcaption></figure>`);
      }
    }
    return `<h3>upscaled renders</h3><div class="pictures">${parts.join("")}</div>`;
  }
  function drawGallery() {
    const gallery = el("gallery");
    if (D.images === "none") {
      el("gallery-note").textContent = "This report carries no pictures (report --images none).";
      gallery.innerHTML = "";
      el("gallery-more").style.display = "none";
      return;
    }
    const trials = activeTrials().filter((t) => t.pic);
    const shown = trials.slice(0, galleryShown);
    el("gallery-note").textContent = `${shown.length} of ${trials.length} trials, in the table's order ` +
      `(sort it by a measure to rank them); pictures at their real pixels, enlarged by whole factors ("determined": ` +
      "the fit its supervision determines); click a picture for full size.";
    gallery.innerHTML = shown.map((t, i) => `<div class="card" data-trial="${t.id}"><div class="head">` +
      `<span class="rank">#${i + 1}</span><span class="status ${esc(t.status)}">${esc(t.status)}</span>` +
      `<a href="#" class="trial-link">${esc(t.id)}</a><span class="value">${esc(measure)} ${esc(fmt(t.m[measure]))}</span>` +
      `<span class="settings">${settingNames.map((s) => `${esc(s)} ${esc(shortValue(s, t.s[s]))}`).join(", ")}</span>` +
      `</div>${pictureRow(t)}${upscaleRow(t)}</div>`).join("");
    gallery.querySelectorAll("img.pic, img.crop").forEach(enlarge);
    el("gallery-more").style.display = trials.length > shown.length ? "" : "none";
  }
  function enlarge(img) {
    const apply = () => {
      if (img.classList.contains("crop")) {
        if (img.naturalWidth > 128) { // a centre crop at real pixels
          img.nextElementSibling.textContent += " (centre, real pixels)";
          return;
        }
        img.classList.replace("crop", "pic"); // small enough to show whole
      }
      const zoom = Math.max(1, Math.floor(DISPLAY / img.naturalWidth));
      img.style.width = img.naturalWidth * zoom + "px";
      img.style.height = img.naturalHeight * zoom + "px";
    };
    if (img.complete && img.naturalWidth) apply(); else img.addEventListener("load", apply, { once: true });
  }
  document.addEventListener("click", (e) => {
    const img = e.target.closest("img.pic, img.crop");
    if (img) { zoom(img); return; }
    const link = e.target.closest(".trial-link");
    if (link) { e.preventDefault(); details(link.closest("[data-trial]").dataset.trial); }
  });
  function zoom(img) {
    const full = img.dataset.full;
    const url = full ? pictureUrl(full) : img.src;
    const body = el("zoom-body");
    body.innerHTML = `<p>${esc(img.dataset.trial)}: ${esc(img.dataset.caption)}${!full && img.classList.contains("pic")
      && D.images !== "all" && (byId.get(img.dataset.trial) || {}).pic ? " (as carried: report --images all for every trial's full size)" : ""}</p>` +
      `<img class="pic" id="zoomed" src="${url}">`;
    const big = el("zoomed");
    const fit = () => {
      const zoom = Math.max(1, Math.floor(Math.min(window.innerWidth * 0.85 / big.naturalWidth,
        window.innerHeight * 0.75 / big.naturalHeight)));
      big.style.width = big.naturalWidth * zoom + "px";
      big.style.height = big.naturalHeight * zoom + "px";
    };
    if (big.complete && big.naturalWidth) fit(); else big.addEventListener("load", fit, { once: true });
    el("zoom").showModal();
  }

  // ---- one trial's details
  function details(id) {
    const t = byId.get(id);
    if (!t) return;
    const body = el("details-body");
    const kv = (pairs) => `<table class="kv">${pairs.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(fmt(v))}</td></tr>`).join("")}</table>`;
    const settings = { ...D.fixed, ...t.s };
    body.innerHTML = `<h2>trial ${esc(t.id)} <span class="status ${esc(t.status)}">${esc(t.status)}</span></h2>` +
      (t.error ? `<p class="error">${esc(t.error)}</p>` : "") +
      (t.status === "stopped" ? `<p>stopped by successive halving at the rung at epoch ${t.epoch}</p>` : "") +
      `<div class="charts"><div><h3>settings</h3>${kv(Object.entries(settings).map(([k, v]) => [k, shortValue(k, v)]))}</div>` +
      `<div><h3>measures</h3>${kv(Object.entries(t.m || {}))}<h3>run</h3>${kv(Object.entries(t.d || {}))}</div></div>` +
      (t.curve ? `<h3>curve</h3><div class="chart" id="details-curve" style="height:260px"></div>` : "") +
      (t.upscale && t.upscale.length ? `<h3>upscale scores</h3><table class="kv"><tr><th>size</th><th>method</th><th>PSNR (dB)</th><th>SSIM</th></tr>` +
        t.upscale.map((u) => `<tr><td>${u.size}</td><td>${esc(u.method)}${u.method === t.fit_method ? " (what it determines)" : ""}</td>` +
          `<td>${fmt(u.psnr)}</td><td>${fmt(u.ssim)}</td></tr>`).join("") + "</table>" : "") +
      (t.pic ? `<h3>pictures</h3>${pictureRow(t)}${upscaleRow(t)}` : "");
    body.querySelectorAll("img.pic, img.crop").forEach(enlarge);
    el("details").showModal();
    if (t.curve) {
      const c = echarts.init(el("details-curve"));
      c.setOption({
        animation: false, grid: { left: 60, right: 60, top: 30, bottom: 30 }, legend: { top: 0 },
        tooltip: { trigger: "axis" },
        xAxis: { type: "value", name: "epoch", min: 0 },
        yAxis: [{ type: "value", scale: true, name: "PSNR (dB)" }, { type: "log", name: "loss" }],
        series: [
          { type: "line", name: "psnr_determined", showSymbol: false, data: t.curve.epoch.map((e, i) => [e, t.curve.psnr_determined[i]]) },
          { type: "line", name: "loss", yAxisIndex: 1, showSymbol: false, data: t.curve.epoch.map((e, i) => [e, t.curve.loss[i]]) }
        ]
      });
      el("details").addEventListener("close", () => c.dispose(), { once: true });
    }
  }

  // ---- the seed's analyses, drawn as the notebooks draw them
  function mean(xs) { return xs.reduce((a, b) => a + b, 0) / xs.length; }
  function setting(t, name) { return name in t.s ? t.s[name] : D.fixed[name]; }
  function drawAnalyses() {
    const batch = settingNames.includes("batch_size");
    const upscale = D.trials.some((t) => t.upscale && t.upscale.length);
    el("analyses-section").style.display = batch || upscale ? "" : "none";
    el("analyses-link").style.display = batch || upscale ? "" : "none";
    if (batch) drawBatchEffect();
    if (upscale) drawUpscale();
  }

  let batchCharts = [];
  function drawBatchEffect() {
    const m = measureInfo[measure];
    const ok = activeTrials().filter((t) => t.status === "ok" && t.m[measure] !== null);
    const points = (t) => setting(t, "batch_size") === 0 ? setting(t, "resolution") ** 2 : setting(t, "batch_size");
    const shuffles = settingNames.includes("shuffle") ? [false, true] : [setting(D.trials[0], "shuffle") || false];
    const node = el("batch-effect");
    if (!batchCharts.length) {
      node.innerHTML = `<h3>Batch effect</h3><p class="hint">Mean ${esc(measure)} per points per step (batch size; ` +
        `the full batch is the right end), one line per supervision, dots the single trials (seeds); ` +
        `pick the measure at the top.</p><div class="charts">${shuffles.map((s, i) => `<div class="chart" id="batch-${i}"></div>`).join("")}</div>`;
      batchCharts = shuffles.map((s, i) => chart(el("batch-" + i)));
    }
    node.querySelector(".hint").textContent = `Mean ${measure} per points per step (batch size; the full batch is the ` +
      "right end), one line per supervision, dots the single trials (seeds); pick the measure at the top.";
    shuffles.forEach((shuffle, i) => {
      // A full batch is the same shuffled or not (the sweep runs it once, unshuffled): it ends both lines.
      const mine = ok.filter((t) => (setting(t, "shuffle") || false) === shuffle || setting(t, "batch_size") === 0);
      const supervisions = D.supervisions.filter((s) => mine.some((t) => setting(t, "supervision") === s));
      const series = [];
      for (const s of supervisions) {
        const part = mine.filter((t) => setting(t, "supervision") === s);
        const byPoints = new Map();
        part.forEach((t) => { const p = points(t); byPoints.set(p, [...(byPoints.get(p) || []), t.m[measure]]); });
        const xs = [...byPoints.keys()].sort((a, b) => a - b);
        series.push({ type: "line", name: s, color: colourOf(s), data: xs.map((x) => [x, mean(byPoints.get(x))]), symbolSize: 7 });
        series.push({ type: "scatter", name: s, color: colourOf(s), symbolSize: 4, itemStyle: { opacity: 0.45 },
          data: part.map((t) => ({ value: [points(t), t.m[measure]], name: t.id })) });
      }
      const positive = mine.every((t) => t.m[measure] > 0);
      batchCharts[i].setOption({
        animation: false,
        title: { text: shuffles.length > 1 ? (shuffle ? "shuffled every epoch" : "contiguous batches (Siren-Jax)") : "", textStyle: { fontSize: 13 } },
        grid: { left: 70, right: 20, top: 50, bottom: 50 }, legend: { top: 22 },
        tooltip: { trigger: "item", formatter: (p) => `${esc(p.seriesName)} ${p.name ? esc(p.name) : "mean"}: ${p.value[0]} points, ${fmt(p.value[1])}` },
        xAxis: { type: "log", logBase: 2, name: "points per step", nameLocation: "middle", nameGap: 28 },
        yAxis: { type: m.lower && positive ? "log" : "value", scale: true, name: LABELS[measure] || measure, nameLocation: "middle", nameGap: 52 },
        series
      }, true);
      batchCharts[i].off("click");
      batchCharts[i].on("click", (p) => { if (p.name) details(p.name); });
    });
  }

  let upscaleCharts = [];
  function drawUpscale() {
    const node = el("upscale");
    const ok = activeTrials().filter((t) => t.status === "ok" && t.upscale && t.upscale.length);
    const images = [...new Set(D.trials.filter((t) => t.upscale && t.upscale.length).map((t) => shortValue("image", setting(t, "image"))))].sort();
    if (!upscaleCharts.length) {
      node.innerHTML = `<h3>Upscale</h3><p class="hint">The network rendered above its training resolution (what its ` +
        `supervision determines) against interpolating the training image (dashed), scored against the original at that ` +
        `size; mean over the trials shown. <label>score <select id="upscale-score"><option>psnr</option><option>ssim</option></select></label></p>` +
        `<div class="charts">${images.map((s, i) => `<div class="chart" id="upscale-${i}"></div>`).join("")}</div>` +
        `<div id="upscale-pictures"></div>`;
      upscaleCharts = images.map((s, i) => chart(el("upscale-" + i)));
      el("upscale-score").addEventListener("change", drawUpscale);
    }
    const score = el("upscale-score").value;
    images.forEach((image, i) => {
      const mine = ok.filter((t) => shortValue("image", setting(t, "image")) === image);
      const series = [];
      const line = (name, colour, dashed, rows) => {
        const byFactor = new Map();
        rows.forEach(([f, v]) => byFactor.set(f, [...(byFactor.get(f) || []), v]));
        const xs = [...byFactor.keys()].sort((a, b) => a - b);
        series.push({ type: "line", name, color: colour, lineStyle: { type: dashed ? "dashed" : "solid" },
          data: xs.map((x) => [x, mean(byFactor.get(x))]), symbolSize: 6 });
      };
      for (const s of D.supervisions.filter((s) => mine.some((t) => setting(t, "supervision") === s))) {
        line("network, " + s, colourOf(s), false, mine.filter((t) => setting(t, "supervision") === s).flatMap((t) =>
          t.upscale.filter((u) => u.method === t.fit_method && u[score] !== null).map((u) => [u.size / setting(t, "resolution"), u[score]])));
      }
      ["nearest", "bilinear", "bicubic"].forEach((method, k) => line(method, ["#bbb", "#888", "#444"][k], true,
        mine.flatMap((t) => t.upscale.filter((u) => u.method === method && u[score] !== null).map((u) => [u.size / setting(t, "resolution"), u[score]]))));
      upscaleCharts[i].setOption({
        animation: false, title: { text: image, textStyle: { fontSize: 13 } },
        grid: { left: 60, right: 20, top: 60, bottom: 45 }, legend: { top: 22, type: "scroll" }, tooltip: { trigger: "axis" },
        xAxis: { type: "log", logBase: 2, name: "upscale factor", nameLocation: "middle", nameGap: 26,
          axisLabel: { formatter: (v) => v + "×" } },
        yAxis: { type: "value", scale: true, name: score === "psnr" ? "PSNR (dB)" : "SSIM" },
        series
      }, true);
    });
    // The best trial per supervision with its upscaled renders, next to the bicubic baseline.
    const withRenders = ok.filter((t) => t.up && t.up.length);
    const lower = measureInfo[measure].lower;
    const bestOf = [...new Set(withRenders.map((t) => setting(t, "supervision")))].map((s) => withRenders
      .filter((t) => setting(t, "supervision") === s).sort((a, b) => better(a.m[measure], b.m[measure], lower))[0]);
    el("upscale-pictures").innerHTML = bestOf.length ? `<h3>Upscaled renders of the best trial per supervision ` +
      `(by ${esc(measure)})</h3>` + bestOf.map((t) => `<div class="card"><div class="head"><a href="#" class="trial-link">${esc(t.id)}</a>` +
      `<span class="settings">${settingNames.map((s) => `${esc(s)} ${esc(shortValue(s, t.s[s]))}`).join(", ")}</span></div>` +
      `${upscaleRow(t)}</div>`).map((html, i) => html.replace('class="card"', `class="card" data-trial="${bestOf[i].id}"`)).join("") : "";
    el("upscale-pictures").querySelectorAll("img.pic, img.crop").forEach(enlarge);
  }

  header();
  controls();
  drawTable();
})();
