// Render a bundle's heatmaps as [semantic.heatmap] draws them, into its report:
//     node js/render.js BUNDLE
// writes BUNDLE/report/jsui-*.png and links them from BUNDLE/report/index.html.
"use strict";
const fs = require("fs");
const path = require("path");
const { Jsui } = require("./host/jsui");

const SCRIPT = path.join(__dirname, "semantic.heatmap.js");
const BEGIN = "<!-- semantic.heatmap -->";
const END = "<!-- /semantic.heatmap -->";

function render(bundle, width = 440, height = 320) {
    const report = path.join(bundle, "report");
    const ui = new Jsui(SCRIPT, width, height);
    ui.send("read", bundle);
    if (ui.errors.length) {
        throw new Error(ui.errors.join(""));
    }
    const grids = JSON.parse(fs.readFileSync(path.join(bundle, "grids.json"), "utf8"));
    const shots = [];
    const shoot = (file, caption) => {
        ui.png(path.join(report, file));
        shots.push([file, caption]);
    };
    // the key descriptors: those the bundle's descriptor planes pair
    const key = [...new Set(grids.descriptor_planes.flatMap((p) => [p.x, p.y]))];
    for (const name of key.length ? key : grids.descriptors.slice(0, 1)) {
        ui.send("descriptor", name);
        shoot(`jsui-heatmap-${name}.png`, `${name} over the two most important latent dimensions`);
    }
    ui.send("view", "labels");
    shoot("jsui-labels.png", "dominant descriptor per cell");
    ui.send("view", "plane");
    const plane = grids.descriptor_planes[0];
    if (plane) {
        shoot(`jsui-plane-${plane.x}-${plane.y}.png`, `reachability of ${plane.x} × ${plane.y} targets`);
    }
    if (grids.map) {
        ui.send("view", "map");
        ui.send("descriptor", key[0] || grids.descriptors[0]);
        shoot("jsui-map.png", `the sampled sounds on the sound map, by ${key[0] || grids.descriptors[0]}`);
    }
    link(path.join(report, "index.html"), shots);
    return shots.map(([file]) => path.join(report, file));
}

// Replace (or add) the report's section of these images, so reruns do not pile up.
function link(index, shots) {
    let page = fs.readFileSync(index, "utf8");
    const start = page.indexOf(BEGIN);
    if (start >= 0) {
        page = page.slice(0, start) + page.slice(page.indexOf(END) + END.length);
    }
    const figures = shots.map(([file, caption]) =>
        `<figure style="display:inline-block"><img src="${file}" alt="${caption}"><figcaption>${caption}</figcaption></figure>`);
    const section = `${BEGIN}<h2>As [semantic.heatmap] draws them</h2>${figures.join("")}${END}`;
    fs.writeFileSync(index, page.replace("</body>", `${section}</body>`));
}

if (require.main === module) {
    if (process.argv.length !== 3) {
        console.error("usage: node js/render.js BUNDLE");
        process.exit(2);
    }
    try {
        for (const file of render(process.argv[2])) {
            console.log(file);
        }
    } catch (e) {
        console.error(`render: ${e.message}`);
        process.exit(1);
    }
}

module.exports = { render };
