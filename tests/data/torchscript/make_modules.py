#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Writes the TorchScript location encoders that tests/core/test_torchscript_encoder.cpp loads, and
# the outputs Python computes for them at fixed points. Run with Debian's python3-torch (1.13, the
# LibTorch version GeoINR builds against):  /usr/bin/python3 make_modules.py
# The files are committed; rerun only to change them (and update the test's SHA-256 constants).
import json
import math
import os

import torch


class SinCosLinear(torch.nn.Module):
    """sin/cos of lon and lat (radians) at two frequencies, then a Linear 8 -> 5 and tanh."""

    def __init__(self):
        super().__init__()
        self.head = torch.nn.Linear(8, 5)
        with torch.no_grad():
            # Fixed, exactly representable weights: w[i][j] = (i - 2) / 4 + (j - 3) / 16.
            w = torch.tensor([[(i - 2) / 4 + (j - 3) / 16 for j in range(8)] for i in range(5)])
            self.head.weight.copy_(w)
            self.head.bias.copy_(torch.tensor([0.5, -0.25, 0.0, 0.125, -0.5]))
        self.register_buffer("freqs", torch.tensor([1.0, 2.0]))

    def forward(self, lonlat: torch.Tensor) -> torch.Tensor:
        rad = lonlat * (math.pi / 180.0)
        x = rad.unsqueeze(-1) * self.freqs  # [N, 2, 2]
        feats = torch.cat([torch.sin(x), torch.cos(x)], dim=-1).reshape(lonlat.shape[0], 8)
        return torch.tanh(self.head(feats))


class Scaled(torch.nn.Module):
    """Parameter-free: [lon / 180, lat / 90, lon * lat / 16200]."""

    def forward(self, lonlat: torch.Tensor) -> torch.Tensor:
        lon = lonlat[:, 0:1] / 180.0
        lat = lonlat[:, 1:2] / 90.0
        return torch.cat([lon, lat, lon * lat], dim=1)


class WrongShape(torch.nn.Module):
    """Returns [N] instead of [N, D]: the loader must refuse it."""

    def forward(self, lonlat: torch.Tensor) -> torch.Tensor:
        return lonlat.sum(dim=1)


POINTS = [
    [0.0, 0.0],
    [180.0, 0.0],
    [-180.0, -90.0],
    [-122.4, 37.8],
    [151.2, -33.9],
    [10.5, 89.0],
]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    points = torch.tensor(POINTS, dtype=torch.float32)
    expected = {"torch": torch.__version__, "points": POINTS}
    for name, module in [("sincos_linear", SinCosLinear()), ("scaled", Scaled())]:
        scripted = torch.jit.script(module.eval())
        scripted.save(os.path.join(here, name + ".pt"))
        with torch.no_grad():
            out = scripted(points)
        # repr of float32 values as float64 is exact, so the test can compare bit for bit.
        expected[name] = out.double().tolist()
    torch.jit.script(WrongShape()).save(os.path.join(here, "wrong_shape.pt"))
    # float64 weights, traced (as for SatCLIP, whose encoder is float64 and not scriptable): the
    # loader must feed it float64. Inputs: the float32 points widened, as GeoINR passes them.
    traced = torch.jit.trace(SinCosLinear().double().eval(), torch.zeros(2, 2, dtype=torch.float64))
    traced.save(os.path.join(here, "traced_float64.pt"))
    with torch.no_grad():
        expected["traced_float64"] = traced(points.double()).tolist()
    with open(os.path.join(here, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
