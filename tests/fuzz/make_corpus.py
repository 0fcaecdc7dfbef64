#!/usr/bin/python3
"""make_corpus.py: the fuzz harnesses' seed corpora (tests/fuzz/corpus/NAME/), made again.

Usage (from the project root): /usr/bin/python3 tests/fuzz/make_corpus.py SYNTH_DIR
  SYNTH_DIR: where `ictus synth` studies were made, short ones (tests/fuzz/README.md):
    kind  -m 6hz-kindling-mouse -n 2 -d 1 --hours 0.05 --fs 200 -j 1
    gaps  -m dravet-mouse -n 2 -d 3 --hours 0.05 --fs 200 --gaps -j 1
    flac  -m ihka-mouse -n 1 -d 1 --hours 0.02 --fs 200 -f flac -j 1
Sources: ../shared/data (EDF/BDF and WAV conformance files) cut down to a header
and one or two data records, the synthetic studies' recordings and manifests,
the shipped presets and study template, and a few hand-written inputs for what
those lack (TALs with durations, RF64/AIFF headers, dosing rows).  Every file
is kept under 64 KiB; the whole corpus stays well under 2 MB.  Deterministic:
the same inputs give the same bytes.
"""
import os
import shutil
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "fuzz", "corpus")
DATA = os.path.join(ROOT, "..", "shared", "data")
MAX_FILE = 60 * 1024
MAX_RECORDS = 16 * 1024  # records inputs: small, for speed (one or two records)
SEP = b"\n=====\n"  # fuzz.h FUZZ_SPLIT


def put(harness, name, data):
    assert len(data) <= MAX_FILE, (harness, name, len(data))
    d = os.path.join(OUT, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def edf_layout(b):
    """(header_bytes, record_bytes, [(label, offset, bytes)]) of an EDF/BDF file's bytes."""
    ns = int(b[252:256].decode().strip())
    bps = 3 if b[0] == 0xFF else 2
    labels = [b[256 + 16 * i:256 + 16 * (i + 1)].decode("latin-1").strip() for i in range(ns)]
    at = 256 + ns * (16 + 80 + 8 + 8 + 8 + 8 + 8 + 80)
    spr = [int(b[at + 8 * i:at + 8 * (i + 1)].decode().strip()) for i in range(ns)]
    sigs, off = [], 0
    for lab, n in zip(labels, spr):
        sigs.append((lab, off, n * bps))
        off += n * bps
    return 256 * (ns + 1), off, sigs


def with_records(b, header_bytes, record_bytes, n):
    """The header with its record count set to n, and the first n records."""
    h = bytearray(b[:header_bytes])
    h[236:244] = str(n).ljust(8).encode()
    return bytes(h) + b[header_bytes:header_bytes + n * record_bytes]


def edf_files():
    files = []
    for sub in ("edf-conformance",):
        for dirpath, _, names in sorted(os.walk(os.path.join(DATA, sub))):
            for n in sorted(names):
                if n.endswith((".edf", ".bdf")):
                    files.append(os.path.join(dirpath, n))
    for study in ("kind", "gaps"):
        d = os.path.join(SYNTH, study, "recordings")
        files += [os.path.join(d, n) for n in sorted(os.listdir(d))][:3]
    return files


def edf_corpora():
    seen = set()
    for path in edf_files():
        with open(path, "rb") as f:
            b = f.read()
        hb, rb, sigs = edf_layout(b)
        base = os.path.basename(os.path.dirname(path)) + "_" + os.path.basename(path)
        base = base.replace("recordings_", os.path.basename(os.path.dirname(os.path.dirname(path))) + "_")
        key = b[:hb]
        if key in seen:
            continue
        seen.add(key)
        put("edf_header", base, b[:hb])
        for n in (1, 2):
            if hb + n * rb <= MAX_RECORDS:
                put("records", "%s.%drec" % (base, n), with_records(b, hb, rb, n))
        if hb + rb <= MAX_RECORDS:
            # the header promises more records than follow: the partial open
            put("records", base + ".cut", b[:hb + rb + rb // 3])
        # annotation signals of the first records
        for lab, off, nbytes in sigs:
            if lab in ("EDF Annotations", "BDF Annotations"):
                for r in range(min(2, (len(b) - hb) // max(rb, 1))):
                    tal = b[hb + r * rb + off:hb + r * rb + off + nbytes]
                    if tal.strip(b"\0") and tal not in seen:
                        seen.add(tal)
                        put("tal", "%s.r%d" % (base, r), tal)
                break


def edf_header_variants():
    """Hand-made headers from a synthetic EDF+ one (3 signals: HPC, CTX, EDF Annotations), one
    field changed each, for the branches the files above do not reach (issue 16's coverage):
    control and non-ASCII bytes in text fields, exponents in numbers, a bad time, version or
    sign, a BDF calling itself EDF+, an EDF+ without an annotation signal."""
    with open(os.path.join(OUT, "edf_header", "gaps_M01_20260105_080300.edf"), "rb") as f:
        base = f.read()[:1024]

    def field(at, width, text):
        h = bytearray(base)
        h[at:at + width] = text.ljust(width)[:width]
        return h

    def signal(h, first, width, i, text):  # signal i's field of `width` starting at `first`
        h[first + width * i:first + width * (i + 1)] = text.ljust(width)[:width]
        return h

    variants = {
        "control_bytes": field(8, 80, b"M01\x01X X\tX"),
        "utf8_patient": field(8, 80, b"M01 X X Jos\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\x81"),
        "bad_utf8_lead": field(8, 80, b"M01 X X \xc3A \xe9"),
        "start_time_colons": field(176, 8, b"08:03:00"),
        "version_1": field(0, 8, b"1"),
        "records_sign_only": field(236, 8, b"+"),
        "bdf_says_edf_plus": field(0, 8, b"\xffBIOSEMI"),
        "plus_without_annotations": signal(bytearray(base), 256, 16, 2, b"Event"),
    }
    h = bytearray(base)  # physical extremes with exponents, one beyond 10^22
    signal(h, 568, 8, 0, b"-1e3")
    signal(h, 592, 8, 0, b"1E+3")
    signal(h, 568, 8, 1, b"-1e-30")
    signal(h, 592, 8, 1, b"1e30")
    variants["exponents"] = h
    variants["exponent_too_large"] = signal(bytearray(base), 592, 8, 0, b"1e999")
    variants["exponent_empty"] = signal(bytearray(base), 592, 8, 0, b"1e")
    variants["number_trailing_text"] = signal(bytearray(base), 592, 8, 0, b"1.5x")
    for name, h in sorted(variants.items()):
        put("edf_header", "hand_" + name, bytes(h))


def tal_corpus():
    hand = [
        b"+0\x14\x14\x00",
        b"+0\x14\x14\x00+12.5\x1530\x14seizure\x14\x00",
        b"+3600.0000001\x14\x14\x00+3601\x150.25\x14stim 6 Hz\x14more\x14\x00\x00\x00",
        b"-0.5\x14\x14\x00+0.125\x14Racine 5\x14\x00",
        b"+0\x14\x14\x00+1\x14\xc3\xa9l\xc3\xa9ment\x14\x00",
    ]
    for i, t in enumerate(hand):
        put("tal", "hand_%d" % i, t)


def riff(tag, body):
    return tag + struct.pack("<I", len(body)) + body + (b"\0" if len(body) % 2 else b"")


def sound_corpus():
    d = os.path.join(DATA, "wav-conformance", "scipy_io_tests")
    for n in sorted(os.listdir(d)):
        with open(os.path.join(d, n), "rb") as f:
            b = f.read()
        put("sound", n, b[:8192])
    d = os.path.join(SYNTH, "flac", "recordings")
    for n in sorted(os.listdir(d)):
        with open(os.path.join(d, n), "rb") as f:
            put("sound", n, f.read()[:MAX_FILE])
    # 16-bit stereo PCM, 8 frames
    fmt = struct.pack("<HHIIHH", 1, 2, 500, 2000, 4, 16)
    data = bytes(range(32))
    put("sound", "hand_pcm16.wav", b"RIFF" + struct.pack("<I", 4 + 8 + 16 + 8 + 32) + b"WAVE" +
        riff(b"fmt ", fmt) + riff(b"data", data))
    # the same with the data size never written (a recorder that crashed)
    put("sound", "hand_unfinished.wav", b"RIFF" + struct.pack("<I", 0) + b"WAVE" +
        riff(b"fmt ", fmt) + b"data" + struct.pack("<I", 0) + data)
    # RF64 with its ds64 chunk
    ds64 = struct.pack("<QQQI", 4 + 36 + 8 + 24 + 8 + 32, 32, 8, 0)
    put("sound", "hand.rf64", b"RF64" + struct.pack("<I", 0xFFFFFFFF) + b"WAVE" +
        riff(b"ds64", ds64) + riff(b"fmt ", fmt) + b"data" + struct.pack("<I", 0xFFFFFFFF) + data)
    # AIFF: COMM (channels, frames, bits, 80-bit rate 500 Hz) and SSND
    rate = b"\x40\x07\xfa" + b"\x00" * 7
    comm = struct.pack(">hIh", 2, 8, 16) + rate
    ssnd = struct.pack(">II", 0, 0) + data
    body = b"AIFF" + b"COMM" + struct.pack(">I", len(comm)) + comm + b"SSND" + \
        struct.pack(">I", len(ssnd)) + ssnd
    put("sound", "hand.aiff", b"FORM" + struct.pack(">I", len(body)) + body)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def config_corpora():
    pdir = os.path.join(ROOT, "detectors", "presets")
    for n in sorted(os.listdir(pdir)):
        if n.endswith(".ini"):
            put("config", n, read(os.path.join(pdir, n)))
            put("preset", n, read(os.path.join(pdir, n)))
    put("config", "template_study.ini", read(os.path.join(ROOT, "docs", "study-template", "study.ini")))
    put("config", "synth_study.ini", read(os.path.join(SYNTH, "kind", "study.ini")))
    put("preset", "overrides.ini", b"[preset]\nname = x\nversion = 2\n[detector]\non_ratio = 3\n"
        b"[score]\nbin_s = 0.5\n")


DOSING = (b"animal,period,drug,dose_mg_kg,route,start,end,tolerated,plasma_level\n"
          b"M01,baseline,,,,2026-01-05T08:00,2026-01-12T08:00,,\n"
          b"M01,treatment,levetiracetam,100,ip,2026-01-12T08:00,2026-01-19T08:00,yes,\n"
          b"M02,vehicle,,,ip,2026-01-05,2026-01-06,,\n")
ANNOT = (b"recording,animal,start_s,end_s,type,racine,scorer\n"
         b"M01_20260105_080000.edf,M01,12.5,40,convulsive,5,AB\n"
         b",M02,,,,,\n")
ANNOT_WALL = b"animal,start,end,type\nM01,2026-01-05T08:00:10,2026-01-05 08:00:30.5,hpd\n"


def join(*parts):
    return SEP.join(p.rstrip(b"\n") for p in parts) + b"\n"


def study_corpus():
    for s in ("kind", "gaps"):
        d = os.path.join(SYNTH, s)
        put("study", s, join(read(os.path.join(d, "animals.csv")), read(os.path.join(d, "recordings.csv")),
                             DOSING, ANNOT))
    put("study", "animals_only", read(os.path.join(SYNTH, "kind", "animals.csv")))
    put("study", "bom_crlf", join(b"\xef\xbb\xbfanimal,model,sex\r\nM01,ihka-mouse,F\r\n\"M,2\",,M\r\n",
                                  b"file,animal,channels,start_time,video\r\n"
                                  b"a.wav,M01,HPC=1;CTX=2,2026-01-05 08:00,a.mp4\r\n",
                                  DOSING, ANNOT_WALL))


def score_corpus():
    truth = b"recording,animal,start_s,end_s,type\nA.edf,M01,10,40,convulsive\nA.edf,M01,100,130,\n"
    events = (b"recording,animal,channel,start_s,end_s,duration_s,start_time,type,score,preset\n"
              b"A.edf,M01,HPC,12,38,26,2026-01-05T08:00:12,convulsive,0.9,ihka-mouse@1\n"
              b"B.edf,M02,HPC,5,9,4,2026-01-05T08:00:05,,,\n")
    put("score", "seconds", join(truth, events))
    put("score", "wall", join(b"animal,start,end\nM01,2026-01-05T08:00:10,2026-01-05T08:00:40\n",
                              b"animal,start,end,type\nM01,2026-01-05 08:00:12,2026-01-05 08:00:35,x\n"))
    put("score", "synth_truth", join(read(os.path.join(SYNTH, "gaps", "truth.csv")) +
                                     b"M01_20260105_080000.edf,M01,1,2,0,\n", truth))
    # rows the scorer notes and skips (issue 16's coverage): not a number, end before start,
    # seconds without a recording, ISO times not dates or on a recording it cannot read
    put("score", "hand_bad_rows", join(b"recording,start_s,end_s\nA.edf,x,5\nA.edf,5,1\n", events))
    put("score", "hand_seconds_no_recording", join(b"animal,start_s,end_s\nM01,1,2\n", events))
    put("score", "hand_iso_rows", join(b"recording,animal,start,end\n"
                                       b"A.edf,M01,2026-01-05T08:00:10,2026-01-05T08:00:40\n"
                                       b"A.edf,M01,yesterday,today\n", events))


def stimlist_corpus():
    head = read(os.path.join(SYNTH, "kind", "stimulations.csv"))
    put("stimlist", "synth", head + b"K01_d01.edf,K01,30,32,2026-01-05T08:00:30,6,32,2\n"
        b"K01_d01.edf,K01,300.5,302.5,2026-01-05T08:05:00.5,6,32,\n"
        b"a.edf,M01,0,2,,6,24,0\n")
    put("stimlist", "minimal", b"recording,start_s\nrecordings/a.edf,1e3\n\"x\",0\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    SYNTH = sys.argv[1]
    shutil.rmtree(OUT, ignore_errors=True)
    edf_corpora()
    edf_header_variants()
    tal_corpus()
    sound_corpus()
    config_corpora()
    study_corpus()
    score_corpus()
    stimlist_corpus()
    total = sum(os.path.getsize(os.path.join(dp, n)) for dp, _, ns in os.walk(OUT) for n in ns)
    print("corpus: %d bytes" % total)
