#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Makes the data of examples/amp_model: real recorded instrument audio and
the same audio through a real effect that nobody here wrote.

    python3 tools/make_amp_data.py OUT_DIR [--seconds 180] [--seed 1]

Needs Debian's fluidsynth, fluid-soundfont-gm and sox (the README's command
installs them); Python's standard library only, so any python3 runs it.

  1. OUT_DIR/clean.mid: a MIDI file written byte by byte (format 0, 120 bpm,
     program 27 = "Electric Guitar (clean)"): single notes, power chords and
     triads between E2 and E5, eighth notes to whole notes, velocities 25-120
     (soft to hard picking), short rests — chosen by random.Random(seed).
  2. OUT_DIR/clean.wav: rendered by
       fluidsynth -ni -g 0.8 -F clean_stereo.wav -r 48000 FluidR3_GM.sf2 clean.mid
       sox -D clean_stereo.wav -c 1 -b 16 clean.wav     (mono, 16-bit, 48 kHz)
  3. OUT_DIR/target.wav: the effect, exactly
       sox -D clean.wav target.wav overdrive 20 20 lowpass 3000
     (sox's overdrive, gain 20 dB and colour 20, then a 2-pole low-pass at 3 kHz;
     sox warns that the low-pass clips a handful of samples, and so it does)
-D: no dither, so the files are the same bits on every run (sox dithers with
random noise by default when it requantises to 16 bits).
"""
import argparse
import random
import shutil
import struct
import subprocess
import sys
from pathlib import Path

SOUNDFONT = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")
TICKS = 480  # per quarter note; 120 bpm: 960 ticks per second


def vlq(n):
    out = [n & 0x7F]
    n >>= 7
    while n:
        out.append(0x80 | (n & 0x7F))
        n >>= 7
    return bytes(reversed(out))


def song(seconds, seed):
    """(tick, is_on, note, velocity) events for about `seconds` of music."""
    rng = random.Random(seed)
    pick = lambda seq: seq[int(rng.random() * len(seq))]  # noqa: E731 (random() is stable across versions)
    events, t = [], 0
    end = int(seconds * 2 * TICKS)
    while t < end:
        kind = rng.random()
        root = 40 + int(rng.random() * 25)  # E2 .. E4
        if kind < 0.45:
            notes = [root + int(rng.random() * 12)]  # single note, up to E5
        elif kind < 0.75:
            notes = [root, root + 7, root + 12]  # power chord
        else:
            third = pick([3, 4])
            notes = [root, root + third, root + 7]  # minor / major triad
        length = pick([TICKS // 2, TICKS // 2, TICKS, TICKS, 2 * TICKS, 4 * TICKS])
        velocity = 25 + int(rng.random() * 96)
        for i, n in enumerate(notes):
            strum = i * int(rng.random() * 40)  # a strummed chord
            events.append((t + strum, True, n, velocity))
            events.append((t + length - 10, False, n, 0))
        t += length
        if rng.random() < 0.15:
            t += pick([TICKS // 2, TICKS])  # a rest
    events.sort(key=lambda e: (e[0], e[1]))  # note-offs before note-ons at the same tick
    return events


def write_midi(path, events):
    track = bytearray()
    track += vlq(0) + b"\xff\x51\x03" + (500000).to_bytes(3, "big")  # tempo: 120 bpm
    track += vlq(0) + b"\xc0\x1b"  # program change: 27, Electric Guitar (clean)
    last = 0
    for tick, on, note, vel in events:
        track += vlq(tick - last) + (b"\x90" if on else b"\x80") + bytes([note, vel])
        last = tick
    track += vlq(0) + b"\xff\x2f\x00"  # end of track
    data = b"MThd" + struct.pack(">IHHH", 6, 0, 1, TICKS) + b"MTrk" + struct.pack(">I", len(track)) + track
    path.write_bytes(data)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--seconds", type=float, default=180.0, help="length of the music (default 180)")
    ap.add_argument("--seed", type=int, default=1, help="the note generator's seed (default 1)")
    args = ap.parse_args()
    missing = [tool for tool in ("fluidsynth", "sox") if shutil.which(tool) is None]
    if missing or not SOUNDFONT.exists():
        print("make_amp_data: needs Debian's fluidsynth, fluid-soundfont-gm and sox "
              f"(missing: {', '.join(missing + ([] if SOUNDFONT.exists() else [str(SOUNDFONT)]))}); "
              "apt-get install fluidsynth fluid-soundfont-gm sox", file=sys.stderr)
        return 2
    out = args.out_dir
    out.mkdir(parents=True, exist_ok=True)
    write_midi(out / "clean.mid", song(args.seconds, args.seed))
    run = lambda *cmd: subprocess.run(cmd, check=True, capture_output=True)  # noqa: E731
    run("fluidsynth", "-ni", "-g", "0.8", "-F", str(out / "clean_stereo.wav"), "-r", "48000", str(SOUNDFONT),
        str(out / "clean.mid"))
    run("sox", "-D", str(out / "clean_stereo.wav"), "-c", "1", "-b", "16", str(out / "clean.wav"))
    (out / "clean_stereo.wav").unlink()
    run("sox", "-D", str(out / "clean.wav"), str(out / "target.wav"), "overdrive", "20", "20", "lowpass", "3000")
    print(f"make_amp_data: wrote {out}/clean.mid, clean.wav and target.wav "
          "(target = sox -D clean.wav target.wav overdrive 20 20 lowpass 3000)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
