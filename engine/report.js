// The report's listening views (engine/report.py writes the page, data.js and the clips):
// the sound map and the first heatmap drawn on canvases; a click plays the clip nearest
// to it. Opened from disk: everything is a relative file, nothing is fetched.
"use strict";
(function () {
    const R = window.SEMANTIC_REPORT;
    const player = document.getElementById("player");
    const now = document.getElementById("now");
    // viridis (matplotlib) at t = k/15, as [semantic.heatmap] draws it
    const VIRIDIS = [[68, 1, 84], [72, 26, 108], [71, 47, 125], [65, 68, 135], [57, 86, 140], [49, 104, 142],
        [42, 120, 142], [35, 136, 142], [31, 152, 139], [34, 168, 132], [53, 183, 121], [84, 197, 104],
        [122, 209, 81], [165, 219, 54], [210, 226, 27], [253, 231, 37], [253, 231, 37]];

    function colour(t) {
        t = Math.max(0, Math.min(1, t)) * 15;
        const i = Math.floor(t), f = t - i, a = VIRIDIS[i], b = VIRIDIS[i + 1];
        return `rgb(${a.map((v, k) => Math.round(v + f * (b[k] - v))).join(",")})`;
    }

    function range(values) {
        let lo = Infinity, hi = -Infinity;
        for (const v of values) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        return [lo, hi - lo || 1];
    }

    // The plot area of a canvas: 0..1 on both axes, y up, inside its data-margin.
    function frame(canvas) {
        const m = Number(canvas.dataset.margin);
        return {m: m, w: canvas.width - 2 * m, h: canvas.height - 2 * m};
    }

    function unit(canvas, event) {
        const box = canvas.getBoundingClientRect(), f = frame(canvas);
        const x = (event.clientX - box.left) * canvas.width / box.width;
        const y = (event.clientY - box.top) * canvas.height / box.height;
        return [(x - f.m) / f.w, 1 - (y - f.m) / f.h];
    }

    function play(file, text) {
        player.src = file;
        player.dataset.clip = file;
        now.textContent = text;
        player.play().catch((e) => { now.textContent = `${text} (could not play: ${e.message})`; });
    }

    function nearest(list, x, y, at) {
        let best = null, distance = Infinity;
        for (const item of list) {
            const [u, v] = at(item), d = (u - x) ** 2 + (v - y) ** 2;
            if (d < distance) {
                best = item;
                distance = d;
            }
        }
        return best;
    }

    function options(select, names, chosen) {
        for (const n of names) {
            const o = document.createElement("option");
            o.value = o.textContent = n;
            o.selected = n === chosen;
            select.appendChild(o);
        }
    }

    // --- the sound map -------------------------------------------------------------
    const map = document.getElementById("map-canvas"), mapBy = document.getElementById("map-colour");
    options(mapBy, R.descriptors, R.descriptors[0]);

    function drawMap() {
        const g = map.getContext("2d"), f = frame(map), values = R.map.values[mapBy.value];
        const [lo, span] = range(values);
        g.fillStyle = "#1f1f21";
        g.fillRect(0, 0, map.width, map.height);
        R.map.points.forEach(([x, y], i) => {
            g.fillStyle = colour((values[i] - lo) / span);
            g.fillRect(f.m + x * f.w - 1.5, f.m + (1 - y) * f.h - 1.5, 3, 3);
        });
        g.strokeStyle = "rgba(255,255,255,0.6)";
        for (const c of R.clips.map) {
            g.strokeRect(f.m + c.x * f.w - 3, f.m + (1 - c.y) * f.h - 3, 6, 6);
        }
    }

    map.addEventListener("click", (event) => {
        const [x, y] = unit(map, event);
        const c = nearest(R.clips.map, x, y, (c) => [c.x, c.y]);
        const values = R.descriptors.map((n) => `${n} ${R.map.values[n][c.sample].toFixed(2)}`).join(", ");
        play(c.file, `sound ${c.sample} of the map (${c.x.toFixed(2)}, ${c.y.toFixed(2)}): ${values}`);
    });
    mapBy.addEventListener("change", drawMap);

    // --- the first heatmap ---------------------------------------------------------
    const heat = document.getElementById("heatmap-canvas"), heatBy = document.getElementById("heatmap-colour");
    const view = R.heatmap;
    options(heatBy, R.descriptors, R.descriptors[0]);

    function drawHeatmap() {
        const g = heat.getContext("2d"), f = frame(heat), cells = view.grids[heatBy.value];
        const rows = cells.length, cols = cells[0].length, [lo, span] = range(cells.flat());
        g.fillStyle = "#1f1f21";
        g.fillRect(0, 0, heat.width, heat.height);
        cells.forEach((row, r) => row.forEach((v, c) => {
            g.fillStyle = colour((v - lo) / span);
            g.fillRect(f.m + c * f.w / cols, f.m + (rows - 1 - r) * f.h / rows, f.w / cols + 1, f.h / rows + 1);
        }));
        g.strokeStyle = "rgba(255,255,255,0.6)";
        for (const c of R.clips.heatmap.cells) {
            g.strokeRect(f.m + (c.col + 0.5) * f.w / cols - 3, f.m + (rows - 0.5 - c.row) * f.h / rows - 3, 6, 6);
        }
    }

    heat.addEventListener("click", (event) => {
        const [x, y] = unit(heat, event), cells = view.grids[heatBy.value];
        const rows = cells.length, cols = cells[0].length;
        const c = nearest(R.clips.heatmap.cells, x, y, (c) => [(c.col + 0.5) / cols, (c.row + 0.5) / rows]);
        play(c.file, `latent ${view.x} = ${view.x_values[c.col].toFixed(2)}, latent ${view.y} = ` +
            `${view.y_values[c.row].toFixed(2)}: ${heatBy.value} ${cells[c.row][c.col].toFixed(2)} (predicted)`);
    });
    heatBy.addEventListener("change", drawHeatmap);

    drawMap();
    drawHeatmap();
}());
