#!/usr/bin/python3
"""Straightforward numpy + scipy Gi* baseline (bench/geo/run): the same LAEA projection
(Snyder 1987), the same 250 m pointy-top hex grid (axial rounding), k-ring-1 weights from a
cKDTree distance band, and Gi* (Getis & Ord 1992) on the same study area. Times the same
stages as bench_geo_tool (median of 5) and compares z with DIR/cpp_z.csv.
Usage: gi_baseline.py DIR"""
import json, sys, time
import numpy as np
from scipy.spatial import cKDTree
from scipy import sparse

A, F = 6378137.0, 1 / 298.257223563
E2 = F * (2 - F)
E = np.sqrt(E2)


def q_of(s):
    return (1 - E2) * (s / (1 - E2 * s * s) - 1 / (2 * E) * np.log((1 - E * s) / (1 + E * s)))


def laea(lon, lat, lon0, lat0):
    qp = q_of(1.0)
    phi1 = np.radians(lat0)
    b1 = np.arcsin(q_of(np.sin(phi1)) / qp)
    rq = A * np.sqrt(qp / 2)
    m1 = np.cos(phi1) / np.sqrt(1 - E2 * np.sin(phi1) ** 2)
    d = A * m1 / (rq * np.cos(b1))
    b = np.arcsin(q_of(np.sin(np.radians(lat))) / qp)
    dl = np.radians(lon) - np.radians(lon0)
    bb = rq * np.sqrt(2 / (1 + np.sin(b1) * np.sin(b) + np.cos(b1) * np.cos(b) * np.cos(dl)))
    return bb * d * np.cos(b) * np.sin(dl), (bb / d) * (np.cos(b1) * np.sin(b) - np.sin(b1) * np.cos(b) * np.cos(dl))


def hex_round(x, y, size):
    q = (np.sqrt(3) / 3 * x - y / 3) / size
    r = (2 / 3 * y) / size
    s = -q - r
    rq, rr, rs = np.round(q), np.round(r), np.round(s)
    dq, dr, ds = np.abs(rq - q), np.abs(rr - r), np.abs(rs - s)
    fix_q = (dq > dr) & (dq > ds)
    fix_r = ~fix_q & (dr > ds)
    rq = np.where(fix_q, -rr - rs, rq)
    rr = np.where(fix_r, -rq - rs, rr)
    return rq.astype(np.int64), rr.astype(np.int64)


def centres(q, r, size):
    return size * np.sqrt(3) * (q + r / 2), size * 1.5 * r


def gi_map(lonlat, grid):
    lon0, lat0, size, x0, y0, x1, y1 = grid
    x, y = laea(lonlat[:, 0], lonlat[:, 1], lon0, lat0)
    q, r = hex_round(x, y, size)
    # Study area: every cell whose centre lies in the envelope (same rule as CellIndex).
    qs, rs = np.meshgrid(np.arange(q.min() - 2, q.max() + 3), np.arange(r.min() - 2, r.max() + 3))
    qs, rs = qs.ravel(), rs.ravel()
    cx, cy = centres(qs, rs, size)
    inside = (cx >= x0) & (cx <= x1) & (cy >= y0) & (cy <= y1)
    cq, cr = qs[inside], rs[inside]
    ids = (cq - qs.min()) * 100000 + (cr - rs.min())
    order = np.argsort(ids)
    pos = np.searchsorted(ids[order], (q - qs.min()) * 100000 + (r - rs.min()))
    pos = np.clip(pos, 0, len(order) - 1)
    hit = ids[order][pos] == (q - qs.min()) * 100000 + (r - rs.min())
    counts = np.bincount(order[pos[hit]], minlength=len(cq)).astype(float)
    t_bin = time.perf_counter()
    px, py = centres(cq, cr, size)
    tree = cKDTree(np.column_stack([px, py]))
    pairs = tree.query_pairs(np.sqrt(3) * size * 1.01, output_type="ndarray")  # i < j
    n_c = len(cq)
    rows = np.concatenate([pairs[:, 0], pairs[:, 1], np.arange(n_c)])  # both ways, and the
    cols = np.concatenate([pairs[:, 1], pairs[:, 0], np.arange(n_c)])  # "star": i itself
    w = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_c, n_c))
    t_w = time.perf_counter()
    n = len(counts)
    mean = counts.mean()
    s = np.sqrt((counts ** 2).mean() - mean ** 2)
    wi = np.asarray(w.sum(axis=1)).ravel()
    s1 = np.asarray(w.multiply(w).sum(axis=1)).ravel()
    den = s * np.sqrt((n * s1 - wi ** 2) / (n - 1))
    z = np.where(den > 0, (w @ counts - mean * wi) / np.where(den > 0, den, 1), 0.0)
    return cq, cr, counts, z, t_bin, t_w


def main():
    d = sys.argv[1]
    lonlat = np.fromfile(f"{d}/lonlat.f64", dtype="<f8").reshape(-1, 2)
    grid = [float(v) for v in open(f"{d}/grid.txt").read().split()]
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        cq, cr, counts, z, t_bin, t_w = gi_map(lonlat, grid)
        t1 = time.perf_counter()
        times.append((t_bin - t0, t_w - t_bin, t1 - t_w, t1 - t0))
    med = [sorted(t[i] for t in times)[2] for i in range(4)]
    cpp = np.loadtxt(f"{d}/cpp_z.csv", delimiter=",", skiprows=1)
    cpp_key = {(int(a), int(b)): (c, zz) for a, b, c, zz in cpp}
    assert len(cpp_key) == len(cq), f"cell sets differ: C++ {len(cpp_key)}, Python {len(cq)}"
    dz, dc = 0.0, 0.0
    for a, b, c, zz in zip(cq, cr, counts, z):
        cc, cz = cpp_key[(int(a), int(b))]
        dz, dc = max(dz, abs(cz - zz)), max(dc, abs(cc - c))
    print(json.dumps({"py_project_bin_s": round(med[0], 4), "py_weights_s": round(med[1], 4),
                      "py_gi_s": round(med[2], 4), "py_gi_map_s": round(med[3], 4),
                      "max_abs_z_diff": dz, "max_abs_count_diff": dc, "py_cells": len(cq)}))


main()
