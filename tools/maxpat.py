"""Checks Max patchers (.maxpat, .maxhelp) without Max: the JSON structure Max expects,
patch cords whose ends exist, objects that exist in Max or in this package, and the
package's own boxes shaped as the objects will be.

    python -m tools.maxpat [--manifest BUNDLE/manifest.json] FILE...

With --manifest, every [semantic~] box is checked against that bundle; without it, against
the bundle its first argument names (relative to the patch), when it exists.

Exit status 1 and one line per problem when anything is wrong.
"""
import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEATMAP_SCRIPT = ROOT / "js" / "semantic.heatmap.js"

# Max and MSP objects these patches may use (object box names). Not all of Max: a name
# missing here fails the check until someone confirms it exists and adds it.
MAX_OBJECTS = frozenset("""
    bang button toggle number flonum message comment slider dial umenu textedit panel fpic bpatcher
    jsui js print loadbang loadmess metro delay pipe trigger t route routepass select sel gate switch
    prepend append pack pak unpack zl sprintf tosymbol fromsymbol scale expr line + - * / !- !/ %
    int i float f dict coll counter random drunk speedlim qlim change split clip send s receive r
    value v pattr thispatcher p patcher inlet outlet attrui key swap uzi defer deferlow onebang
    live.gain~ live.dial live.text live.slider live.toggle live.numbox live.menu live.tab
    ezdac~ dac~ adc~ ezadc~ sig~ snapshot~ line~ curve~ cycle~ phasor~ noise~ *~ +~ -~ /~
    meter~ levelmeter~ scope~ spectroscope~ number~ gain~ sfplay~ sfrecord~ buffer~ groove~
    selector~ adsr~ dspstate~ nn~ multislider kslider
""".split())
# UI classes a box's "maxclass" may name besides "newobj" (object boxes).
UI_CLASSES = frozenset("""
    message comment button toggle number flonum slider dial umenu textedit panel fpic bpatcher jsui
    attrui inlet outlet live.gain~ live.dial live.text live.slider live.toggle live.numbox live.menu
    live.tab ezdac~ ezadc~ meter~ levelmeter~ scope~ spectroscope~ number~ gain~ multislider kslider
""".split())
PACKAGE_OBJECTS = frozenset({"semantic~", "semantic.heatmap"})


def jsui_shape(script: Path):
    """(inlets, outlets) a jsui script declares."""
    text = script.read_text()
    ins = re.search(r"^inlets\s*=\s*(\d+)", text, re.M)
    outs = re.search(r"^outlets\s*=\s*(\d+)", text, re.M)
    return int(ins.group(1)) if ins else 1, int(outs.group(1)) if outs else 1


def semantic_shape(text: str, manifest: dict):
    """(inlets, outlets) of a [semantic~ ...] box made with `manifest`'s bundle."""
    words = text.split()
    exposed = len(manifest["descriptors"])
    if "@descriptors" in words:
        rest = words[words.index("@descriptors") + 1:]
        exposed = len([w for w in rest[:next((k for k, w in enumerate(rest) if w.startswith("@")), len(rest))]])
    return exposed, manifest["channels"] + manifest["latent_size"] + exposed + 1


def check_patcher(patcher: dict, where: str, manifest_for) -> list:
    problems = []
    if not isinstance(patcher.get("boxes"), list) or not isinstance(patcher.get("lines", []), list):
        return [f"{where}: a patcher needs a 'boxes' list and a 'lines' list"]
    boxes = {}
    for k, entry in enumerate(patcher["boxes"]):
        box = entry.get("box") if isinstance(entry, dict) else None
        if not isinstance(box, dict):
            problems.append(f"{where}: boxes[{k}] is not {{'box': {{...}}}}")
            continue
        bid = box.get("id")
        at = f"{where} {bid or f'boxes[{k}]'}"
        for key in ("id", "maxclass", "patching_rect", "numinlets", "numoutlets"):
            if key not in box:
                problems.append(f"{at}: no '{key}'")
        if bid in boxes:
            problems.append(f"{at}: duplicate id")
        boxes[bid] = box
        rect = box.get("patching_rect")
        if not (isinstance(rect, list) and len(rect) == 4 and all(isinstance(v, (int, float)) for v in rect)):
            problems.append(f"{at}: patching_rect must be four numbers")
        problems += check_box(box, at, manifest_for)
    for k, entry in enumerate(patcher.get("lines", [])):
        line = entry.get("patchline") if isinstance(entry, dict) else None
        if not isinstance(line, dict) or "source" not in line or "destination" not in line:
            problems.append(f"{where}: lines[{k}] is not {{'patchline': {{'source', 'destination'}}}}")
            continue
        (src, outlet), (dst, inlet) = line["source"], line["destination"]
        if src not in boxes or dst not in boxes:
            problems.append(f"{where}: lines[{k}] joins {src} to {dst}, which do not both exist")
            continue
        if not 0 <= outlet < boxes[src].get("numoutlets", 0):
            problems.append(f"{where}: lines[{k}] leaves {src} from outlet {outlet}; it has {boxes[src].get('numoutlets')}")
        if not 0 <= inlet < boxes[dst].get("numinlets", 0):
            problems.append(f"{where}: lines[{k}] enters {dst} at inlet {inlet}; it has {boxes[dst].get('numinlets')}")
    return problems


def check_box(box: dict, at: str, manifest_for) -> list:
    cls = box.get("maxclass")
    problems = []
    if cls == "newobj":
        text = box.get("text", "")
        name = text.split()[0] if text.split() else ""
        if name not in MAX_OBJECTS | PACKAGE_OBJECTS:
            problems.append(f"{at}: unknown object '{name}' (neither a Max object this check knows nor the package's)")
        if name in ("p", "patcher"):
            if not isinstance(box.get("patcher"), dict):
                problems.append(f"{at}: a subpatcher box needs its 'patcher'")
            else:
                problems += check_patcher(box["patcher"], f"{at} [{text}]", manifest_for)
        manifest = manifest_for(text.split()[1]) if name == "semantic~" and len(text.split()) > 1 else None
        if manifest == MISSING:
            problems.append(f"{at}: [{text}] names a bundle that is not there")
        elif manifest is not None:
            want = semantic_shape(text, manifest)
            if (box.get("numinlets"), box.get("numoutlets")) != want:
                problems.append(f"{at}: [{text}] has {want[0]} inlets and {want[1]} outlets with this bundle, "
                                f"the box says {box.get('numinlets')} and {box.get('numoutlets')}")
    elif cls == "message":
        for word in box.get("text", "").split():
            if word.endswith(".semantic") and manifest_for(word) == MISSING:
                problems.append(f"{at}: message '{box['text']}' names a bundle that is not there")
    elif cls == "jsui":
        script = box.get("filename")
        if script != HEATMAP_SCRIPT.name:
            problems.append(f"{at}: jsui runs '{script}'; this package's jsui script is {HEATMAP_SCRIPT.name}")
        elif (box.get("numinlets"), box.get("numoutlets")) != jsui_shape(HEATMAP_SCRIPT):
            problems.append(f"{at}: jsui {script} has {jsui_shape(HEATMAP_SCRIPT)} inlets/outlets, "
                            f"the box says {box.get('numinlets')}/{box.get('numoutlets')}")
    elif cls not in UI_CLASSES:
        problems.append(f"{at}: unknown maxclass '{cls}'")
    return problems


MISSING = "missing"


def check_file(path: Path, manifest=None, require_bundles: bool = False) -> list:
    """Problems of one patcher file. `manifest` (a dict) stands for every bundle it names;
    without it, the bundles are read next to the patch, and with `require_bundles` one
    that is not there is a problem."""
    path = Path(path)

    def manifest_for(bundle: str):
        if manifest is not None:
            return manifest
        found = path.parent / bundle / "manifest.json"
        if found.is_file():
            return json.loads(found.read_text())
        return MISSING if require_bundles else None
    try:
        doc = json.loads(Path(path).read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        return [f"{path}: not a readable JSON patcher ({e})"]
    if not isinstance(doc, dict) or not isinstance(doc.get("patcher"), dict):
        return [f"{path}: expected a JSON object with a 'patcher' object"]
    patcher = doc["patcher"]
    problems = [f"{path}: patcher has no '{k}'" for k in ("fileversion", "appversion", "rect") if k not in patcher]
    return problems + check_patcher(patcher, str(path), manifest_for)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m tools.maxpat", description=__doc__.splitlines()[0])
    p.add_argument("files", nargs="+", type=Path)
    p.add_argument("--manifest", type=Path, help="a bundle's manifest.json, to check [semantic~] boxes' shape")
    args = p.parse_args(argv)
    manifest = json.loads(args.manifest.read_text()) if args.manifest else None
    problems = [q for f in args.files for q in check_file(f, manifest)]
    for q in problems:
        print(q)
    print(f"{len(args.files)} patcher(s) checked, {len(problems)} problem(s)", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
