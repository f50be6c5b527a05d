"""The Max package: its patchers checked as Max would read them, the checker catching what
it must, the reference page matching the core's messages, and `make package`'s layout."""
import copy
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tools import max_package, maxpat

ROOT = Path(__file__).resolve().parents[1]
PATCHERS = sorted((ROOT / "package" / "max").rglob("*.maxpat")) + sorted((ROOT / "package" / "max").rglob("*.maxhelp"))
@pytest.fixture(scope="module")
def bundle(small_bundle):
    return small_bundle[0]


def test_there_are_help_and_demo_patchers():
    names = {p.name for p in PATCHERS}
    assert {"semantic~.maxhelp", "semantic.heatmap.maxhelp", "semantic-demo.maxpat"} <= names


@pytest.mark.parametrize("path", PATCHERS, ids=lambda p: p.name)
def test_every_patcher_is_valid(path, bundle):
    manifest = json.loads((bundle / "manifest.json").read_text())
    assert maxpat.check_file(path, manifest) == []


# the demo generator's shape: 13 descriptors, 1 channel, 8 latent dimensions
MANIFEST = {"descriptors": [{"name": f"d{k}"} for k in range(13)], "channels": 1, "latent_size": 8}


def _doc():
    return json.loads((ROOT / "package" / "max" / "help" / "semantic~.maxhelp").read_text())


def _broken(tmp_path, change):
    doc = _doc()
    change(doc["patcher"])
    path = tmp_path / "broken.maxhelp"
    path.write_text(json.dumps(doc))
    return maxpat.check_file(path, MANIFEST)


def _box(patcher, name):
    return next(b["box"] for b in patcher["boxes"]
                if b["box"]["maxclass"] == "newobj" and b["box"]["text"].split()[0] == name)


@pytest.mark.parametrize("change, expected", [
    (lambda p: p["lines"].append({"patchline": {"source": ["obj-999", 0], "destination": ["obj-1", 0]}}),
     "which do not both exist"),
    (lambda p: p["lines"][0]["patchline"].update(source=[p["lines"][0]["patchline"]["source"][0], 7]),
     "from outlet 7"),
    (lambda p: _box(p, "sig~").update(text="sigh~"), "unknown object 'sigh~'"),
    (lambda p: _box(p, "semantic~").update(numinlets=13), "has 4 inlets and 14 outlets with this bundle"),
    (lambda p: p["boxes"][0]["box"].pop("patching_rect"), "no 'patching_rect'"),
    (lambda p: p["boxes"][0]["box"].update(maxclass="hologram"), "unknown maxclass 'hologram'"),
    (lambda p: p.pop("boxes"), "needs a 'boxes' list"),
])
def test_the_checker_finds_broken_patches(tmp_path, change, expected):
    problems = _broken(tmp_path, change)
    assert any(expected in q for q in problems), problems


def test_the_checker_refuses_other_jsui_scripts_and_non_json(tmp_path):
    doc = json.loads((ROOT / "package" / "max" / "help" / "semantic.heatmap.maxhelp").read_text())
    jsui = next(b["box"] for b in doc["patcher"]["boxes"] if b["box"]["maxclass"] == "jsui")
    wrong = copy.deepcopy(doc)
    next(b["box"] for b in wrong["patcher"]["boxes"] if b["box"]["maxclass"] == "jsui")["numoutlets"] = 1
    path = tmp_path / "a.maxhelp"
    path.write_text(json.dumps(wrong))
    assert any("jsui semantic.heatmap.js has (1, 2)" in q for q in maxpat.check_file(path))
    jsui["filename"] = "other.js"
    path.write_text(json.dumps(doc))
    assert any("this package's jsui script is semantic.heatmap.js" in q for q in maxpat.check_file(path))
    path.write_text("{ not json")
    assert "not a readable JSON patcher" in maxpat.check_file(path)[0]


def test_reference_page_documents_every_message_the_core_takes():
    source = (ROOT / "externals" / "core" / "interface.cpp").read_text()
    listed = re.search(r'kMessages = "([^"]+)"', source).group(1)
    core = set(re.split(r", | or ", listed))
    ref = ET.parse(ROOT / "package" / "max" / "docs" / "semantic~.maxref.xml").getroot()
    methods = {m.get("name") for m in ref.iter("method")}
    assert core <= methods, core - methods
    assert methods - core == {"signal", "float", "int"}


def test_package_layout(tmp_path, bundle):
    bundles = []
    for name in ("demo.semantic", "demo_b.semantic"):
        shutil.copytree(bundle, tmp_path / name)
        bundles.append(tmp_path / name)
    out = tmp_path / "semantic"
    assert max_package.assemble(out, bundles) == []
    for part in ["package-info.json", "init/semantic-objectmappings.txt", "help/semantic~.maxhelp",
                 "help/semantic.heatmap.maxhelp", "patchers/semantic-demo.maxpat", "docs/semantic~.maxref.xml",
                 "javascript/semantic.heatmap.js", "externals", "bundles/demo.semantic/surrogate.ts",
                 "bundles/demo_b.semantic/grids.json"]:
        assert (out / part).exists(), part
    assert not (out / "bundles" / "demo.semantic" / "dataset.npz").exists()  # only what playing needs
    info = json.loads((out / "package-info.json").read_text())
    assert info["name"] == "semantic" and (out / "patchers" / info["homepatcher"]).is_file()
    # a patch naming a bundle the package lacks is refused
    shutil.rmtree(bundles[1])
    problems = max_package.assemble(tmp_path / "again", bundles[:1])
    assert any("names a bundle that is not there" in q for q in problems), problems
