#!/usr/bin/env python3
"""Praat reference pitch of every EmoDB 2-s file, written as test/fixtures/praat/emodb-f0.json.

Reference data for `npm run eval:dsp` (pitch_gpe_vs_praat, voicing_agreement_vs_praat). Reads the
original full-band files (22 050 Hz, 16-bit) from $EMODB_DIR/wav (default <repo>/../shared/data/emodb)
and runs Praat's autocorrelation pitch tracker through praat-parselmouth. Python and parselmouth
are only needed to regenerate this fixture, never by the product. See README.md next to this file.
"""
import json
import os
import sys
from pathlib import Path

import parselmouth

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "test" / "fixtures" / "praat" / "emodb-f0.json"

# Praat "Sound: To Pitch (ac)..." with Praat's own defaults except time step, floor and ceiling.
SETTINGS = {
    "time_step": 0.01,
    "pitch_floor": 60.0,
    "max_number_of_candidates": 15,
    "very_accurate": False,
    "silence_threshold": 0.03,
    "voicing_threshold": 0.45,
    "octave_cost": 0.01,
    "octave_jump_cost": 0.35,
    "voiced_unvoiced_cost": 0.14,
    "pitch_ceiling": 500.0,
}


def compact(v: float) -> float | int:
    """0.0 -> 0 and 120.0 -> 120 keep the JSON small."""
    return int(v) if v.is_integer() else v


def main() -> None:
    root = Path(os.environ.get("EMODB_DIR") or REPO.parent / "shared" / "data" / "emodb")
    wavs = sorted((root / "wav").glob("*.wav"))
    if not wavs:
        sys.exit(f"no wav files under {root / 'wav'} (set EMODB_DIR)")
    files = {}
    for i, path in enumerate(wavs):
        sound = parselmouth.Sound(str(path))
        pitch = sound.to_pitch_ac(**SETTINGS)
        f0 = pitch.selected_array["frequency"]  # 0 where Praat's path is unvoiced
        files[path.stem] = {
            "t0S": round(float(pitch.xs()[0]), 6),
            "f0": [compact(round(float(v), 1)) for v in f0],
        }
        if (i + 1) % 50 == 0:
            print(f"{i + 1}/{len(wavs)}", file=sys.stderr)
    doc = {
        "tool": f"Praat {parselmouth.PRAAT_VERSION} via praat-parselmouth {parselmouth.__version__}: "
        "Sound.to_pitch_ac (Praat 'To Pitch (ac)...') on the original 22050 Hz files",
        "settings": SETTINGS,
        "timeStepS": SETTINGS["time_step"],
        "note": "f0[i] is the pitch in Hz (rounded to 0.1) of the frame centred at t0S + i * timeStepS; 0 = unvoiced",
        "files": files,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, separators=(",", ":"))
        fh.write("\n")
    print(f"wrote {len(files)} files to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
