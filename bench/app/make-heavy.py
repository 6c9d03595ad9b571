#!/usr/bin/env python3
"""Makes the heavy application of bench/grocker.sh --app heavy into a PEP 503 index directory.

Usage: make-heavy.py INDEX_DIR [COUNT] [MIB_EACH]

INDEX_DIR/simple/<project>/ gets:
  - COUNT (default 32) dependency wheels, grocker-heavy-dep-01 .. -COUNT, version 1.0.0, each a pure-Python
    module plus MIB_EACH (default 3.25) MiB of incompressible data (a seeded pseudo-random byte stream, the
    same on every run), so that together they weigh about 100 MiB and a registry stores about as much;
  - the application grocker-heavy 1.0.0, 1.1.0 and 1.2.0 as sdists (setuptools, pure Python), requiring every
    dependency at ==1.0.0 and with a console script `grocker-heavy` that imports them all and prints a line.
Nothing is downloaded; the wheels are written with zipfile, their RECORD with sha256 as wheels require.
"""
import base64
import hashlib
import io
import os
import random
import sys
import tarfile
import zipfile

MTIME = 1704067200  # 2024-01-01, as the sample sdists
VERSIONS = ("1.0.0", "1.1.0", "1.2.0")


def record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}\n"


def make_wheel(directory, project, version, files):
    dist = project.replace("-", "_") + "-" + version
    info = dist + ".dist-info/"
    files = dict(files)
    files[info + "METADATA"] = f"Metadata-Version: 2.1\nName: {project}\nVersion: {version}\n".encode()
    files[info + "WHEEL"] = b"Wheel-Version: 1.0\nGenerator: grocker-bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = "".join(record_line(n, d) for n, d in files.items()) + info + "RECORD,,\n"
    files[info + "RECORD"] = record.encode()
    path = os.path.join(directory, dist + "-py3-none-any.whl")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            entry = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            z.writestr(entry, data)
    return path


def make_sdist(directory, project, version, files):
    base = project.replace("-", "_") + "-" + version
    files = dict(files)
    files["PKG-INFO"] = f"Metadata-Version: 2.1\nName: {project}\nVersion: {version}\n".encode()
    path = os.path.join(directory, base + ".tar.gz")
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name in sorted(files):
            data = files[name]
            entry = tarfile.TarInfo(base + "/" + name)
            entry.size, entry.mtime, entry.mode = len(data), MTIME, 0o644
            tar.addfile(entry, io.BytesIO(data))
    import gzip
    with open(path, "wb") as out:
        out.write(gzip.compress(raw.getvalue(), mtime=0))
    return path


def main():
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(sys.argv) >= 2 else 2
    index = os.path.join(sys.argv[1], "simple")
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 32
    each = int(float(sys.argv[3]) * 1024 * 1024) if len(sys.argv) > 3 else int(3.25 * 1024 * 1024)
    deps = [f"grocker-heavy-dep-{i:02d}" for i in range(1, count + 1)]
    for i, project in enumerate(deps, 1):
        module = project.replace("-", "_")
        directory = os.path.join(index, project)
        os.makedirs(directory, exist_ok=True)
        blob = random.Random(i).randbytes(each)
        make_wheel(directory, project, "1.0.0", {
            module + "/__init__.py": f"NUMBER = {i}\n".encode(),
            module + "/data.bin": blob,
        })
    app_dir = os.path.join(index, "grocker-heavy")
    os.makedirs(app_dir, exist_ok=True)
    requires = ", ".join(f'"{d}==1.0.0"' for d in deps)
    imports = "".join(f"import {d.replace('-', '_')}\n" for d in deps)
    for version in VERSIONS:
        make_sdist(app_dir, "grocker-heavy", version, {
            "pyproject.toml": (
                '[build-system]\nrequires = ["setuptools>=61", "wheel"]\nbuild-backend = "setuptools.build_meta"\n\n'
                f'[project]\nname = "grocker-heavy"\nversion = "{version}"\nrequires-python = ">=3.8"\n'
                f"dependencies = [{requires}]\n\n"
                '[project.scripts]\ngrocker-heavy = "grocker_heavy:main"\n\n'
                '[tool.setuptools]\npackages = ["grocker_heavy"]\n').encode(),
            "grocker_heavy/__init__.py": (
                f'__version__ = "{version}"\n' + imports + "\n\ndef main():\n"
                f'    print("grocker-heavy {version} with {count} dependencies")\n').encode(),
        })
    return 0


if __name__ == "__main__":
    sys.exit(main())
