#!/usr/bin/env python3
"""Benchmark linkdupes against the other duplicate finders on one test tree.

Usage:
    src/bench/bench.py [--profile photos|music|backup|small|mixed] [--scale F] [--seed N]
                       [--tree DIR] [--runs N] [--cold] [--link] [--jar PATH]
                       [--only NAME,...] [--timeout SECONDS] [--extra NAME='CMD {dir}' ...]
                       [--keep-output DIR] [--build-only] [--clone]

Examples:
    src/bench/bench.py --scale 0.05 --runs 1            # a quick look (200 MiB)
    src/bench/bench.py                                  # mixed tree, 3.1 GiB, 3 runs
    src/bench/bench.py --profile small --only linkdupes,jdupes,rdfind
    src/bench/bench.py --extra 'ld-1t=java -jar {jar} -n --threads 1 {dir}'
    sudo src/bench/bench.py --cold --link               # drop caches; really link copies
    src/bench/bench.py --clone --tree /mnt/btrfs/mixed  # share blocks of copies (btrfs, XFS)

1. Unless --tree DIR already exists, it builds a test tree there (default:
   $TMPDIR/linkdupes-bench/PROFILE-xSCALE-seedSEED), deterministic from --seed.
   An existing DIR is used as it is, so any folder of your own can be the tree.
2. It runs linkdupes and every installed peer (hardlink from util-linux, jdupes, rdfind,
   rmlint, fdupes) on that tree, round-robin, --runs times each: by default in report-only
   mode (linkdupes --dry-run); with --link each tool really links a fresh `cp -a` copy of the
   tree made beside it (not timed) and deleted afterwards; with --clone each tool that can
   shares the blocks of duplicates instead (linkdupes --method clone, jdupes -B, duperemove
   -dr, hardlink --reflink) in a copy made with cp --reflink=never, on the tree's own file
   system (btrfs or XFS), and the space freed is the file system's free space after the run
   less before it (statvfs, after a sync).
3. Per run it measures wall seconds and peak RSS with /usr/bin/time, and the bytes the tool
   read (rchar of /proc/PID/io, children included).
4. It prints one Markdown table with the medians; progress goes to stderr.

Python 3 standard library only. --cold needs root (it writes /proc/sys/vm/drop_caches).
"""

import argparse
import hashlib
import math
import os
import platform
import random
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB
POOL_SIZE = 8 * MiB
HEADER = 16
PROFILES = ("photos", "music", "backup", "small")
PEERS = ("hardlink", "jdupes", "rdfind", "rmlint", "fdupes")
TIME_BIN = "/usr/bin/time"
# Rough bytes per unit of scale, for the free-space check only.
EST_BYTES = {"photos": 1.5e9, "music": 1.8e9, "backup": 0.25e9, "small": 0.03e9}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def die(msg):
    log("bench.py: " + msg)
    sys.exit(2)


# ---------------------------------------------------------------------------------------------
# Tree generator
# ---------------------------------------------------------------------------------------------

def cut(parts, start, end):
    """The bytes [start, end) of a file given as a list of memoryviews, as a list of views."""
    out, pos = [], 0
    for p in parts:
        a, b = max(start, pos), min(end, pos + len(p))
        if a < b:
            out.append(p[a - pos:b - pos])
        pos += len(p)
    return out


def size_of(parts):
    return sum(len(p) for p in parts)


class Gen:
    """Writes files assembled from slices of one random pool, each with a unique header."""

    def __init__(self, seed, profile, root):
        pool_rng = random.Random(f"pool:{seed}")
        self.pool = memoryview(pool_rng.getrandbits(8 * POOL_SIZE).to_bytes(POOL_SIZE, "little"))
        self.rng = random.Random(f"{seed}:{profile}")
        self.tag = f"{seed}:{profile}:"
        self.count = 0
        self.root = root
        self.dirs = set()
        self.files = 0
        self.bytes = 0
        # mtimes between 2015-01-01 and 2024-06-30
        self.t0, self.t1 = 1420070400, 1719705600

    def header(self):
        self.count += 1
        return memoryview(hashlib.blake2b((self.tag + str(self.count)).encode(),
                                          digest_size=HEADER).digest())

    def span(self, n):
        """n bytes of the pool from random offsets (a new offset where one runs off the end)."""
        out = []
        while n > 0:
            off = self.rng.randrange(POOL_SIZE)
            take = min(n, POOL_SIZE - off)
            out.append(self.pool[off:off + take])
            n -= take
        return out

    def unique(self, size):
        h = self.header()[:size]
        return [h] + self.span(size - len(h))

    def edit(self, parts):
        """Same size, new bytes somewhere after the header (an edit in place)."""
        size = size_of(parts)
        if size <= HEADER + 1:
            return self.unique(size)
        pos = self.rng.randrange(HEADER, size)
        n = min(size - pos, self.rng.randint(1, 4 * KiB))
        return cut(parts, 0, pos) + self.unique(n) + cut(parts, pos + n, size)

    def write(self, rel, parts, mode=None):
        path = os.path.join(self.root, rel)
        d = os.path.dirname(path)
        if d not in self.dirs:
            os.makedirs(d, exist_ok=True)
            self.dirs.add(d)
        with open(path, "wb", buffering=0) as f:
            for p in parts:
                f.write(p)
        if mode is not None:
            os.chmod(path, mode)
        t = self.rng.randrange(self.t0, self.t1) * 10**9 + self.rng.randrange(10**9)
        os.utime(path, ns=(t, t))
        self.files += 1
        self.bytes += size_of(parts)


def count(n, scale):
    return max(1, round(n * scale))


WORDS = ("amber blue cedar delta ember frost gold harbor iris jade kite lumen maple north "
         "opal pine quartz river sable tide umber velvet willow xenon yarrow zephyr").split()


def gen_photos(g, scale):
    rng = g.rng
    people = ["anna", "ben", "chloe", "david", "emma", "farid", "grace", "hugo", "ines"]
    places = ["paris", "berlin", "lisbon", "oslo", "kyoto", "home", "beach", "mountains"]
    albums = ["holiday", "wedding", "best-of", "family", "to-print", "calendar"]
    photos = []
    for i in range(count(400, scale)):
        size = rng.randint(200_000, 2_500_000)
        day = time.gmtime(g.t0 + rng.randrange(9 * 365) * 86400)
        ymd = time.strftime("%Y-%m-%d", day)
        name = f"IMG_{1000 + i:05d}.jpg"
        master = f"by-date/{ymd[:4]}/{ymd}/{name}"
        parts = g.unique(size)
        g.write(master, parts)
        photos.append((master, parts))
        targets = [f"by-person/{rng.choice(people)}", f"by-place/{rng.choice(places)}",
                   f"albums/{rng.choice(albums)}", "export"]
        for d in rng.sample(targets, rng.choice((0, 1, 1, 2, 2, 3))):
            copy_name = name if rng.random() < 0.8 else f"{ymd} {i:04d}.jpg"
            # a few copies saved with other permission bits (a private export)
            g.write(f"{d}/{copy_name}", parts, mode=0o600 if rng.random() < 0.02 else None)
    # Decoys: same size as a real photo and the same first or last 64 KiB (or both),
    # different bytes in between.
    for _ in range(count(40, scale)):
        master, parts = rng.choice(photos)
        size = size_of(parts)
        kind = rng.choice(("head", "tail", "both"))
        head = cut(parts, 0, 64 * KiB) if kind != "tail" else g.unique(64 * KiB)
        tail = cut(parts, size - 64 * KiB, size) if kind != "head" else []
        body = g.unique(size - size_of(head) - size_of(tail))
        base = master[:-4]
        n = 1
        while os.path.exists(os.path.join(g.root, f"{base}-edit{n}.jpg")):
            n += 1
        g.write(f"{base}-edit{n}.jpg", head + body + tail)


def gen_music(g, scale):
    rng = g.rng
    tracks = []
    for a in range(count(30, scale)):
        artist = f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()}"
        album = f"{rng.randint(1970, 2023)} - {rng.choice(WORDS).title()} {a:02d}"
        for t in range(1, rng.randint(8, 14) + 1):
            title = f"{t:02d} - {rng.choice(WORDS).title()} {rng.choice(WORDS)}.mp3"
            parts = g.unique(rng.randint(2_000_000, 6_000_000))
            g.write(f"library/{artist}/{album}/{title}", parts)
            tracks.append((artist, album, title, parts))
    # The torrent folder still seeding a quarter of the tracks; a few were retagged there
    # (same size, the first 256 bytes differ).
    for artist, album, title, parts in tracks:
        if rng.random() < 0.25:
            if rng.random() < 0.1:
                parts = g.unique(256) + cut(parts, 256, size_of(parts))
            g.write(f"torrents/{artist} - {album} [MP3]/{title}", parts)
    # A compilation assembled from the library.
    picks = rng.sample(tracks, min(len(tracks), count(20, scale)))
    for n, (artist, album, title, parts) in enumerate(picks, 1):
        g.write(f"compilations/Best of the Bench/{n:02d} - {artist} - {title[5:]}", parts)


def gen_backup(g, scale):
    rng = g.rng
    dirs = ["docs", "docs/letters", "docs/invoices", "code/app/src", "code/app/test",
            "mail/archive", "notes", "config", "spreadsheets", "misc"]

    def rand_size():
        return int(math.exp(rng.uniform(math.log(1000), math.log(400_000))))

    files = {}
    for i in range(count(800, scale)):
        files[f"home/{rng.choice(dirs)}/file{i:04d}.{rng.choice(('txt', 'odt', 'pdf', 'dat'))}"] = \
            g.unique(rand_size())
    nxt = len(files)
    for day in range(4):
        if day:
            names = sorted(files)
            for name in rng.sample(names, max(1, len(names) // 50)):   # ~2% changed per day
                if rng.random() < 0.5:
                    files[name] = g.edit(files[name])                  # same size
                else:
                    files[name] = files[name] + g.span(rng.randint(1, 20_000))  # appended
            for name in rng.sample(names, max(1, len(names) // 200)):  # a few deleted
                del files[name]
            for _ in range(max(1, len(names) // 100)):                 # a few new
                files[f"home/{rng.choice(dirs)}/file{nxt:04d}.txt"] = g.unique(rand_size())
                nxt += 1
        for name in sorted(files):
            g.write(f"daily.2024-03-0{day + 1}/{name}", files[name])


def gen_small(g, scale):
    rng = g.rng
    n = count(2000, scale)
    exts = ("py", "c", "h", "txt", "json", "md", "cfg", "sh")
    src = []
    for i in range(n):
        rel = f"pkg{i // 200}/mod{(i // 25) % 8}/f{i:05d}.{rng.choice(exts)}"
        if src and rng.random() < 0.05:         # identical small files inside one tree
            parts = rng.choice(src)[1]
        else:
            parts = g.unique(max(1, min(16 * KiB, int(2 ** rng.uniform(0, 14)))))
        src.append((rel, parts))
    for copy in range(3):                       # the same tree three times, slightly edited
        for rel, parts in src:
            if copy and rng.random() < 0.02:
                parts = g.edit(parts)
            g.write(f"tree{copy + 1}/{rel}", parts)
    for i in range(count(3000, scale)):         # unique files that all share one size
        g.write(f"blocks/{i // 100:03d}/blk{i:05d}.bin", g.unique(4096))


GENERATORS = {"photos": gen_photos, "music": gen_music, "backup": gen_backup, "small": gen_small}


def build_tree(path, profile, scale, seed):
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, exist_ok=True)
    profiles = PROFILES if profile == "mixed" else (profile,)
    need = sum(EST_BYTES[p] for p in profiles) * scale
    free = shutil.disk_usage(parent).free
    if free < need * 1.2:
        die(f"not enough space in {parent}: about {need / GiB:.1f} GiB needed, "
            f"{free / GiB:.1f} GiB free")
    partial = path + ".partial"
    shutil.rmtree(partial, ignore_errors=True)
    t = time.monotonic()
    files = size = 0
    for p in profiles:
        log(f"building {p} (scale {scale:g}, seed {seed}) ...")
        g = Gen(seed, p, os.path.join(partial, p))
        GENERATORS[p](g, scale)
        files += g.files
        size += g.bytes
    os.rename(partial, path)
    log(f"built {path}: {files} files, {fmt_bytes(size)} in {time.monotonic() - t:.1f} s")


def tree_stats(path):
    """(files, bytes, dirs, bytes of distinct inodes) of the regular files under path."""
    files = size = dirs = 0
    inodes = {}
    stack = [path]
    while stack:
        d = stack.pop()
        dirs += 1
        with os.scandir(d) as it:
            for e in it:
                if e.is_dir(follow_symlinks=False):
                    stack.append(e.path)
                elif e.is_file(follow_symlinks=False):
                    st = e.stat(follow_symlinks=False)
                    files += 1
                    size += st.st_size
                    inodes[(st.st_dev, st.st_ino)] = st.st_size
    return files, size, dirs, sum(inodes.values())


def statvfs_free(path):
    """The free bytes of path's file system, once what is pending is written (btrfs frees the
    blocks of an extent when its transaction commits)."""
    os.sync()
    st = os.statvfs(path)
    return st.f_bfree * st.f_frsize


def warm_up(path):
    buf = bytearray(MiB)
    for d, _, names in os.walk(path):
        for n in names:
            p = os.path.join(d, n)
            if os.path.isfile(p) and not os.path.islink(p):
                try:
                    with open(p, "rb", buffering=0) as f:
                        while f.readinto(buf):
                            pass
                except OSError:
                    pass


# ---------------------------------------------------------------------------------------------
# Machine description
# ---------------------------------------------------------------------------------------------

def first_line(argv):
    try:
        r = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return ""
    text = re.sub(r"\x1b\[[0-9;]*m", "", r.stdout.decode(errors="replace"))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else ""


def version_of(argv):
    m = re.search(r"\d+(\.\d+)+", first_line(argv))
    return m.group(0) if m else "?"


def read_file(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def fs_type(path):
    path = os.path.realpath(path)
    best, kind = "", "?"
    for line in read_file("/proc/self/mounts").splitlines():
        f = line.split()
        if len(f) >= 3:
            mnt = f[1].replace("\\040", " ")
            if (path == mnt or path.startswith(mnt.rstrip("/") + "/")) and len(mnt) >= len(best):
                best, kind = mnt, f[2]
    return kind


def machine_line(tree, tools):
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    m = re.search(r"^model name\s*:\s*(.+)$", read_file("/proc/cpuinfo"), re.M)
    cpu = m.group(1).strip() if m else (platform.processor() or platform.machine())
    m = re.search(r"^MemTotal:\s*(\d+) kB", read_file("/proc/meminfo"), re.M)
    ram = f"{int(m.group(1)) / MiB:.1f} GiB RAM" if m else "? RAM"
    java = first_line(["java", "-version"]) if shutil.which("java") else "no java"
    peers = ", ".join(f"{t['name']} {t['version']}" for t in tools if t["kind"] == "peer")
    return (f"Machine: {cpus} CPUs ({cpu}), {ram}, {platform.system()} {platform.release()}, "
            f"{fs_type(tree)}; {java}" + (f"; {peers}" if peers else ""))


# ---------------------------------------------------------------------------------------------
# Tools
# ---------------------------------------------------------------------------------------------

def tool_table(jar):
    """name -> (dry-run command, linking command or None, version argv); {dir} is the tree."""
    j = shlex.quote(jar)
    return {
        # races run without the cache: the peers have none
        "linkdupes": (f"java -jar {j} --no-cache --dry-run {{dir}}",
                      f"java -jar {j} --no-cache {{dir}}", None),
        "hardlink": ("hardlink -n -t -q {dir}", "hardlink -t -q {dir}", ["hardlink", "--version"]),
        "jdupes": ("jdupes -r -m -q -p {dir}", "jdupes -r -L -q -p {dir}", ["jdupes", "--version"]),
        "rdfind": ("rdfind -dryrun true -makehardlinks true -makeresultsfile false {dir}",
                   "rdfind -makehardlinks true -makeresultsfile false {dir}",
                   ["rdfind", "--version"]),
        # rmlint links by writing a shell script, run here without asking (-d), quietly (-q);
        # the script deletes itself. handler=hardlink: no symlink fallback.
        "rmlint": ("rmlint -T df -o summary {dir}",
                   "rmlint -T df -o sh:rmlint.sh -c sh:handler=hardlink {dir} "
                   "&& sh ./rmlint.sh -d -q",
                   ["rmlint", "--version"]),
        "fdupes": ("fdupes -r -m -q {dir}", None, ["fdupes", "--version"]),
    }


def clone_table(jar):
    """name -> block-sharing command, for --clone; {dir} is the copy of the tree."""
    j = shlex.quote(jar)
    return {
        "linkdupes": f"java -jar {j} --no-cache --method clone {{dir}}",
        "hardlink": "hardlink --reflink=always -q {dir}",
        "jdupes": "jdupes -r -B -q {dir}",
        "duperemove": "duperemove -dr -q {dir}",
    }


def select_tools(args, jar):
    table = tool_table(jar)
    if args.clone:
        clones = clone_table(jar)
        table = {name: (None, clones.get(name), v) for name, (_, _, v) in table.items()}
        table["duperemove"] = (None, clones["duperemove"], ["duperemove", "--version"])
    tools, notes = [], []
    extras = []
    for spec in args.extra:
        name, sep, cmd = spec.partition("=")
        name = name.strip()
        if not sep or not name or not cmd.strip():
            die(f"--extra wants NAME='CMD {{dir}}', got {spec!r}")
        if name in table or any(e[0] == name for e in extras):
            die(f"--extra name {name!r} is already taken")
        if "{dir}" not in cmd:
            die(f"--extra {name}: the command has no {{dir}}")
        extras.append((name, cmd))
    only = None
    if args.only:
        only = [n.strip() for n in args.only.split(",") if n.strip()]
        known = set(table) | {e[0] for e in extras} | {"linkdupes-launcher"}
        if args.clone:
            known.add("duperemove")
        bad = [n for n in only if n not in known]
        if bad:
            die(f"--only: unknown tool(s) {', '.join(bad)}; known: {', '.join(sorted(known))}")

    def wanted(name):
        return only is None or name in only

    if wanted("linkdupes"):
        if not shutil.which("java"):
            notes.append("linkdupes skipped: no `java` on PATH")
        elif not os.path.isfile(jar):
            notes.append(f"linkdupes skipped: no jar at {jar} "
                         "(build it: mvn -q -B -DskipTests package)")
        else:
            dry, link, _ = table["linkdupes"]
            tools.append({"name": "linkdupes", "kind": "self",
                          "cmd": link if args.link or args.clone else dry, "version": ""})
    # the launcher the build puts beside the jar: the same jar with its JVM settings
    launcher = os.path.join(os.path.dirname(os.path.abspath(jar)), "linkdupes")
    if wanted("linkdupes-launcher") and os.path.isfile(jar) and os.access(launcher, os.X_OK):
        q = shlex.quote(launcher)
        tools.append({"name": "linkdupes-launcher", "kind": "self",
                      "cmd": f"{q} --no-cache --method clone {{dir}}" if args.clone
                      else f"{q} --no-cache {{dir}}" if args.link
                      else f"{q} --no-cache --dry-run {{dir}}",
                      "version": ""})
    for name, cmd in extras:
        if wanted(name):
            tools.append({"name": name, "kind": "extra", "cmd": cmd.replace("{jar}",
                          shlex.quote(jar)), "version": ""})
    for name in PEERS + (("duperemove",) if args.clone else ()):
        if not wanted(name):
            continue
        dry, link, vargv = table[name]
        if not shutil.which(name):
            notes.append(f"{name} skipped: not installed")
            continue
        if (args.link or args.clone) and link is None:
            notes.append(f"{name} skipped: it has no "
                         + ("block-sharing" if args.clone else "hard-link") + " mode")
            continue
        tools.append({"name": name, "kind": "peer",
                      "cmd": link if args.link or args.clone else dry,
                      "version": version_of(vargv)})
    return tools, notes


# ---------------------------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------------------------

def drop_caches():
    os.sync()
    with open("/proc/sys/vm/drop_caches", "w") as f:
        f.write("3\n")


def measure(cmd, cwd, out, timeout):
    """Run cmd (a shell command) in cwd, its output to the file out.

    Returns dict(wall, rss_kib, rchar, rc, timeout)."""
    aux = tempfile.mkdtemp(prefix="bench-aux-")
    try:
        timefile = os.path.join(aux, "time")
        capfile = os.path.join(aux, "cap")
        # /proc/$$/io of the shell, read after its child exited, includes the reaped child's
        # (and its children's) I/O counters.
        script = (f"( {cmd}\n) >{shlex.quote(out)} 2>&1; rc=$?; "
                  f"grep '^rchar' /proc/$$/io; echo \"rc: $rc\"; exit $rc")
        use_time = os.access(TIME_BIN, os.X_OK)
        argv = ([TIME_BIN, "-f", "%e %M", "-o", timefile] if use_time else []) + \
            ["sh", "-c", script]
        state = {"done": False, "killed": False}
        lock = threading.Lock()
        with open(capfile, "wb") as cap:
            t0 = time.monotonic()
            p = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=cap,
                                 stderr=cap, start_new_session=True)

            def kill():
                with lock:
                    if not state["done"]:
                        state["killed"] = True
                        try:
                            os.killpg(p.pid, signal.SIGKILL)
                        except OSError:
                            pass

            timer = threading.Timer(timeout, kill) if timeout else None
            if timer:
                timer.start()
            while True:
                try:
                    _, status, ru = os.wait4(p.pid, 0)
                    break
                except InterruptedError:
                    continue
            with lock:
                state["done"] = True
            wall = time.monotonic() - t0
            if timer:
                timer.cancel()
            p.returncode = os.waitstatus_to_exitcode(status)
        if state["killed"]:
            return {"timeout": True, "wall": wall, "rss_kib": None, "rchar": None, "rc": None}
        cap_text = read_file(capfile)
        m = re.search(r"^rchar:\s*(\d+)", cap_text, re.M)
        rchar = int(m.group(1)) if m else None
        m = re.search(r"^rc: (\d+)", cap_text, re.M)
        rc = int(m.group(1)) if m else p.returncode
        # KiB on Linux: the largest of the shell and the tool it waited for. The shell's
        # includes the high-water RSS of this Python process it was forked from (exec keeps
        # it), a floor that the report measures with `true` and shows as such.
        rss = ru.ru_maxrss
        if use_time:
            lines = [line for line in read_file(timefile).splitlines() if line.strip()]
            try:
                e, mk = lines[-1].split()
                wall, rss = float(e), int(mk)
            except (IndexError, ValueError):
                pass
        return {"timeout": False, "wall": wall, "rss_kib": rss, "rchar": rchar, "rc": rc}
    finally:
        shutil.rmtree(aux, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------

def fmt_bytes(n):
    if n is None:
        return "-"
    if n >= GiB:
        return f"{n / GiB:.2f} GiB"
    if n >= MiB:
        return f"{n / MiB:.1f} MiB"
    return f"{n / KiB:.1f} KiB"


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt_rss(kib, floor):
    if kib is None:
        return "-"
    if floor and kib <= floor + 512:
        return f"<= {floor / KiB:.0f}"
    return f"{kib / KiB:.0f}"


def report(tools, results, args, tree_line, machine, notes, freed, floor):
    ok = lambda t: results[t["name"]] and not any(r["timeout"] for r in results[t["name"]]) \
        and all(r["rc"] == 0 for r in results[t["name"]])
    peers = [t for t in tools if t["kind"] == "peer" and ok(t)]
    if args.clone and freed:
        # the fastest of those that free about as much: a tool that shares nothing is fast
        most = max(median(v) for v in freed.values() if v)
        peers = [t for t in peers if (median(freed.get(t["name"], [])) or 0) >= 0.9 * most]
    peer_walls = [median(r["wall"] for r in results[t["name"]]) for t in peers]
    best = min(peer_walls) if peer_walls else None
    cols = ["tool", "wall s", "vs best peer", "peak MiB", "read", "exit"]
    if args.link or args.clone:
        cols.append("freed (statvfs)" if args.clone else "freed")
    lines = [tree_line, machine, "",
             "| " + " | ".join(cols) + " |",
             "|" + "|".join("---" if c in ("tool", "exit") else "--:" for c in cols) + "|"]
    for t in tools:
        rs = results[t["name"]]
        timed_out = any(r["timeout"] for r in rs)
        done = [r for r in rs if not r["timeout"]]
        wall = median(r["wall"] for r in done)
        rss = median(r["rss_kib"] for r in done)
        rchar = median(r["rchar"] for r in done)
        codes = [str(r["rc"]) for r in done]
        exit_s = codes[0] if codes and len(set(codes)) == 1 else ",".join(codes)
        if timed_out:
            exit_s = (exit_s + ", " if exit_s else "") + f"timeout ({args.timeout:g} s)"
        name = t["name"] + (f" {t['version']}" if t["version"] else "")
        row = [name,
               f"{wall:.2f}" if wall is not None and not timed_out else
               (f"> {args.timeout:g}" if timed_out else "-"),
               f"{wall / best:.2f}x" if best and wall is not None and not timed_out else "-",
               fmt_rss(rss, floor),
               fmt_bytes(rchar), exit_s or "-"]
        if args.link or args.clone:
            f = median(freed.get(t["name"], []))
            row.append("-" if f is None else fmt_bytes(f) + (f" ({f:,.0f})" if args.clone else ""))
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    lines.append("Commands ({dir} is the tree" + (", a fresh copy per run" if args.link else "")
                 + (", a fresh copy per run with blocks of its own" if args.clone else "")
                 + "; each run in an empty working directory):")
    for t in tools:
        lines.append(f"- {t['name']}: `{t['cmd']}`")
    if args.clone:
        lines.append("- the best peer is the fastest of those that freed at least 90% of the "
                     "most any tool freed (statvfs free bytes after the run less before, "
                     "after a sync)")
    for n in notes:
        lines.append(f"- note: {n}")
    print("\n".join(lines), flush=True)


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------

def cache_runs(args, tree, jar):
    """linkdupes with a new cache: a first run, a second over the unchanged tree, and a third
    after one more copy of a large file that the tree already holds twice appeared. The first
    and second runs are repeated --runs times (each first run with a new cache); prints the
    median wall time and bytes read of each."""
    if not os.path.isdir(tree):
        build_tree(tree, args.profile, args.scale, args.seed)
    big = os.path.join(tree, "linkdupes-bench-big.bin")
    twin = os.path.join(tree, "linkdupes-bench-big-twin.bin")
    copy = os.path.join(tree, "linkdupes-bench-big-copy.bin")
    size = args.new_copy_mib << 20
    with tempfile.TemporaryDirectory(prefix="linkdupes-cache-") as tmp:
        cache = os.path.join(tmp, "cache.db")
        # the launcher beside the jar, as people run it, where the build made one
        launcher = os.path.join(os.path.dirname(os.path.abspath(jar)), "linkdupes")
        runner = (shlex.quote(launcher) if os.access(launcher, os.X_OK)
                  else f"java -jar {shlex.quote(jar)}")
        log(f"linkdupes: {runner}")
        cmd = f"{runner} --cache {shlex.quote(cache)} --dry-run {{dir}}"
        try:
            log(f"writing {fmt_bytes(size)} of random bytes to {big}")
            with open(big, "wb") as f:
                left = size
                while left > 0:
                    n = min(left, 8 << 20)
                    f.write(os.urandom(n))
                    left -= n
            shutil.copyfile(big, twin)
            warm_up(tree)  # a warm page cache for every run
            runs = max(1, args.runs)

            def run(label):
                with tempfile.TemporaryDirectory() as cwd:
                    r = measure(cmd.replace("{dir}", shlex.quote(tree)), cwd,
                                os.path.join(cwd, "out.txt"), args.timeout)
                log(f"{label}: {r['wall']:.2f} s, read {fmt_bytes(r['rchar'])}, exit {r['rc']}")
                return r

            rows = []
            # the first run, each time with a new cache; the last one's cache is kept
            firsts = []
            for i in range(runs):
                for f in (cache, cache + ".lock"):
                    if os.path.exists(f):
                        os.remove(f)
                firsts.append(run(f"first run, new cache ({i + 1}/{runs})"))
            rows.append(("first run, new cache", firsts))
            rows.append(("second run, unchanged",
                         [run(f"second run, unchanged ({i + 1}/{runs})") for i in range(runs)]))
            shutil.copyfile(big, copy)
            warm_up(tree)
            # only the first run after the copy reads it: one run
            rows.append(("after a third copy of the big file",
                         [run("after a third copy of the big file")]))
        finally:
            for f in (big, twin, copy):
                if os.path.exists(f):
                    os.remove(f)
    def mid(rs, key):
        return median([r[key] for r in rs])

    first = mid(rows[0][1], "wall")
    print(f"Tree: {tree}, plus two copies of a file of {fmt_bytes(size)} (a third added before "
          f"the last run). linkdupes dry runs with a new cache (`{cmd}`); median of "
          f"{runs} runs where a row says so.")
    print()
    print("| run | runs | wall s | vs first run | read | exit |")
    print("|---|--:|--:|--:|--:|---|")
    for label, rs in rows:
        wall = mid(rs, "wall")
        rchar = int(mid(rs, "rchar"))
        codes = ",".join(sorted({str(r["rc"]) for r in rs}))
        print(f"| {label} | {len(rs)} | {wall:.2f} | {wall / first:.0%} | "
              f"{fmt_bytes(rchar)} ({rchar} bytes) | {codes} |")
    return 0


def main():
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap = argparse.ArgumentParser(
        description="Benchmark linkdupes against hardlink, jdupes, rdfind, rmlint and fdupes "
                    "on a generated test tree.",
        epilog="See the docstring at the top of this file and src/bench/README.md.")
    ap.add_argument("--profile", choices=PROFILES + ("mixed",), default="mixed",
                    help="kind of tree to build (default: mixed, all four in subfolders)")
    ap.add_argument("--scale", type=float, default=1.0,
                    help="multiplies the file counts (default 1: mixed is 3.1 GiB)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the tree (default 1)")
    ap.add_argument("--tree", metavar="DIR",
                    help="the tree; built there if it does not exist (default: "
                         "$TMPDIR/linkdupes-bench/PROFILE-xSCALE-seedSEED)")
    ap.add_argument("--runs", type=int, default=3, help="runs per tool; the median is shown")
    ap.add_argument("--cold", action="store_true",
                    help="drop the page cache before each run (root only)")
    ap.add_argument("--link", action="store_true",
                    help="run each tool in its linking mode on a fresh cp -a copy of the tree")
    ap.add_argument("--clone", action="store_true",
                    help="run each tool in its block-sharing mode (linkdupes --method clone, "
                         "jdupes -B, duperemove -dr, hardlink --reflink) on a fresh copy of the "
                         "tree with blocks of its own; the tree must be on btrfs or XFS")
    ap.add_argument("--jar", default=os.path.join(repo, "target", "linkdupes.jar"),
                    help="linkdupes jar (default: target/linkdupes.jar of this repository)")
    ap.add_argument("--only", metavar="NAMES",
                    help="comma-separated tools to run, e.g. linkdupes,jdupes")
    ap.add_argument("--timeout", type=float, default=1800,
                    help="kill a run after SECONDS and report a timeout (default 1800, 0: none)")
    ap.add_argument("--extra", action="append", default=[], metavar="NAME=CMD",
                    help="another command to time, with {dir} for the tree and {jar} for the "
                         "jar, e.g. 'ld-1t=java -jar {jar} -n --threads 1 {dir}' (repeatable)")
    ap.add_argument("--keep-output", metavar="DIR",
                    help="keep each tool's output of its last run in DIR/NAME.txt")
    ap.add_argument("--build-only", action="store_true", help="build the tree and stop")
    ap.add_argument("--cache-runs", action="store_true",
                    help="instead of racing: linkdupes with a new cache, run twice over the "
                         "tree plus two copies of a file of --new-copy-mib MiB (each --runs "
                         "times, medians shown), then once more after a third copy appeared "
                         "(the copies are removed at the end)")
    ap.add_argument("--new-copy-mib", type=int, default=1024,
                    help="size of the file copied for --cache-runs (default 1024)")
    args = ap.parse_args()

    if args.runs < 1:
        die("--runs must be at least 1")
    if args.scale <= 0:
        die("--scale must be positive")
    tree = os.path.abspath(args.tree or os.path.join(
        tempfile.gettempdir(), "linkdupes-bench",
        f"{args.profile}-x{args.scale:g}-seed{args.seed}"))
    jar = os.path.abspath(args.jar)
    if args.cold and not args.build_only and os.geteuid() != 0:
        die("--cold needs root (it writes /proc/sys/vm/drop_caches)")
    if args.cache_runs:
        return cache_runs(args, tree, jar)
    if args.clone and args.link:
        die("--clone and --link cannot be used together")
    tools, notes = select_tools(args, jar)   # checks --only and --extra before any build
    if not tools and not args.build_only:
        die("nothing to run: " + "; ".join(notes))

    if os.path.exists(tree):
        if not os.path.isdir(tree):
            die(f"{tree} is not a directory")
        log(f"using the existing tree {tree}")
        built = False
    else:
        build_tree(tree, args.profile, args.scale, args.seed)
        built = True
    if args.build_only:
        return 0

    if args.cold:
        try:
            drop_caches()
        except OSError as e:
            die(f"--cold: cannot drop the page cache: {e}")
    for n in notes:
        log(n)

    files, size, dirs, inode_bytes = tree_stats(tree)
    what = (f"{args.profile}, scale {args.scale:g}, seed {args.seed}" if built or args.tree is None
            else "existing tree")
    mode = ("sharing blocks in a fresh unshared copy per run" if args.clone
            else "linking a fresh copy per run" if args.link else "report only (dry run)")
    tree_line = (f"Tree: {tree} ({what}): {files} files, {fmt_bytes(size)}, {dirs} directories. "
                 f"Mode: {mode}, {'cold' if args.cold else 'warm'} cache, "
                 f"median of {args.runs} run{'s' if args.runs > 1 else ''}.")
    machine = machine_line(tree, tools)

    copy = tree.rstrip("/") + ".bench-link-copy"
    if args.link or args.clone:
        free = shutil.disk_usage(os.path.dirname(tree)).free
        if free < inode_bytes * 1.1:
            die(f"--link needs room for a copy of the tree: {fmt_bytes(inode_bytes)} "
                f"needed, {fmt_bytes(free)} free")
    elif not args.cold:
        log("warming the page cache (reading the tree once) ...")
        warm_up(tree)
    os.sync()

    if args.keep_output:
        os.makedirs(args.keep_output, exist_ok=True)
    results = {t["name"]: [] for t in tools}
    freed = {}
    stray = set()
    for run in range(1, args.runs + 1):
        for t in tools:
            rs = results[t["name"]]
            if any(r["timeout"] for r in rs):
                continue  # it timed out before: do not wait for it again
            target = tree
            if args.link or args.clone:
                shutil.rmtree(copy, ignore_errors=True)
                # for --clone, blocks of its own: GNU cp makes reflinks on btrfs and XFS
                subprocess.run(["cp", "-a"] + (["--reflink=never"] if args.clone else [])
                               + [tree, copy], check=True)
                os.sync()
                target = copy
                free_before = statvfs_free(copy)
            if args.cold:
                drop_caches()
            cwd = tempfile.mkdtemp(prefix=f"bench-{t['name']}-")
            outdir = tempfile.mkdtemp(prefix="bench-out-")
            out = os.path.join(outdir, "out.txt")
            try:
                r = measure(t["cmd"].replace("{dir}", shlex.quote(target)), cwd, out,
                            args.timeout)
                left = sorted(os.listdir(cwd))
                if left:
                    stray.add(f"{t['name']} left {', '.join(left)} in its working directory "
                              "(deleted)")
                if args.keep_output:
                    shutil.copyfile(out, os.path.join(args.keep_output, t["name"] + ".txt"))
                if not r["timeout"] and r["rc"] != 0:
                    tail = [line[:200] for line in read_file(out).splitlines()[-5:]]
                    log(f"  {t['name']} exited with {r['rc']}:\n    " + "\n    ".join(tail))
            finally:
                shutil.rmtree(cwd, ignore_errors=True)
                shutil.rmtree(outdir, ignore_errors=True)
            if args.link or args.clone:
                if not r["timeout"]:
                    freed.setdefault(t["name"], []).append(
                        statvfs_free(copy) - free_before if args.clone
                        else inode_bytes - tree_stats(copy)[3])
                shutil.rmtree(copy, ignore_errors=True)
            rs.append(r)
            status = (f"timed out after {args.timeout:g} s" if r["timeout"] else
                      f"{r['wall']:.2f} s, {(r['rss_kib'] or 0) / KiB:.0f} MiB, "
                      f"read {fmt_bytes(r['rchar'])}, exit {r['rc']}")
            log(f"run {run}/{args.runs}: {t['name']}: {status}")
    floor = None
    if not os.access(TIME_BIN, os.X_OK):
        scratch = tempfile.mkdtemp(prefix="bench-floor-")
        try:
            floor = measure("true", scratch, os.path.join(scratch, "out"), 0)["rss_kib"]
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        notes.append(f"{TIME_BIN} is missing (Debian: apt-get install time): wall from "
                     "time.monotonic(), peak RSS from wait4(), which cannot see below this "
                     f"script's own size ({floor / KiB:.0f} MiB, shown as <=)")
    report(tools, results, args, tree_line, machine, notes + sorted(stray), freed, floor)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        log("interrupted")
        sys.exit(130)
