#!/usr/bin/env bash
# s390x.sh - `cpuscope --arch s390x compare` and `baseline` against the real
# qemu-system-s390x (TCG), asked over QMP by this test itself.
#
# Random cases (fixed seed), drawn from the installed QEMU's own models:
#   compare   a guest <cpu> (a model, random features with random policies;
#             now and then mode='maximum') against a host: QEMU's max
#             (no --host: cpuscope's own reference), or a QMP expansion file
#             (static or full, of a random model with random changes) as
#             --host.  The test asks query-cpu-model-comparison itself, with
#             the CPUs as libvirt hands them to QEMU (require/force true,
#             every other policy false; the host's expansion as it is), and
#             reads the answer as libvirt does (identical -> IDENTICAL,
#             superset -> SUPERSET, else INCOMPATIBLE).  cpuscope's verdict
#             and QEMU's responsible-properties must match; where QEMU
#             refuses, cpuscope must fail with QEMU's words.
#   baseline  1 to 4 CPUs (guest <cpu>s, several in one file or one a file,
#             and host expansion files), with or without --features: the
#             test chains query-cpu-model-baseline as libvirt does, expands
#             the result (full with --features, static for one CPU) and
#             prints it as virsh does; cpuscope's output must be identical.
#             The first VIRSH_BASELINES (12) cases of guest <cpu>s only are
#             also given to `virsh hypervisor-cpu-baseline --virttype qemu`
#             when libvirtd answers (byte for byte again; counted apart,
#             skipped without libvirtd; each costs libvirt a QEMU start).
#   groups    data/s390x-groups.tsv against what this QEMU says its groups
#             hold (scripts/s390x-groups.sh), for the groups this QEMU has.
#   COMPARES=N (default 200), BASELINES=N (default 100), VIRSH_BASELINES=N
#   (default 12), SEED=N (default 390),
#   QEMU=BINARY (default qemu-system-s390x), KEEP=1 keeps the work dir.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${CPUSCOPE_BIN:-$top/cpuscope}
qemu=${QEMU:-qemu-system-s390x}

. "$here/lib.sh"
need_bin
command -v "$qemu" >/dev/null || skip "$qemu is not installed (CI installs qemu-system-s390x)"
command -v python3 >/dev/null || skip "no python3 (the test's QMP client)"
work_dir
cd "$top" || exit 2

virsh_ok=0
if command -v virsh >/dev/null && out=$("$here/libvirt-up.sh" -q 2>&1); then
	virsh_ok=1
else
	echo "NOTE: no libvirtd on qemu:///system: the virsh baseline cases are skipped"
fi

# the groups of this QEMU against data/s390x-groups.tsv
gpass=0 gfail=0
if "$top/scripts/s390x-groups.sh" "$qemu" >"$work/groups.tsv" 2>"$work/groups.err"; then
	while IFS=$'\t' read -r g members; do
		want=$(awk -F'\t' -v g="$g" '$1 == g {print $2}' "$top/data/s390x-groups.tsv")
		if [ "$want" = "$members" ]; then
			gpass=$((gpass + 1))
		else
			gfail=$((gfail + 1))
			echo "FAIL group $g: QEMU has '$members', data/s390x-groups.tsv '$want'"
		fi
	done <"$work/groups.tsv"
else
	gfail=1
	echo "FAIL: scripts/s390x-groups.sh: $(head -3 "$work/groups.err")"
fi
echo "groups: $gpass of $((gpass + gfail)) as data/s390x-groups.tsv has them"

QEMU=$qemu BIN=$bin WORK=$work VIRSH=$virsh_ok COMPARES=${COMPARES:-200} \
BASELINES=${BASELINES:-100} VIRSH_BASELINES=${VIRSH_BASELINES:-12} SEED=${SEED:-390} GPASS=$gpass GFAIL=$gfail python3 - <<'EOF'
import json, os, random, subprocess, sys

qemu, binp, work = os.environ["QEMU"], os.environ["BIN"], os.environ["WORK"]
virsh = os.environ["VIRSH"] == "1"
rnd = random.Random(int(os.environ["SEED"]))

class QMP:
    def __init__(self):
        self.p = subprocess.Popen([qemu, "-machine", "none", "-nodefaults", "-nographic",
                                   "-display", "none", "-no-user-config", "-qmp", "stdio",
                                   "-accel", "tcg"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.readline()  # greeting
        self.ask("qmp_capabilities")
    def readline(self):
        while True:
            line = self.p.stdout.readline()
            if not line:
                raise SystemExit("QEMU went away")
            o = json.loads(line)
            if "event" not in o:
                return o
    def ask(self, cmd, args=None):
        c = {"execute": cmd}
        if args is not None:
            c["arguments"] = args
        self.p.stdin.write(json.dumps(c) + "\n")
        self.p.stdin.flush()
        r = self.readline()
        if "error" in r:
            return None, r["error"]["desc"]
        return r["return"], None
    def close(self):
        self.p.stdin.write('{"execute": "quit"}\n')
        self.p.stdin.close()
        self.p.wait()

q = QMP()
defs, _ = q.ask("query-cpu-definitions")
models = sorted(d["name"] for d in defs if d["name"] != "host")
named = [m for m in models if m not in ("max", "qemu")]
full = {}
for m in models:
    r, _ = q.ask("query-cpu-model-expansion", {"type": "full", "model": {"name": m}})
    full[m] = r["model"]["props"]

def random_features(m, n):
    """n features of m with random policies: mostly features it has (to take
    away), some it lacks (to add)."""
    props = full[m]
    on = [f for f, v in props.items() if v is True]
    off = [f for f, v in props.items() if v is False]
    out, seen = [], set()
    for _ in range(n):
        pool = on if (rnd.random() < 0.7 or not off) else off
        f = rnd.choice(pool)
        if f in seen:
            continue
        seen.add(f)
        out.append((f, rnd.choice(["require", "force", "disable", "forbid", "optional"])))
    return out

def guest_xml(m, feats, mode="custom"):
    if mode == "maximum":
        return "<cpu mode='maximum'/>\n"
    s = "<cpu mode='custom' match='exact'>\n  <model>%s</model>\n" % m
    for f, p in feats:
        s += "  <feature policy='%s' name='%s'/>\n" % (p, f)
    return s + "</cpu>\n"

def libvirt_model(m, feats, mode="custom"):
    """qemuMonitorJSONMakeCPUModel"""
    if mode == "maximum":
        return {"name": "max"}
    o = {"name": m}
    if feats:
        o["props"] = {f: p in ("require", "force") for f, p in feats}
    return o

def host_expansion(kind):
    """a QMP expansion reply of a random model with random changes"""
    m = rnd.choice(named)
    props = {}
    for f, p in random_features(m, rnd.choice([0, 0, 1, 3])):
        props[f] = p in ("require", "force")
    model = {"name": m}
    if props:
        model["props"] = props
    r, err = q.ask("query-cpu-model-expansion", {"type": kind, "model": model})
    return r, err

def run(args):
    p = subprocess.run([binp] + args, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr

passed = failed = 0
def report(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL " + what)

# ---- compare ----
maxstatic, _ = q.ask("query-cpu-model-expansion", {"type": "static", "model": {"name": "max"}})
verdicts = {}
ncompare = int(os.environ["COMPARES"])
for i in range(ncompare):
    mode = "maximum" if rnd.random() < 0.05 else "custom"
    m = rnd.choice(named + ["max", "qemu"])
    feats = random_features(m, rnd.choice([0, 0, 1, 2, 4]))
    gfile = os.path.join(work, "guest-%d.xml" % i)
    open(gfile, "w").write(guest_xml(m, feats, mode))
    args = ["--arch", "s390x"]
    r = rnd.random()
    if r < 0.3:
        hostmodel = maxstatic["model"]
        hostwhat = "max"
    else:
        kind = "static" if r < 0.7 else "full"
        x, err = host_expansion(kind)
        if err:
            continue  # the host itself cannot be made: not a case
        hfile = os.path.join(work, "host-%d.json" % i)
        open(hfile, "w").write(json.dumps({"return": x}) + "\n")
        args += ["--host", hfile]
        hostmodel = x["model"]
        hostwhat = "%s expansion of %s" % (kind, x["model"]["name"])
    ret, err = q.ask("query-cpu-model-comparison",
                     {"modela": hostmodel, "modelb": libvirt_model(m, feats, mode)})
    rc, out, errout = run(args + ["compare", "--format", "json", gfile])
    case = "compare %d: host %s, guest %s" % (i, hostwhat, guest_xml(m, feats, mode).replace("\n", " "))
    if err:
        report(rc == 2 and err in errout, "%s: QEMU refused (%s); cpuscope: rc %d %s" %
               (case, err, rc, errout.strip()))
        verdicts["ERROR"] = verdicts.get("ERROR", 0) + 1
        continue
    want = {"identical": "IDENTICAL", "superset": "SUPERSET"}.get(ret["result"], "INCOMPATIBLE")
    verdicts[want] = verdicts.get(want, 0) + 1
    try:
        got = json.loads(out)
    except ValueError:
        report(False, "%s: cpuscope rc %d, no JSON: %s" % (case, rc, errout.strip()))
        continue
    ok = (got["result"] == want and got["qemu-result"] == ret["result"] and
          got["responsible-properties"] == ret.get("responsible-properties", []) and
          rc == (1 if want == "INCOMPATIBLE" else 0))
    report(ok, "%s: QEMU %s %s, cpuscope %s %s (rc %d)" % (case, ret["result"],
           ret.get("responsible-properties"), got["result"], got["responsible-properties"], rc))
print("compare: %d cases, QEMU's verdicts %s" % (ncompare, dict(sorted(verdicts.items()))))
cpass, cfail = passed, failed

# ---- baseline ----
def steal(r):
    m = r["model"]
    return {"name": m["name"], "props": {k: True for k, v in m.get("props", {}).items() if v is True}}

def as_arg(c):
    o = {"name": c["name"]}
    if c.get("props"):
        o["props"] = c["props"]
    return o

def expected_baseline(cpus, features):
    base = cpus[0]
    for c in cpus[1:]:
        r, err = q.ask("query-cpu-model-baseline", {"modela": as_arg(base), "modelb": as_arg(c)})
        if err:
            return None, err
        base = steal(r)
    if features or len(cpus) == 1:
        r, err = q.ask("query-cpu-model-expansion",
                       {"type": "full" if features else "static", "model": as_arg(base)})
        if err:
            return None, err
        base = steal(r)
    names = list(base["props"])
    if features:
        names.sort()
    xml = "<cpu>\n  <model>%s</model>\n" % base["name"]
    xml += "".join("  <feature name='%s'/>\n" % n for n in names)
    return xml + "</cpu>\n\n", None

nbase = int(os.environ["BASELINES"])
vmax = int(os.environ["VIRSH_BASELINES"])  # virsh starts a QEMU for each: 1.6 s here
vpass = vfail = 0
emulator = subprocess.run(["sh", "-c", "command -v " + qemu], capture_output=True,
                          text=True).stdout.strip()
for i in range(nbase):
    k = rnd.choice([1, 2, 2, 3, 4])
    features = rnd.random() < 0.3
    drawn = []  # (cpu as QEMU gets it, guest XML or None, host reply or None), in order
    for j in range(k):
        if rnd.random() < 0.75:
            m = rnd.choice(named)
            feats = random_features(m, rnd.choice([0, 0, 1, 2]))
            drawn.append((libvirt_model(m, feats), guest_xml(m, feats), None))
        else:
            x, err = host_expansion("static")
            if err:
                x, _ = q.ask("query-cpu-model-expansion",
                             {"type": "static", "model": {"name": rnd.choice(named)}})
            drawn.append((x["model"], None, x))
    # files in the order drawn: a host expansion a file each, runs of guest
    # <cpu>s in one file or one a file
    files, run_xml = [], []
    def flush():
        if run_xml:
            f = os.path.join(work, "b%d-%d.xml" % (i, len(files)))
            open(f, "w").write("".join(run_xml))
            files.append(f)
            run_xml.clear()
    together = rnd.random() < 0.5
    for cpu, xml, host in drawn:
        if xml is not None:
            run_xml.append(xml)
            if not together:
                flush()
        else:
            flush()
            f = os.path.join(work, "b%d-%d.json" % (i, len(files)))
            open(f, "w").write(json.dumps({"return": host}) + "\n")
            files.append(f)
    flush()
    cpus = [c for c, _, _ in drawn]
    want, err = expected_baseline(cpus, features)
    args = ["--arch", "s390x", "baseline"] + (["--features"] if features else []) + files
    rc, out, errout = run(args)
    case = "baseline %d%s: %s" % (i, " --features" if features else "",
                                  " + ".join(json.dumps(c, sort_keys=True) for c in cpus))
    if err:
        report(rc == 2 and err in errout, "%s: QEMU refused (%s); cpuscope rc %d %s" %
               (case, err, rc, errout.strip()))
        continue
    report(rc == 0 and out == want, "%s:\n  QEMU:     %s\n  cpuscope: %s %s" %
           (case, want.replace("\n", " "), out.replace("\n", " "), errout.strip()))
    if virsh and vpass + vfail < vmax and all(x is not None for _, x, _ in drawn):
        allf = os.path.join(work, "b%d-all.xml" % i)
        open(allf, "w").write("".join(x for _, x, _ in drawn))
        vcmd = ["virsh", "-c", "qemu:///system", "hypervisor-cpu-baseline", "--virttype", "qemu",
                "--emulator", emulator, "--arch", "s390x", "--machine", "s390-ccw-virtio"]
        vp = subprocess.run(vcmd + (["--features"] if features else []) + [allf],
                            capture_output=True, text=True)
        if vp.stdout == out:
            vpass += 1
        else:
            vfail += 1
            print("FAIL virsh %s:\n  virsh:    %s %s\n  cpuscope: %s" % (case,
                  vp.stdout.replace("\n", " "), vp.stderr.strip(), out.replace("\n", " ")))
q.close()
bpass, bfail = passed - cpass, failed - cfail
print("baseline: %d cases; virsh hypervisor-cpu-baseline: %d of %d byte-identical" %
      (nbase, vpass, vpass + vfail))
print("agreement with QEMU: compare %d of %d, baseline %d of %d" %
      (cpass, cpass + cfail, bpass, bpass + bfail))
gp, gf = int(os.environ["GPASS"]), int(os.environ["GFAIL"])
print("RESULT: passed=%d failed=%d skipped=0" % (passed + vpass + gp, failed + vfail + gf))
sys.exit(1 if failed + vfail + gf else 0)
EOF
