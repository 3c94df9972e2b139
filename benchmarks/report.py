#!/usr/bin/python3
"""Turns encoder_benchmarks JSON output into the README's Markdown table of ratios.

Usage: encoder_benchmarks --benchmark_format=json > bench.json; benchmarks/report.py bench.json
Every throughput is divided by the torch::mm GFLOP/s measured in the same run, so the ratios
compare across machines far better than absolute numbers.
"""
import json
import sys


def main(path):
    with open(path) as f:
        data = json.load(f)
    rows = data["benchmarks"]
    mm = next(r for r in rows if r["name"].startswith("BM_TorchMm"))
    gflops = mm["GFLOP/s"]
    ctx = data["context"]
    print(f"Reference: torch::mm 1024^3 float32 = {gflops:.1f} GFLOP/s "
          f"(LibTorch {ctx.get('libtorch')}, {ctx.get('torch_threads')} torch thread(s), "
          f"BLAS {ctx.get('blas')}, {ctx.get('num_cpus')} CPUs)\n")
    print("| benchmark | output dims | points/s | points/s per mm-GFLOP/s |")
    print("|---|---|---|---|")
    for r in rows:
        if "items_per_second" not in r:
            continue
        name = r["name"].replace("BM_Encoder/", "").replace("BM_", "")
        dims = int(r["dims"]) if "dims" in r else "-"
        ips = r["items_per_second"]
        print(f"| {name} | {dims} | {ips:,.0f} | {ips / gflops:,.0f} |")


if __name__ == "__main__":
    main(sys.argv[1])
