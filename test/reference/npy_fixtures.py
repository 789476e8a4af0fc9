"""Writes test/fixtures/npy/: .npy files as numpy itself writes them, for the tests of distill's .npy reader
(core/src/io/npy.ts). `matrix.npy` is the float32 matrix listed in `matrix.json`; the others are files distill must
refuse (another dtype, Fortran order, three dimensions) or read (format version 2.0).

    python3 test/reference/npy_fixtures.py
"""
import json
import pathlib

import numpy as np

OUT = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "npy"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    matrix = (rng.standard_normal((5, 3)) * 4).astype(np.float32)
    np.save(OUT / "matrix.npy", matrix)
    # float32 values written as JSON numbers survive the round trip exactly (shortest repr of the float32's double).
    (OUT / "matrix.json").write_text(json.dumps({"shape": list(matrix.shape), "values": [float(v) for v in matrix.ravel()]}) + "\n")
    with open(OUT / "matrix-v2.npy", "wb") as f:
        np.lib.format.write_array(f, matrix, version=(2, 0))
    np.save(OUT / "float64.npy", matrix.astype(np.float64))
    np.save(OUT / "fortran.npy", np.asfortranarray(matrix))
    np.save(OUT / "three-d.npy", matrix.reshape(5, 3, 1))


if __name__ == "__main__":
    main()
