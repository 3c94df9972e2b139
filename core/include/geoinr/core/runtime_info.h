// SPDX-License-Identifier: MIT
// What the running process uses: GeoINR and LibTorch versions, BLAS library, threads, CUDA.
#pragma once

#include <string>

namespace geoinr::core
{

/** GeoINR version, e.g. "0.1.0". */
std::string geoinrVersion();

/** LibTorch version the library was compiled against, e.g. "1.13.1". */
std::string torchVersion();

/** Resolved path of the BLAS library that serves sgemm_ (tells OpenBLAS from reference BLAS). */
std::string blasLibrary();

/** Number of LibTorch intra-op threads. */
int torchThreads();

/** Whether a CUDA device is usable. */
bool cudaAvailable();

} // namespace geoinr::core
