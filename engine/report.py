"""The build report: report/index.html with PNG plots, the metrics table, and sounds to
listen to in place: the examples as `<audio>` elements, and the sound map and first
heatmap drawn by report.js, where a click plays the clip there (engine/clips.py). A
static folder: it opens from disk, with no server."""
import html
import json
import shutil
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from .descriptors import KEY, REGISTRY, checked  # noqa: E402
from .evaluate import NO_NOISE, RANGE_OVER_NOISE  # noqa: E402

CONTROL_R, CONTROL_R2 = 0.9, 0.8  # the acceptance line for "reachable"


def _save(fig, path: Path):
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path.name


def plot_heatmaps(grids: dict, folder: Path) -> str:
    view = grids["latent_views"][0]
    names = grids["descriptors"]
    cols = 5
    rows = int(np.ceil(len(names) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(3.0 * cols, 2.8 * rows), squeeze=False)
    extent = [view["x_values"][0], view["x_values"][-1], view["y_values"][0], view["y_values"][-1]]
    labels = grids["dimension_labels"]
    for ax, n in zip(axes.flat, names):
        im = ax.imshow(np.array(view["grids"][n]), origin="lower", extent=extent, aspect="auto", cmap="viridis")
        ax.set_title(n, fontsize=9)
        ax.set_xlabel(f"latent {view['x']} ({labels[str(view['x'])]})", fontsize=7)
        ax.set_ylabel(f"latent {view['y']} ({labels[str(view['y'])]})", fontsize=7)
        fig.colorbar(im, ax=ax, fraction=0.046)
    for ax in list(axes.flat)[len(names):]:
        ax.axis("off")
    return _save(fig, folder / "heatmaps.png")


def plot_labels(grids: dict, folder: Path) -> str:
    names = grids["descriptors"]
    views = grids["latent_views"][:6]
    fig, axes = plt.subplots(1, len(views), figsize=(3.2 * len(views), 3.4), squeeze=False)
    cmap = plt.get_cmap("tab20", len(names))
    for ax, v in zip(axes.flat, views):
        ax.imshow(np.array(v["labels"]), origin="lower", cmap=cmap, vmin=-0.5, vmax=len(names) - 0.5, aspect="auto")
        ax.set_title(f"latent {v['x']} x {v['y']}", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    handles = [plt.Rectangle((0, 0), 1, 1, color=cmap(k)) for k in range(len(names))]
    fig.legend(handles, names, loc="lower center", ncol=min(7, len(names)), fontsize=7)
    fig.subplots_adjust(bottom=0.25)
    fig.savefig(folder / "labels.png", dpi=80)
    plt.close(fig)
    return "labels.png"


def plot_map(grids: dict, folder: Path) -> str:
    """The sampled sounds laid out by what they sound like, each coloured by the
    descriptor highest in its cell of the map's grid."""
    m, names = grids["map"], grids["descriptors"]
    points = np.array(m["points"])
    fig, ax = plt.subplots(figsize=(7, 6))
    cmap = plt.get_cmap("tab20", len(names))
    ax.scatter(points[:, 0], points[:, 1], c=m["point_labels"], cmap=cmap, vmin=-0.5,
               vmax=len(names) - 0.5, s=4)
    ax.set_title(f"{len(points)} sampled sounds ({m['method']}, trustworthiness "
                 f"{m['trustworthiness'][m['method']]:.3f})", fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
    handles = [plt.Rectangle((0, 0), 1, 1, color=cmap(k)) for k in range(len(names))]
    ax.legend(handles, names, loc="center left", bbox_to_anchor=(1, 0.5), fontsize=7)
    return _save(fig, folder / "map.png")


def plot_planes(grids: dict, folder: Path) -> str:
    planes = grids["descriptor_planes"]
    fig, axes = plt.subplots(1, len(planes), figsize=(3.2 * len(planes), 3.0), squeeze=False)
    for ax, p in zip(axes.flat, planes):
        im = ax.imshow(np.array(p["error"]), origin="lower", extent=[0, 1, 0, 1], cmap="magma_r", vmin=0, vmax=0.5)
        ax.set_xlabel(f"{p['x']} target", fontsize=8)
        ax.set_ylabel(f"{p['y']} target", fontsize=8)
        ax.set_title("distance to target", fontsize=8)
        fig.colorbar(im, ax=ax, fraction=0.046)
    return _save(fig, folder / "planes.png")


def plot_importance(importance: dict, folder: Path) -> str:
    names = list(importance)
    m = np.array([importance[n] for n in names])
    fig, ax = plt.subplots(figsize=(1.0 + 0.5 * m.shape[1], 0.4 * len(names) + 1.2))
    im = ax.imshow(np.clip(m, 0, None), cmap="viridis", aspect="auto")
    ax.set_yticks(range(len(names)), names, fontsize=8)
    ax.set_xticks(range(m.shape[1]), [f"z{i}" for i in range(m.shape[1])], fontsize=8)
    ax.set_title("permutation importance (drop in R²)", fontsize=9)
    fig.colorbar(im, ax=ax)
    return _save(fig, folder / "importance.png")


def plot_control(requested: np.ndarray, measured: np.ndarray, names, folder: Path) -> str:
    cols = 5
    rows = int(np.ceil(len(names) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(2.8 * cols, 2.7 * rows), squeeze=False)
    for j, (ax, n) in enumerate(zip(axes.flat, names)):
        ax.scatter(requested[:, j], measured[:, j], s=5, alpha=0.6)
        ax.plot([0, 1], [0, 1], color="grey", lw=0.8)
        ax.set_title(n, fontsize=9)
        ax.set_xlabel("requested", fontsize=7)
        ax.set_ylabel("measured", fontsize=7)
    for ax in list(axes.flat)[len(names):]:
        ax.axis("off")
    return _save(fig, folder / "control.png")


def plot_in_time(timed: dict, key, folder: Path) -> str:
    """Requested and measured curves: each key descriptor alone (top row) and all of them
    at once, on independent and on reachable targets, as the control-in-time check played
    them."""
    key = [n for n in key if n in timed["alone"]] or list(timed["alone"])[:4]
    rows = [(label, timed[part]) for label, part in
            (("alone", "alone"), ("together", "together"), ("reachable", "together_reachable")) if timed.get(part)]
    fig, axes = plt.subplots(len(rows), len(key), figsize=(3.4 * len(key), 2.6 * len(rows)), squeeze=False)
    for i, (label, results) in enumerate(rows):
        for ax, n in zip(axes[i], key):
            if n not in results:
                ax.axis("off")
                continue
            v = results[n]
            t = v["start"] + v["window"] * (np.arange(len(v["requested"])) + 0.5)
            ax.plot(t, v["requested"], color="grey", lw=1.2, label="requested")
            ax.plot(t, v["measured"], color="C0", lw=1.2, label="measured")
            ax.set_ylim(-0.1, 1.1)
            ax.set_title(f"{n} ({label}): r {v['r']:.2f}, L1 {v['l1']:.2f}", fontsize=9)
            ax.set_xlabel("s", fontsize=7)
    axes[0][0].legend(fontsize=7)
    return _save(fig, folder / "in_time.png")


def unreachable(metrics: dict) -> dict:
    """Descriptors whose control misses the line, with the reason measured."""
    out = {}
    for n, m in metrics["descriptors"].items():
        if m["control_r"] >= CONTROL_R and m["control_r2"] >= CONTROL_R2:
            continue
        if not m.get("controllable", True):
            why = (f"not controllable on this generator: its sampled range is only {m['range_over_noise']:.1f} "
                   "times what the same latent decoded twice spans")
        elif m.get("noise_floor_r2", 1.0) < 0.9:
            why = f"the generator is not repeatable for it (same latent twice: R² {m['noise_floor_r2']:.2f})"
        elif m["forward_r2"] < 0.9:
            why = (f"it is not a smooth function of the latent at this sample size (forward R² "
                   f"{m['forward_r2']:.2f}): the descriptor varies at finer scale than the surrogate resolves")
        else:
            why = "the inverse lands off target though the forward map is learnt"
        out[n] = why
    return out


def write_page_data(folder: Path, grids: dict, clips: dict) -> str:
    """data.js: what report.js draws and plays, as a script (a page opened from disk may
    not fetch JSON)."""
    view = grids["latent_views"][0]
    data = {"descriptors": grids["descriptors"], "clips": clips,
            "map": {k: grids["map"][k] for k in ("method", "points", "values")},
            "heatmap": {k: view[k] for k in ("x", "y", "x_values", "y_values", "grids")}}
    (folder / "data.js").write_text(f"window.SEMANTIC_REPORT = {json.dumps(data, separators=(',', ':'))};\n")
    shutil.copyfile(Path(__file__).with_name("report.js"), folder / "report.js")
    return "data.js"


def listening(grids: dict, clips: dict) -> str:
    view = grids["latent_views"][0]
    return f"""<h2>Listen: click the map or the heatmap</h2>
<p>Each dot of the map is a sampled sound, placed by what it sounds like ({grids['map']['method']}); the
{len(clips['map'])} ringed ones have a clip: a click plays the nearest. The heatmap shows a descriptor over
latent {view['x']} and latent {view['y']}, the others at the reference latent; a click plays the nearest of its
{len(clips['heatmap']['cells'])} ringed cells, decoded.</p>
<div style="display:flex;gap:24px;flex-wrap:wrap">
<figure><canvas id="map-canvas" width="420" height="420" data-margin="10"></canvas>
<figcaption>colour: <select id="map-colour"></select></figcaption></figure>
<figure><canvas id="heatmap-canvas" width="420" height="420" data-margin="10"></canvas>
<figcaption>colour: <select id="heatmap-colour"></select></figcaption></figure></div>
<p><audio id="player" controls></audio> <span id="now">nothing played yet</span></p>"""


def card(name: str, measured: dict, ends: dict) -> str:
    """One descriptor's card: what it means and how far to trust it here (docs/descriptors.md)."""
    d = REGISTRY[name]  # every descriptor of a bundle being written is registered
    meaning, unit, how = d.meaning or "(no description)", d.unit, d.reference
    ratio = measured.get("range_over_noise")
    span = "no noise: it decodes the same every time" if isinstance(ratio, float) and ratio >= NO_NOISE else \
        f"its sampled range is {ratio:.1f} times what the same latent decoded twice spans" \
        if isinstance(ratio, float) else "not measured"
    playable = (f"<b>controllable here</b>: {span}" if measured.get("controllable", True)
                else f"<b>not controllable on this generator</b>: {span} (needs {RANGE_OVER_NOISE:g})")
    sounds = "".join(
        f"<p>{end}: " + " ".join(f'<figure class="ex"><audio controls preload="none" src="../{e["file"]}"></audio>'
                                 f'<figcaption>{e["value"]:.2f}</figcaption></figure>' for e in ends[end]) + "</p>"
        for end in ("low", "high") if end in ends)
    return (f'<section class="card" id="card-{html.escape(name)}"><h3>{html.escape(name)}'
            f' ({html.escape(unit)})</h3><p class="meaning">{html.escape(meaning)}</p>'
            f"<p><b>how</b>: {html.escape(how)}</p><p><b>against an independent implementation</b>: "
            f"{html.escape(checked(name))}</p><p>{playable}</p>{sounds}</section>")


def write_report(folder: Path, metrics: dict, grids: dict, requested, measured, examples: dict, timed: dict,
                 clips: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_page_data(folder, grids, clips)
    names = list(metrics["descriptors"])
    figures = [("Heatmaps of the two most important latent dimensions", plot_heatmaps(grids, folder)),
               ("Which descriptor dominates each cell", plot_labels(grids, folder)),
               ("The sampled sounds laid out by what they sound like (the descriptor highest around each)",
                plot_map(grids, folder)),
               ("Descriptor planes: how close partial control lands", plot_planes(grids, folder)),
               ("Latent dimensions driving each descriptor", plot_importance(metrics["explain"]["importance"], folder)),
               ("Control: requested vs measured on re-decoded audio", plot_control(requested, measured, names, folder)),
               (f"Control in time: random target curves played for {timed['seconds']:g} s (Fader-RAVE's protocol)",
                plot_in_time(timed, KEY, folder))]
    cols = ["forward_r2", "control_r", "control_r2", "in_time_r", "in_time_r_steady", "in_time_l1", "steer_ratio",
            "noise_floor_r2", "range_over_noise"]
    rows = []
    for n, m in metrics["descriptors"].items():
        # a deterministic generator has no noise: its range over noise is capped at NO_NOISE
        cells = "".join("<td>-</td>" if not isinstance(m.get(c), float) else "<td>no noise</td>" if m[c] >= NO_NOISE
                        else f"<td>{m[c]:.3f}</td>" for c in cols)
        interp = metrics["explain"]["interpretability"][n]
        rows.append(f"<tr><th>{html.escape(n)}</th>{cells}<td>z{interp['dimension']}: {interp['r2']:.2f}</td></tr>")
    steer_rows = "".join(
        f"<tr><th>{html.escape(n)}</th><td>{s['steer_ratio']:.2f}</td><td>{s['steer_bound']:.2f}</td>"
        f"<td>{s['steer_of_bound']:.2f}</td></tr>"
        for n, s in metrics.get("steer_exposed", {}).items() if "steer_bound" in s)
    steer_html = (f"<h2>Steering with the exposed descriptors held</h2><p>Each one steered by 0.4 while the others "
                  f"are held, on re-decoded audio: the ratio of its change to the largest held change (median over "
                  f"{metrics['checks']} test start points), beside the best ratio any small latent "
                  f"move reaches at the same points (a linear program on the surrogate's Jacobian)."
                  + "".join(f" {html.escape(n)} is left out: this generator does not move it beyond its noise."
                            for n in metrics.get("exposed_uncontrollable", []))
                  + "</p><table><tr><th>"
                  f"</th><th>measured</th><th>bound</th><th>of bound</th></tr>{steer_rows}</table>") if steer_rows else ""
    at_once = metrics["in_time"]
    reachable = at_once["together_reachable"]
    cell = lambda part, n, k: f"<td>{part[n][k]:.2f}</td>" if n in part else "<td>-</td>"  # noqa: E731
    once_rows = "".join(
        f"<tr><th>{html.escape(n)}</th><td>{v['r']:.2f}</td>{cell(at_once['together_reach'], n, 'r')}"
        f"{cell(reachable, n, 'r')}<td>{v['l1']:.2f}</td>{cell(reachable, n, 'l1')}</tr>"
        for n, v in at_once["together"].items())
    once_html = (f"<h2>Control in time, {len(at_once['together'])} descriptors at once</h2><p>Random target curves "
                 f"for all of them at once ({at_once['seconds']:g} s each): on independent targets (Fader-RAVE's), "
                 "beside what the nearest sampled sound to each requested combination would score (what the "
                 "generator makes at all), and on targets that are held-out sounds' own combinations.</p><table>"
                 "<tr><th></th><th>r, independent</th><th>r, nearest sampled</th><th>r, reachable</th>"
                 f"<th>L1, independent</th><th>L1, reachable</th></tr>{once_rows}</table>") if once_rows else ""
    split_text = ", ".join(f"{k} {v}" for k, v in metrics["split"].items())
    misses = unreachable(metrics)
    miss_html = "".join(f"<li><b>{html.escape(n)}</b>: {html.escape(w)}</li>" for n, w in misses.items()) or \
        "<li>none: every descriptor reaches control r ≥ 0.9 and R² ≥ 0.8</li>"
    fig_html = "".join(f'<h2>{html.escape(t)}</h2><img src="{f}" alt="{html.escape(t)}">' for t, f in figures)
    extra = "".join(f'<h2>{html.escape(t)}</h2><img src="{f}" alt="{html.escape(t)}">'
                    for t, f in metrics.get("extra_figures", []))
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>semantic~ report</title>
<style>body{{font-family:sans-serif;max-width:1200px;margin:auto}}td,th{{padding:2px 8px;text-align:right}}
img{{max-width:100%}}figure.ex{{display:inline-block;margin:2px}}figure.ex audio{{width:150px}}
section.card{{border:1px solid #ccc;border-radius:6px;padding:4px 12px;margin:8px 0}}</style>
</head><body>
<h1>semantic~ bundle report</h1>
<p>{metrics['samples']} samples, built in {metrics['build_seconds']:.0f} s; controller: <b>{metrics['controller']}</b>.
Grid fidelity on {grids['fidelity']['cells']} decoded cells: mean |error| {grids['fidelity']['latent_mae']:.3f}
(normalised units).</p>
<p>Samples are split three ways: {split_text}. The controller was chosen on the selection split;
the scaler and the near-duplicate descriptors saw train and selection only;
every number below is measured on the test split alone.</p>
<h2>Metrics</h2><table><tr><th></th>{''.join(f'<th>{c}</th>' for c in cols)}<th>best single dim R²</th></tr>
{''.join(rows)}</table>
{steer_html}
{once_html}
<h2>Descriptors control cannot reach</h2><ul>{miss_html}</ul>
{listening(grids, clips)}
{fig_html}{extra}
<h2>What each descriptor measures</h2>
<p>Its meaning, the standard or model it follows, how it compares with an independent
implementation, whether this generator can be played by it, and its lowest and highest
sampled sounds (normalised value under each).</p>
{''.join(card(n, metrics["descriptors"][n], examples.get(n, {})) for n in names)}
<script src="data.js"></script><script src="report.js"></script>
</body></html>"""
    index = folder / "index.html"
    index.write_text(page)
    return index
